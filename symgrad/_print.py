"""Tensor repr in PyTorch's format: precision 4, width-aligned columns,
integer-valued floats as ``1.``, scientific notation for wide ranges,
summarised above 1000 elements."""
import math
import numpy as np

from . import dtypes as _dt

OPTS = {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80, "sci_mode": None}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """Set print options as ``torch.set_printoptions``.

    >>> import symgrad as sg
    >>> sg.set_printoptions(precision=2); sg.tensor([1.2345])
    tensor([1.23])
    >>> sg.set_printoptions(profile="default")
    """
    if profile == "default":
        OPTS.update(precision=4, threshold=1000, edgeitems=3, linewidth=80)
    elif profile == "short":
        OPTS.update(precision=2, threshold=1000, edgeitems=2, linewidth=80)
    elif profile == "full":
        OPTS.update(precision=4, threshold=math.inf, edgeitems=3, linewidth=80)
    for k, v in (("precision", precision), ("threshold", threshold), ("edgeitems", edgeitems),
                 ("linewidth", linewidth)):
        if v is not None:
            OPTS[k] = v
    OPTS["sci_mode"] = sci_mode


class _Formatter:
    def __init__(self, arr):
        self.floating = arr.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        p = OPTS["precision"]
        flat = arr.reshape(-1)
        if not self.floating:
            for v in flat.tolist():
                self.max_width = max(self.max_width, len(_plain(v)))
            return
        # nan and inf take no part in the column width, as in PyTorch
        vals = flat[np.isfinite(flat) & (flat != 0)].astype(np.float64)
        if vals.size == 0:
            return
        a = np.abs(vals)
        mn, mx = float(a.min()), float(a.max())
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        self.sci_mode = (mx / mn > 1000.0 or mx > 1.0e8 or mn < 1.0e-4) if OPTS["sci_mode"] is None \
            else bool(OPTS["sci_mode"])
        if self.sci_mode:
            self.max_width = max(len(f"{v:.{p}e}") for v in vals.tolist())
        elif self.int_mode:
            self.max_width = max(len(f"{v:.0f}") + 1 for v in vals.tolist())
        else:
            self.max_width = max(len(f"{v:.{p}f}") for v in vals.tolist())

    def format(self, v):
        p = OPTS["precision"]
        if self.floating:
            if math.isnan(v):
                s = "nan"
            elif math.isinf(v):
                s = "inf" if v > 0 else "-inf"
            elif self.sci_mode:
                s = f"{v:.{p}e}"
            elif self.int_mode:
                s = f"{v:.0f}."
            else:
                s = f"{v:.{p}f}"
        else:
            s = _plain(v)
        return " " * (self.max_width - len(s)) + s


def _plain(v):
    return str(v)


def _vector(arr, indent, summarize, fmt):
    per_line = max(1, int(math.floor((OPTS["linewidth"] - indent) / (fmt.max_width + 2))))
    e = OPTS["edgeitems"]
    if summarize and not e:
        data = ["..."]
    elif summarize and arr.shape[0] > 2 * e:
        data = [fmt.format(v) for v in arr[:e].tolist()] + [" ..."] + \
               [fmt.format(v) for v in arr[-e:].tolist()]
    else:
        data = [fmt.format(v) for v in arr.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _body(arr, indent, summarize, fmt):
    if arr.ndim == 0:
        return fmt.format(arr.item())
    if arr.ndim == 1:
        return _vector(arr, indent, summarize, fmt)
    e = OPTS["edgeitems"]
    n = arr.shape[0]
    if summarize and n > 2 * e:
        parts = [_body(arr[i], indent + 1, summarize, fmt) for i in range(e)] + ["..."] + \
                [_body(arr[i], indent + 1, summarize, fmt) for i in range(n - e, n)]
    else:
        parts = [_body(arr[i], indent + 1, summarize, fmt) for i in range(n)]
    return "[" + ("," + "\n" * (arr.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def _summarized(arr):
    e = OPTS["edgeitems"]
    if arr.ndim == 0:
        return arr
    if not e:
        return arr[(slice(0, 0),) * arr.ndim]
    if arr.shape[0] > 2 * e:
        arr = np.concatenate([arr[:e], arr[-e:]])
    if arr.ndim == 1:
        return arr
    return np.stack([_summarized(a) for a in arr]) if arr.shape[0] else arr


def array_str(arr, indent):
    if arr.size == 0:
        return "[]"
    summarize = arr.size > OPTS["threshold"]
    fmt = _Formatter(_summarized(arr) if summarize else arr)
    return _body(arr, indent, summarize, fmt)


def tensor_repr(t, prefix="tensor("):
    arr = t._data
    indent = len(prefix)
    suffixes = []
    dt = _dt._FROM_NP[arr.dtype]
    if arr.size == 0:
        if arr.ndim != 1:
            suffixes.append("size=" + str(tuple(arr.shape)))
        if dt is not _dt.get_default_dtype():
            suffixes.append("dtype=" + repr(dt))
        body = "[]"
    else:
        if not OPTS["edgeitems"]:
            suffixes.append("size=" + str(tuple(arr.shape)))
        if dt not in (_dt.get_default_dtype(), _dt.int64, _dt.bool):
            suffixes.append("dtype=" + repr(dt))
        body = array_str(arr, indent)
    node = t.grad_fn
    if node is not None:
        suffixes.append(f"grad_fn=<{type(node).__name__}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    s = prefix + body
    last = len(s) - s.rfind("\n") + 1
    out = [s]
    for suf in suffixes:
        if last + len(suf) + 2 > OPTS["linewidth"]:
            out.append(",\n" + " " * indent + suf)
            last = indent + len(suf)
        else:
            out.append(", " + suf)
            last += len(suf) + 2
    out.append(")")
    return "".join(out)
