"""Custom autograd Functions: a user-written forward and backward, as
``torch.autograd.Function``.

Each ``Function`` subclass gets its own node class ``<Name>Backward`` and one
op object whose ``backward_node`` hands the engine all input cotangents from a
single call of the user's ``backward``.  The node holds what ``backward``
needs in the engine's own slots (``saved``, ``ans``, ``checks``), so version
checks, freeing after ``backward()`` and anomaly detection work as for any
built-in op.
"""
import functools
import inspect
import weakref

import numpy as np

from .. import engine
from ..ops.table import Op
from ..tensor import Tensor, _wrap
from ..engine.backward import _raise_modified


class FunctionCtx:
    """The ``ctx`` passed to a Function's ``forward`` and ``backward``.

    >>> import symgrad as sg
    >>> class Square(sg.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x * x
    ...     @staticmethod
    ...     def backward(ctx, g):
    ...         x, = ctx.saved_tensors
    ...         return 2 * x * g
    >>> x = sg.tensor([3.], requires_grad=True)
    >>> sg.autograd.grad(Square.apply(x), x)
    (tensor([6.]),)
    """

    def __init__(self, needs_input_grad):
        self.needs_input_grad = needs_input_grad
        self.materialize_grads = True
        self._to_save = ()
        self._non_diff = ()
        self._dirty = ()
        self._refs = None      # where each saved tensor lives once the node exists
        self._node = None      # weak: the node owns the ctx

    def save_for_backward(self, *tensors):
        """Keep ``tensors`` (inputs, outputs or intermediates, or None) for ``backward``."""
        for k, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward can only save variables, but argument {k} is of type "
                                f"{type(t).__name__}")
        self._to_save = tensors

    @property
    def saved_tensors(self):
        """The tensors given to ``save_for_backward``; outputs come back attached
        to this node, so a ``create_graph`` backward can differentiate them."""
        if self._refs is None:
            return tuple(self._to_save)
        node = self._node() if self._node is not None else None
        if node is None or node.freed:
            raise RuntimeError(engine._FREED)
        for vc, ver, k in node.checks:      # a saved tensor written in place since: PyTorch's error
            if vc[0] != ver:
                _raise_modified(node, vc[0], ver, k)
        out = []
        for ref in self._refs:
            if ref is None:
                out.append(None)
            elif ref[0] == "out":
                j = ref[1]
                ans = node.ans if node.out_meta is None else node.ans[j]
                out.append(_wrap(ans, node, -1 if node.out_meta is None else j) if node._diff_out[j]
                           else _wrap(ans))
            else:
                out.append(node.saved[ref[1]])
        return tuple(out)

    def mark_non_differentiable(self, *outputs):
        """Outputs that get no gradient (``requires_grad=False``); backward
        still receives a (zero) gradient slot for each."""
        self._non_diff = outputs

    def set_materialize_grads(self, value):
        """With ``False``, ``backward`` receives None (not zeros) for outputs
        that got no gradient."""
        self.materialize_grads = bool(value)

    def mark_dirty(self, *tensors):
        """Inputs ``forward`` modified in place (and returns): they take the
        Function's node as their history, as PyTorch's in-place ops."""
        self._dirty = tensors


class BackwardCFunction(engine.Node):
    """Base of the ``<Name>Backward`` node classes; attributes a Function put
    on ``ctx`` (and ``saved_tensors``) read through to it, as in PyTorch.

    >>> import symgrad as sg
    >>> class Scale(sg.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x, k):
    ...         ctx.k = k
    ...         return x * k
    ...     @staticmethod
    ...     def backward(ctx, g):
    ...         return g * ctx.k, None
    >>> y = Scale.apply(sg.ones(2, requires_grad=True), 3.0)
    >>> y.grad_fn.name(), y.grad_fn.k
    ('ScaleBackward', 3.0)
    """

    def __getattr__(self, name):
        ctx = self.__dict__.get("_ctx")
        if ctx is None:
            raise AttributeError(name)
        return getattr(ctx, name)


