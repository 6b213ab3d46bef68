"""Grad mode and the global switches recording reads: gradients on or
off, closed-form bookkeeping, anomaly detection."""
import functools
import inspect
import threading

from ..tensor import _clock, _inference


_state = {"anomaly": False, "symbolic": True}


class _Local(threading.local):
    grad = True         # grad mode is each thread's own, and on in a new thread, as PyTorch's


_tls = _Local()


def modified(t):
    """Count an in-place write to ``t``'s values (a write outside any graph
    also advances the clock that accumulated gradients compare)."""
    t._vc[0] += 1
    if t._node is None:
        _clock[0] += 1


def set_symbolic(enabled):
    """Switch the closed-form bookkeeping on or off.  Off, the numbers are
    unchanged but gradients computed meanwhile have no closed form
    (``.expr`` raises), and constants are not kept for closed forms.

    >>> import symgrad as sg
    >>> sg.set_symbolic(False); sg.is_symbolic_enabled()
    False
    >>> sg.set_symbolic(True)
    """
    _state["symbolic"] = bool(enabled)


def is_symbolic_enabled():
    """True while closed-form bookkeeping is recorded (the default)."""
    return _state["symbolic"]


def is_grad_enabled():
    """True when new ops are recorded for autograd.

    >>> import symgrad as sg
    >>> sg.is_grad_enabled()
    True
    """
    return _tls.grad


class _GradMode:
    """Context manager and decorator that sets grad mode, as ``torch.no_grad``;
    usable as a bare decorator too (``@no_grad``)."""
    _mode = None

    def __new__(cls, orig_func=None):
        self = object.__new__(cls)
        return self if orig_func is None else self(orig_func)

    def __enter__(self):
        self._prev = _tls.grad
        _tls.grad = self._mode

    def __exit__(self, *exc):
        _tls.grad = self._prev

    def __call__(self, fn):
        return _decorated(fn, self._mode)


def _enter(mode, inference=None):
    prev = (_tls.grad, _inference.on)
    if mode is not None:            # None: grad mode as it is
        _tls.grad = mode
    if inference is not None:
        _inference.on = inference
    return prev


def _leave(prev):
    _tls.grad, _inference.on = prev


def _decorated(fn, mode, inference=None):
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def generator(*a, **k):
            return (yield from _resumed_in(mode, inference, fn(*a, **k)))
        return generator

    @functools.wraps(fn)
    def wrapper(*a, **k):
        prev = _enter(mode, inference)
        try:
            return fn(*a, **k)
        finally:
            _leave(prev)
    return wrapper


def _resumed_in(mode, inference, gen):
    # each resume of a decorated generator runs in the decorator's mode, and
    # the caller's code between resumes in its own, as PyTorch's decorators do
    resume, value = gen.send, None
    while True:
        prev = _enter(mode, inference)
        try:
            item = resume(value)
        except StopIteration as stop:
            return stop.value
        finally:
            _leave(prev)
        try:
            value, resume = (yield item), gen.send
        except GeneratorExit:
            gen.close()
            raise
        except BaseException as exc:
            value, resume = exc, gen.throw


class no_grad(_GradMode):
    """Disable recording inside a ``with`` block or a decorated function.

    >>> import symgrad as sg
    >>> x = sg.ones(2, requires_grad=True)
    >>> with sg.no_grad():
    ...     print((x * 2).requires_grad)
    False
    """
    _mode = False


class enable_grad(_GradMode):
    """Re-enable recording inside ``no_grad``.

    >>> import symgrad as sg
    >>> with sg.no_grad(), sg.enable_grad():
    ...     print(sg.is_grad_enabled())
    True
    """
    _mode = True


class set_grad_enabled(_GradMode):
    """Set grad mode: as a function call it takes effect at once; as a context
    manager or decorator it restores the previous mode afterwards.

    >>> import symgrad as sg
    >>> with sg.set_grad_enabled(False):
    ...     print(sg.is_grad_enabled())
    False
    """

    def __new__(cls, mode):
        return object.__new__(cls)

    def __init__(self, mode):
        self._prev = _tls.grad
        self._mode = bool(mode)
        _tls.grad = self._mode

    def __enter__(self):
        pass

    def __call__(self, fn):
        _tls.grad = self._prev
        return _decorated(fn, self._mode)


class inference_mode(_GradMode):
    """``no_grad`` that also marks every tensor made inside as an inference
    tensor, which recorded ops may not save for backward
    (``inference_mode(False)``: grad mode as it is, inference mode off).

    >>> import symgrad as sg
    >>> with sg.inference_mode():
    ...     print(sg.is_inference_mode_enabled(), sg.is_grad_enabled())
    True False
    """

    def __new__(cls, mode=True):
        self = object.__new__(cls)
        if callable(mode):          # a bare decorator
            self._mode, self._inference = False, True
            return self(mode)
        self._mode, self._inference = False if mode else None, bool(mode)
        return self

    def __init__(self, mode=True):
        pass

    def __enter__(self):
        self._prev = _enter(self._mode, self._inference)

    def __exit__(self, *exc):
        _leave(self._prev)

    def __call__(self, fn):
        return _decorated(fn, self._mode, self._inference)


def is_inference_mode_enabled():
    """True inside ``inference_mode()``.

    >>> import symgrad as sg
    >>> sg.is_inference_mode_enabled()
    False
    """
    return _inference.on
