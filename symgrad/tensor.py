"""Tensor: a numpy array plus its place in the autograd graph.

Operators and most methods are attached from the op table's registry
(``ops.table.METHODS``) when ``symgrad`` is imported, so this file holds only
what is specific to the tensor object: storage, metadata, autograd state,
in-place/view bookkeeping and conversions.
"""
import threading
import warnings
import numpy as np

from . import dtypes as _dt


class Size(tuple):
    """A tensor's shape; a tuple that prints as ``symgrad.Size([2, 3])``.

    >>> import symgrad as sg
    >>> sg.ones(2, 3).shape
    symgrad.Size([2, 3])
    """
    __slots__ = ()

    def __new__(cls, sizes=()):
        r = tuple.__new__(cls, sizes)
        for k, v in enumerate(r):
            if type(v) is not int:
                return _sizes(cls, r, k)
        return r

    def __repr__(self):
        return f"symgrad.Size({list(self)})"

    def __getitem__(self, key):
        r = tuple.__getitem__(self, key)
        return Size(r) if isinstance(key, slice) else r

    def __add__(self, other):
        return Size(tuple.__add__(self, other))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))

    def __mul__(self, n):
        return Size(tuple.__mul__(self, n))

    __rmul__ = __mul__

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n


def as_int(v, bools=False):
    """``v`` as a size or a dim: an int, a numpy int or an integer 0-d
    tensor, as PyTorch takes them; None for a float (or a bool, unless
    ``bools``)."""
    if type(v) is int:
        return v
    if isinstance(v, bool) and not bools or not hasattr(v, "__index__"):
        return None
    return v.__index__()


def _sizes(cls, r, k):
    out = list(r)
    for k in range(k, len(out)):
        out[k] = as_int(out[k], bools=True)
        if out[k] is None:
            raise TypeError(f"symgrad.Size() takes an iterable of 'int' (item {k} is '{type(r[k]).__name__}')")
    return tuple.__new__(cls, out)


