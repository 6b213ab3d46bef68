"""The op table: each primitive op is one ``Op`` entry.

An entry holds PyTorch's op name, the ``grad_fn`` name it produces, its forward
and one VJP per input.  Forward and VJPs are written once against an array
namespace ``xp`` (numpy, jax.numpy, symgrad's own differentiable tensor
namespace for higher-order gradients, or symbolic templates), so every
derivative has exactly one definition.

Signatures::

    forward(xp, *inputs, **params) -> array            (or tuple if n_out > 1)
    vjp[k](xp, g, ans, *inputs, **params) -> cotangent of input k

Broadcast-reduction of cotangents, dtype casts, accumulation and None/zero
handling belong to the engine, never to a rule.
"""
import dis
import functools

OPS = {}          # name -> Op
FUNCTIONS = {}    # public name -> function exported at ``symgrad.<name>``
METHODS = {}      # public name -> Tensor method


class Op:
    """One primitive: ``Op("mul", "MulBackward0", forward, (vjp_a, vjp_b))``.

    ``vjp`` may be a tuple (one rule per input) or, for ops with a variable
    number of inputs, a single ``vjp_n(xp, k, g, ans, *inputs, **params)``.
    ``dtypes`` is the promotion rule: ``"promote"`` (cast inputs to PyTorch's
    result type), ``"float"`` (as promote, but integers compute in the default
    float), ``"compare"`` (promote inputs, bool result) or ``"keep"``.
    ``elementwise`` ops map each element to one element, so the engine may
    run them on 0-d inputs as numpy scalars (about 4x cheaper than 0-d arrays).
    """
    __slots__ = ("name", "grad_fn", "forward", "vjp", "variadic", "dtypes",
                 "n_out", "view", "differentiable", "elementwise", "backward_kernel", "_reads", "_node_cls")

    def __init__(self, name, grad_fn, forward, vjp=(), dtypes="keep", n_out=1,
                 view=False, differentiable=True, elementwise=False, backward_kernel=False):
        self.name = name
        self.grad_fn = grad_fn
        self.forward = forward
        self.variadic = callable(vjp)
        self.vjp = vjp
        self.dtypes = dtypes
        self.n_out = n_out
        self.view = view
        self.differentiable = differentiable
        self.elementwise = elementwise
        # PyTorch computes this op's gradient with a backward function of the
        # input (threshold_backward for relu): with create_graph, that gradient
        # requires grad even where it is piecewise constant in the input
        self.backward_kernel = backward_kernel
        self._reads = None
        self._node_cls = None
        if name in OPS:
            raise ValueError(f"op {name!r} defined twice")
        OPS[name] = self

    def reads(self):
        """Which arguments each VJP reads: ``(reads_ans, {input index, ...})`` per
        rule, derived from the rules' code so it can never drift from them.
        The engine saves (and version-checks) exactly these."""
        if self._reads is None:
            rules = (self.vjp,) if self.variadic else self.vjp
            self._reads = tuple(_reads_of(f, variadic=self.variadic) for f in rules)
        return self._reads

    def ans_outputs(self):
        """The outputs some rule reads (None: all of them)."""
        outs = set()
        for ra, _ in self.reads():
            if ra is True:
                return None
            if ra:
                outs |= ra
        return outs

    def __repr__(self):
        return f"Op({self.name!r}, grad_fn={self.grad_fn!r})"


_META = {"shape", "dtype", "ndim"}


def no_derivative(name):
    """The rule of an op PyTorch records but cannot differentiate (its node
    is named ``NotImplemented``): backward reaching it raises PyTorch's error."""
    raise RuntimeError(f"derivative for aten::{name} is not implemented")


