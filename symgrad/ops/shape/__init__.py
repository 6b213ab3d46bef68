"""Shape ops: views (``views``) and copies and joins (``joins``).

The names other modules import from ``symgrad.ops.shape`` are re-exported here.
"""
from .._util import call
from .views import (
    view_op, squeeze_dim_inplace_op, getitem_op, index_op, index_put_op, copy_op,
    zero_op, fill_op, fill_key_op, normal_op, uniform_op, copy_slices_op,
    view_call, view_chain, rebuild_view, _expanded,
    view, reshape, flatten, squeeze, unsqueeze, permute, transpose, movedim,
    expand, copy_, narrow, select,
)
from .joins import (
    contiguous_op, index_scatter_op,
    clone, contiguous, to_dtype, flip, repeat, cat, stack, split, chunk, unbind,
)

__all__ = [
    "call",
    "view_op", "squeeze_dim_inplace_op", "getitem_op", "index_op", "index_put_op", "copy_op",
    "zero_op", "fill_op", "fill_key_op", "normal_op", "uniform_op", "copy_slices_op",
    "view_call", "view_chain", "rebuild_view", "_expanded",
    "view", "reshape", "flatten", "squeeze", "unsqueeze", "permute", "transpose", "movedim",
    "expand", "copy_", "narrow", "select",
    "contiguous_op", "index_scatter_op",
    "clone", "contiguous", "to_dtype", "flip", "repeat", "cat", "stack", "split", "chunk", "unbind",
]