class device:
    """A device: only ``cpu`` holds tensors; ``cuda`` is reported as unavailable.

    >>> import symgrad as sg
    >>> sg.device("cpu")
    device(type='cpu')
    """
    __slots__ = ("type", "index")

    def __init__(self, type="cpu", index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        if ":" in type:
            type, i = type.split(":")
            index = int(i)
        if type not in ("cpu", "cuda", "mps", "meta"):
            raise RuntimeError(f"Expected one of cpu, cuda, mps, meta device type at start of device string: {type}")
        self.type = type
        self.index = index

    def __repr__(self):
        return f"device(type='{self.type}')" if self.index is None else \
            f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and other.type == self.type and other.index == self.index

    def __hash__(self):
        return hash((self.type, self.index))


CPU = device("cpu")


def check_device(d):
    if d is None:
        return
    d = d if isinstance(d, device) else device(d)
    if d.type != "cpu":
        raise RuntimeError(f"symgrad: device '{d}' is not available; tensors live on the CPU "
                           "(sg.cuda.is_available() is False). Accelerators are reached through JAX.")


class _Meta:
    """Shape and dtype of a value a VJP rule reads only for its metadata; for
    a constant input also a weak reference to it (its name in closed forms)."""
    __slots__ = ("shape", "dtype", "ref", "value", "skel", "vc", "ver", "held", "name")

    def __init__(self, shape, dtype, ref=None, value=None, skel=None, vc=None, ver=None, name=None):
        self.shape = shape
        self.dtype = dtype
        self.ref = ref
        self.value = value
        self.skel = skel
        self.vc = vc            # the constant's version counter and its version when recorded:
        self.ver = ver          # its values are the ones the graph used only while they agree
        self.held = None        # its identity in closed forms, alive as long as the skeleton
        self.name = name        # its name=, which outlives it

    @property
    def ndim(self):
        return len(self.shape)

# advances at every in-place write to a tensor outside any graph (a leaf, its
# ``.data``, a view taken under no_grad) and at every ``.data`` assignment:
# gradients accumulated over backward passes at different clocks were taken
# at different leaf values, and no closed form in the current leaves sums them
GIVEN_NAMES = set()     # names given with name=, which short names for unnamed leaves avoid
_clock = [0]


class _InferenceLocal(threading.local):
    on = False          # inference mode, each thread's own as PyTorch's


_inference = _InferenceLocal()


def _warn_scalar_of_grad():
    from .creation import SCALAR_OF_GRAD
    warnings.warn(SCALAR_OF_GRAD, UserWarning, stacklevel=3)


class Tensor:
    """A multi-dimensional array with autograd, as ``torch.Tensor``.

    ``symgrad.Tensor(2, 3)`` makes an uninitialised float tensor;
    ``symgrad.Tensor([1, 2])`` copies data as float.  Most tensors come from
    factory functions such as ``symgrad.tensor`` or ``symgrad.ones``.

    >>> import symgrad as sg
    >>> x = sg.ones(2, 2, requires_grad=True)
    >>> y = (x + 2) * (x + 2) * 3
    >>> _ = y.mean().backward()
    >>> x.grad
    tensor([[4.5000, 4.5000],
            [4.5000, 4.5000]])
    """
    __slots__ = ("_data", "_node", "_out", "_rg", "_grad", "_vc", "_base", "_gsrc", "__weakref__", "__dict__")
    __array_priority__ = 1000
    # rarely set, so kept out of the slots: a new tensor (one per op) does not pay to store them
    _skel = None       # for a comparison of tensors that require grad: its recorded skeleton
    _view = None       # for a view: the (op, params) chain from its base
    _vbase_node = None  # the base's node when the view's own node was made
    _cmeta = None      # a view PyTorch forbids writing into: "multi" (one of several outputs) or "no_grad"
    _vver = 0          # for a view: the version when it was made
    _relayout = ()     # for a base: (op, params) undoing each in-place change of its layout (t_, squeeze_, ...)
    _vlay = 0          # for a view: how many of its base's layout changes its chain already follows
    _vsrc = None       # for a view of a view: the view it was taken from (which may become a leaf)
    _name = None       # the leaf's name in closed forms
    _hooks = None

    def __new__(cls, *args, **kwargs):
        self = object.__new__(cls)
        if args or kwargs:
            dt = kwargs.pop("dtype", None) or _dt.get_default_dtype()
            check_device(kwargs.pop("device", None))
            # one sequence is data (a tuple too); ints, or a Size, are sizes
            if len(args) == 1 and not isinstance(args[0], (int, np.integer, Size)):
                arr = np.array(args[0]._data if isinstance(args[0], Tensor) else args[0], dtype=dt.np)
            else:
                sizes = args[0] if len(args) == 1 and isinstance(args[0], Size) else args
                arr = np.zeros(tuple(int(s) for s in sizes), dt.np)
        else:
            arr = np.zeros((0,), _dt.get_default_dtype().np)
        _init(self, arr, None, -1)
        return self

    def __init__(self, *args, **kwargs):
        pass

    # ------------------------------------------------------------ metadata
    @property
    def shape(self):
        return tuple.__new__(Size, self._data.shape)

    def size(self, dim=None):
        """The shape, or the size of one dim.

        >>> import symgrad as sg
        >>> sg.zeros(5, 3).size(), sg.zeros(5, 3).size(-1)
        (symgrad.Size([5, 3]), 3)
        """
        if dim is None:
            return tuple.__new__(Size, self._data.shape)
        return self._data.shape[_wrapdim(dim, self._data.ndim)]

    @property
    def dtype(self):
        return _dt._FROM_NP[self._data.dtype]

    @property
    def device(self):
        return CPU

    @property
    def is_cuda(self):
        return False

    @property
    def ndim(self):
        return self._data.ndim

    def dim(self):
        return self._data.ndim

    ndimension = dim

    def numel(self):
        return self._data.size

    nelement = numel

    def element_size(self):
        return self._data.itemsize

    def is_floating_point(self):
        return self._data.dtype.kind == "f"

    _inf = False

    def is_inference(self):
        """True for a tensor made in inference mode (or a view of one).

        >>> import symgrad as sg
        >>> with sg.inference_mode():
        ...     t = sg.ones(2) * 2
        >>> t.is_inference(), sg.ones(2).is_inference()
        (True, False)
        """
        return self._inf or (self._base is not None and self._base._inf)

    def is_contiguous(self, memory_format=None):
        if memory_format is not None and memory_format._name != "contiguous_format":
            return False            # only row-major layouts exist here
        return self._data.flags.c_contiguous

    def stride(self, dim=None):
        st = tuple(s // self._data.itemsize for s in self._data.strides)
        return st if dim is None else st[_wrapdim(dim, self._data.ndim)]

    def data_ptr(self):
        return self._data.__array_interface__["data"][0]

    @property
    def _version(self):
        return self._vc[0]

    @property
    def name(self):
        """The leaf's name in closed forms (``name=`` at creation), or None."""
        return self._name

    @name.setter
    def name(self, v):
        self._name = v
        if v:
            GIVEN_NAMES.add(v)

    # ------------------------------------------------------------ closed form
    @property
    def expr(self):
        """The closed form of element ``[i, j, ...]`` as a SymPy expression, in
        the index symbols ``self.index`` and the leaves' names.

        >>> import symgrad as sg
        >>> x = sg.ones(2, 2, requires_grad=True)
        >>> ((x + 2) * (x + 2) * 3).mean().expr
        Sum(3*(x[i, j] + 2)**2, (i, 0, 1), (j, 0, 1))/4
        """
        from .symbolic import expr_of
        return expr_of(self)

    @property
    def index(self):
        """The index symbols of this tensor's dims (``i, j, ...``)."""
        from .symbolic.template import SLOTS
        return tuple(SLOTS[:self._data.ndim])

    def exprs(self, max_elements=None):
        """The SymPy Array of per-element closed forms of a small tensor.

        >>> import symgrad as sg
        >>> x = sg.tensor([1., 2.], requires_grad=True)
        >>> (x * x).exprs()
        [x[0]**2, x[1]**2]
        """
        from .symbolic import exprs_of
        return exprs_of(self, max_elements)

    def _repr_latex_(self):
        # notebooks: tensors with a history or a gradient show their closed form
        if self._node is None and self._gsrc is None:
            return None
        try:
            from .symbolic import latex
            return "$" + latex(self) + r"\quad\to\quad$" + "<pre>" + repr(self) + "</pre>"
        except Exception:
            return None

    def evaluate(self, backend="numpy"):
        """Evaluate this tensor's closed form at the leaves' current values."""
        from .symbolic import evaluate
        return evaluate(self, backend)

    # ------------------------------------------------------------ autograd
    @property
    def requires_grad(self):
        b = self._base
        if b is not None and (self._vbase_node is not b._node or self._node is None and b._rg):
            if self._cmeta is not None:
                return self._node is not None or b.requires_grad
            from .engine import _refresh_view
            _refresh_view(self)
        return self._node is not None or self._rg

    @requires_grad.setter
    def requires_grad(self, v):
        if v and self._node is None and self._data.dtype.kind not in "fc":
            raise RuntimeError("only Tensors of floating point and complex dtype can require gradients")
        if v and self._node is not None:
            raise RuntimeError("you can only change requires_grad flags of leaf variables.")
        self.requires_grad_(v)

    def requires_grad_(self, requires_grad=True):
        """Set ``requires_grad`` of a leaf in place and return it.

        >>> import symgrad as sg
        >>> sg.zeros(2).requires_grad_().requires_grad
        True
        """
        if self._node is not None:
            if not requires_grad:
                raise RuntimeError("you can only change requires_grad flags of leaf variables. If you want to "
                                   "use a computed variable in a subgraph that doesn't require differentiation "
                                   "use var_no_grad = var.detach().")
            return self
        if requires_grad and self._data.dtype.kind not in "fc":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        if requires_grad and not _inference.on and self.is_inference():
            raise RuntimeError("Setting requires_grad=True on inference tensor outside InferenceMode is not allowed.")
        self._rg = bool(requires_grad)
        return self

    @property
    def is_leaf(self):
        if self._base is not None:
            return self.grad_fn is None
        return self._node is None

    @property
    def grad_fn(self):
        if self._base is not None and (self._node is not None or self._cmeta is not None or self._base._rg):
            from .engine import _refresh_view
            _refresh_view(self)
        return self._node

    @property
    def grad(self):
        if self._node is not None and "_kept" not in self.__dict__:
            warnings.warn(
                "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
                "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
                "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. "
                "If you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead.",
                UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, v):
        if v is not None:
            if not isinstance(v, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of type {type(v).__name__}")
            if tuple(v.shape) != tuple(self.shape):
                raise RuntimeError(f"attempting to assign a gradient of size '{list(v.shape)}' to a tensor of size "
                                   f"'{list(self.shape)}'. Please ensure that the gradient and the tensor are the "
                                   "same size")
            if v.dtype is not self.dtype:
                raise RuntimeError(f"attempting to assign a gradient with dtype '{v.dtype.name}' to a tensor with "
                                   f"dtype '{self.dtype.name}'. Please ensure that the gradient and the tensor have "
                                   "the same dtype")
        self._grad = v

    @property
    def retains_grad(self):
        return "_kept" in self.__dict__      # the hook that keeps it

    def retain_grad(self):
        """Keep ``.grad`` of a non-leaf tensor after ``backward()``."""
        if self._node is None:
            if not self._rg:
                raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
            return
        if "_kept" in self.__dict__:
            return
        import weakref
        ref = weakref.ref(self)

        def keep(g):
            t = ref()
            if t is not None:
                gd = g._data if g._node is None else g
                if t._grad is None:
                    t._grad = _wrap(gd.copy()) if not isinstance(gd, Tensor) else gd
                else:
                    t._grad = t._grad + g
        hooks = _node_hooks(self)
        hooks[RETAIN] = keep
        self.__dict__["_kept"] = hooks      # moved to the new node by an in-place op

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; a
        returned tensor replaces the gradient.

        >>> import symgrad as sg
        >>> x = sg.ones(2, requires_grad=True)
        >>> h = x.register_hook(lambda g: g * 2)
        >>> _ = (x * 3).sum().backward(); x.grad
        tensor([6., 6.])
        """
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._node is None:
            if self._hooks is None:
                self._hooks = {}
            key = object()
            self._hooks[key] = hook
            return _Handle(self._hooks, key)
        hooks = _node_hooks(self)
        key = object()
        hooks[key] = hook
        return _Handle(hooks, key)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None, check=False):
        """Accumulate d(self)/d(leaf) into each leaf's ``.grad``, as PyTorch;
        ``check=True`` first cross-checks the gradients against JAX.

        >>> import symgrad as sg
        >>> x = sg.tensor(10., requires_grad=True, dtype=sg.float64)
        >>> _ = (x ** 2 + 10).backward(); x.grad
        tensor(20., dtype=symgrad.float64)
        """
        if gradient is None and inputs is None and not create_graph and not check:
            return _scalar_backward(self, retain_graph)
        return _backward(self, gradient, retain_graph, create_graph, inputs=inputs, check=check)

    def detach(self):
        """A new leaf that shares storage and the version counter, and is not
        tracked: writing into it makes values saved for backward stale.

        >>> import symgrad as sg
        >>> y = sg.tensor([1., 2.], requires_grad=True).exp()
        >>> y.detach().mul_(2)._version, y._version
        (1, 1)
        """
        d = _wrap(self._data)
        d._vc = self._vc
        return d

    def detach_(self):
        if self._base is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        if self._node is not None:
            self.__dict__["_detached"] = (self._node, self._vc[0])      # views taken before keep their history
        self._node = None
        self._rg = False
        self._out = -1
        return self

    @property
    def data(self):
        d = _wrap(self._data)
        d._gsrc = self._gsrc
        return d

    @data.setter
    def data(self, v):
        a = v._data if isinstance(v, Tensor) else np.asarray(v)
        if a.dtype is not self._data.dtype and self._rg and a.dtype.kind not in "fc":
            raise RuntimeError("data set to a tensor that requires gradients must be floating point or complex "
                               "dtype")
        self._data = a
        _clock[0] += 1

    # --------------------------------------------------------- conversions
    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.reshape(()).item()

    def tolist(self):
        return self._data.tolist()

    def numpy(self, force=False):
        """The numpy array behind the tensor (shared memory).

        >>> import symgrad as sg
        >>> sg.ones(2).numpy()
        array([1., 1.], dtype=float32)
        """
        if self.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self._data

    def __array__(self, dtype=None, copy=None):
        if self.requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self._data if dtype is None else self._data.astype(dtype)

    def __float__(self):
        if self._node is not None or self._rg:
            _warn_scalar_of_grad()
        return float(self._scalar())

    def __int__(self):
        if self._node is not None or self._rg:
            _warn_scalar_of_grad()
        return int(self._scalar())

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._data.reshape(()))

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with {'no values' if self._data.size == 0 else 'more than one value'} is ambiguous")
        return bool(self._data.reshape(()))

    def _scalar(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self._data.reshape(()).item()

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))        # as PyTorch: rows of a tensor in a graph are UnbindBackward0

    __hash__ = object.__hash__      # identity (``==`` is elementwise)

    def __repr__(self, *, tensor_contents=None):
        from ._print import tensor_repr
        return tensor_repr(self)

    def __format__(self, spec):
        if self._data.ndim == 0:
            return self._data.item().__format__(spec)
        return object.__format__(self, spec)

    def __reduce_ex__(self, proto):
        return (_rebuild, (self._data.copy(), self._rg))

    def __deepcopy__(self, memo):
        if self._node is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support the "
                               "deepcopy protocol at the moment.")
        t = _wrap(self._data.copy())
        t._rg = self._rg
        t._name = self._name
        if self._grad is not None:
            t._grad = _wrap(self._grad._data.copy())
        if type(self) is not Tensor:
            t.__class__ = type(self)
            t.__dict__.update(self.__dict__)
        memo[id(self)] = t
        return t


def _scalar_backward(t, retain_graph):
    global _scalar_backward
    from .autograd import scalar_backward as _scalar_backward
    return _scalar_backward(t, retain_graph)


def _backward(*args, **kwargs):
    # replaced by symgrad.autograd.backward on first use (that module imports this one)
    global _backward
    from .autograd import backward as _backward
    return _backward(*args, **kwargs)


def _rebuild(arr, rg):
    t = _wrap(arr)
    t._rg = rg
    return t


class _Handle:
    """Removable handle returned by ``register_hook``."""

    def __init__(self, store, key):
        self._store, self._key = store, key

    def remove(self):
        self._store.pop(self._key, None)


# the key of retain_grad's hook among a tensor's hooks: it runs after the others, as PyTorch's
RETAIN = object()


def _node_hooks(t):
    # the hooks of the tensor, by key (a handle removes its own registration)
    node = t.grad_fn
    if node.hooks is None:
        node.hooks = {}
    k = 0 if t._out == -1 else t._out
    return node.hooks.setdefault(k, {})


def _init(t, arr, node, out):
    t._data = arr
    t._node = node
    t._out = out
    t._rg = False
    t._grad = None
    t._vc = [0]
    t._base = None
    t._gsrc = None


def contiguous_strides(a):
    """``a`` with PyTorch's strides for a fresh tensor of its shape where numpy
    leaves any stride on an empty or size-1 dim (numpy calls both contiguous)."""
    if not a.flags.c_contiguous or a.ndim == 0:
        return a
    st, n = [], a.itemsize
    for s in reversed(a.shape):
        st.append(n)
        n *= max(s, 1)
    st = tuple(reversed(st))
    if st == a.strides:
        return a
    return np.lib.stride_tricks.as_strided(a, a.shape, st, writeable=a.flags.writeable)


def like_layout(src, a):
    """A copy of ``a`` (of ``src``'s shape) laid out as PyTorch's
    ``preserve_format`` lays out a result like ``src``: ``src``'s own strides
    where they cover its elements once without gaps, else contiguous in
    ``src``'s order of strides."""
    if src.flags.c_contiguous or src.ndim < 2:
        return a
    isz = src.itemsize
    big = sorted((st // isz, n) for st, n in zip(src.strides, src.shape) if n > 1)
    expect, dense = 1, all(st >= 0 for st in src.strides)
    for st, n in big:
        dense = dense and st == expect
        expect *= n
    if dense:
        out = np.empty(max(a.size, 1), a.dtype)
        out = np.lib.stride_tricks.as_strided(out, a.shape, tuple(st // isz * a.itemsize for st in src.strides))
        out[...] = a
        return out
    if any(st == 0 for st, n in zip(src.strides, src.shape) if n > 1):
        return a
    order = sorted(range(src.ndim), key=lambda d: (-abs(src.strides[d]), d))
    return np.transpose(contiguous_strides(np.ascontiguousarray(np.transpose(a, order))), np.argsort(order))


def _wrap(arr, node=None, out=-1):
    t = object.__new__(Tensor)
    t._data = arr
    t._node = node
    t._out = out
    t._rg = False
    t._grad = None
    t._vc = [0]
    t._base = None
    t._gsrc = None
    if _inference.on:
        t._inf = True
    return t


def _wrapdim(dim, ndim):
    if type(dim) is not int:
        d = as_int(dim)
        if d is None:
            raise TypeError(f"argument 'dim' must be int, not {type(dim).__name__}")
        dim = d
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n


# shown as symgrad's own, as PyTorch shows torch.Tensor and torch.Size
Tensor.__module__ = Size.__module__ = "symgrad"
