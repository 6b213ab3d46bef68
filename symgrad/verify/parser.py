"""A safe parser for formulas typed by people: claims about closed forms and
the command line's expressions.

The text is parsed with Python's ``ast`` and walked against a whitelist;
every other construct is refused with a ``FormulaError`` that says where and
what is allowed.  Nothing is ever evaluated as Python: a *builder* turns each
allowed node into a value (SymPy objects for claims, symgrad tensors for the
command line).  Length, nesting depth, exponents and the size of exact
numbers are capped before and during the walk, so no input can make the
parser hang or exhaust memory.
"""
import ast
import re

MAX_LENGTH = 2000        # characters
MAX_DEPTH = 48           # nesting of brackets and of the expression tree
MAX_EXPONENT = 1000      # largest numeric exponent
MAX_BITS = 1100          # largest exact number (numerator and denominator bits)
MAX_DIGITS = 400         # longest numeric literal

INDEX_NAMES = ("i", "j", "k", "l", "m", "n")
UNARY = ("exp", "log", "sqrt", "sin", "cos", "tan", "sinh", "cosh", "tanh", "sigmoid", "relu", "abs")
REDUCTIONS = ("sum", "mean")
EXTREMA = ("max", "min")
FUNCTIONS = UNARY + REDUCTIONS + EXTREMA
# SymPy's spelling, as closed forms print: name -> number of arguments (None: two or more)
PRINTED = {"Abs": 1, "sign": 1, "floor": 1, "ceiling": 1, "erf": 1, "asin": 1, "acos": 1, "atan": 1,
           "asinh": 1, "acosh": 1, "atanh": 1, "round": 1, "trunc": 1, "atan2": 2, "Mod": 2,
           "KroneckerDelta": 2, "Max": None, "Min": None}
SCOPED = ("Sum", "Product", "MaxOver", "MinOver", "ArgMaxOver", "ArgMinOver")
TESTS = {"Eq": 2, "Ne": 2, "Lt": 2, "Le": 2, "Gt": 2, "Ge": 2, "Not": 1, "And": None, "Or": None,
         "isnan": 1, "isinf": 1, "isfinite": 1, "signbit": 1}
CONSTANTS = ("pi", "E", "oo", "nan")
CLOSED_FORM_NAMES = tuple(PRINTED) + SCOPED + ("Piecewise",) + tuple(TESTS)

ALLOWED = ("allowed: numbers, the tensor's leaf names, index symbols i, j, k, l, m, n, "
           "+ - * / **, unary minus, calls of " + ", ".join(FUNCTIONS)
           + " (sum(expr, i), sum(expr, (i, 0, n)), mean(expr, i)), subscripts x[0, 1] or x[i, j]; "
           "in claims also the printed closed forms' " + ", ".join(CLOSED_FORM_NAMES) + ", "
           + ", ".join(CONSTANTS) + ", comparisons and & | ~ in Piecewise conditions, "
           "and index arithmetic in subscripts (x[i + 1], x[idx0[k]])")

_REFUSED = {
    ast.Attribute: "attribute access", ast.Lambda: "lambda", ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension", ast.DictComp: "a comprehension", ast.GeneratorExp: "a comprehension",
    ast.JoinedStr: "an f-string", ast.FormattedValue: "an f-string", ast.NamedExpr: "the walrus operator :=",
    ast.Starred: "starred arguments", ast.Compare: "a comparison outside a Piecewise condition",
    ast.BoolOp: "and/or",
    ast.IfExp: "a conditional expression", ast.Dict: "a dict", ast.Set: "a set", ast.List: "a list",
    ast.Tuple: "a tuple", ast.Slice: "a slice", ast.Await: "await", ast.Yield: "yield",
    ast.YieldFrom: "yield",
}
_BINOPS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.Pow: "pow"}
_RELATIONS = {ast.Lt: "Lt", ast.LtE: "Le", ast.Gt: "Gt", ast.GtE: "Ge", ast.Eq: "Eq", ast.NotEq: "Ne"}
_BINDABLE = re.compile(r"[a-z]|i[0-9]{1,2}")      # the letters printed sums use, i6.. for many dims
_CONDITION = ("a condition is needed here: a comparison (x[i] > 0, Eq(i, 1)), isnan(...), "
              "conditions joined by & | ~, or True")


