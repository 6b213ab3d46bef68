"""The ``symgrad`` command line.

    symgrad diff "mean(3*(x + 2)**2)" --shape x=2,2 --at x=1
    symgrad verify "mean(3*(x + 2)**2)" --wrt x --claim "3/2*(x + 2)" --shape x=2,2
    symgrad demo

Expressions are read by the safe formula parser and built with symgrad's own
tensor ops; names are declared with ``--shape`` and/or ``--at``.  ``verify``
exits 0 when the claim holds, 1 when it does not, 2 on bad input.
"""
import argparse
import sys

EXIT_OK, EXIT_FALSE, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Bad input on the command line (exit status 2)."""


def main(argv=None):
    """Run the command line; returns the exit status.

    >>> from symgrad.cli import main
    >>> main(["diff", "sum(x**2)", "--at", "x=1,2"])
    ∂f/∂x[i] = 2*x[i]
      at x = [1, 2]: tensor([2., 4.], dtype=symgrad.float64)
    0
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    from .verify.parser import FormulaError
    try:
        return args.run(args)
    except (UsageError, FormulaError) as e:
        print(f"symgrad {args.command}: error: {e}", file=sys.stderr)
        return EXIT_USAGE


def _parser():
    p = argparse.ArgumentParser(prog="symgrad", description="Closed-form gradients from the command line.")
    sub = p.add_subparsers(dest="command")

    def common(q):
        q.add_argument("expr", help='an expression in the declared names, e.g. "mean(3*(x + 2)**2)"')
        q.add_argument("--shape", action="append", default=[], metavar="NAME=DIMS",
                       help="declare a tensor and its shape: x=2,2 (x= for a scalar)")
        q.add_argument("--at", action="append", default=[], metavar="NAME=VALUES",
                       help="values: x=1 fills x with 1, x=1,2,3,4 lists every element (default 1)")
        q.add_argument("--dtype", choices=("float64", "float32"), default="float64")

    d = sub.add_parser("diff", help="print the closed form of the gradient and its value")
    common(d)
    d.add_argument("--wrt", action="append", default=[], metavar="NAME",
                   help="differentiate with respect to NAME (default: every declared name)")
    d.add_argument("--latex", action="store_true", help="print closed forms as LaTeX")
    d.set_defaults(run=_diff)

    v = sub.add_parser("verify", help="check a hand-derived formula; exit 0 if it holds, 1 if not, 2 on bad input")
    common(v)
    v.add_argument("--claim", required=True, help='the claimed closed form, e.g. "3/2*(x + 2)"')
    v.add_argument("--wrt", metavar="NAME",
                   help="check the gradient with respect to NAME (default: the expression's own value)")
    v.add_argument("--timeout", type=float, default=3.0, help="seconds for the symbolic proof (default 3)")
    v.add_argument("--points", type=int, default=3, help="random points to compare at (default 3)")
    v.set_defaults(run=_verify)

    m = sub.add_parser("demo", help="run the autograd walk-through, printing closed forms along the way")
    m.set_defaults(run=_demo)
    return p


# ---------------------------------------------------------------- building
def _declarations(args):
    """{name: (shape, values or None)} from --shape and --at."""
    from .verify.parser import FUNCTIONS, INDEX_NAMES
    decl = {}
    for item in args.shape:
        name, dims = _split(item, "--shape")
        try:
            shape = tuple(int(s) for s in dims.replace("(", "").replace(")", "").split(",") if s.strip())
        except ValueError:
            raise UsageError(f"--shape {item}: dims must be integers, as x=2,3") from None
        if any(s < 0 for s in shape) or len(shape) > 8:
            raise UsageError(f"--shape {item}: dims must be non-negative (at most 8 of them)")
        if name in decl:
            raise UsageError(f"--shape: {name} declared twice")
        decl[name] = [shape, None]
    for item in args.at:
        name, text = _split(item, "--at")
        try:
            vals = [float(s) for s in text.split(",")]
        except ValueError:
            raise UsageError(f"--at {item}: values must be numbers, as x=1 or x=1,2,3") from None
        if any(v != v or v in (float("inf"), float("-inf")) for v in vals):
            raise UsageError(f"--at {item}: values must be finite")
        if name in decl:
            if decl[name][1] is not None:
                raise UsageError(f"--at: {name} given twice")
            decl[name][1] = vals
        else:
            decl[name] = [() if len(vals) == 1 else (len(vals),), vals]
    for name in decl:
        if not name.isidentifier() or name.startswith("_") or name in FUNCTIONS or name in INDEX_NAMES:
            raise UsageError(f"{name!r} cannot name a tensor (names are identifiers other than the functions "
                             f"and the index symbols {', '.join(INDEX_NAMES)})")
    return decl


def _split(item, flag):
    if "=" not in item:
        raise UsageError(f"{flag} {item}: expected NAME=VALUE")
    name, value = item.split("=", 1)
    return name.strip(), value.strip()


def _leaves(args):
    import numpy as np
    import symgrad as sg
    dtype = getattr(sg, args.dtype)
    out = {}
    for name, (shape, vals) in _declarations(args).items():
        size = int(np.prod(shape)) if shape else 1
        if size > 10 ** 6:
            raise UsageError(f"{name}: {size} elements is too many for the command line")
        if vals is None:
            arr = np.ones(shape)
        elif len(vals) == 1:
            arr = np.full(shape, vals[0])
        elif len(vals) == size:
            arr = np.array(vals).reshape(shape)
        else:
            raise UsageError(f"--at {name}: {len(vals)} values for shape {list(shape)} ({size} elements)")
        t = sg.tensor(arr, dtype=dtype, requires_grad=True)
        t.name = name
        out[name] = t
    return out


