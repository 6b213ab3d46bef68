"""``symgrad.crosscheck``: symgrad's gradients against JAX's.

The recorded forward graph is replayed as a pure JAX function of the
leaves: each node runs its op's *forward* formula on ``jax.numpy`` (via
``symgrad.backends.jax_ns``), in float64, and ``jax.vjp`` differentiates the
replay.  JAX never reads symgrad's VJP rules, so it is an independent
witness.  Three gradients are compared per leaf: the numeric one from
symgrad's backward pass, its closed form evaluated at the leaves' values,
and JAX's.  When they disagree, each node's VJP rule is checked against
``jax.vjp`` of its forward formula to name the op at fault.

Importing this module imports neither JAX nor SymPy; a check does.
"""
import numpy as np

# a witness disagrees when max|a - b| exceeds RTOL * max|jax| + ATOL (by dtype);
# the floor lets gradients that are zero up to rounding (on both sides) agree
RTOL = {"float64": 1e-6, "float32": 1e-3, "float16": 5e-2, "bfloat16": 5e-2}
ATOL = {"float64": 64 * 2.0 ** -52, "float32": 64 * 2.0 ** -23, "float16": 64 * 2.0 ** -10,
        "bfloat16": 64 * 2.0 ** -7}


class ReplayError(RuntimeError):
    """The recorded graph cannot be replayed in JAX (a custom Function, an op
    whose forward formula does not run on jax.numpy, a constant modified in
    place since it was recorded)."""


class CrossCheckError(RuntimeError):
    """Raised by ``backward(check=True)`` when the witnesses disagree."""

    def __init__(self, report):
        self.report = report
        super().__init__(repr(report))


class LeafCheck:
    """One leaf's three gradients (numpy arrays; ``closed_form`` is None when
    it could not be evaluated, with the reason in ``closed_form_error``), the
    max abs and normwise relative differences of each against JAX, and
    ``culprit``: None when all agree, else which witness disagrees."""

    def __init__(self, name, shape, numeric, closed_form, closed_form_error, jax, rtol, atol):
        self.name = name
        self.shape = tuple(shape)
        self.numeric = numeric
        self.closed_form = closed_form
        self.closed_form_error = closed_form_error
        self.jax = jax
        self.rtol, self.atol = rtol, atol
        self.numeric_abs, self.numeric_rel = _diff(numeric, jax)
        nj = _agree(numeric, jax, rtol, atol)
        if closed_form is not None:
            self.closed_abs, self.closed_rel = _diff(closed_form, jax)
            cj = _agree(closed_form, jax, rtol, atol)
            cn = _agree(closed_form, numeric, rtol, atol)
        else:
            self.closed_abs = self.closed_rel = None
            cj = cn = None
        self.ok = nj and cj is not False
        if self.ok:
            self.culprit = None
        elif cj is None:
            self.culprit = "numeric (the closed form could not be evaluated)"
        elif not nj and not cj and cn:
            self.culprit = "vjp rules (numeric and closed form agree with each other, not with JAX)"
        elif not nj and cj:
            self.culprit = "numeric (the closed form agrees with JAX)"
        elif nj and not cj:
            self.culprit = "closed form (the numeric gradient agrees with JAX)"
        else:
            self.culprit = "all three differ"

    @property
    def max_abs(self):
        return max(v for v in (self.numeric_abs, self.closed_abs) if v is not None)

    @property
    def max_rel(self):
        return max(v for v in (self.numeric_rel, self.closed_rel) if v is not None)


class OpCheck:
    """A node whose VJP rule (run on numpy) disagrees with ``jax.vjp`` of its
    forward formula at the values the graph saw."""

    def __init__(self, grad_fn, op, input, max_abs, max_rel):
        self.grad_fn, self.op, self.input, self.max_abs, self.max_rel = grad_fn, op, input, max_abs, max_rel

    def __repr__(self):
        return (f"{self.grad_fn} (op {self.op!r}) input {self.input}: max abs diff {self.max_abs:.3g}, "
                f"rel {self.max_rel:.3g}")