class FormulaError(ValueError):
    """A formula that cannot be accepted; ``pos`` is the 0-based character
    offset of the problem in ``text`` (or None).

    >>> from symgrad.verify.parser import FormulaError
    >>> str(FormulaError("unknown name 'y'", "x + y", 4)).splitlines()[:3]
    ["unknown name 'y' at position 4", '    x + y', '        ^']
    """

    def __init__(self, message, text=None, pos=None, hint=ALLOWED):
        self.message = message
        self.text = text
        self.pos = pos
        self.hint = hint
        super().__init__(self._render())

    def _render(self):
        lines = [self.message + (f" at position {self.pos}" if self.pos is not None else "")]
        if self.text is not None and self.pos is not None and len(self.text) <= 200 and "\n" not in self.text:
            lines += ["    " + self.text, "    " + " " * self.pos + "^"]
        if self.hint:
            lines.append(self.hint)
        return "\n".join(lines)


def parse(text, builder):
    """Parse ``text`` into whatever ``builder`` makes of it.

    >>> from symgrad.verify.parser import parse, SympyBuilder
    >>> import sympy as sp
    >>> x = sp.Symbol("x", real=True)
    >>> parse("3/2*(x + 2)", SympyBuilder({"x": x}))
    3*x/2 + 3
    """
    if isinstance(text, (bytes, bytearray, memoryview)):
        raise FormulaError("a formula must be text (str), not bytes")
    if not isinstance(text, str):
        raise FormulaError(f"a formula must be text (str), not {type(text).__name__}")
    _check_text(text)
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as e:
        pos = (e.offset - 1) if e.offset else None
        raise FormulaError(f"not a formula: {e.msg}", text.strip(), pos) from None
    except (ValueError, RecursionError, MemoryError) as e:
        raise FormulaError(f"not a formula: {type(e).__name__}") from None
    return _Walker(text.strip(), builder).expr(tree.body, 0)


def _check_text(text):
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"formula too long ({len(text)} characters; at most {MAX_LENGTH})", hint=None)
    if not text.strip():
        raise FormulaError("empty formula")
    bad = [k for k, c in enumerate(text) if not c.isprintable() and c not in " \t"]
    if bad:
        raise FormulaError(f"control character {text[bad[0]]!r} in formula", None, None)
    depth = 0
    for k, c in enumerate(text):
        if c in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise FormulaError(f"brackets nested more than {MAX_DEPTH} deep", None, None, hint=None)
        elif c in ")]}":
            depth -= 1