def _build(args):
    from .verify.parser import parse, TensorBuilder
    from .tensor import Tensor
    leaves = _leaves(args)
    if not leaves:
        raise UsageError("declare the expression's names with --shape NAME=DIMS or --at NAME=VALUES")
    try:
        f = parse(args.expr, TensorBuilder(leaves))
    except (RuntimeError, ValueError, IndexError, TypeError) as e:
        if type(e).__name__ == "FormulaError":
            raise
        raise UsageError(f"cannot evaluate {args.expr!r}: {e}") from None
    if not isinstance(f, Tensor) or not f.requires_grad:
        raise UsageError(f"{args.expr!r} does not depend on any declared name")
    return f, leaves


def _values_text(t):
    a = t.detach().numpy()
    if a.size and (a == a.flat[0]).all():
        return _num(a.flat[0])
    return "[" + ", ".join(_num(v) for v in a.ravel()[:8]) + (", ..." if a.size > 8 else "") + "]"


def _num(v):
    v = float(v)
    return str(int(v)) if v == int(v) and abs(v) < 1e15 else f"{v:g}"


# ---------------------------------------------------------------- commands
def _diff(args):
    import sympy as sp
    from .symbolic.printing import index_str
    f, leaves = _build(args)
    if f.numel() != 1:
        raise UsageError(f"the expression has shape {list(f.shape)}; differentiate a scalar, e.g. "
                         f"sum({args.expr}) or mean({args.expr})")
    wrt = args.wrt or list(leaves)
    for n in wrt:
        if n not in leaves:
            raise UsageError(f"--wrt {n}: not a declared name (declared: {', '.join(leaves)})")
    f.backward()
    for n in wrt:
        x = leaves[n]
        g = x.grad
        if g is None:
            g = x.detach() * 0
        e = g.expr if x.grad is not None else sp.Integer(0)
        idx = index_str(x.shape)
        if args.latex:
            sub = "_{" + idx[1:-1] + "}" if idx else ""
            print(rf"\frac{{\partial f}}{{\partial {n}{sub}}} = {sp.latex(e)}")
        else:
            print(f"∂f/∂{n}{idx} = {sp.sstr(e)}")
        at = ", ".join(f"{m} = {_values_text(leaves[m])}" for m in leaves)
        print(f"  at {at}: " + repr(g).replace("\n", "\n" + " " * (len(at) + 6)))
    return EXIT_OK


def _verify(args):
    from . import verify
    f, leaves = _build(args)
    if args.points < 0 or args.timeout < 0:
        raise UsageError("--points and --timeout must be non-negative")
    if args.wrt is None:
        target = f
    else:
        if args.wrt not in leaves:
            raise UsageError(f"--wrt {args.wrt}: not a declared name (declared: {', '.join(leaves)})")
        if f.numel() != 1:
            raise UsageError(f"the expression has shape {list(f.shape)}; a gradient needs a scalar, e.g. "
                             f"sum({args.expr})")
        f.backward()
        target = leaves[args.wrt].grad
        if target is None:
            target = leaves[args.wrt].detach() * 0
    v = verify(target, args.claim, points=args.points, timeout=args.timeout)
    from .symbolic.printing import index_str
    v.label = f"f{index_str(f.shape)}" if args.wrt is None else f"∂f/∂{args.wrt}{index_str(target.shape)}"
    print(repr(v))
    return EXIT_OK if v else EXIT_FALSE


def _demo(args):
    """Run examples/autograd_tutorial.py statement by statement and print,
    after each, the closed forms of the tensors it made and the gradients
    it changed."""
    import ast
    from pathlib import Path
    path = Path(__file__).resolve().parent.parent / "examples" / "autograd_tutorial.py"
    if not path.is_file():
        raise UsageError(f"the walk-through {path} is not there (the demo runs from a source checkout)")
    source = path.read_text()
    tree = ast.parse(source, str(path))
    ns = {"__name__": "__demo__", "__file__": str(path)}
    seen = {}
    for stmt in tree.body:
        code = compile(ast.Module([stmt], []), str(path), "exec")
        before = {k: id(v) for k, v in ns.items()}
        exec(code, ns)          # the project's own example file, not user input
        for line in _closed_forms(ns, before, seen):
            print("    # " + line)
    return EXIT_OK


def _closed_forms(ns, before, seen):
    """Lines describing tensors bound or gradients changed by the last statement."""
    from .tensor import Tensor
    from .symbolic.printing import index_str
    import sympy as sp
    out = []
    tensors = {k: v for k, v in ns.items() if isinstance(v, Tensor) and not k.startswith("_")}
    for k, t in tensors.items():
        if t._node is None and not t.name:
            t.name = k          # closed forms name the walk-through's tensors as its code does
    for k, t in tensors.items():
        if before.get(k) != id(t) and t._node is not None:
            out.append(_form(f"{k}{index_str(t.shape)}", t, sp))
    for k, t in tensors.items():
        if t._node is None and t.requires_grad and t._grad is not None:
            g = t._grad
            stamp = (id(g), g._vc[0])
            if seen.get(id(t)) != stamp:
                seen[id(t)] = stamp
                out.append(_form(f"{k}.grad{index_str(t.shape)}", g, sp))
    return out


def _form(label, t, sp):
    try:
        return f"{label} = {sp.sstr(t.expr)}"
    except RuntimeError as e:
        return f"{label}: closed form unknown ({str(e).split(';')[0].split('(')[0].strip()})"


if __name__ == "__main__":
    sys.exit(main())
