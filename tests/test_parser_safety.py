"""The formula parser refuses everything outside its whitelist, with a
``FormulaError``, and never runs any of it: each payload would create a
canary file if it were evaluated as Python, and the file never appears."""
import pytest
import sympy as sp

import symgrad as sg
from symgrad.verify.parser import (FormulaError, parse, SympyBuilder, TensorBuilder, MAX_LENGTH, MAX_DEPTH)

CANARY = "@CANARY@"

HOSTILE = [
    # escaping to Python
    "__import__('os').system('touch @CANARY@')",
    "().__class__.__bases__[0].__subclasses__()",
    "x.__class__.__mro__[1].__subclasses__()",
    "open('@CANARY@', 'w').write('x')",
    "eval(\"open('@CANARY@', 'w')\")",
    "exec(\"open('@CANARY@', 'w')\")",
    "compile('1', 'f', 'eval')",
    "getattr(x, '__class__')",
    "globals()['__builtins__']",
    "__builtins__",
    "x.real",
    "(lambda: open('@CANARY@', 'w'))()",
    "lambda: 0",
    "[open('@CANARY@', 'w') for _ in [1]]",
    "{k: 1 for k in 'ab'}",
    "(c for c in 'ab')",
    "f\"{open('@CANARY@', 'w')}\"",
    "(y := open('@CANARY@', 'w'))",
    "exp(*[x])",
    "exp(x=open('@CANARY@', 'w'))",
    "sum(x, i, start=1)",
    "x[open('@CANARY@', 'w')]",
    "exp(x)(open('@CANARY@', 'w'))",
    "x if open('@CANARY@', 'w') else x",
    "x and open('@CANARY@', 'w')",
    "x < open('@CANARY@', 'w')",
    "not x",
    "~x",
    "x @ x",
    "x // 2",
    "x % 2",
    "x << 2",
    # literals that are not numbers
    "'@CANARY@'",
    "b'@CANARY@'",
    "1j",
    "None",
    "True",
    "...",
    "[x, x]",
    "{x}",
    "{'a': x}",
    "(x, x)",
    # statements and syntax
    "import os",
    "x = 1",
    "x; open('@CANARY@', 'w')",
    "x\nopen('@CANARY@', 'w')",
    "x\x00",
    "",
    "   ",
    "x[0:1]",
    "x[0][0]",
    "x[1.5, 0]",
    "x[True, 0]",
    # names outside the whitelist
    "y + 1",
    "exp",
    "unknown_function(x)",
    "os.system('touch @CANARY@')",
    # resource exhaustion
    "9**9**9",
    "2**10**10",
    "(2**1000)**1000",
    "x**(10**6)",
    "10**-10000",
    "9" * 500,
    "x" + "+x" * MAX_LENGTH,
    "(" * 200 + "x" + ")" * 200,
    "-" * 500 + "x",
    "exp(" * 100 + "x" + ")" * 100,
    "x" + "**x" * 300,
    "1/0",
    "x/(1-1)",
    "0**-1",
    "1e400",
]


@pytest.fixture
def x_grad():
    x = sg.ones(2, 2, requires_grad=True)
    ((x + 2) * (x + 2) * 3).mean().backward()
    return x.grad


def _builders():
    xs = sp.IndexedBase("x", shape=(2, 2), real=True)
    i, j = sp.symbols("i j", integer=True, nonnegative=True)
    yield SympyBuilder({"x": xs}, {"x": xs[i, j]}, {"i": i, "j": j})
    yield TensorBuilder({"x": sg.ones(2, 2, requires_grad=True)})


def test_there_are_many_hostile_strings():
    assert len(HOSTILE) >= 30