class CrossCheck:
    """The result of ``symgrad.crosscheck``: truthy iff every leaf's
    witnesses agree.  ``leaves`` holds a ``LeafCheck`` per leaf, ``ops`` the
    nodes whose VJP rules disagree with JAX (checked only on a mismatch),
    ``forward_rel`` the difference of the replayed forward value."""

    def __init__(self, label, dtype, leaves, ops, forward_rel, forward_ok, rtol):
        self.label = label
        self.dtype = dtype
        self.leaves = leaves
        self.ops = ops
        self.forward_rel = forward_rel
        self.forward_ok = forward_ok
        self.rtol = rtol
        self.ok = all(lc.ok for lc in leaves) and forward_ok and not ops

    def __bool__(self):
        return self.ok

    def __getitem__(self, name):
        for lc in self.leaves:
            if lc.name == name:
                return lc
        raise KeyError(name)

    @property
    def max_rel(self):
        return max([lc.max_rel for lc in self.leaves] + [self.forward_rel])

    undefined = ()      # nodes that write one place twice: which write wins, and so the gradient, is unspecified

    def __repr__(self):
        status = "ok" if self.ok else "UNDEFINED" if self.undefined else "MISMATCH"
        head = f"crosscheck of {self.label} ({self.dtype}) against JAX: {status} (tolerance {self.rtol:g} of max|jax|)"
        rows = [("leaf", "shape", "|numeric-jax|", "rel", "|closed-jax|", "rel", "")]
        for lc in self.leaves:
            rows.append((lc.name, str(list(lc.shape)), f"{lc.numeric_abs:.2e}", f"{lc.numeric_rel:.2e}",
                         "-" if lc.closed_abs is None else f"{lc.closed_abs:.2e}",
                         "-" if lc.closed_rel is None else f"{lc.closed_rel:.2e}",
                         "" if lc.ok else "<- " + lc.culprit))
        widths = [max(len(r[c]) for r in rows) for c in range(6)]
        lines = [head]
        for r in rows:
            cells = ("  " + "  ".join(r[c].ljust(widths[c]) for c in range(6))).rstrip()
            lines.append(cells + ("  " + r[6] if r[6] else ""))
        if not self.forward_ok:
            lines.append(f"  the replayed forward value differs from symgrad's (rel {self.forward_rel:.2e})")
        for lc in self.leaves:
            if lc.closed_form is None and lc.closed_form_error:
                lines.append(f"  {lc.name}: closed form not evaluated: {lc.closed_form_error}")
        for oc in self.ops:
            lines.append(f"  VJP rule disagrees with JAX: {oc!r}")
        for name in self.undefined:
            lines.append(f"  {name} writes some elements more than once: which write wins is unspecified (PyTorch "
                         "and JAX choose differently), and so is the gradient of the values written")
        return "\n".join(lines)


