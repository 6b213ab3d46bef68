"""The template namespace: the vocabulary the op table's formulas use, on
templates.  Elementwise functions map to SymPy functions with broadcasting;
reductions and contractions are ``Sum``s with exact bounds; views are index
substitutions; scatters are ``Piecewise`` or Kronecker-delta sums.  An op it
cannot express raises ``NoClosedForm`` and becomes a named opaque function."""
import builtins as _b
import sympy as sp

from .functions import NoClosedForm, MaxOver, MinOver, ArgMaxOver, ArgMinOver, FloatTest, _Rounding  # noqa: F401
from .template import _BOOL, T, Sum, Product, Piecewise, SLOTS, dummy, next_dummy, number, numeric, as_t, at, binary, nary, broadcast_shapes

ndarray = T
pi = sp.pi
ln2 = sp.log(2)
ln10 = sp.log(10)
two_over_sqrt_pi = 2 / sp.sqrt(sp.pi)
newaxis = None


def _unary(f):
    return lambda a: T(f(numeric(as_t(a).e)), as_t(a).shape)


exp, log, sin, cos, tan = map(_unary, (sp.exp, sp.log, sp.sin, sp.cos, sp.tan))
sqrt, sinh, cosh, tanh, erf = map(_unary, (sp.sqrt, sp.sinh, sp.cosh, sp.tanh, sp.erf))
arcsin, arccos, arctan = map(_unary, (sp.asin, sp.acos, sp.atan))
arcsinh, arccosh, arctanh = map(_unary, (sp.asinh, sp.acosh, sp.atanh))
floor, ceil, sign, abs = map(_unary, (sp.floor, sp.ceiling, sp.sign, sp.Abs))
absolute = abs
expm1 = _unary(lambda x: sp.exp(x) - 1)
log1p = _unary(lambda x: sp.log(1 + x))
exp2 = _unary(lambda x: 2 ** x)
log2 = _unary(lambda x: sp.log(x, 2))
log10 = _unary(lambda x: sp.log(x, 10))
sigmoid = _unary(lambda x: 1 / (1 + sp.exp(-x)))


def _float_test(name, on_number):
    cls = type(name, (FloatTest,), {"numpy_name": name, "on_number": staticmethod(on_number)})
    return cls, _unary(cls)


IsNaN, isnan = _float_test("isnan", lambda x: x is sp.nan)
IsFinite, isfinite = _float_test("isfinite", lambda x: bool(x.is_finite))
IsInf, isinf = _float_test("isinf", lambda x: bool(x.is_infinite))
SignBit, signbit = _float_test("signbit", lambda x: bool(x.is_extended_negative))
logical_not = _unary(sp.Not)


def _rounding(name, on_number):
    return type(name, (_Rounding,), {"numpy_name": name, "on_number": staticmethod(on_number)})


_round = _rounding("round", __import__("builtins").round)
_trunc = _rounding("trunc", __import__("math").trunc)
trunc = _unary(_trunc)


def round(a, decimals=0):
    if decimals:
        raise NoClosedForm("round with decimals")
    return _unary(_round)(a)


def log_scalar(c):
    return sp.log(number(c)) if c > 0 else -sp.oo if c == 0 else sp.nan


def arctan2(a, b):
    return binary(sp.atan2, a, b)


def _nan_propagating(pick):
    # SymPy cannot order NaN; numpy's maximum/minimum give NaN
    def f(x, y):
        x, y = numeric(x), numeric(y)
        if x is sp.nan or y is sp.nan:
            return sp.nan
        try:
            return pick(x, y)
        except (TypeError, ValueError):         # SymPy cannot order them: leave the max as written
            return pick(x, y, evaluate=False)
    return lambda a, b: binary(f, a, b)


maximum, minimum = _nan_propagating(sp.Max), _nan_propagating(sp.Min)


def _ignoring_nan(pick):
    def f(x, y):
        x, y = numeric(x), numeric(y)
        return Piecewise((y, IsNaN(x)), (x, IsNaN(y)), (pick(x, y), True))
    return lambda a, b: binary(f, a, b)


fmax, fmin = _ignoring_nan(sp.Max), _ignoring_nan(sp.Min)


def _by_zero_nan(f):
    # a float divisor of exactly 0 gives NaN, as the numeric path does
    return lambda x, y: sp.nan if y.is_zero else f(x, y)


