"""Grad mode and the global switches recording reads: gradients on or
off, closed-form bookkeeping, anomaly detection."""
import functools

from ..tensor import _clock


_state = {"grad": True, "anomaly": False, "symbolic": True}


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
    return _state["grad"]


class _GradMode:
    """Context manager and decorator that sets grad mode, as ``torch.no_grad``."""
    _mode = None

    def __enter__(self):
        self._prev = _state["grad"]
        _state["grad"] = self._mode

    def __exit__(self, *exc):
        _state["grad"] = self._prev

    def __call__(self, fn):

        @functools.wraps(fn)
        def wrapper(*a, **k):
            with self.__class__():
                return fn(*a, **k)
        return wrapper


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

    def __init__(self, mode):
        self._prev = _state["grad"]
        self._mode = bool(mode)
        _state["grad"] = self._mode

    def __enter__(self):
        pass

    def __call__(self, fn):
        _state["grad"] = self._prev

        @functools.wraps(fn)
        def wrapper(*a, **k):
            prev = _state["grad"]
            _state["grad"] = self._mode
            try:
                return fn(*a, **k)
            finally:
                _state["grad"] = prev
        return wrapper


class inference_mode(no_grad):
    """Alias of ``no_grad`` (symgrad has no separate inference tensors)."""

    def __init__(self, mode=True):
        self._mode = not mode