def crosscheck(out, inputs=None, gradient=None, *, closed_form=True, raise_on_mismatch=False):
    """Check the gradients of ``out`` with respect to ``inputs`` (default:
    every leaf that requires grad) against JAX, and return a ``CrossCheck``.

    Called before ``backward()`` (or after ``backward(retain_graph=True)``)
    it runs symgrad's backward itself and leaves ``.grad`` untouched; called
    after ``out.backward()`` it checks the ``.grad`` that backward left.  ``gradient`` is the seed for a non-scalar ``out``.

    >>> import symgrad as sg
    >>> x = sg.tensor([1., 2., 3.], requires_grad=True, dtype=sg.float64)
    >>> r = sg.crosscheck((sg.sin(x) * x).sum())
    >>> bool(r), r["x"].numeric_rel < 1e-12
    (True, True)
    """
    import jax
    from . import engine
    from .tensor import Tensor
    from .autograd import grad as _grad
    if not isinstance(out, Tensor):
        raise TypeError(f"crosscheck() needs a symgrad Tensor, not {type(out).__name__}")
    if not out.requires_grad:
        raise RuntimeError("crosscheck: the tensor does not require grad, so it has no gradient to check")
    leaves = engine.leaves_of([out]) if inputs is None else ([inputs] if isinstance(inputs, Tensor) else list(inputs))
    for leaf in leaves:
        if not isinstance(leaf, Tensor) or leaf._node is not None or not leaf.requires_grad:
            raise ValueError("crosscheck differentiates with respect to leaf tensors that require grad")
    if gradient is None:
        if out.numel() != 1:
            raise RuntimeError("grad can be implicitly created only for scalar outputs; pass gradient=")
        seed = np.ones(out.shape, np.float64)
    else:
        seed = np.asarray(gradient._data if isinstance(gradient, Tensor) else gradient, dtype=np.float64)
        if seed.shape != tuple(out.shape):
            raise RuntimeError(f"gradient has shape {list(seed.shape)}, out has shape {list(out.shape)}")
    root = engine.edge_of(out)
    order = _topo(root)
    # hooks change gradients on purpose (and retain_grad accumulates): the
    # numeric witness is the plain derivative, so they are off while it runs
    hooks = [(n, n.hooks) for n in order if n.hooks] + [(t, t._hooks) for t in leaves if t._hooks]
    try:
        for obj, _ in hooks:
            _set_hooks(obj, None)
        grads = _grad(out, leaves, None if gradient is None else gradient, retain_graph=True, allow_unused=True)
    except RuntimeError as e:
        if "second time" not in str(e):
            raise
        grads = _grads_of_finished_backward(out, root, leaves, seed if gradient is not None else None)
    finally:
        for obj, h in hooks:
            _set_hooks(obj, h)
    with jax.enable_x64(True):
        vals = [_leaf_value(leaf) for leaf in leaves]
        seed = jax.numpy.asarray(seed)

        def value_and_vjp(vals, seed, traced):
            primal, pullback = jax.vjp(_replay_fn(order, root, leaves, traced), *vals)
            return primal, pullback(seed)
        try:        # one compiled program for the whole replay
            primal, jgrads = jax.jit(lambda v, s: value_and_vjp(v, s, True))(vals, seed)
        except jax.errors.JAXTypeError:     # a formula that needs concrete values: replay op by op
            primal, jgrads = value_and_vjp(vals, seed, False)
        jgrads = [np.asarray(g) for g in jgrads]
    dtype = out.dtype.name
    rtol, atol = RTOL.get(dtype, 1e-6), ATOL.get(dtype, 0.0)
    forward_rel = _diff(out._data, np.asarray(primal))[1]
    forward_ok = _agree(out._data, np.asarray(primal), rtol, atol)
    from .symbolic.graph import find_name
    checks = []
    for k, (leaf, g, jg) in enumerate(zip(leaves, grads, jgrads)):
        num = np.zeros(leaf.shape) if g is None else np.asarray(g._data, dtype=np.float64)
        cf, err = (None, None)
        if closed_form and g is not None:
            cf, err = _closed_form(g)
        elif closed_form:
            cf = np.zeros(leaf.shape)
        ltol = max(rtol, RTOL.get(leaf.dtype.name, 1e-6))
        latol = max(atol, ATOL.get(leaf.dtype.name, 0.0))
        name = find_name(leaf) or f"input {k}"
        checks.append(LeafCheck(name, leaf.shape, num, cf, err, jg, ltol, latol))
    ops = []
    if not all(lc.ok for lc in checks) or not forward_ok:
        ops = _localize(order, root, leaves, vals, rtol, atol)
    report = CrossCheck(find_name(out) or "out", dtype, checks, ops, forward_rel, forward_ok, rtol)
    report.undefined = [n.name() for n in order if _duplicate_writes(n)] if not report.ok else []
    if raise_on_mismatch and not report.ok and not report.undefined:
        raise CrossCheckError(report)
    return report