class _Walker:
    def __init__(self, text, builder):
        self.text = text
        self.b = builder

    def fail(self, msg, node=None, hint=ALLOWED):
        pos = getattr(node, "col_offset", None) if node is not None else None
        raise FormulaError(msg, self.text, pos, hint)

    def expr(self, node, depth):
        if depth > MAX_DEPTH:
            self.fail(f"formula nested more than {MAX_DEPTH} deep", node, None)
        t = type(node)
        if t is ast.Constant:
            return self.constant(node)
        if t is ast.Name:
            return self.name(node)
        if t is ast.BinOp:
            return self.binop(node, depth)
        if t is ast.UnaryOp:
            if isinstance(node.op, ast.USub):
                return self.b.neg(self.expr(node.operand, depth + 1))
            if isinstance(node.op, ast.UAdd):
                return self.expr(node.operand, depth + 1)
            self.fail(f"operator {_op_text(node.op)} is not allowed", node)
        if t is ast.Call:
            return self.call(node, depth)
        if t is ast.Subscript:
            return self.subscript(node, depth)
        what = _REFUSED.get(t, type(node).__name__)
        self.fail(f"{what} is not allowed", node)

    def constant(self, node):
        v = node.value
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            kind = {str: "a string", bytes: "bytes", complex: "a complex number"}.get(type(v), repr(v))
            self.fail(f"{kind} is not allowed", node)
        seg = ast.get_source_segment(self.text, node) or ""
        if len(seg) > MAX_DIGITS:
            self.fail(f"number literal longer than {MAX_DIGITS} characters", node, None)
        if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
            self.fail("number out of range", node, None)
        return self.checked(self.b.number(v), node)

    def name(self, node):
        n = node.id
        if (n in FUNCTIONS or n in CLOSED_FORM_NAMES) and n not in self.b.names:
            self.fail(f"{n} is a function: call it, as {n}(...)", node)
        if n in self.b.bound:
            return self.b.bound[n]
        if n in self.b.names:
            try:
                return self.b.name(n)
            except FormulaError as e:
                self.fail(e.message, node, e.hint)
        if n in CONSTANTS and self.closed_forms():
            return self.b.constant(n)
        known = sorted(set(self.b.names) | set(self.b.bound))
        self.fail(f"unknown name {n!r}" + (f" (known: {', '.join(known)})" if known else ""), node)

    def binop(self, node, depth):
        kind = _BINOPS.get(type(node.op))
        if kind is None:
            self.fail(f"operator {_op_text(node.op)} is not allowed", node)
        if kind == "pow":
            base = self.expr(node.left, depth + 1)
            ex = self.expr(node.right, depth + 1)
            self.check_power(base, ex, node)
            return self.checked(self.b.pow(base, ex), node)
        # left-associative chains (a + b + c ...) are walked without nesting
        chain = []
        while type(node) is ast.BinOp and _BINOPS.get(type(node.op)) in _SAME[kind]:
            chain.append(node)
            node = node.left
        acc = self.expr(node, depth + 1)
        for n in reversed(chain):
            rhs = self.expr(n.right, depth + 1)
            op = _BINOPS[type(n.op)]
            if op == "div" and self.b.is_zero(rhs):
                self.fail("division by zero", n.right, None)
            acc = self.checked(getattr(self.b, op)(acc, rhs), n)
        return acc

    def check_power(self, base, ex, node):
        e = self.b.value(ex)
        if e is None:
            return
        if abs(e) > MAX_EXPONENT:
            self.fail(f"exponent {_short(e)} too large (at most {MAX_EXPONENT} in absolute value)", node.right, None)
        bv = self.b.value(base)
        if bv is not None:
            if bv == 0 and e < 0:
                self.fail("division by zero", node, None)
            if bv != 0 and abs(e) * abs(_log2(bv)) > MAX_BITS:
                self.fail(f"{_short(bv)}**{_short(e)} is too large a number", node, None)

    def checked(self, v, node):
        bits = self.b.bits(v)
        if bits is not None and bits > MAX_BITS:
            self.fail(f"number too large (more than {MAX_BITS} bits)", node, None)
        return v

    def closed_forms(self):
        return getattr(self.b, "closed_forms", False)

    def plain_call(self, node):
        """The called name of a call with positional arguments only."""
        f = node.func
        if type(f) is not ast.Name:
            self.fail("only calls of named functions are allowed", node)
        if node.keywords:
            self.fail("keyword arguments are not allowed", node.keywords[0].value)
        for a in node.args:
            if type(a) is ast.Starred:
                self.fail("starred arguments are not allowed", a)
        return f.id

    def call(self, node, depth):
        name, args = self.plain_call(node), node.args
        if name in CLOSED_FORM_NAMES and name not in FUNCTIONS:
            if not self.closed_forms():
                self.fail(f"{name}(...) is for claims about closed forms", node.func)
            return self.printed_call(name, node, depth)
        if name not in FUNCTIONS:
            self.fail(f"unknown function {name!r}", node.func)
        if name in UNARY:
            if len(args) != 1:
                self.fail(f"{name} takes one argument, got {len(args)}", node)
            return self.checked(self.b.unary(name, self.expr(args[0], depth + 1)), node)
        if name in EXTREMA:
            if len(args) < 1:
                self.fail(f"{name} needs arguments", node)
            vals = [self.expr(a, depth + 1) for a in args]
            return self.b.extremum(name, vals, self.fail_at(node))
        if not 1 <= len(args) <= 2:
            self.fail(f"{name} takes an expression and an index: {name}(expr, i) or {name}(expr, (i, 0, n))",
                      node)
        if len(args) == 1:
            return self.b.reduce(name, lambda: self.expr(args[0], depth + 1), None, self.fail_at(node))
        spec = self.index_spec(args[1])
        return self.b.reduce(name, lambda: self.expr(args[0], depth + 1), spec, self.fail_at(node))

    def printed_call(self, name, node, depth):
        """The vocabulary of printed closed forms (SymPy's names)."""
        args = node.args
        if name in TESTS:
            self.fail(f"{name}(...) is a condition: it is allowed only in Piecewise((value, condition), ...)",
                      node)
        if name == "Piecewise":
            if not args:
                self.fail("Piecewise needs (value, condition) pairs", node)
            pairs = []
            for a in args:
                if type(a) is not ast.Tuple or len(a.elts) != 2:
                    self.fail("Piecewise takes (value, condition) pairs", a)
                pairs.append((self.expr(a.elts[0], depth + 2), self.condition(a.elts[1], depth + 2)))
            return self.b.piecewise(pairs, self.fail_at(node))
        if name in SCOPED:
            return self.scoped(name, node, depth)
        n = PRINTED[name]
        if (n is None and len(args) < 2) or (n is not None and len(args) != n):
            self.fail(f"{name} takes {'two or more' if n is None else n} argument{'s' if n != 1 else ''}, "
                      f"got {len(args)}", node)
        vals = [self.expr(a, depth + 1) for a in args]
        return self.checked(self.b.function(name, vals, self.fail_at(node)), node)

    def scoped(self, name, node, depth):
        """``Sum(expr, (k, lo, hi), ...)`` and the like: the first range is
        the innermost; a range's bounds may use the variables of the ranges
        after it."""
        args = node.args
        if len(args) < 2:
            self.fail(f"{name} takes an expression and ranges: {name}(expr, (k, lo, hi), ...)", node)
        for a in args[1:]:
            if type(a) is not ast.Tuple or len(a.elts) != 3:
                self.fail("a range is (k, lo, hi)", a)
            v = a.elts[0]
            if type(v) is not ast.Name or not _BINDABLE.fullmatch(v.id):
                self.fail("a summation variable is a single lowercase letter (or i6, i7, ...)", v)
            if v.id in self.b.names and v.id not in self.b.indices:
                self.fail(f"{v.id} is a leaf and cannot be a summation variable", v)
        names = [a.elts[0].id for a in args[1:]]
        if len(set(names)) != len(names):
            self.fail(f"a variable appears twice in the ranges of {name}", node)
        return self.b.scoped(name, names, lambda: self.expr(args[0], depth + 1),
                             lambda k: tuple(self.index(b, depth + 1) for b in args[k + 1].elts[1:]),
                             self.fail_at(node))

    def condition(self, node, depth):
        if depth > MAX_DEPTH:
            self.fail(f"formula nested more than {MAX_DEPTH} deep", node, None)
        t = type(node)
        at = self.fail_at(node)
        if t is ast.Constant and type(node.value) is bool:
            return self.b.test(str(node.value), [], at)
        if t is ast.Compare:
            if len(node.ops) != 1:
                self.fail("chained comparisons are not allowed: join them with &", node)
            op = _RELATIONS.get(type(node.ops[0]))
            if op is None:
                self.fail(f"{type(node.ops[0]).__name__} is not a comparison allowed here", node)
            return self.b.test(op, [self.expr(node.left, depth + 1), self.expr(node.comparators[0], depth + 1)],
                               at)
        if t is ast.BinOp and type(node.op) in (ast.BitAnd, ast.BitOr):
            op = "And" if type(node.op) is ast.BitAnd else "Or"
            return self.b.test(op, [self.condition(node.left, depth + 1), self.condition(node.right, depth + 1)],
                               at)
        if t is ast.UnaryOp and type(node.op) is ast.Invert:
            return self.b.test("Not", [self.condition(node.operand, depth + 1)], at)
        if t is ast.Call and type(node.func) is ast.Name and node.func.id in TESTS:
            name, args = self.plain_call(node), node.args
            n = TESTS[name]
            if (n is None and len(args) < 2) or (n is not None and len(args) != n):
                self.fail(f"{name} takes {'two or more' if n is None else n} arguments, got {len(args)}", node)
            part = self.condition if name in ("And", "Or", "Not") else self.expr
            return self.b.test(name, [part(a, depth + 1) for a in args], at)
        if t in _REFUSED or t is ast.Call and type(node.func) is not ast.Name:
            self.expr(node, depth)                # the refusal that names the construct
        self.fail(_CONDITION, node)

    def index(self, node, depth):
        """An integer-valued expression: a subscript or a bound of a range."""
        return self.b.index(self.expr(node, depth), self.fail_at(node))

    def index_spec(self, node):
        """``i`` or ``(i, lo, hi)`` (SymPy's inclusive bounds) or, for a
        builder that reduces along dims, an integer dim."""
        if type(node) is ast.Tuple:
            if len(node.elts) != 3:
                self.fail("a summation range is (i, lo, hi)", node)
            i, lo, hi = node.elts
            if type(i) is not ast.Name or i.id not in INDEX_NAMES:
                self.fail("the summation variable must be one of i, j, k, l, m, n", i)
            return (i.id, self.integer(lo), self.integer(hi))
        if type(node) is ast.Name and node.id in INDEX_NAMES:
            return node.id
        if self.b.dims_by_number:
            return self.integer(node)
        self.fail("the second argument must be an index symbol (i, j, k, l, m, n) or (i, lo, hi)", node)

    def integer(self, node):
        neg = False
        if type(node) is ast.UnaryOp and isinstance(node.op, ast.USub):
            neg, node = True, node.operand
        if type(node) is not ast.Constant or type(node.value) is not int:
            self.fail("an integer is needed here", node)
        if len(str(node.value)) > 12:
            self.fail("integer too large", node, None)
        return -node.value if neg else node.value

    def subscript(self, node, depth):
        base = node.value
        if type(base) is not ast.Name:
            self.fail("only a leaf can be subscripted, as x[0, 1] or x[i, j]", node)
        if base.id not in self.b.names:
            self.name(base)           # the error for an unknown or bound name
            self.fail(f"{base.id} cannot be subscripted", base)
        sl = node.slice
        elts = sl.elts if type(sl) is ast.Tuple else [sl]
        idx = []
        for e in elts:
            if type(e) is ast.Name and (e.id in INDEX_NAMES or e.id in self.b.bound):
                idx.append(e.id)
            elif type(e) is ast.Slice:
                self.fail("slices are not allowed in subscripts", e)
            elif self.closed_forms() and not _literal_int(e):
                idx.append(self.index(e, depth + 1))
            else:
                idx.append(self.integer(e))
        return self.b.subscript(base.id, idx, self.fail_at(node))

    def fail_at(self, node):
        return lambda msg: self.fail(msg, node, None)