class _FunctionOp:
    """The op behind every node of one Function subclass."""
    __slots__ = ("name", "grad_fn", "fn")

    def __init__(self, fn):
        self.name = fn.__name__
        self.grad_fn = fn.__name__ + "Backward"
        self.fn = fn

    def backward_node(self, node, grads_out, create_graph):
        ctx = node._ctx
        grads = []
        for j, g in enumerate(grads_out):
            meta = node.out_meta[j] if node.out_meta is not None else None
            if g is None and ctx.materialize_grads and meta is not None:
                g = np.zeros(meta[0], meta[1].np)
            if g is not None and not isinstance(g, Tensor):
                g = _wrap(g)
            grads.append(g)
        res = self.fn.backward(ctx, *grads)
        res = res if isinstance(res, tuple) else (res,)
        pos = node._arg_pos
        n = node._nargs
        if len(res) > n and all(r is None for r in res[n:]):
            res = res[:n]
        if len(res) != n:
            raise RuntimeError(f"function {node.name()} returned an incorrect number of gradients "
                               f"(expected {n}, got {len(res)})")
        for k, r in enumerate(res):
            if r is not None and not isinstance(r, Tensor):
                raise RuntimeError(f"expected Variable or None (got {type(r).__name__})")
            if r is not None and k not in pos:
                raise RuntimeError(f"function {node.name()} returned a gradient different than None at "
                                   f"position {k + 1}, but the corresponding forward input was not a Variable")
        out = []
        for k, e, meta in zip(pos, node.edges, node.meta):
            r = res[k]
            if r is None or e is None:
                out.append(None)
                continue
            shape = meta[0]
            if r._data.shape != shape and _broadcast(shape, r._data.shape) != r._data.shape:
                raise RuntimeError(f"Function {node.name()} returned an invalid gradient at index {k} - got "
                                   f"{list(r.shape)} but expected shape compatible with {list(shape)}")
            # a copy: backward may return a tensor it keeps (a saved one), which .grad must not alias
            out.append(engine._grad_tensor(r, meta) if create_graph else engine._grad_array(r._data.copy(), meta))
        return out


def _broadcast(a, b):
    try:
        return np.broadcast_shapes(a, b)
    except ValueError:
        return None