def _grads_of_finished_backward(out, root, leaves, seed):
    """After ``out.backward()`` freed the graph, the numeric witness is what
    that backward left in each leaf's ``.grad``, provided the gradient holds
    exactly that one backward pass (no accumulation, no hooks, same seed)."""
    from . import engine
    reached = {id(t) for t in engine.leaves_of([out])}
    grads = []
    for leaf in leaves:
        g = leaf.grad
        rec = None if g is None else g._gsrc
        if g is None and id(leaf) not in reached:
            grads.append(None)
            continue
        contrib = rec[0][1] if rec is not None and len(rec) == 1 and rec[0][0] == "bw" else None
        if contrib is None or contrib.roots != (root,) or contrib.hooked or len(contrib.seeds) != 1 \
                or not _same_seed(contrib.seeds[0], seed):
            raise RuntimeError("crosscheck: the graph's saved values were freed by backward(), and the leaves' "
                               ".grad do not hold exactly that backward's result (accumulated, hooked or "
                               "zeroed); call crosscheck before backward(), or after backward(retain_graph=True)")
        grads.append(g)
    return grads


def _same_seed(s, seed):
    if s is None or seed is None:
        return s is None and seed is None
    return np.array_equal(np.asarray(getattr(s, "_data", s), dtype=np.float64), seed)


def _set_hooks(obj, hooks):
    from .tensor import Tensor
    if isinstance(obj, Tensor):
        obj._hooks = hooks
    else:
        obj.hooks = hooks


def _diff(a, b):
    """(max |a - b|, max |a - b| / max |b|); equal non-finite values count as equal."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.size == 0:
        return 0.0, 0.0
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    d = np.where(same, 0.0, np.abs(a - b))
    if np.isnan(d).any():
        return float("inf"), float("inf")
    m = float(d.max())
    scale = float(np.abs(b[np.isfinite(b)]).max()) if np.isfinite(b).any() else 0.0
    return m, (m / scale if scale > 0 else (0.0 if m == 0 else float("inf")))


def _agree(a, b, rtol, atol):
    """max|a - b| <= rtol * max|b| + atol (equal non-finite values agree)."""
    m, _ = _diff(a, b)
    b = np.asarray(b, dtype=np.float64)
    scale = float(np.abs(b[np.isfinite(b)]).max()) if b.size and np.isfinite(b).any() else 0.0
    return m <= rtol * scale + atol


def _closed_form(g):
    from .symbolic import evaluate
    try:
        return np.asarray(evaluate(g), dtype=np.float64), None
    except Exception as e:         # opaque functions, lost constants: reported, not fatal
        return None, f"{type(e).__name__}: {e}"


# ------------------------------------------------------------------ replay
def _node(e):
    from .engine import Node
    if e is None:
        return None
    n = e[0] if type(e) is tuple else e
    return n if isinstance(n, Node) else None


def _topo(root):
    """Nodes reachable from the root edge, each after its inputs."""
    start = _node(root)
    if start is None:
        return []
    order, seen, stack = [], set(), [(start, False)]
    while stack:
        n, done = stack.pop()
        if done:
            order.append(n)
            continue
        if n in seen:
            continue
        seen.add(n)
        stack.append((n, True))
        for e in n.edges:
            m = _node(e)
            if m is not None and m not in seen:
                stack.append((m, False))
    return order


def _leaf_value(leaf):
    import jax.numpy as jnp
    return jnp.asarray(np.asarray(leaf._data, dtype=np.float64))


def _const(node, k):
    """The value of constant input ``k`` of ``node`` as the graph saw it."""
    from .tensor import Tensor, _Meta
    s = node.saved[k]
    if isinstance(s, Tensor):
        for vc, ver, kk in node.checks:
            if kk == k and vc[0] != ver:
                raise ReplayError(f"crosscheck: input {k} of {node.name()} was modified in place after it was "
                                  "recorded, so the graph cannot be replayed")
        return _as64(s._data)
    if isinstance(s, _Meta):
        if s.value is None:
            raise ReplayError(f"crosscheck: the value of input {k} of {node.name()} was not kept")
        if s.vc is not None and s.vc[0] != s.ver:
            raise ReplayError(f"crosscheck: input {k} of {node.name()} was modified in place after it was "
                              "recorded, so the graph cannot be replayed")
        return _as64(s.value)
    return s


def _as64(a):
    a = np.asarray(a)
    return a.astype(np.float64) if a.dtype.kind == "f" else a


class _Like:
    """Stands for an input in dtype promotion: its symgrad dtype and ndim."""
    __slots__ = ("dtype", "ndim")

    def __init__(self, dtype, ndim):
        self.dtype, self.ndim = dtype, ndim


def _promotion(node):
    """The (numpy) dtype the engine cast this node's array inputs to, or None."""
    from . import dtypes as _dt
    from .tensor import Tensor, _Meta
    rule = node.op.dtypes
    if rule == "keep":
        return None
    likes = []
    for k, e in enumerate(node.edges):
        s = node.saved[k]
        if e is not None:
            shape, dt = node.meta[k]
            likes.append(_Like(dt, len(shape)))
        elif isinstance(s, Tensor):
            likes.append(_Like(s.dtype, s.ndim))
        elif isinstance(s, _Meta):
            likes.append(_Like(_dt._FROM_NP[np.dtype(s.dtype)], len(s.shape)))
        else:
            likes.append(s)
    dt = _dt.result_type(*likes)
    if dt is None:
        return None
    if rule == "float" and dt._cat < 2:
        dt = _dt._DEFAULT[0]
    return np.dtype(np.float64) if dt.np.kind == "f" else np.dtype(dt.np)