def _reads_of(fn, variadic):
    """``(reads_ans, input positions read)`` of one VJP rule.  Reading only
    ``.shape``/``.dtype``/``.ndim`` of an input does not count: the engine
    hands such rules metadata, so no value needs saving or version checks."""
    if fn is None:
        return (False, set())
    code = fn.__code__
    names = code.co_varnames[:code.co_argcount]
    used = set(code.co_cellvars) | set(code.co_freevars)
    ins = list(dis.get_instructions(code))
    for k, i in enumerate(ins):
        if i.opname.startswith("LOAD_FAST") or i.opname in ("LOAD_CLOSURE", "LOAD_DEREF"):
            v = i.argval
            vs = v if isinstance(v, tuple) else (v,)
            nxt = ins[k + 1] if k + 1 < len(ins) else None
            if len(vs) == 1 and nxt is not None and nxt.opname == "LOAD_ATTR" and nxt.argval in _META:
                continue
            used.update(vs)
    fixed = 4 if variadic else 3          # (xp, [k,] g, ans)
    inputs = names[fixed:]
    ans = _ans_read(names[fixed - 1], used, ins)
    if code.co_flags & 0x04:              # *inputs: any use of the tuple reads them all
        star = code.co_varnames[code.co_argcount + code.co_kwonlyargcount]
        if star in used:
            return (ans, "all")
    return (ans, {k for k, n in enumerate(inputs) if n in used})


def _ans_read(name, used, ins):
    """False, True (all of ``ans``) or the output positions read as ``ans[k]``
    (an output the rules never read may change in place before backward)."""
    if name not in used:
        return False
    outs = set()
    for k, i in enumerate(ins):
        if i.argval != name or not (i.opname.startswith("LOAD_FAST") or i.opname == "LOAD_DEREF"):
            continue
        c, s = (ins[k + 1], ins[k + 2]) if k + 2 < len(ins) else (None, None)
        if c is None or c.opname != "LOAD_CONST" or type(c.argval) is not int or not (
                s.opname == "BINARY_SUBSCR" or s.opname == "BINARY_OP" and s.argrepr == "[]"):
            return True
        outs.add(c.argval)
    return frozenset(outs) if outs and name not in _closure_names(ins) else True


def _closure_names(ins):
    return {i.argval for i in ins if i.opname in ("LOAD_CLOSURE", "MAKE_CELL")}


def export(name=None, method=True, function=True, numpy=True):
    """Register a public function (``symgrad.<name>``) and/or Tensor method,
    taking numpy's names for some parameters as PyTorch does (unless
    ``numpy=False``: PyTorch's Python-level functions take none).  The module
    keeps ``fn`` itself, so calls inside symgrad skip the renaming."""
    def deco(fn):
        n = name or fn.__name__
        public = numpy_names(fn) if numpy else fn
        if function:
            FUNCTIONS[n] = public
        if method:
            METHODS[method if isinstance(method, str) else n] = public
        return fn
    return deco


# PyTorch's argument parser takes these numpy names for its own
_NUMPY_NAMES = {"axis": "dim", "keepdims": "keepdim", "x": "input", "a": "input", "x1": "input", "x2": "other"}


def numpy_names(fn):
    """``fn`` also taking ``axis=`` for ``dim=`` (and the other names above)."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return fn
    params = set(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])
    renames = {k: v for k, v in _NUMPY_NAMES.items() if v in params and k not in params}
    if not renames:
        return fn
    # a parameter also given by position refuses its numpy name, as PyTorch
    position = {k: code.co_varnames.index(v) for k, v in renames.items()
                if code.co_varnames.index(v) < code.co_argcount}

    @functools.wraps(fn)
    def f(*args, **kwargs):
        if kwargs:
            for k in renames.keys() & kwargs.keys():
                if renames[k] in kwargs or len(args) > position.get(k, len(args)):
                    raise TypeError(f"{fn.__name__}() got an unexpected keyword argument '{k}'")
                kwargs[renames[k]] = kwargs.pop(k)
        return fn(*args, **kwargs)
    return f


# a gradient that depends on values requiring grad only through comparisons
# (relu's mask): recorded as depending on them, with zero derivative
derivative_link_op = Op("derivative_link", lambda params: params["name"], lambda xp, r, *deps, name: xp.copy(r),
                        lambda xp, k, g, ans, *ins, name: g if k == 0 else xp.zeros(ins[k].shape, g.dtype))
