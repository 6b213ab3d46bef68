"""Anomaly detection: name the backward node that produced a NaN."""
from .. import engine


class detect_anomaly:
    """Inside this context, a backward node returning NaN raises an error naming it.

    >>> import symgrad as sg
    >>> x = sg.tensor([0.], requires_grad=True)
    >>> with sg.autograd.detect_anomaly():
    ...     try:
    ...         sg.sqrt(x * 0 - 1).sum().backward()
    ...     except RuntimeError as e:
    ...         print(e)
    Function 'SqrtBackward0' returned nan values in its 0th output.
    """

    def __init__(self, check_nan=True):
        self.check_nan = check_nan

    def __enter__(self):
        self._prev = engine._state["anomaly"]
        engine._state["anomaly"] = self.check_nan

    def __exit__(self, *exc):
        engine._state["anomaly"] = self._prev


class set_detect_anomaly(detect_anomaly):
    """Turn anomaly detection on or off (also usable as a context manager)."""

    def __init__(self, mode, check_nan=True):
        self._prev = engine._state["anomaly"]
        engine._state["anomaly"] = bool(mode) and check_nan

    def __enter__(self):
        pass


def is_anomaly_enabled():
    return engine._state["anomaly"]