def remainder(a, b):
    return binary(_by_zero_nan(sp.Mod), a, b)


def floor_divide(a, b):
    return binary(lambda x, y: sp.floor(x / y), a, b)


def fmod(a, b):
    return binary(_by_zero_nan(lambda x, y: x - y * sp.sign(x / y) * sp.floor(sp.Abs(x / y))), a, b)


def logical_and(a, b):
    return binary(sp.And, a, b)


def logical_or(a, b):
    return binary(sp.Or, a, b)


def logical_xor(a, b):
    return binary(sp.Xor, a, b)


def where(c, a, b):
    import numpy as np
    if isinstance(c, np.ndarray) and c.ndim:        # a constant mask (a rule's positional one): c[i, j] == 1
        m = _array_t(c.astype(np.int64))
        c = T(sp.Eq(m.e, 1), m.shape)
    a, b = (_array_t(v) if isinstance(v, np.ndarray) and v.ndim else v for v in (a, b))

    def pw(c, a, b):
        if c is sp.true:
            return a
        if c is sp.false:
            return b
        # inside each branch c is known: a nested where on c (the guard of a
        # safe division) collapses
        a, b = numeric(a).xreplace({c: sp.true}), numeric(b).xreplace({c: sp.false})
        return Piecewise((a, c), (b, True))
    return nary(pw, c, a, b)


def shift(a, axis, finite=True):
    return 0


def clip(a, lo, hi):
    r = as_t(a)
    if lo is not None:
        r = maximum(r, lo)
    if hi is not None:
        r = minimum(r, hi)
    return r


# ------------------------------------------------------------ shape helpers
def _axes(axis, nd):
    if axis is None:
        return tuple(range(nd))
    if isinstance(axis, (tuple, list)):
        return tuple(sorted(a % nd for a in axis))
    return (axis % nd,)


def _relabel(e, mapping):
    return e.xreplace(mapping) if mapping else e


def broadcast_to(a, shape):
    a = as_t(a)
    shape = tuple(shape)
    return T(at(a, shape), shape)


def zeros_like(a):
    return T(sp.Integer(0), as_t(a).shape)


def ones_like(a):
    return T(sp.Integer(1), as_t(a).shape)


def zeros(shape, dtype=None):
    return T(sp.Integer(0), tuple(shape))


def ones(shape, dtype=None):
    return T(sp.Integer(1), tuple(shape))


def copy(a, order="K"):
    return as_t(a)