def _literal_int(node):
    if type(node) is ast.UnaryOp and isinstance(node.op, ast.USub):
        node = node.operand
    return type(node) is ast.Constant and type(node.value) is int


_SAME = {"add": ("add", "sub"), "sub": ("add", "sub"), "mul": ("mul", "div"), "div": ("mul", "div")}


def _op_text(op):
    return {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.BitAnd: "&", ast.BitOr: "|",
            ast.BitXor: "^", ast.LShift: "<<", ast.RShift: ">>", ast.Not: "not",
            ast.Invert: "~"}.get(type(op), type(op).__name__)


def _short(v):
    s = str(v)
    return s if len(s) < 20 else s[:8] + "..."


def _log2(v):
    import math
    from fractions import Fraction
    if isinstance(v, Fraction):
        return math.log2(abs(v.numerator) or 1) - math.log2(v.denominator)
    return math.log2(abs(v))


# ------------------------------------------------------------------ builders
class SympyBuilder:
    """Builds SymPy expressions.  ``names`` maps each name to a Symbol (a 0-d
    leaf) or an IndexedBase (a leaf with dims); ``bare`` maps the name of a
    leaf with dims to the expression its bare name stands for; ``indices``
    are the index symbols free in the claim (the tensor's own).  Besides
    the typed vocabulary it reads what closed forms print: ``Sum``,
    ``Piecewise``, ``KroneckerDelta``, ``Max`` ... and index arithmetic.

    >>> import sympy as sp
    >>> from symgrad.verify.parser import parse, SympyBuilder
    >>> x, i = sp.IndexedBase("x", shape=(4,), real=True), sp.Symbol("i", integer=True, nonnegative=True)
    >>> b = SympyBuilder({"x": x}, {"x": x[i]}, {"i": i})
    >>> parse("Piecewise((x[i + 1], i < 3), (0, True)) + Sum(x[k], (k, 0, i))", b)
    Piecewise((x[i + 1], i < 3), (0, True)) + Sum(x[_d0], (_d0, 0, i))
    """
    dims_by_number = False
    closed_forms = True

    def __init__(self, names, bare=None, indices=None):
        import sympy as sp
        self.sp = sp
        self.names = dict(names)
        self.bare = dict(bare or {})
        self.indices = dict(indices or {})
        self.bound = {}
        for n, s in self.indices.items():
            self.names.setdefault(n, s)
        self._used = {}          # summation variable -> {(leaf name, dim, size)} it indexes
        self._placeholders = 0

    # values
    def number(self, v):
        sp = self.sp
        if isinstance(v, int):
            return sp.Integer(v)
        return sp.Rational(repr(v))

    def value(self, e):
        if getattr(e, "is_Rational", False):
            from fractions import Fraction
            return Fraction(int(e.p), int(e.q))
        return None

    def bits(self, e):
        if getattr(e, "is_Rational", False):
            return max(int(e.p).bit_length(), int(e.q).bit_length())
        return None

    def is_zero(self, e):
        return getattr(e, "is_zero", False) is True and getattr(e, "is_number", False)

    def name(self, n):
        if n in self.indices:
            return self.indices[n]
        s = self.names[n]
        if isinstance(s, self.sp.IndexedBase):
            if n not in self.bare:
                raise FormulaError(f"{n} has dims and its bare name is ambiguous here; write it with "
                                   f"indices, as {n}[...]", hint=None)
            e = self.bare[n]
            shadowed = [k for k, v in self.indices.items() if k in self.bound and e.has(v)]
            if shadowed:
                raise FormulaError(f"the bare name {n} reads index {shadowed[0]}, which a sum here rebinds; "
                                   f"write {n}[...] explicitly", hint=None)
            return e
        return s

    def neg(self, a):
        return -a

    def add(self, a, b):
        return a + b

    def sub(self, a, b):
        return a - b

    def mul(self, a, b):
        return a * b

    def div(self, a, b):
        return a / b

    def pow(self, a, b):
        return a ** b

    def unary(self, f, a):
        sp = self.sp
        if f == "sigmoid":
            return 1 / (1 + sp.exp(-a))
        if f == "relu":
            return sp.Max(a, 0)
        return {"exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt, "sin": sp.sin, "cos": sp.cos, "tan": sp.tan,
                "sinh": sp.sinh, "cosh": sp.cosh, "tanh": sp.tanh, "abs": sp.Abs}[f](a)

    def extremum(self, f, vals, fail):
        if len(vals) < 2:
            fail(f"{f} takes two or more arguments: {f}(a, b, ...)")
        return (self.sp.Max if f == "max" else self.sp.Min)(*vals)

    def subscript(self, n, idx, fail):
        sp = self.sp
        base = self.names[n]
        if not isinstance(base, sp.IndexedBase):
            fail(f"{n} has no dims and cannot be subscripted")
        shape = tuple(int(s) for s in base.shape)
        if len(idx) != len(shape):
            fail(f"{n} has {len(shape)} dims (shape {list(shape)}), got {len(idx)} indices")
        out = []
        for d, (k, s) in enumerate(zip(idx, shape)):
            if isinstance(k, sp.Integer):
                k = int(k)
            if isinstance(k, sp.Expr):
                out.append(k)             # index arithmetic: its range is checked where the claim is read
            elif isinstance(k, str):
                sym = self.bound.get(k, self.indices.get(k))
                if sym is None:
                    fail(f"index {k} is not an index of this tensor nor a summation variable")
                out.append(sym)
                self._used.setdefault(sym, set()).add((n, d, s))
            else:
                if not -s <= k < s:
                    fail(f"index {k} is out of range for dim {d} of {n} (size {s})")
                out.append(sp.Integer(k % s))
        return base[tuple(out)]

    def index(self, e, fail):
        if not isinstance(e, self.sp.Expr) or e.is_integer is not True:
            fail("an index must be an integer expression: index symbols, integers, + - *, floor, Mod, "
                 "or a read of an integer tensor")
        return e

    def constant(self, n):
        sp = self.sp
        return {"pi": sp.pi, "E": sp.E, "oo": sp.oo, "nan": sp.nan}[n]

    def function(self, f, vals, fail):
        sp = self.sp
        from ..symbolic import ns
        fn = {"Abs": sp.Abs, "sign": sp.sign, "floor": sp.floor, "ceiling": sp.ceiling, "erf": sp.erf,
              "asin": sp.asin, "acos": sp.acos, "atan": sp.atan, "asinh": sp.asinh, "acosh": sp.acosh,
              "atanh": sp.atanh, "round": ns._round, "trunc": ns._trunc, "atan2": sp.atan2, "Mod": sp.Mod,
              "KroneckerDelta": sp.KroneckerDelta, "Max": sp.Max, "Min": sp.Min}[f]
        return self._built(lambda: fn(*vals), f, fail)

    def test(self, f, args, fail):
        sp = self.sp
        from ..symbolic import ns
        if f in ("True", "False"):
            return sp.true if f == "True" else sp.false
        fn = {"Eq": sp.Eq, "Ne": sp.Ne, "Lt": sp.Lt, "Le": sp.Le, "Gt": sp.Gt, "Ge": sp.Ge, "Not": sp.Not,
              "And": sp.And, "Or": sp.Or, "isnan": ns.IsNaN, "isinf": ns.IsInf, "isfinite": ns.IsFinite,
              "signbit": ns.SignBit}[f]
        return self._built(lambda: fn(*args), f, fail)

    def piecewise(self, pairs, fail):
        from ..symbolic.template import Piecewise
        return self._built(lambda: Piecewise(*pairs), "Piecewise", fail)

    def _built(self, make, f, fail):
        # SymPy refuses some arguments (a comparison of non-reals, Mod by 0)
        try:
            return make()
        except (TypeError, ValueError, ArithmeticError) as e:
            fail(f"{f}: {str(e).splitlines()[0] if str(e) else type(e).__name__}")

    def scoped(self, f, names, body, bounds, fail):
        """``Sum``, ``Product``, ``MaxOver`` ... over ranges; ``bounds(k)``
        parses range ``k`` with all variables bound, which is checked to use
        only the variables of the ranges outside it."""
        sp = self.sp
        from ..symbolic.template import dummy, next_dummy, Sum, Product
        from ..symbolic import ns
        cls = {"Sum": Sum, "Product": Product, "MaxOver": ns.MaxOver, "MinOver": ns.MinOver,
               "ArgMaxOver": ns.ArgMaxOver, "ArgMinOver": ns.ArgMinOver}[f]
        if f.startswith("Arg") and len(names) != 1:
            fail(f"{f} takes one range")
        ps = []
        for _ in names:
            self._placeholders += 1
            ps.append(sp.Symbol(f"_p{self._placeholders}", integer=True, nonnegative=True))
        saved = {n: self.bound.get(n) for n in names}
        self.bound.update(zip(names, ps))
        try:
            e = body()
            lims = [bounds(k) for k in range(len(ps))]
        finally:
            for n, v in saved.items():
                if v is None:
                    self.bound.pop(n, None)
                else:
                    self.bound[n] = v
        for k, (lo, hi) in enumerate(lims):
            if any(b.has(p) for b in (lo, hi) for p in ps[:k + 1]):
                fail(f"the range of {names[k]} uses {names[k]} or a variable of a range before it")
            if lo.is_nonnegative is not True:
                fail(f"the range of {names[k]} must start at 0 or above")
            if lo.is_Integer and hi.is_Integer and hi < lo:
                fail(f"empty range ({names[k]}, {lo}, {hi})")
        # the dummies the template namespace would use, so that equal sums are structurally equal
        h = next_dummy(e, *[b for lim in lims for b in lim])
        m = {p: dummy(h + k) for k, p in enumerate(ps)}
        return cls(e.xreplace(m), *[(m[p], lo.xreplace(m), hi.xreplace(m)) for p, (lo, hi) in zip(ps, lims)])

    def reduce(self, f, body, spec, fail):
        """``sum``/``mean`` over an index: a fresh summation variable stands
        for the index inside ``body``; its range is read from the subscripts
        it appears in, or given as ``(i, lo, hi)``."""
        sp = self.sp
        from ..symbolic.template import dummy, next_dummy, Sum
        if spec is None:
            fail(f"{f} needs an index: {f}(expr, i) or {f}(expr, (i, 0, n))")
        name, lo, hi = (spec, None, None) if isinstance(spec, str) else spec
        # a placeholder while the body is built; then the dummy the template
        # namespace would use (one past the dummies inside), so that equal
        # sums are structurally equal
        self._placeholders += 1
        d = sp.Symbol(f"_p{self._placeholders}", integer=True, nonnegative=True)
        saved_bound, saved_used = self.bound.get(name), self._used
        self.bound[name] = d
        self._used = {}
        try:
            e = body()
            uses = self._used.get(d, set())
        finally:
            if saved_bound is None:
                self.bound.pop(name, None)
            else:
                self.bound[name] = saved_bound
            inner, self._used = self._used, saved_used
            for k, v in inner.items():
                if k is not d:
                    self._used.setdefault(k, set()).update(v)
        sizes = {s for (_, _, s) in uses}
        if lo is None:
            if not sizes:
                fail(f"cannot tell the range of {name} in {f}(...): it indexes no leaf; "
                     f"write {f}(expr, ({name}, lo, hi))")
            if len(sizes) > 1:
                where = ", ".join(f"dim {dd} of {n}" for n, dd, _ in sorted(uses))
                fail(f"{name} ranges over dims of different sizes ({where})")
            lo, hi = 0, sizes.pop() - 1
        else:
            if hi < lo:
                fail(f"empty range ({name}, {lo}, {hi})")
            if lo < 0 or (sizes and hi >= min(sizes)):
                fail(f"range ({name}, {lo}, {hi}) runs outside the dims it indexes")
        dm = dummy(next_dummy(e))
        s = Sum(e.xreplace({d: dm}), (dm, lo, hi))
        return s if f == "sum" else s / (hi - lo + 1)


