"""symgrad beside PyTorch (eager, CPU), JAX (jit) and HIPS autograd.

    python benchmarks/run.py

Runs in one process and prints each benchmark's times, the ratios to
PyTorch, whether each target is met, and a markdown table.  Libraries that
are not installed are skipped.  Times are the best of interleaved rounds
(see ``timing.py``): noise on a shared machine only adds time.
"""
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path[:0] = [ROOT, HERE]

import symgrad as sg  # noqa: E402
from timing import interleaved, paired, fmt  # noqa: E402


def optional(name):
    try:
        return __import__(name)
    except ImportError:
        return None


torch = optional("torch")
jax = optional("jax")
hips = optional("autograd")
if jax is not None:
    jax.config.update("jax_enable_x64", True)      # the seed loop runs in float64

ROWS = []        # (benchmark, {contender: text}, ratio text, target text, met)


def report(name, times, ratio=None, target=None, met=None):
    cells = {k: (fmt(v) if isinstance(v, float) else v) for k, v in times.items()}
    ROWS.append((name, cells, "" if ratio is None else f"{ratio:.2f}", target or "",
                 "" if met is None else ("yes" if met else "NO")))
    line = ", ".join(f"{k} {c}" for k, c in cells.items())
    tail = "" if ratio is None else f"  ratio {ratio:.2f}" + (
        f" {target}" if met is None else f" (target {target}: {'met' if met else 'NOT met'})")
    print(f"{name}: {line}{tail}", flush=True)


# ------------------------------------------------------------ 1. seed loop
STEPS = 5000


def seed_loop(lib):
    """PyTorch's seed example: gradient descent on f = x**2 through .data."""
    def run():
        x = lib.tensor(10.0, dtype=lib.float64, requires_grad=True)
        for _ in range(STEPS):
            if x.grad is not None:
                x.grad.data.zero_()
            f = x ** 2
            f.backward()
            x.data = x.data - 0.001 * x.grad
        return x.item()
    return run


def seed_jax():
    step = jax.jit(lambda x: x - 0.001 * jax.grad(lambda v: v ** 2)(x))

    def run():
        x = jax.numpy.asarray(10.0, jax.numpy.float64)
        for _ in range(STEPS):
            x = step(x)
        return float(x)
    return run


def seed_hips():
    g = hips.grad(lambda v: v ** 2)

    def run():
        x = 10.0
        for _ in range(STEPS):
            x = x - 0.001 * g(x)
        return x
    return run


def contenders(make_sg, make_torch, make_jax, make_hips):
    """The benchmark's runners for symgrad and every installed contender."""
    runs = {"symgrad": make_sg()}
    for name, lib, make in (("PyTorch", torch, make_torch), ("JAX", jax, make_jax), ("autograd", hips, make_hips)):
        if lib is not None:
            runs[name] = make()
    return runs


def against_torch(runs, **timing):
    """Best times of all runners and symgrad's ratio to PyTorch (None without it)."""
    if torch is None:
        return interleaved(runs, **timing), None
    return paired(runs, "symgrad", "PyTorch", **timing)


def bench_seed():
    runs = contenders(lambda: seed_loop(sg), lambda: seed_loop(torch), seed_jax, seed_hips)
    finals = {k: f() for k, f in runs.items()}
    expect = 10.0 * (1 - 0.002) ** STEPS
    assert all(abs(v - expect) < 1e-9 for v in finals.values()), finals
    t, ratio = against_torch(runs, rounds=9)
    report(f"seed loop ({STEPS} steps of x**2)", t, ratio, "≤ 0.70", ratio is not None and ratio <= 0.7)
    return runs["symgrad"]


# --------------------------------------------------------------- 2. MLP step
rng = np.random.default_rng(0)
X = rng.standard_normal((128, 784)).astype(np.float32)
Y = rng.integers(0, 10, 128)
PARAMS = [rng.uniform(-b, b, s).astype(np.float32)       # PyTorch's default Linear init
          for s, b in [((256, 784), 784 ** -0.5), ((256,), 784 ** -0.5), ((10, 256), 256 ** -0.5),
                       ((10,), 256 ** -0.5)]]
LR = 0.01


def mlp_model(lib):
    nn = lib.nn
    model = nn.Sequential(nn.Linear(784, 256), nn.Tanh(), nn.Linear(256, 10))
    with lib.no_grad():
        for p, a in zip(model.parameters(), PARAMS):
            p.copy_(lib.tensor(a))
    return model


def mlp_step(lib):
    """One SGD step of a 784-256-10 tanh MLP with cross-entropy, batch 128."""
    model = mlp_model(lib)
    opt = lib.optim.SGD(model.parameters(), lr=LR)
    x, y = lib.tensor(X), lib.tensor(Y)
    F = lib.nn.functional

    def step():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()
    return step