class Function:
    """Base class of custom differentiable operations, as ``torch.autograd.Function``.

    Subclasses define static ``forward(ctx, *args)`` and ``backward(ctx, *grads)``
    (one gradient per output in, one per ``forward`` argument out, None for
    non-tensors), or ``forward(*args)`` plus ``setup_context(ctx, inputs, output)``.
    Call them with ``apply``.  ``forward`` runs with gradients disabled;
    ``backward`` runs with them enabled only under ``create_graph=True``, so a
    backward written with symgrad ops gives higher derivatives.

    >>> import symgrad as sg
    >>> class Exp(sg.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         y = x.exp()
    ...         ctx.save_for_backward(y)
    ...         return y
    ...     @staticmethod
    ...     def backward(ctx, g):
    ...         y, = ctx.saved_tensors
    ...         return g * y
    >>> x = sg.tensor(0., requires_grad=True)
    >>> y = Exp.apply(x)
    >>> y.grad_fn.name()
    'ExpBackward'
    >>> g, = sg.autograd.grad(y, x, create_graph=True)
    >>> sg.autograd.grad(g, x)
    (tensor(1.),)
    """

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._op = _FunctionOp(cls)
        cls._node_cls = type(cls.__name__ + "Backward", (BackwardCFunction,), {})

    def __call__(self, *args):
        raise RuntimeError("Legacy autograd function with non-static forward method is deprecated. Please use "
                           "new-style autograd function with static forward method.")

    @staticmethod
    def forward(ctx, *args):
        raise NotImplementedError("You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx, *grads):
        raise NotImplementedError("You must implement either the backward or vjp method for your custom "
                                  "autograd.Function to use it with backward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        """Run ``forward`` and, when an input requires grad, record a
        ``<Name>Backward`` node for the outputs.  Keyword arguments are bound
        to ``forward``'s parameters (with ``setup_context``, defaults too)."""
        setup = cls.setup_context is not Function.setup_context
        if kwargs or setup:
            args = _bound(cls.forward, args, kwargs, setup)
        rg = engine.is_grad_enabled() and any(isinstance(a, Tensor) and a.requires_grad for a in args)
        ctx = FunctionCtx(tuple(rg and isinstance(a, Tensor) and a.requires_grad for a in args))
        with engine.no_grad():
            if setup:
                out = cls.forward(*args)
                cls.setup_context(ctx, args, out)
            else:
                out = cls.forward(ctx, *args)
        dirty = ctx._dirty
        for t in dirty:
            engine.modified(t)
            if rg and t._node is None and t._rg:
                raise RuntimeError("a leaf Variable that requires grad has been used in an in-place operation.")
            if rg and t._base is not None:
                raise NotImplementedError("symgrad: ctx.mark_dirty on a view is not supported; clone() it first")
        if not rg:
            return out
        is_tuple = isinstance(out, tuple)
        outs = list(out) if is_tuple else [out]
        if not any(isinstance(o, Tensor) for o in outs):
            return out
        for j, o in enumerate(outs):
            # a returned input or view gets its own tensor, so attaching the
            # node cannot change the input's history
            if isinstance(o, Tensor) and not any(o is t for t in dirty) and (
                    o._base is not None or o._node is not None or o._rg or any(o is a for a in args)):
                new = _wrap(o._data)
                ctx._non_diff = tuple(new if o is t else t for t in ctx._non_diff)
                ctx._to_save = tuple(new if o is t else t for t in ctx._to_save)
                outs[j] = new
        node = _record(cls, ctx, args, outs, is_tuple)
        node._diff_out = tuple(isinstance(o, Tensor) and o._data.dtype.kind in "fc"
                               and not any(o is t for t in ctx._non_diff) for o in outs)
        ctx._non_diff = ()
        for j, o in enumerate(outs):
            if node._diff_out[j]:
                o._node = node
                o._out = j if is_tuple else -1
        return tuple(outs) if is_tuple else outs[0]


def _bound(forward, args, kwargs, defaults):
    # the arguments as forward's positional ones (after ctx, for the ctx style)
    b = inspect.signature(forward).bind(*(args if defaults else (None,) + args), **kwargs)
    if defaults:
        b.apply_defaults()
        return b.args
    return b.args[1:]


def _record(cls, ctx, args, outs, is_tuple):
    node = cls._node_cls()
    node.op = cls._op
    node.params = {}
    # edges (and saved inputs) cover the tensor arguments only, as PyTorch's next_functions
    tensors = [a for a in args if isinstance(a, Tensor)]
    node.edges = [engine.edge_of(a) for a in tensors]
    node.meta = [(a._data.shape, a.dtype) if e is not None else None for a, e in zip(tensors, node.edges)]
    node.hooks = None
    node.freed = False
    node.out_meta = (tuple((o._data.shape, o.dtype) if isinstance(o, Tensor) else None for o in outs)
                     if is_tuple else None)
    node.shape = None if is_tuple else outs[0]._data.shape
    node._arg_pos = tuple(k for k, a in enumerate(args) if isinstance(a, Tensor))
    node._nargs = len(args)
    node._ctx = ctx
    saved = [None] * len(tensors)
    checks = []
    refs = []
    save_out = False
    for t in ctx._to_save:
        k = _index(t, tensors)
        j = _index(t, outs)
        if t is None:
            refs.append(None)
        elif j is not None:
            refs.append(("out", j))
            checks.append((t._vc, t._vc[0], -j - 1))
            save_out = True
        else:
            if k is None:
                k = len(saved)
                saved.append(t)
            else:
                saved[k] = t
            refs.append(("in", k))
            checks.append((t._vc, t._vc[0], k))
    node.saved = saved
    node.checks = checks
    node.ans = None
    if save_out:
        arrs = tuple(o._data if isinstance(o, Tensor) else None for o in outs)
        node.ans = arrs if is_tuple else arrs[0]
    ctx._refs = refs
    ctx._to_save = ()
    ctx._node = weakref.ref(node)
    return node


def _index(t, seq):
    for k, s in enumerate(seq):
        if s is t:
            return k
    return None


def once_differentiable(backward):
    """Decorate a Function's ``backward`` that is not itself differentiable:
    it runs with gradients disabled even under ``create_graph=True``.

    >>> import symgrad as sg
    >>> class Cube(sg.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x ** 3
    ...     @staticmethod
    ...     @once_differentiable
    ...     def backward(ctx, g):
    ...         x, = ctx.saved_tensors
    ...         return 3 * x ** 2 * g
    >>> x = sg.tensor(2., requires_grad=True)
    >>> sg.autograd.grad(Cube.apply(x), x, create_graph=True)[0].requires_grad
    False
    """
    @functools.wraps(backward)
    def wrapper(ctx, *grads):
        with engine.no_grad():
            out = backward(ctx, *grads)
        if not engine.is_grad_enabled() or not any(isinstance(g, Tensor) and g.requires_grad for g in grads):
            return out
        # differentiable gradients asked for: give them a node that refuses, as PyTorch
        wrap = lambda o: o if not isinstance(o, Tensor) else engine.call(_delayed_error, o.detach().requires_grad_())
        return tuple(map(wrap, out)) if isinstance(out, tuple) else wrap(out)
    return wrapper


def _refuse(*_):
    raise RuntimeError("trying to differentiate twice a function that was marked with @once_differentiable")


_delayed_error = Op("once_differentiable", "DelayedError", lambda xp, a: xp.copy(a), (lambda xp, g, ans, a: _refuse(),))