class TensorBuilder:
    """Builds symgrad tensor ops (the command line's expressions); ``names``
    maps names to tensors.  ``sum(e)``/``mean(e)`` reduce all elements,
    ``sum(e, d)`` one dim; ``max(e)`` is the largest element, ``max(a, b)``
    the elementwise maximum."""
    dims_by_number = True

    def __init__(self, names):
        import symgrad as sg
        self.sg = sg
        self.names = dict(names)
        self.bound = {}

    def number(self, v):
        return float(v)

    def value(self, e):
        return float(e) if isinstance(e, float) else None

    def bits(self, e):
        return None

    def is_zero(self, e):
        return isinstance(e, float) and e == 0

    def name(self, n):
        return self.names[n]

    def neg(self, a):
        return -a

    def add(self, a, b):
        return a + b

    def sub(self, a, b):
        return a - b

    def mul(self, a, b):
        return a * b

    def div(self, a, b):
        return a / b

    def pow(self, a, b):
        if isinstance(a, float) and isinstance(b, float):
            try:
                return a ** b
            except (OverflowError, ZeroDivisionError) as e:
                raise FormulaError(f"{a}**{b}: {e}") from None
        return a ** b

    def unary(self, f, a):
        sg = self.sg
        t = a if isinstance(a, sg.Tensor) else sg.tensor(a, dtype=sg.float64)
        if f == "relu":
            return sg.relu(t)
        return getattr(sg, f)(t)

    def extremum(self, f, vals, fail):
        sg = self.sg
        ts = [v if isinstance(v, sg.Tensor) else sg.tensor(v, dtype=sg.float64) for v in vals]
        if len(ts) == 1:
            return ts[0].max() if f == "max" else ts[0].min()
        out = ts[0]
        for t in ts[1:]:
            out = sg.maximum(out, t) if f == "max" else sg.minimum(out, t)
        return out

    def subscript(self, n, idx, fail):
        t = self.names[n]
        if any(isinstance(k, str) for k in idx):
            fail("index symbols are for claims; subscript with integers here, as x[0, 1]")
        if len(idx) > t.ndim:
            fail(f"{n} has {t.ndim} dims (shape {list(t.shape)}), got {len(idx)} indices")
        for d, k in enumerate(idx):
            if not -t.shape[d] <= k < t.shape[d]:
                fail(f"index {k} is out of range for dim {d} of {n} (size {t.shape[d]})")
        return t[tuple(idx)]

    def reduce(self, f, body, spec, fail):
        if isinstance(spec, (str, tuple)):
            fail(f"{f} over an index symbol is for claims; here write {f}(expr) or {f}(expr, dim)")
        e = body()
        if not isinstance(e, self.sg.Tensor):
            e = self.sg.tensor(e, dtype=self.sg.float64)
        if spec is None:
            return e.sum() if f == "sum" else e.mean()
        if not -max(e.ndim, 1) <= spec < max(e.ndim, 1):
            fail(f"dim {spec} out of range for a tensor with {e.ndim} dims")
        return e.sum(spec) if f == "sum" else e.mean(spec)
