"""The numpy array namespace the op table's formulas run on (the CPU backend).

It is numpy itself plus the few functional helpers the formulas need that
numpy spells as in-place mutation; jax.numpy, symgrad's tensor namespace and
the symbolic templates provide the same names.
"""
from numpy import *          # noqa: F401,F403  (the namespace *is* numpy)
import numpy as _np
from numpy import linalg     # noqa: F401


def index_add(shape, dtype, key, g):
    """zeros(shape) with ``g`` added at ``key`` (duplicates accumulate)."""
    out = _np.zeros(shape, dtype)
    _np.add.at(out, key, g)
    return out


def index_put(a, key, v):
    """Copy of ``a`` with ``a[key] = v``."""
    out = _np.array(a, copy=True)
    out[key] = v
    return out


def scatter_add(shape, dtype, axis, index, src):
    """zeros(shape) with ``src`` added along ``axis`` at ``index`` (torch's scatter_add)."""
    out = _np.zeros(shape, dtype)
    idx = _along_index(index, axis)
    _np.add.at(out, idx, src[tuple(slice(0, s) for s in index.shape)])
    return out


def scatter_put(a, axis, index, src):
    """Copy of ``a`` with ``src`` written along ``axis`` at ``index`` (torch's scatter)."""
    out = _np.array(a, copy=True)
    idx = _along_index(index, axis)
    out[idx] = src[tuple(slice(0, s) for s in index.shape)] if _np.ndim(src) else src
    return out


def gather(a, axis, index):
    return a[_along_index(index, axis)]


def _along_index(index, axis):
    axis = axis % index.ndim
    grids = list(_np.ogrid[tuple(slice(0, s) for s in index.shape)])
    grids[axis] = index
    return tuple(grids)


def sigmoid(a):
    # exp(-logaddexp(0, -a)) never overflows, unlike 1 / (1 + exp(-a))
    return _np.exp(-_np.logaddexp(0, -a)).astype(_np.result_type(a), copy=False)


_erf = _np.frompyfunc(__import__("math").erf, 1, 1)


def erf(a):
    a = _np.asarray(a)
    return _np.asarray(_erf(a), dtype=a.dtype if a.dtype.kind == "f" else _np.float64)


def flip(a, axis=None):
    # a copy: torch.flip never returns a view
    return _np.flip(a, axis).copy()


def copy(a):
    return _np.array(a, copy=True)


def astype(a, dtype):
    return a.astype(getattr(dtype, "np", dtype))
