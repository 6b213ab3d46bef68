"""The text of a closed form, as printed (``str``, ``repr``, the mapping
``backward()`` returns, a verdict), is a claim ``verify`` accepts and proves;
the same text with one coefficient changed is disproved, with a
counterexample whose numbers are recomputed here independently: the actual
value by central finite differences of a numpy forward pass, the claimed one
by evaluating the perturbed text with SymPy's own parser on the concrete
instance."""
import numpy as np
import pytest
import sympy as sp
from sympy.parsing.sympy_parser import parse_expr

import symgrad as sg
from symgrad.verify import FormulaError

from printed_forms import PROGRAMS, OPAQUE, gradients, printed


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_printed_closed_forms_parse_and_are_proved(name):
    for leaf_name, g, shown in gradients(name):
        texts = printed(g, shown, leaf_name)
        assert set(texts) == {"str", "repr", "backward", "verdict"}
        for text in sorted(set(texts.values())):
            v = sg.verify(g, text, timeout=60)
            assert v.how == "proved", (name, leaf_name, text, v)


def test_there_are_enough_programs():
    assert len(PROGRAMS) >= 30


def test_opaque_functions_are_refused_by_name():
    for leaf_name, g, shown in gradients("det_inv"):
        with pytest.raises(FormulaError, match="unknown function"):
            sg.verify(g, str(g.expr))


# ------------------------------------------------------------------ wrong claims
def _w(*shape):
    return np.random.default_rng(7).standard_normal(shape)


def _softmax(x):
    e = np.exp(x - x.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def _log_softmax(x):
    m = x.max(1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(1, keepdims=True))


def _setitem(L):
    z = L["x"].copy()
    z[1] = 3 * L["y"][0]
    return (z * z).sum()


X3 = np.random.default_rng(3).standard_normal((4, 3))

# program, leaf, text change, numpy forward pass over the leaves' values, the constants the text reads
# (an index array by the name ``idx``: its printed name is numbered at run time)
WRONG = [
    ("index_tensor", "x", ("2*KroneckerDelta", "3*KroneckerDelta"),
     lambda L: (L["x"][[0, 2, 2]] ** 2).sum(), {"idx": [0, 2, 2]}),
    ("cumsum", "x", ("Sum(2*", "Sum(3*"), lambda L: (np.cumsum(L["x"]) ** 2).sum(), {}),
    ("softmax", "x", ("(w[i, j] - Sum(", "(w[i, j] + Sum("), lambda L: (_softmax(L["x"]) * _w(2, 3)).sum(),
     {"w": _w(2, 3)}),
    ("gather", "x", ("2*KroneckerDelta", "3*KroneckerDelta"),
     lambda L: (np.take_along_axis(L["x"], np.array([[0, 2], [1, 1]]), 1) ** 2).sum(), {"idx": [[0, 2], [1, 1]]}),
    ("reshape_t", "x", ("Mod(i, 3)", "Mod(i + 1, 3)"), lambda L: (L["x"].reshape(2, 3).T * _w(3, 2)).sum(),
     {"w": _w(3, 2)}),
    ("clamp", "x", ("((w[i]", "((2*w[i]"), lambda L: (np.clip(L["x"], -0.5, 0.5) * _w(4)).sum(), {"w": _w(4)}),
    ("cross_entropy", "x", ("target[i])/3", "target[i])/4"),
     lambda L: -_log_softmax(L["x"])[[0, 1, 2], [0, 3, 1]].mean(), {"target": [0, 3, 1]}),
    ("mlp", "W", ("/4", "/5"), lambda L: (np.tanh(X3 @ L["W"].T + L["b"]) ** 2).mean(), {"X": X3}),
    ("setitem", "y", ("18*y[0]", "17*y[0]"), _setitem, {}),
]


def _finite_difference(f, values, leaf, idx, h=1e-6):
    up, down = {k: v.copy() for k, v in values.items()}, {k: v.copy() for k, v in values.items()}
    up[leaf][idx] += h
    down[leaf][idx] -= h
    return (f(up) - f(down)) / (2 * h)


def _sympy_value(text, values, idx, constants):
    """``text`` at element ``idx`` for leaf values ``values``, through SymPy's
    parser and ``doit`` on the concrete instance."""
    import re
    arrays = {n: np.asarray(v) for n, v in {**values, **constants}.items()}
    for n in set(re.findall(r"\bidx\d+\b", text)):
        arrays[n] = np.asarray(constants["idx"])
    local = {n: sp.IndexedBase(n) for n in arrays}
    local.update(zip("ijklmn", map(sp.Integer, idx)))
    local.update(Sum=sp.Sum, Piecewise=sp.Piecewise, KroneckerDelta=sp.KroneckerDelta, Eq=sp.Eq,
                 Mod=sp.Mod, floor=sp.floor)
    e = parse_expr(text, local_dict=local).doit()
    for _ in range(4):                           # reads through index arrays resolve inside out
        reads = {}
        for a in e.atoms(sp.Indexed):
            if all(i.is_Integer for i in a.indices):
                v = arrays[str(a.base)][tuple(int(i) for i in a.indices)]
                reads[a] = sp.Integer(int(v)) if np.issubdtype(type(v), np.integer) else sp.Float(float(v), 30)
        e = e.xreplace(reads).doit()
    return float(e)


@pytest.mark.parametrize("case", WRONG, ids=[c[0] for c in WRONG])
def test_a_changed_coefficient_is_disproved_with_true_numbers(case):
    name, leaf_name, (old, new), forward, constants = case
    g = {n: g for n, g, _ in gradients(name)}[leaf_name]
    text = str(g.expr)
    assert old in text, text
    wrong = text.replace(old, new, 1)
    v = sg.verify(g, wrong, timeout=60)
    assert v.how == "disproved" and not v, (wrong, v)
    ce = v.counterexample
    assert ce is not None
    if ce.point == "the tensor's own values":
        values = {t.name: t.detach().numpy().astype(np.float64) for t in PROGRAMS[name]()[1]}
    else:
        values = {n: np.asarray(a, dtype=np.float64) for n, a in ce.leaves.items()}
    actual = _finite_difference(forward, values, leaf_name, ce.index)
    assert ce.actual == pytest.approx(actual, rel=1e-5, abs=1e-7)
    claimed = _sympy_value(wrong, values, ce.index, constants)
    assert ce.claimed == pytest.approx(claimed, rel=1e-9, abs=1e-12)
    assert ce.claimed != pytest.approx(actual, rel=1e-5, abs=1e-7)


def test_a_read_past_the_end_is_refused():
    x = sg.tensor([1.0, 2.0, 3.0], requires_grad=True, name="x")
    (x * x).sum().backward()
    with pytest.raises(FormulaError, match="outside x"):
        sg.verify(x.grad, "2*x[i + 1]")
    assert sg.verify(x.grad, "Piecewise((2*x[i + 1] - 2*x[i + 1] + 2*x[i], i < 2), (2*x[2], True))",
                     timeout=60).how == "proved"