def mlp_jax():
    jnp = jax.numpy

    def loss_fn(p, x, y):
        w1, b1, w2, b2 = p
        z = jnp.tanh(x @ w1.T + b1) @ w2.T + b2
        logp = jax.nn.log_softmax(z, axis=1)
        return -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=1))

    @jax.jit
    def update(p, x, y):
        loss, g = jax.value_and_grad(loss_fn)(p, x, y)
        return [a - LR * b for a, b in zip(p, g)], loss

    state = [[jnp.asarray(a) for a in PARAMS]]
    x, y = jnp.asarray(X), jnp.asarray(Y)

    def step():
        state[0], loss = update(state[0], x, y)
        return float(loss.block_until_ready())
    return step


def mlp_hips():
    anp = hips.numpy
    rows = np.arange(len(Y))

    def loss_fn(p):
        w1, b1, w2, b2 = p
        z = anp.dot(anp.tanh(anp.dot(X, w1.T) + b1), w2.T) + b2
        m = anp.max(z, axis=1, keepdims=True)
        logp = z - m - anp.log(anp.sum(anp.exp(z - m), axis=1, keepdims=True))
        return -anp.mean(logp[rows, Y])

    vg = hips.value_and_grad(loss_fn)
    state = [[a.copy() for a in PARAMS]]

    def step():
        loss, g = vg(state[0])
        state[0] = [a - np.float32(LR) * b for a, b in zip(state[0], g)]
        return float(loss)
    return step


def mlp_numpy():
    """The same step written out in numpy, gradients by hand: the floor for
    any numpy-based library (the two large products dominate it)."""
    params = [a.copy() for a in PARAMS]
    rows = np.arange(len(Y))
    lr = np.float32(LR)

    def step():
        w1, b1, w2, b2 = params
        h = np.tanh(X @ w1.T + b1)
        z = h @ w2.T + b2
        e = np.exp(z - z.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        loss = -np.mean(np.log(p[rows, Y]))
        dz = p
        dz[rows, Y] -= 1
        dz /= len(Y)
        da = (dz @ w2) * (1 - h * h)
        for a, g in zip(params, (da.T @ X, da.sum(0), dz.T @ h, dz.sum(0))):
            a -= lr * g
        return float(loss)
    return step


def bench_mlp():
    runs = contenders(lambda: mlp_step(sg), lambda: mlp_step(torch), mlp_jax, mlp_hips)
    runs["numpy by hand"] = mlp_numpy()
    losses = {k: [f() for _ in range(3)] for k, f in runs.items()}   # same steps for all
    ref = losses["symgrad"]
    for k, v in losses.items():
        assert np.allclose(v, ref, rtol=1e-4), (k, v, ref)
    t, ratio = against_torch(runs, rounds=12, number=5, warmup=1, settle=0.25)
    report("MLP SGD step (784-256-10 tanh, CE, batch 128, float32)", t, ratio, "(against PyTorch)")
    # numpy by hand is the floor for any numpy-based library (0.8 of PyTorch lies
    # below it, see the README): the target is how far symgrad stays above it
    floor = {"numpy by hand / PyTorch": f"{t['numpy by hand'] / t['PyTorch']:.2f}"} if torch is not None else {}
    over = t["symgrad"] / t["numpy by hand"]
    report("MLP SGD step: symgrad / numpy by hand", floor, over, "≤ 1.50", over <= 1.5)


# ------------------------------------------------------------- 3. import
PROBE = ("import sys, time; t = time.perf_counter(); import {m}; dt = time.perf_counter() - t; "
         "print(dt, *[n for n in ('jax', 'sympy', 'torch') if n in sys.modules])")


def import_time(module, repeat):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("PYTHONDONTWRITEBYTECODE", None)     # time imports as installed: from bytecode
    subprocess.run([sys.executable, "-c", f"import {module}"], env=env, check=True)   # writes it
    times, loaded = [], set()
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", PROBE.format(m=module)], capture_output=True,
                             text=True, env=env, check=True).stdout.split()
        times.append(float(out[0]))
        loaded.update(out[1:])
    return min(times), loaded


def bench_import():
    t, loaded = import_time("symgrad", 7)
    heavy = loaded - {"symgrad"}
    print(f"import symgrad loads jax/sympy/torch: {sorted(heavy) or 'none'}")
    assert not heavy, f"import symgrad imported {sorted(heavy)}"
    times = {"symgrad": t}
    if torch:
        times["PyTorch"] = import_time("torch", 3)[0]
    if jax:
        times["JAX"] = import_time("jax", 3)[0]
    if hips:
        times["autograd"] = import_time("autograd", 3)[0]
    report("import (fresh process; loads no jax/sympy/torch)", times, None, "< 0.3 s", t < 0.3)
    ROWS[-1] = ROWS[-1][:2] + ("", "symgrad < 0.3 s", "yes" if t < 0.3 else "NO")