def _run_node(node, ins, xp):
    """One node's forward on ``xp``, with the engine's dtype casts (floats as float64)."""
    op = node.op
    if hasattr(op, "backward_node") or getattr(op, "forward", None) is None:
        raise ReplayError(f"crosscheck cannot replay {node.name()}: it is a custom autograd.Function "
                                  "(Python code on tensors), not an op-table formula")
    target = _promotion(node)
    if target is not None:
        ins = [xp.asarray(a).astype(target) if isinstance(a, np.ndarray) or _is_jax(a) else a for a in ins]
    out = op.forward(xp, *ins, **node.params)
    if node.out_meta is None:
        if target is not None and op.dtypes != "compare":
            out = xp.asarray(out).astype(target)
        return out
    return tuple(out)


def _is_jax(a):
    return type(a).__module__.startswith("jax")


def _replay_fn(order, root, leaves, traced=False):
    """The forward graph as a function of the leaves' values on jax.numpy.
    ``traced``: under ``jax.jit``, where JAX's errors about values that are
    not concrete propagate (the caller then replays op by op)."""
    import jax
    from .backends import jax_ns
    pos = {id(leaf): k for k, leaf in enumerate(leaves)}

    def f(*vals):
        env = {}
        for node in order:
            ins = [_input(node, k, e, env, pos, vals) for k, e in enumerate(node.edges)]
            try:
                env[node] = _run_node(node, ins, jax_ns)
            except ReplayError:
                raise
            except jax.errors.JAXTypeError:
                if traced:
                    raise
                raise ReplayError(f"crosscheck: {node.name()} (op {node.op.name!r}) could not be replayed in "
                                  f"JAX: its forward formula needs concrete values") from None
            except Exception as e:
                raise ReplayError(f"crosscheck: {node.name()} (op {node.op.name!r}) could not be replayed in "
                                  f"JAX: {type(e).__name__}: {e}") from e
        return _value(root, env, pos, vals)
    return f