@pytest.mark.parametrize("payload", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_strings_are_refused_and_never_run(payload, tmp_path, monkeypatch, x_grad):
    monkeypatch.chdir(tmp_path)
    _refused_everywhere(payload.replace(CANARY, str(tmp_path / "canary")), x_grad, tmp_path)


def _refused_everywhere(text, x_grad, tmp_path):
    # by every builder and by verify, and nothing it names was created
    for b in _builders():
        with pytest.raises(FormulaError):
            parse(text, b)
    with pytest.raises(FormulaError):
        sg.verify(x_grad, text)
    assert not (tmp_path / "canary").exists()
    assert list(tmp_path.iterdir()) == []


def test_bytes_and_non_strings_are_refused(x_grad):
    with pytest.raises(FormulaError, match="bytes"):
        sg.verify(x_grad, b"3/2*(x + 2)")
    with pytest.raises(FormulaError):
        sg.verify(x_grad, None)
    with pytest.raises(FormulaError):
        sg.verify(x_grad, object())


def test_error_names_the_position_and_what_is_allowed():
    b = TensorBuilder({"x": sg.ones(2)})
    with pytest.raises(FormulaError) as e:
        parse("x + y", b)
    assert e.value.pos == 4
    assert "unknown name 'y'" in str(e.value)
    assert "allowed:" in str(e.value)
    with pytest.raises(FormulaError) as e:
        parse("exp(x).real", b)
    assert e.value.pos == 0 and "attribute access" in str(e.value)
    with pytest.raises(FormulaError) as e:
        parse("x + x.__class__", b)
    assert e.value.pos == 4


def test_limits_are_enforced_before_parsing():
    b = TensorBuilder({"x": sg.ones(2)})
    with pytest.raises(FormulaError, match="too long"):
        parse("x" * (MAX_LENGTH + 1), b)
    with pytest.raises(FormulaError, match="nested"):
        parse("(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1), b)
    with pytest.raises(FormulaError, match="exponent"):
        parse("9**9**9", b)


def test_accepted_formulas_build_what_they_say():
    # the whitelist is not empty: the allowed vocabulary works in both modes
    xs = sp.IndexedBase("x", shape=(2, 2), real=True)
    i, j = sp.symbols("i j", integer=True, nonnegative=True)
    b = SympyBuilder({"x": xs}, {"x": xs[i, j]}, {"i": i, "j": j})
    assert parse("3/2*(x + 2)", b) == sp.Rational(3, 2) * (xs[i, j] + 2)
    assert parse("x[0, 1]**2 - relu(x[i, j])", b) == xs[0, 1] ** 2 - sp.Max(xs[i, j], 0)
    assert parse("sigmoid(-x)", b) == 1 / (1 + sp.exp(xs[i, j]))
    s = parse("sum(x[i, k], k)", b)
    assert isinstance(s, sp.Sum) and s.limits[0][1:] == (0, 1)
    assert parse("mean(x[k, j], (k, 0, 1))", b).doit() == (xs[0, j] + xs[1, j]) / 2
    assert parse("2**10 + 1e-3", b) == sp.Integer(1024) + sp.Rational(1, 1000)
    t = sg.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    r = parse("sum(exp(x) * 2) + max(x) + x[1, 0]", TensorBuilder({"x": t}))
    assert abs(r.item() - (2 * sum(__import__("math").exp(v) for v in (1, 2, 3, 4)) + 4 + 3)) < 1e-3


def test_summation_ranges_are_checked():
    xs = sp.IndexedBase("x", shape=(2, 3), real=True)
    i, j = sp.symbols("i j", integer=True, nonnegative=True)
    b = SympyBuilder({"x": xs}, {"x": xs[i, j]}, {"i": i, "j": j})
    with pytest.raises(FormulaError, match="range"):
        parse("sum(x[k, k], k)", b)          # dims of sizes 2 and 3
    with pytest.raises(FormulaError, match="range of k"):
        parse("sum(1, k)", b)
    with pytest.raises(FormulaError, match="outside"):
        parse("sum(x[k, 0], (k, 0, 5))", b)
    with pytest.raises(FormulaError, match="out of range"):
        parse("x[2, 0]", b)
    with pytest.raises(FormulaError, match="rebinds"):
        parse("sum(x, i)", b)


# the vocabulary of printed closed forms, each with a payload inside: (text, what the refusal names)
HOSTILE_CLOSED_FORMS = [
    ("Piecewise((x.__class__, True))", "attribute access"),
    ("Piecewise((x, x.real > 0), (0, True))", "attribute access"),
    ("Piecewise((x, (lambda: 1)()), (0, True))", "only calls of named functions"),
    ("Piecewise(((lambda: open('@CANARY@', 'w'))(), True))", "only calls of named functions"),
    ("Piecewise((x, [c for c in 'a']), (0, True))", "comprehension"),
    ("Piecewise((x, x if x else x), (0, True))", "conditional expression"),
    ("Piecewise((x, x and x), (0, True))", "and/or"),
    ("Piecewise((x, not x), (0, True))", "condition is needed"),
    ("Piecewise((x, 0 < x < 1), (0, True))", "chained"),
    ("Piecewise((x, x in x), (0, True))", "comparison allowed"),
    ("Piecewise((x, x), (0, True))", "condition is needed"),
    ("Piecewise((x, open('@CANARY@', 'w')), (0, True))", "condition is needed"),
    ("Piecewise(*[(x, True)])", "starred"),
    ("Piecewise([x, True])", "pairs"),
    ("Piecewise((x, True, 1))", "pairs"),
    ("Piecewise((True, True))", "True is not allowed"),
    ("Sum(__import__('os').system('touch @CANARY@'), (k, 0, 1))", "only calls of named functions"),
    ("Sum(x[k, j].__class__, (k, 0, 1))", "attribute access"),
    ("Sum(x[k, j], (k, 0, open('@CANARY@', 'w')))", "unknown function"),
    ("Sum(x[k, j], (k, 0, len(x)))", "unknown function"),
    ("Sum(x[k, j], (__class__, 0, 1))", "summation variable"),
    ("Sum(x[k, j], (x, 0, 1))", "leaf"),
    ("Sum(x[k, j], (k, 0, 1), (k, 0, 1))", "twice"),
    ("Sum(x[k, j], (k, 0, 10**10**10))", "exponent"),
    ("Sum(x[k, j], (k, 0, k))", "range of k"),
    ("Sum(x[k, j], (k, 1, 0))", "empty range"),
    ("Sum(x[k, j], k=(k, 0, 1))", "keyword"),
    ("Sum(x[k, j], [k, 0, 1])", "range is"),
    ("Sum(x[k, j])", "ranges"),
    ("MaxOver(x[k, j], (k, 0, 1), lambda: 0)", "range is"),
    ("KroneckerDelta(i, getattr(x, 'real'))", "unknown function"),
    ("KroneckerDelta(i)", "takes 2"),
    ("Max(*[x, x])", "starred"),
    ("Eq(x, 1)", "condition"),
    ("x > 0", "comparison"),
    ("x[i + 1, x.__len__()]", "only calls of named functions"),
    ("x[i.__class__, j]", "attribute access"),
    ("x[x[0, 0], j]", "integer expression"),
    ("x[i / 2, j]", "integer expression"),
    ("x[i, (lambda: 0)()]", "only calls of named functions"),
    ("Sum", "is a function"),
    ("Piecewise", "is a function"),
]


@pytest.mark.parametrize("payload,why", HOSTILE_CLOSED_FORMS, ids=range(len(HOSTILE_CLOSED_FORMS)))
def test_hostile_closed_forms_are_refused_and_never_run(payload, why, tmp_path, monkeypatch, x_grad):
    monkeypatch.chdir(tmp_path)
    text = payload.replace(CANARY, str(tmp_path / "canary"))
    with pytest.raises(FormulaError, match=why):
        parse(text, next(_builders()))
    _refused_everywhere(text, x_grad, tmp_path)


def test_closed_form_vocabulary_is_for_claims_only():
    b = TensorBuilder({"x": sg.ones(2, 2, requires_grad=True)})
    for text in ("Sum(x[k, 0], (k, 0, 1))", "Piecewise((x, True))", "KroneckerDelta(0, 1)", "pi * x"):
        with pytest.raises(FormulaError):
            parse(text, b)


def test_closed_form_vocabulary_builds_what_it_says():
    xs = sp.IndexedBase("x", shape=(3, 2), real=True)
    ix = sp.IndexedBase("ix", shape=(2,), integer=True)
    i, j = sp.symbols("i j", integer=True, nonnegative=True)
    b = SympyBuilder({"x": xs, "ix": ix}, {"x": xs[i, j]}, {"i": i, "j": j})
    s = parse("Sum(x[k, j], (k, 0, 2 - i), (l, 0, 1))", b)
    assert isinstance(s, sp.Sum) and [tuple(lim[1:]) for lim in s.limits] == [(0, 2 - i), (0, 1)]
    assert s.subs(i, 1).doit() == 2 * (xs[0, j] + xs[1, j])
    p = parse("Piecewise((x[i + 1, j], (i < 2) & Ne(j, 0)), (0, True))", b)
    assert p == sp.Piecewise((xs[i + 1, j], (i < 2) & sp.Ne(j, 0)), (0, True))
    assert parse("x[ix[Mod(i, 2)], floor(j/2)]", b) == xs[ix[sp.Mod(i, 2)], sp.floor(j / 2)]
    assert parse("KroneckerDelta(i, ix[j]) * Max(0, x[i, j])", b) == \
        sp.KroneckerDelta(i, ix[j]) * sp.Max(0, xs[i, j])