# ---------------------------------------------------------- 4. symbolic
def closed_form_time(n, repeat=5):
    """Seconds to build ``w.grad.expr`` of a least-squares loss with n rows."""
    import sympy
    r = np.random.default_rng(1)
    X = sg.tensor(r.standard_normal((n, 5)))
    y = sg.tensor(r.standard_normal(n))
    times = []
    for _ in range(repeat):
        w = sg.tensor(r.standard_normal(5), requires_grad=True)
        loss = ((X @ w - y) ** 2).mean()
        loss.backward()
        sympy.core.cache.clear_cache()
        t0 = time.perf_counter()
        w.grad.expr
        times.append(time.perf_counter() - t0)
    return min(times)


def sympy_elementwise_time(n, repeat=3):
    """Seconds for plain SymPy to build the loss element by element and
    differentiate it with respect to each of the 5 weights."""
    import sympy as sp
    X = [[sp.Symbol(f"X_{i}_{j}") for j in range(5)] for i in range(n)]
    y = [sp.Symbol(f"y_{i}") for i in range(n)]
    w = sp.symbols("w0:5")
    times = []
    for _ in range(repeat):
        sp.core.cache.clear_cache()
        t0 = time.perf_counter()
        loss = sp.Add(*[(sp.Add(*[X[i][j] * w[j] for j in range(5)]) - y[i]) ** 2 for i in range(n)]) / n
        [sp.diff(loss, wj) for wj in w]
        times.append(time.perf_counter() - t0)
    return min(times)


def bench_closed_form():
    closed_form_time(10, repeat=2)                     # loads SymPy and the templates
    sizes = [10, 1_000, 1_000_000]
    t = {n: closed_form_time(n) for n in sizes}
    growth = t[sizes[-1]] / t[sizes[0]]
    report("closed form of w.grad, loss = ((X@w - y)**2).mean(), X (n, 5)",
           {f"n={n:,}": v for n, v in t.items()}, growth, "largest/smallest ≤ 1.5", growth <= 1.5)
    small = [10, 30, 100]
    s = {n: sympy_elementwise_time(n) for n in small}
    report("plain SymPy, element by element (build + diff)", {f"n={n}": v for n, v in s.items()},
           s[small[-1]] / s[small[0]], "(growth, for comparison)", None)


def bench_lambdify():
    model = mlp_model(sg)
    x, y = sg.tensor(X), sg.tensor(Y)
    F = sg.nn.functional

    def numeric():
        model.zero_grad()
        F.cross_entropy(model(x), y).backward()
    numeric()
    W = model[0].weight
    f, leaves = sg.lambdify(W.grad)
    args = [leaf._data for leaf in leaves]
    assert np.allclose(f(*args), W.grad._data, rtol=1e-3, atol=1e-6)
    t, ratio = paired({"lambdified closed form": lambda: f(*args), "numeric forward+backward": numeric},
                      "lambdified closed form", "numeric forward+backward", rounds=9, number=3)
    report("MLP dL/dW1: sg.lambdify(W.grad) vs numeric", t, ratio, "≤ 1.5", ratio <= 1.5)


def bench_switch(seed_run):
    def run(on):
        def f():
            sg.set_symbolic(on)
            try:
                seed_run()
            finally:
                sg.set_symbolic(True)
        return f
    t, ratio = paired({"symbolic on": run(True), "symbolic off": run(False)}, "symbolic on", "symbolic off",
                      rounds=25)       # a few percent apart: more rounds, so noise cannot decide it
    report("seed loop, symbolic recording on vs off", t, ratio, "≤ 1.05", ratio <= 1.05)


# ----------------------------------------------------------------- table
def table():
    lines = ["| benchmark | times | ratio | target | met |", "|---|---|---|---|---|"]
    for name, cells, ratio, target, met in ROWS:
        times = "<br>".join(f"{k}: {c}" for k, c in cells.items())
        lines.append(f"| {name} | {times} | {ratio} | {target} | {met} |")
    return "\n".join(lines)


def main():
    import platform
    versions = [f"symgrad {sg.__version__}", f"numpy {np.__version__}"]
    versions += [f"{m.__name__} {m.__version__}" for m in (torch, jax) if m is not None]
    if hips:
        from importlib.metadata import version
        versions.append(f"autograd {version('autograd')}")
    print(f"Python {platform.python_version()}, {', '.join(versions)}; ratio = symgrad / PyTorch "
          "unless stated\n", flush=True)
    t0 = time.perf_counter()
    seed_run = bench_seed()
    bench_mlp()
    bench_import()
    bench_closed_form()
    bench_lambdify()
    bench_switch(seed_run)
    print(f"\n{table()}\n\n(total {time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