def _input(node, k, e, env, pos, vals):
    if e is None:
        return _const(node, k)
    return _value(e, env, pos, vals)


def _value(e, env, pos, vals):
    if type(e) is tuple:
        return env[e[0]][e[1]]
    n = _node(e)
    if n is not None:
        return env[n]
    k = pos.get(id(e))
    return vals[k] if k is not None else _as64(e._data)


# -------------------------------------------------------------- localizing
def _duplicate_writes(node):
    op = getattr(node.op, "name", None)
    if op in ("scatter", "scatter_value"):
        idx = np.asarray(node.params["index"])
        if idx.ndim == 0:
            return False
        cols = np.sort(np.moveaxis(idx, node.params["dim"] % idx.ndim, -1).reshape(-1, idx.shape[node.params["dim"]]))
        return bool((cols[:, 1:] == cols[:, :-1]).any())
    if op == "index_put" and node.shape is not None:
        hit = np.arange(int(np.prod(node.shape))).reshape(node.shape)[node.params["key"]].reshape(-1)
        return np.unique(hit).size < hit.size
    return False


def _localize(order, root, leaves, vals, rtol, atol):
    """Check every node's VJP rule against jax.vjp of its forward formula at
    the values the replay gives its inputs."""
    import jax
    from .backends import jax_ns, numpy_ns
    from . import engine
    pos = {id(leaf): k for k, leaf in enumerate(leaves)}
    rng = np.random.default_rng(0)
    bad = []
    with jax.enable_x64(True):
        env = {}
        for node in order:
            ins = [_input(node, k, e, env, pos, vals) for k, e in enumerate(node.edges)]
            try:
                env[node] = _run_node(node, ins, jax_ns)
            except Exception:
                return bad
            np_ins = [np.asarray(a) if _is_jax(a) else a for a in ins]
            bad.extend(_check_node(node, np_ins, ins, rng, rtol, atol, jax, jax_ns, numpy_ns, engine))
    return bad


def _check_node(node, np_ins, jx_ins, rng, rtol, atol, jax, jax_ns, numpy_ns, engine):
    op = node.op
    try:
        ans = _run_node(node, list(np_ins), numpy_ns)
    except Exception:
        return []
    multi = node.out_meta is not None
    outs = ans if multi else (ans,)
    gs = tuple(rng.standard_normal(np.shape(o)) if np.asarray(o).dtype.kind == "f" else np.zeros(np.shape(o))
               for o in outs)
    floats = [k for k, o in enumerate(outs) if np.asarray(o).dtype.kind == "f"]
    found = []
    for k, e in enumerate(node.edges):
        if e is None or not isinstance(np_ins[k], np.ndarray) and not _is_jax(jx_ins[k]):
            continue
        try:
            g = tuple(gs) if multi else gs[0]
            r = op.vjp(numpy_ns, k, g, ans, *np_ins, **node.params) if op.variadic else \
                op.vjp[k](numpy_ns, g, ans, *np_ins, **node.params)
            r = engine.unbroadcast(numpy_ns, np.asarray(r, dtype=np.float64), node.meta[k][0])

            def fk(v, k=k):
                ins = list(jx_ins)
                ins[k] = v
                o = _run_node(node, ins, jax_ns)
                return tuple(o[j] for j in floats) if multi else o
            _, pull = jax.vjp(fk, jax.numpy.asarray(jx_ins[k]))
            cot = tuple(jax.numpy.asarray(gs[j]) for j in floats) if multi else jax.numpy.asarray(gs[0])
            (jg,) = pull(cot)
        except Exception:
            continue
        a, rel = _diff(r, np.asarray(jg))
        if not _agree(r, np.asarray(jg), rtol, atol):
            found.append(OpCheck(node.name(), op.name, k, a, rel))
    return found
