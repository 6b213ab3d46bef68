"""The answer of ``symgrad.verify`` and the time-limited worker its proofs
run in."""
import ctypes
import gc
import threading
import time


class Counterexample:
    """Where a claim fails: the element ``index``, the leaf values it reads
    (``values``: display text -> number), the ``claimed`` and ``actual``
    numbers there, which ``point`` (``"the tensor's own values"`` or
    ``"random point <n>"``), and at a random point all leaf values
    (``leaves``: name -> array) so the failure can be reproduced.

    >>> from symgrad.verify.verdict import Counterexample
    >>> Counterexample((0, 0), {"x[0, 0]": 1.0}, 9.0, 4.5, "the tensor's own values")
    at x[0, 0] = 1.0: claimed 9.0, actual 4.5
    """

    def __init__(self, index, values, claimed, actual, point, leaves=None):
        self.index = tuple(index)
        self.values = dict(values)
        self.claimed = claimed
        self.actual = actual
        self.point = point
        self.leaves = leaves or {}

    def __repr__(self):
        where = ", ".join(f"{k} = {_num(v)}" for k, v in list(self.values.items())[:6])
        if len(self.values) > 6:
            where += ", ..."
        if not where:
            where = f"element {list(self.index)} at " if self.index else ""
            where += self.point
        elif self.point != "the tensor's own values":
            where += f" ({self.point})"
        claimed, actual = _num(self.claimed), _num(self.actual)
        if f"{float(self.claimed):.6g}" == f"{float(self.actual):.6g}":     # they differ beyond the digits shown
            claimed, actual = repr(float(self.claimed)), repr(float(self.actual))
        return f"at {where}: claimed {claimed}, actual {actual}"


def _num(v):
    v = float(v)
    if v != v or v in (float("inf"), float("-inf")):
        return repr(v)
    return repr(int(v)) + ".0" if v == int(v) and abs(v) < 1e15 else f"{v:.6g}"


class Verdict:
    """Whether a claim about a tensor's closed form holds.  Truthy iff
    ``ok``; ``how`` is ``"proved"`` (the difference simplifies to 0),
    ``"numerically"`` (equal at every point tried, not proved within the
    time limit), ``"disproved"`` (with a ``counterexample`` where numbers
    differ, or a difference that simplifies to a nonzero number) or, rarely,
    ``"undecided"`` (no point where both sides are finite, and no proof).
    ``difference`` is claim minus closed form, simplified as far as time
    allowed; ``points`` counts the points compared.

    >>> from symgrad.verify.verdict import Verdict
    >>> v = Verdict(True, "proved", 0, None, label="f[i]", closed_form="2*x[i]", points=2)
    >>> bool(v), v
    (True, proved: f[i] = 2*x[i])
    """

    def __init__(self, ok, how, difference, counterexample, *, label, closed_form, claim=None, points=0,
                 timeout=None, elapsed=None, note=None):
        self.ok = bool(ok)
        self.how = how
        self.difference = difference
        self.counterexample = counterexample
        self.label = label
        self.closed_form = closed_form
        self.claim = claim
        self.points = points
        self.timeout = timeout
        self.elapsed = elapsed
        self.note = note

    def __bool__(self):
        return self.ok

    def __repr__(self):
        form = _text(self.closed_form)
        if self.how == "proved":
            lines = [f"proved: {self.label} = {form}"]
        elif self.how == "numerically":
            lines = [f"agreed numerically at {self.points} point{'s' if self.points != 1 else ''}, "
                     f"not proved within the time limit ({self.timeout:g} s): {self.label} = {form}"]
            if self.difference is not None and self.difference != 0:
                lines.append(f"  claim - {self.label} simplified to {_text(self.difference)}")
        elif self.how == "undecided":
            lines = [f"undecided: {self.label} = {form}", f"  claim: {_text(self.claim)}"]
        else:
            lines = [f"disproved: {self.label} = {form}", f"  claim: {_text(self.claim)}"]
            if self.difference is not None:
                lines.append(f"  claim - {self.label} = {_text(self.difference)}")
            if self.counterexample is not None:
                lines.append(f"  {self.counterexample!r}")
        if self.note:
            lines.append(f"  note: {self.note}")
        return "\n".join(lines)


def _text(e):
    if e is None:
        return "?"
    try:
        import sympy as sp
        if isinstance(e, sp.Basic):
            return sp.sstr(e)
    except ImportError:
        pass
    return str(e)


# --------------------------------------------------------------- the worker
class _Stop(BaseException):
    """Raised inside a worker whose time is up (not an Exception, so no
    ``except Exception`` in the code it runs can swallow it)."""


def run_with_deadline(fn, timeout):
    """Run ``fn()`` in a worker thread; return ``(True, result)`` when it
    finishes within ``timeout`` seconds, else stop it and return
    ``(False, None)``.  An exception raised by ``fn`` is re-raised.

    >>> from symgrad.verify.verdict import run_with_deadline
    >>> run_with_deadline(lambda: 6 * 7, 1.0)
    (True, 42)
    >>> def forever():
    ...     while True:
    ...         pass
    >>> run_with_deadline(forever, 0.05)
    (False, None)
    """
    box = {}
    lock = threading.Lock()

    def target():
        try:
            box["value"] = fn()
        except _Stop:
            box["stopped"] = True
        except BaseException as e:      # handed to the caller
            box["error"] = e
        finally:
            _finish(box, lock)

    # the cyclic garbage collector is paused while the worker runs, so that
    # no gc callback (of any library) runs in the worker and catches the stop
    paused = gc.isenabled()
    gc.disable()
    try:
        th = threading.Thread(target=target, name="symgrad-verify", daemon=True)
        th.start()
        th.join(max(timeout, 0.0))
        if th.is_alive() and not box.get("done"):
            _stop(th, box, lock)
            return False, None
        th.join()
    finally:
        if paused:
            gc.enable()
    if "error" in box:
        raise box["error"]
    if "stopped" in box:
        return False, None
    return True, box["value"]


def _async_raise(ident, exc):
    # exc None clears a pending asynchronous exception of that thread
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(exc) if exc else None)


def _finish(box, lock):
    # marks the worker done; from then on no stop is sent, and one still
    # pending is cleared, so none can escape into the thread's exit
    while True:
        try:
            with lock:
                box["done"] = True
                _async_raise(threading.get_ident(), None)
            return
        except _Stop:
            continue


def _stop(th, box, lock, patience=5.0):
    # an asynchronous exception stops pure-Python work (SymPy) at its next
    # bytecode; it is sent again until the worker is done, in case a bare
    # ``except:`` in the running code caught it
    end = time.monotonic() + patience
    while th.is_alive() and time.monotonic() < end:
        with lock:
            if box.get("done"):
                break
            _async_raise(th.ident, _Stop)
        th.join(0.02)
    th.join(max(0.0, end - time.monotonic()))