def astype(a, dtype):
    """A cast: to bool a test against 0; to an integer type truncation toward
    0 and, for a type narrower than int64, wrapping around; to float the
    value (exact arithmetic: float rounding is not part of a closed form)."""
    import numpy as np
    t = as_t(a)
    dt = np.dtype(getattr(dtype, "np", dtype))
    e = t.e
    boolean = isinstance(e, _BOOL)          # not sympy's Boolean: a Symbol (a 0-d leaf) is one
    if dt.kind == "b":
        return t if boolean else T(sp.Ne(e, 0), t.shape)
    e = numeric(e)
    if dt.kind in "iu":
        if not boolean:
            if not e.is_integer:
                e = _trunc(e)
            if dt.itemsize < 8:
                n = 2 ** (8 * dt.itemsize)
                e = sp.Mod(e, n) if dt.kind == "u" else sp.Mod(e + n // 2, n) - n // 2
    return T(e, t.shape)


def ndim(a):
    return as_t(a).ndim


def shape(a):
    return as_t(a).shape


def transpose(a, axes=None):
    a = as_t(a)
    nd = a.ndim
    axes = tuple(range(nd))[::-1] if axes is None else tuple(x % nd for x in axes)
    m = {SLOTS[axes[d]]: SLOTS[d] for d in range(nd) if axes[d] != d}
    return T(_relabel(a.e, m), tuple(a.shape[x] for x in axes))


def swapaxes(a, i, j):
    a = as_t(a)
    axes = list(range(a.ndim))
    i, j = i % a.ndim, j % a.ndim
    axes[i], axes[j] = axes[j], axes[i]
    return transpose(a, axes)


def expand_dims(a, axis):
    a = as_t(a)
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    nd = a.ndim + len(axes)
    new = sorted(x % nd for x in axes)
    kept = [d for d in range(nd) if d not in new]
    m = {SLOTS[d]: SLOTS[od] for d, od in enumerate(kept) if d != od}
    shape = [1] * nd
    for d, od in enumerate(kept):
        shape[od] = a.shape[d]
    return T(_relabel(a.e, m), shape)


def squeeze(a, axis=None):
    a = as_t(a)
    axes = [d for d in range(a.ndim) if a.shape[d] == 1] if axis is None else list(_axes(axis, a.ndim))
    m, shape, od = {}, [], 0
    for d in range(a.ndim):
        if d in axes:
            m[SLOTS[d]] = sp.Integer(0)
        else:
            if od != d:
                m[SLOTS[d]] = SLOTS[od]
            shape.append(a.shape[d])
            od += 1
    return T(_relabel(a.e, m), shape)


def reshape(a, shape):
    a = as_t(a)
    n = 1
    for s in a.shape:
        n *= s
    shape = list(shape)
    if -1 in shape:
        known = 1
        for s in shape:
            if s != -1:
                known *= s
        shape[shape.index(-1)] = n // known if known else 0
    shape = tuple(shape)
    if not n:           # no elements: any formula will do (index arithmetic would divide by a zero size)
        return T(sp.Integer(0), shape)
    if [s for s in a.shape if s != 1] == [s for s in shape if s != 1]:
        # only size-1 dims inserted or removed: a renaming of slots
        src = [d for d in range(a.ndim) if a.shape[d] != 1]
        dst = [d for d in range(len(shape)) if shape[d] != 1]
        m = {SLOTS[d]: sp.Integer(0) for d in range(a.ndim) if a.shape[d] == 1}
        m.update({SLOTS[s]: SLOTS[t] for s, t in zip(src, dst) if s != t})
        return T(_relabel(a.e, m), shape)
    flat = sp.Integer(0)
    stride = 1
    for d in range(len(shape) - 1, -1, -1):
        flat += SLOTS[d] * stride
        stride *= shape[d]
    m = {}
    stride = 1
    for d in range(a.ndim - 1, -1, -1):
        q = sp.floor(flat / stride) if stride != 1 else flat
        m[SLOTS[d]] = sp.Mod(q, a.shape[d]) if d > 0 else q
        stride *= a.shape[d]
    return T(a.e.xreplace(m), shape)


def flip(a, axis=None):
    a = as_t(a)
    m = {SLOTS[d]: a.shape[d] - 1 - SLOTS[d] for d in _axes(axis, a.ndim)}
    return T(_relabel(a.e, m), a.shape)


def tile(a, reps):
    a = as_t(a)
    reps = tuple(reps)
    shape = (1,) * (len(reps) - a.ndim) + a.shape
    off = len(reps) - a.ndim
    m = {}
    for d in range(a.ndim):
        od = d + off
        if reps[od] != 1:
            m[SLOTS[d]] = sp.Mod(SLOTS[od], a.shape[d]) if a.shape[d] != 1 else sp.Integer(0)
        elif od != d:
            m[SLOTS[d]] = SLOTS[od]
    return T(_relabel(a.e, m), tuple(r * s for r, s in zip(reps, shape)))


def arange(start, stop=None):
    if stop is None:
        start, stop = 0, start
    return T(start + SLOTS[0], (stop - start,))


def take(a, idx, axis):
    import numpy as np
    if isinstance(idx, np.ndarray):
        idx = T(_index_expr(idx, SLOTS[:idx.ndim]), idx.shape)
    a, idx = as_t(a), as_t(idx)
    if idx.ndim != 1:
        raise NoClosedForm("take with a multi-dim index")
    ax = axis % a.ndim
    m = {SLOTS[ax]: idx.e.xreplace({SLOTS[0]: SLOTS[ax]})}
    return T(a.e.xreplace(m), a.shape[:ax] + idx.shape + a.shape[ax + 1:])


# --------------------------------------------------------------- reductions
def _reduce(kind, a, axis, keepdims):
    a = as_t(a)
    axes = _axes(axis, a.ndim)
    if not axes:
        return a
    n0 = next_dummy(a.e)
    m, limits, q, count = {}, [], 0, 1
    free = a.e.free_symbols
    for d in axes:
        if a.shape[d] == 1 or SLOTS[d] not in free:
            # a dim the element does not depend on: a sum over it is a count
            m[SLOTS[d]] = sp.Integer(0)
            count *= a.shape[d]
        else:
            dm = dummy(n0 + q)
            q += 1
            m[SLOTS[d]] = dm
            limits.append((dm, 0, a.shape[d] - 1))
    shape = []
    od = 0
    for d in range(a.ndim):
        if d in axes:
            if keepdims:
                shape.append(1)
                od += 1
            continue
        if od != d:
            m[SLOTS[d]] = SLOTS[od]
        shape.append(a.shape[d])
        od += 1
    e = a.e.xreplace(m)
    if _b.any(a.shape[d] == 0 for d in axes):
        return T({"sum": sp.Integer(0), "prod": sp.Integer(1)}.get(kind, sp.nan), shape)
    if kind in ("argmax", "argmin") and not limits:
        return T(sp.Integer(0), shape)          # every candidate is equal: the first
    if kind == "sum":
        e, limits = _sift(numeric(e), limits)
        if e == 0:
            return T(sp.Integer(0), shape)
        return T((Sum(e, *limits) if limits else e) * count, shape)
    if kind == "prod":
        return T((Product(e, *limits) if limits else e) ** count, shape)
    if not limits:
        return T(e, shape)
    cls = {"max": MaxOver, "min": MinOver, "argmax": ArgMaxOver, "argmin": ArgMinOver}[kind]
    for lim in reversed(limits):
        e = cls(e, lim)
    return T(e, shape)


def _sift(e, limits):
    """Σ_d f·δ(d, t) = f at d = t, when t never leaves d's range (a target
    index read from a constant array whose values are known, say)."""
    out = []
    for d, lo, hi in limits:
        deltas = [a for a in sp.Mul.make_args(e) if isinstance(a, sp.KroneckerDelta) and d in a.args]
        if len(deltas) == 1:
            a, b = deltas[0].args
            t = b if a == d else a
            if d not in t.free_symbols and _within(t, lo, hi):
                e = (e / deltas[0]).xreplace({d: t})
                continue
        out.append((d, lo, hi))
    return e, out


def _within(t, lo, hi):
    if t.is_Integer:
        return lo <= t <= hi
    if isinstance(t, sp.Indexed):
        arr = const_values(t.base)
        if arr is None and t.base.name.startswith("_L"):
            from .graph import leaf_of          # a constant input's values
            held = leaf_of(t.base)
            arr = None if held is None or getattr(held, "requires_grad", True) else held._data
        return arr is not None and arr.size > 0 and arr.dtype.kind in "iu" and \
            lo <= int(arr.min()) and int(arr.max()) <= hi
    return False


def sum(a, axis=None, keepdims=False, dtype=None):
    return _reduce("sum", a, axis, keepdims)


def prod(a, axis=None, keepdims=False):
    return _reduce("prod", a, axis, keepdims)


def max(a, axis=None, keepdims=False):
    return _reduce("max", a, axis, keepdims)


def min(a, axis=None, keepdims=False):
    return _reduce("min", a, axis, keepdims)


amax, amin = max, min


def argmax(a, axis=None, keepdims=False):
    if axis is None:
        raise NoClosedForm("argmax of a flattened tensor")
    return _reduce("argmax", a, axis, keepdims)


def argmin(a, axis=None, keepdims=False):
    if axis is None:
        raise NoClosedForm("argmin of a flattened tensor")
    return _reduce("argmin", a, axis, keepdims)


def _count(a, axis):
    n = 1
    for d in _axes(axis, a.ndim):
        n *= a.shape[d]
    return n


def mean(a, axis=None, keepdims=False):
    a = as_t(a)
    s = sum(a, axis, keepdims)
    return T(s.e / sp.Integer(_count(a, axis)), s.shape)


def var(a, axis=None, ddof=0, keepdims=False):
    a = as_t(a)
    d = a - mean(a, axis, keepdims=True)
    s = sum(d * d, axis, keepdims)
    return T(s.e / sp.Integer(_count(a, axis) - ddof), s.shape)


def std(a, axis=None, ddof=0, keepdims=False):
    return sqrt(var(a, axis, ddof, keepdims))


def all(a, axis=None, keepdims=False):
    raise NoClosedForm("all")


def any(a, axis=None, keepdims=False):
    raise NoClosedForm("any")


def _scan(cls, a, axis):
    a = as_t(a)
    ax = axis % a.ndim
    dm = dummy(next_dummy(a.e))
    body = a.e.xreplace({SLOTS[ax]: dm})
    return T(cls(numeric(body) if cls is Sum else body, (dm, 0, SLOTS[ax])), a.shape)


def cumsum(a, axis=None):
    return _scan(Sum, a, axis)


def cumprod(a, axis=None):
    return _scan(Product, a, axis)


# ------------------------------------------------------------- contractions
def matmul(a, b):
    a, b = as_t(a), as_t(b)
    if a.ndim == 1 and b.ndim == 1:
        return sum(a * b)
    if a.ndim == 1:
        return squeeze(matmul(expand_dims(a, 0), b), -2)
    if b.ndim == 1:
        return squeeze(matmul(a, expand_dims(b, 1)), -1)
    batch = broadcast_shapes(a.shape[:-2], b.shape[:-2])
    nd = len(batch) + 2
    k = a.shape[-1]
    dm = dummy(next_dummy(a.e, b.e))

    def place(t, row, col):
        off = len(batch) - (t.ndim - 2)
        m = {}
        for d in range(t.ndim - 2):
            if t.shape[d] == 1 and batch[d + off] != 1:
                m[SLOTS[d]] = sp.Integer(0)
            elif off:
                m[SLOTS[d]] = SLOTS[d + off]
        m[SLOTS[t.ndim - 2]] = row
        m[SLOTS[t.ndim - 1]] = col
        return t.e.xreplace(m)
    ea = place(a, SLOTS[nd - 2], dm)
    eb = place(b, dm, SLOTS[nd - 1])
    shape = batch + (a.shape[-2], b.shape[-1])
    if k == 1:
        return T(numeric(ea.xreplace({dm: 0})) * numeric(eb.xreplace({dm: 0})), shape)
    return T(Sum(numeric(ea) * numeric(eb), (dm, 0, k - 1)), shape)


def _array_t(a):
    """A numeric array operand of a formula as a template: the identity
    matrix is a Kronecker delta, anything else a named constant."""
    import numpy as np
    if isinstance(a, np.ndarray) and a.ndim == 2 and a.shape[0] == a.shape[1] and \
            np.array_equal(a, np.eye(a.shape[0])):
        return T(sp.KroneckerDelta(SLOTS[0], SLOTS[1]), a.shape)
    if isinstance(a, np.ndarray) and a.ndim:
        return T(_index_expr(a, SLOTS[:a.ndim]), a.shape)
    return as_t(a)


def einsum(subscripts, *ops):
    ops = [_array_t(o) for o in ops]
    lhs, _, rhs = subscripts.replace(" ", "").partition("->")
    ins = lhs.split(",")
    if "." in subscripts:
        raise NoClosedForm("einsum with ellipsis")
    if not _:
        rhs = "".join(sorted(c for c in set(lhs) - {","} if lhs.count(c) == 1))
    sizes = {}
    for s, o in zip(ins, ops):
        for c, n in zip(s, o.shape):
            sizes[c] = n
    n0 = next_dummy(*[o.e for o in ops])
    sym = {c: SLOTS[k] for k, c in enumerate(rhs)}
    summed = [c for c in dict.fromkeys(lhs.replace(",", "")) if c not in sym]
    for q, c in enumerate(summed):
        sym[c] = dummy(n0 + q)
    term = sp.Integer(1)
    for s, o in zip(ins, ops):
        term *= numeric(o.e.xreplace({SLOTS[d]: sym[c] for d, c in enumerate(s)}))
    limits = [(sym[c], 0, sizes[c] - 1) for c in summed]
    shape = tuple(sizes[c] for c in rhs)
    return T(Sum(term, *limits) if limits else term, shape)


# ------------------------------------------------------------ joins, splits
def concatenate(ts, axis=0):
    ts = [as_t(t) for t in ts]
    ax = axis % ts[0].ndim
    pieces, start = [], 0
    for t in ts:
        n = t.shape[ax]
        if n:
            pieces.append((t.e.xreplace({SLOTS[ax]: SLOTS[ax] - start}) if start else t.e, start + n))
        start += n
    shape = list(ts[0].shape)
    shape[ax] = start
    if len(pieces) == 1:
        return T(pieces[0][0], shape)
    args = [(numeric(e), SLOTS[ax] < end) for e, end in pieces[:-1]] + [(numeric(pieces[-1][0]), True)]
    return T(Piecewise(*args), shape)


def stack(ts, axis=0):
    ts = [expand_dims(as_t(t), axis) for t in ts]
    return concatenate(ts, axis)


# ------------------------------------------------------------------ indexing
_CONSTS = {}            # (shape, dtype, bytes) -> (IndexedBase, array): equal index arrays share a name
_CONST_VALUES = {}      # IndexedBase -> array


def const_array(arr):
    """An integer data array (an index) as a named constant ``IndexedBase``."""
    import numpy as np
    arr = np.asarray(arr)
    key = (arr.shape, arr.dtype.str, arr.tobytes())
    hit = _CONSTS.get(key)
    if hit is None:
        kind = {"integer": True} if arr.dtype.kind in "iub" else {"real": True}
        hit = _CONSTS[key] = (sp.IndexedBase(f"idx{len(_CONSTS)}", shape=arr.shape, **kind), arr)
        _CONST_VALUES[hit[0]] = arr
    return hit[0]


def const_values(base):
    return _CONST_VALUES.get(base)


def _index_expr(arr, slots):
    import numpy as np
    arr = np.asarray(arr)
    if arr.ndim == 0:
        return sp.Integer(int(arr))
    return const_array(arr)[tuple(slots)]


def _split_key(key, nd):
    import numpy as np
    key = key if isinstance(key, tuple) else (key,)
    out = []
    for k in key:
        if isinstance(k, T):
            if k.value is None:
                raise NoClosedForm("indexing with a computed index")
            k = np.asarray(k.value)
        if isinstance(k, (np.ndarray, np.bool_, bool)) and np.asarray(k).dtype == np.bool_ and not np.ndim(k):
            if not k:               # a 0-d False mask selects nothing
                raise NoClosedForm("an empty boolean selection")
            out.append(None)        # a 0-d True mask adds a dim of size 1
        elif isinstance(k, np.ndarray) and k.dtype == np.bool_:
            out.extend(np.nonzero(k))
        else:
            out.append(k)
    if _b.any(k is Ellipsis for k in out):
        e = next(p for p, k in enumerate(out) if k is Ellipsis)
        n_spec = len([k for k in out if k is not None and k is not Ellipsis])
        out = out[:e] + [slice(None)] * (nd - n_spec) + out[e + 1:]
    n_spec = len([k for k in out if k is not None])
    return out + [slice(None)] * (nd - n_spec)


def _index_map(key, in_shape):
    """For an indexing key: the output shape, each input dim's index as an
    expression in output slots, and conditions on input slots (for scatters)."""
    import numpy as np
    key = _split_key(key, len(in_shape))
    adv = [p for p, k in enumerate(key) if isinstance(k, np.ndarray) or isinstance(k, list)]
    bshape = ()
    if adv:
        bshape = np.broadcast_shapes(*[np.shape(key[p]) for p in adv])
        contiguous = adv == list(range(adv[0], adv[-1] + 1))
    out_dims = []          # sizes of output dims
    inmap = [None] * len(in_shape)
    d = 0

    def new_dim(n):
        out_dims.append(n)
        return SLOTS[len(out_dims) - 1]
    if adv and not contiguous:
        bslots = [new_dim(n) for n in bshape]
    for p, k in enumerate(key):
        if k is None:
            new_dim(1)
            continue
        n = in_shape[d]
        if p in adv:
            if contiguous and p == adv[0]:
                bslots = [new_dim(s) for s in bshape]
            arr = np.broadcast_to(np.asarray(key[p]) % _b.max(n, 1), bshape)
            inmap[d] = ("adv", arr, bslots)
        elif isinstance(k, slice):
            start, stop, step = k.indices(n)
            length = len(range(start, stop, step))
            s = new_dim(length)
            inmap[d] = ("slice", start, step, length, s)
        else:
            inmap[d] = ("int", int(k) % n)
        d += 1
    return tuple(out_dims), inmap


def getitem(t, key):
    t = as_t(t)
    shape, inmap = _index_map(key, t.shape)
    m = {}
    for d, how in enumerate(inmap):
        if how[0] == "int":
            m[SLOTS[d]] = sp.Integer(how[1])
        elif how[0] == "slice":
            _, start, step, _, s = how
            m[SLOTS[d]] = start + step * s
        else:
            m[SLOTS[d]] = _index_expr(how[1], how[2])
    return T(t.e.xreplace(m), shape)


def _placed(shape, key, g):
    """Where ``key`` writes into a tensor of ``shape``: (value of ``g`` that
    lands at [i, j, ...], condition that something lands there)."""
    g = as_t(g)
    shape = tuple(shape)
    oshape, inmap = _index_map(key, shape)
    gb = T(at(g, oshape), oshape) if g.shape != oshape else g
    conds, qmap, deltas, limits = [], {}, [], []
    n0 = next_dummy(gb.e)
    for d, how in enumerate(inmap):
        p = SLOTS[d]
        if how[0] == "int":
            conds.append(sp.Eq(p, how[1]))
        elif how[0] == "slice":
            _, start, step, length, s = how
            if not (start == 0 and step == 1 and length == shape[d]):
                conds.append(p >= start)
                conds.append(p <= start + step * (length - 1))
                if step != 1:
                    conds.append(sp.Eq(sp.Mod(p - start, step), 0))
            qmap[s] = (p - start) / step if step != 1 else p - start
        else:
            _, arr, bslots = how
            for s in bslots:
                if s not in qmap:
                    dm = dummy(n0 + len(limits))
                    qmap[s] = dm
                    limits.append((dm, 0, oshape[SLOTS.index(s)] - 1))
            deltas.append((p, arr, bslots))
    # output slots of g that no input dim reads (None dims) are size 1
    for k, n in enumerate(oshape):
        if SLOTS[k] not in qmap:
            qmap[SLOTS[k]] = sp.Integer(0)
    body = numeric(gb.e.xreplace(qmap))
    for p, arr, bslots in deltas:
        body *= sp.KroneckerDelta(p, _index_expr(arr, [qmap[s] for s in bslots]))
    if limits:
        body = Sum(body, *limits)
    return body, sp.And(*conds), bool(deltas)


def index_add(shape, dtype, key, g):
    """Template of zeros(shape) with ``g`` added at ``key``."""
    body, cond, _ = _placed(shape, key, g)
    return T(body if cond is sp.true else Piecewise((body, cond), (0, True)), tuple(shape))


def index_put(a, key, v):
    """Template of ``a`` with ``a[key] = v``."""
    a = as_t(a)
    oshape, _ = _index_map(key, a.shape)
    v = as_t(v)
    value, cond, advanced = _placed(a.shape, key, T(at(v, oshape), oshape) if v.shape != oshape else v)
    if advanced:
        if v.e == 0:
            # the int and slice parts of the key limit where it writes as much as the index arrays do
            hit, where, _ = _placed(a.shape, key, T(sp.Integer(1), oshape))
            if where is not sp.true:
                hit = Piecewise((hit, where), (0, True))
            return T(numeric(a.e) * (1 - sp.Min(1, hit)), a.shape)
        raise NoClosedForm("index_put with advanced indices")
    if cond is sp.true:
        return T(value, a.shape)
    return T(Piecewise((value, cond), (numeric(a.e), True)), a.shape)


def _along(index, axis, slots):
    return _index_expr(index, slots)


def _idx_at(index, slots):
    """Element ``index[slots]`` of an index given as an array or a template."""
    if isinstance(index, T):
        return index.e.xreplace({SLOTS[d]: s for d, s in enumerate(slots) if SLOTS[d] != s})
    return _index_expr(index, slots)


def gather(a, axis, index):
    a = as_t(a)
    ishape = index.shape
    ax = axis % a.ndim
    m = {SLOTS[ax]: _idx_at(index, SLOTS[:len(ishape)])}
    return T(a.e.xreplace(m), ishape)


def scatter_add(shape, dtype, axis, index, src):
    import numpy as np
    src = as_t(src)
    if not isinstance(index, T):
        index = np.asarray(index)
    shape = tuple(shape)
    ax = axis % len(shape)
    dm = dummy(next_dummy(src.e, index.e) if isinstance(index, T) else next_dummy(src.e))
    qs = list(SLOTS[:len(shape)])
    qs[ax] = dm
    body = numeric(at(src, tuple(index.shape)).xreplace({SLOTS[ax]: dm})) * \
        sp.KroneckerDelta(SLOTS[ax], _idx_at(index, qs))
    n = index.shape[ax]
    body = body.xreplace({dm: 0}) if n == 1 else Sum(body, (dm, 0, n - 1))
    conds = [SLOTS[d] < index.shape[d] for d in range(len(shape)) if d != ax and index.shape[d] < shape[d]]
    if conds:
        body = Piecewise((body, sp.And(*conds)), (0, True))
    return T(body, shape)


def scatter_put(a, axis, index, src):
    import numpy as np
    if not isinstance(index, T):
        index = np.asarray(index)
        ax = axis % index.ndim
        cols = np.moveaxis(index, ax, -1).reshape(-1, index.shape[ax])
        if (np.sort(cols, axis=-1)[:, 1:] == np.sort(cols, axis=-1)[:, :-1]).sum():
            # which write wins is unspecified (PyTorch) or the last (numpy): no formula
            raise NoClosedForm("scatter with duplicate indices")
    a = as_t(a)
    hit = scatter_add(a.shape, None, axis, index, T(sp.Integer(1), tuple(index.shape)))
    val = scatter_add(a.shape, None, axis, index, src) if isinstance(src, T) else as_t(src)
    return T(Piecewise((numeric(at(val, a.shape)) if isinstance(val, T) else val.e, sp.Ne(hit.e, 0)),
                          (numeric(a.e), True)), a.shape)


def scatter_reduce(a, axis, index, src, reduce):
    if reduce != "add":
        raise NoClosedForm("scatter with reduce='multiply'")
    src = src if isinstance(src, T) else T(sp.sympify(src), tuple(index.shape))
    return as_t(a) + scatter_add(a.shape, None, axis, index, src)


def nonzero(a):
    raise NoClosedForm("nonzero")


def sort_indices(a, axis, descending):
    raise NoClosedForm("sort")


class _Linalg:
    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        raise NoClosedForm(f"linalg.{name}")


linalg = _Linalg()


# ------------------------------------------------------------ matrix parts
def _diag_index(offset):
    t = sp.Symbol("_t", integer=True)
    return (t, t + offset) if offset >= 0 else (t - offset, t)


def diagonal(a, offset=0, axis1=0, axis2=1):
    a = as_t(a)
    nd = a.ndim
    a1, a2 = axis1 % nd, axis2 % nd
    rest = [d for d in range(nd) if d not in (a1, a2)]
    n1, n2 = a.shape[a1], a.shape[a2]
    length = _b.max(0, _b.min(n1, n2 - offset) if offset >= 0 else _b.min(n1 + offset, n2))
    t = SLOTS[len(rest)]
    m = {SLOTS[d]: SLOTS[k] for k, d in enumerate(rest)}
    m[SLOTS[a1]], m[SLOTS[a2]] = (t, t + offset) if offset >= 0 else (t - offset, t)
    return T(a.e.xreplace(m), tuple(a.shape[d] for d in rest) + (length,))


def diagonal_scatter(a, src, offset=0, axis1=0, axis2=1):
    a, src = as_t(a), as_t(src)
    nd = a.ndim
    a1, a2 = axis1 % nd, axis2 % nd
    rest = [d for d in range(nd) if d not in (a1, a2)]
    p1, p2 = SLOTS[a1], SLOTS[a2]
    m = {SLOTS[k]: SLOTS[d] for k, d in enumerate(rest)}
    m[SLOTS[len(rest)]] = p1 if offset >= 0 else p2
    return T(Piecewise((numeric(src.e.xreplace(m)), sp.Eq(p2 - p1, offset)), (numeric(a.e), True)), a.shape)


def trace(a, offset=0, axis1=0, axis2=1):
    return sum(diagonal(a, offset, axis1, axis2), -1)


def _tri(a, k, upper):
    a = as_t(a)
    i, j = SLOTS[a.ndim - 2], SLOTS[a.ndim - 1]
    cond = (j - i >= k) if upper else (j - i <= k)
    return T(Piecewise((numeric(a.e), cond), (0, True)), a.shape)


def triu(a, k=0):
    return _tri(a, k, True)


def tril(a, k=0):
    return _tri(a, k, False)


def cross(a, b, axis=-1):
    a, b = as_t(a), as_t(b)
    shape = broadcast_shapes(a.shape, b.shape)
    ax = axis % len(shape)
    p = SLOTS[ax]
    ea, eb = at(a, shape), at(b, shape)

    def comp(e, s):
        return numeric(e.xreplace({p: sp.Mod(p + s, 3)}))
    return T(comp(ea, 1) * comp(eb, 2) - comp(ea, 2) * comp(eb, 1), shape)


def adjugate(a):
    raise NoClosedForm("adjugate")
