"""The autograd engine: grad mode, recording ops, the backward pass.

A recorded op becomes a ``Node`` (the ``grad_fn`` users see).  A node holds the
graph skeleton (op, params, edges to its inputs, input shapes and dtypes),
which outlives ``backward()``, and the values its VJP rules read, which are
released after ``backward()`` unless ``retain_graph``.  Nodes never reference
their output tensors, so no reference cycle forms between a tensor and its
graph.

``mode``: grad mode and switches; ``graph``: nodes and edges; ``record``:
forward and recording; ``backward``: the pass; ``accumulate``: ``.grad``;
``inplace``: in-place writes.
"""
from .mode import (_state, _tls, modified, set_symbolic, is_symbolic_enabled, is_grad_enabled,  # noqa: F401
                   no_grad, enable_grad, set_grad_enabled, inference_mode,
                   is_inference_mode_enabled)
from .graph import Node, AccumulateGrad, Contribution, node_class, edge_of, leaves_of, _refresh_view, mark_view  # noqa: F401
from .record import call, record, broadcast_error  # noqa: F401
from .backward import (run_backward, backward_one_node, unbroadcast, _FREED,  # noqa: F401
                       _accum_edge, _collect, _grad_array, _grad_tensor)
from .inplace import call_inplace, check_inplace, written, destination  # noqa: F401
