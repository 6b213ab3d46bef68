"""The context a claim is checked in: a tensor's closed form, the leaves
it reads, the names they are shown under, and the claim's vocabulary."""
from .parser import FormulaError, parse, SympyBuilder, INDEX_NAMES
from .claims import MAX_LIST_CLAIM, _from_zero, _check_reads, _nested_shape, _flatten, _squeezed
from .labels import _related_leaves, _label
from .proof import _attempt

_ELEMENTWISE_PROOF = 64        # a small tensor is also proved element by element


class _Context:
    """A tensor's closed form, its leaves, their names, and the claim's
    vocabulary."""

    def __init__(self, t):
        import numpy as np
        import sympy as sp
        from ..symbolic.graph import tensor_template, leaf_names, leaf_symbol
        from ..symbolic.template import SLOTS
        self.sp = sp
        self.t = t
        self.shape = tuple(t.shape)
        self.tpl = tensor_template(t)
        extra = [leaf_symbol(leaf) for leaf in _related_leaves(t)]
        self.names = leaf_names(sp.Tuple(self.tpl.e, *extra))         # identity -> display
        self.syms = sorted(self.names, key=lambda s: int(s.name[2:]))
        self.slots = tuple(SLOTS[:len(self.shape)])
        self.size = int(np.prod(self.shape))
        self.small = self.size <= _ELEMENTWISE_PROOF
        self.by_name = {str(d): s for s, d in self.names.items()}
        # the index arrays it reads (gather, index_select, x[idx]) by the names it prints them with
        from ..symbolic.ns import const_values
        for b in self.tpl.e.atoms(sp.IndexedBase):
            if const_values(b) is not None:
                self.by_name.setdefault(str(b), b)
        self.indices = {INDEX_NAMES[k]: s for k, s in enumerate(self.slots) if k < len(INDEX_NAMES)}
        self.bare = {}
        for n, s in self.by_name.items():
            if isinstance(s, sp.IndexedBase):
                idx = _aligned(tuple(int(d) for d in s.shape), self.shape, self.slots)
                if idx is not None:
                    self.bare[n] = s[idx]
        self.label = _label(t, self)

    # leaves
    def leaf_values(self):
        """Leaf symbol -> its values (float leaves as float64), or None if a
        leaf's values are gone."""
        import numpy as np
        from ..symbolic.graph import leaf_of
        out = {}
        for s in self.syms:
            leaf = leaf_of(s)
            if leaf is None or getattr(leaf, "_data", None) is None:
                out[s] = None
                continue
            a = np.asarray(leaf._data)
            out[s] = a.astype(np.float64) if a.dtype.kind == "f" else a
        return out

    @staticmethod
    def is_variable(s):
        from ..symbolic.graph import leaf_of
        from ..tensor import Tensor
        leaf = leaf_of(s)
        return isinstance(leaf, Tensor) and leaf.requires_grad and leaf._data.dtype.kind == "f"

    # claims
    def builder(self):
        return SympyBuilder(self.by_name, self.bare, self.indices)

    def claim(self, claim):
        """The claim as ``("generic", expr)`` in the tensor's index symbols or
        ``("elements", {index: expr})``."""
        import numpy as np
        if isinstance(claim, np.ndarray):
            claim = claim.tolist()
        if isinstance(claim, (list, tuple)):
            c = ("elements", self.elements(claim))
            for idx, e in c[1].items():
                _check_reads(self, e, {}, idx)
            return c
        c = ("generic", self.one(claim))
        _check_reads(self, c[1], {s: (0, n) for s, n in zip(self.slots, self.shape)})
        return c

    def one(self, c):
        sp = self.sp
        if isinstance(c, str):
            return parse(c, self.builder())
        if isinstance(c, bool):
            raise FormulaError("a claim cannot be a bool")
        if isinstance(c, (int, float)):
            return self.builder().number(c)
        if isinstance(c, sp.Basic):
            return self.adopt(c)
        if hasattr(c, "dtype") and getattr(c, "shape", None) == ():
            return self.one(c.item())
        raise FormulaError(f"a claim must be a string, a number, a SymPy expression or a nested list, "
                           f"not {type(c).__name__}")

    def elements(self, claim):
        import numpy as np
        shape = _nested_shape(claim)
        size = int(np.prod(shape)) if shape else 1
        if size > MAX_LIST_CLAIM:
            raise FormulaError(f"a list claim of {size} elements is too large (at most {MAX_LIST_CLAIM}); "
                               "write one formula in the index symbols instead")
        if shape != self.shape:
            if _squeezed(shape) != _squeezed(self.shape):
                raise FormulaError(f"the claim has shape {list(shape)} but the tensor has shape "
                                   f"{list(self.shape)}")
        flat = _flatten(claim)
        out = {}
        for k, idx in enumerate(np.ndindex(*self.shape)):
            e = self.one(flat[k])
            out[idx] = self.at(e, idx)
        return out

    def adopt(self, e):
        """A SymPy expression the user built: symbols matched by name."""
        sp = self.sp
        free = e.free_symbols
        labels = {b.label for b in self.by_name.values() if isinstance(b, sp.IndexedBase)}

        def own(a):
            # innermost first (replace works bottom-up): an index read through
            # an index array, x[idx0[l, j], j], has its inner read adopted already
            base = self.by_name.get(str(a.base.label))
            if not isinstance(base, sp.IndexedBase):
                raise FormulaError(f"unknown name {str(a.base.label)!r} in the claim")
            if len(a.indices) != len(base.shape):
                raise FormulaError(f"{a.base.label} has {len(base.shape)} dims, got {len(a.indices)} indices")
            syms = {s for i in a.indices for s in i.free_symbols if not isinstance(s, sp.Indexed)} - labels
            return base[tuple(i.xreplace(self._symbol_map(syms, free)) for i in a.indices)]
        e = e.replace(lambda a: isinstance(a, sp.Indexed), own)
        others = {s for s in e.free_symbols if not isinstance(s, sp.Indexed)} - labels - set(self.slots)
        return _from_zero(e.xreplace(self._symbol_map(others, others)))

    def _symbol_map(self, syms, free):
        sp = self.sp
        m = {}
        for s in syms:
            if s in self.names or s in self.slots or s not in free:
                continue
            n = str(s)
            if n in self.indices:
                m[s] = self.indices[n]
            elif isinstance(self.by_name.get(n), sp.Symbol):
                m[s] = self.by_name[n]
            elif n in self.bare:
                m[s] = self.bare[n]
            else:
                raise FormulaError(f"unknown symbol {n!r} in the claim (known: "
                                   f"{', '.join(sorted(set(self.by_name) | set(self.indices)))})")
        return m

    # display
    def show(self, e):
        sp = self.sp
        from ..symbolic.printing import rename_dummies
        e = e.xreplace(self.names)
        return rename_dummies(sp.factor_terms(e, clear=True), avoid={str(v) for v in self.names.values()})

    def show_closed_form(self, c):
        """The closed form as the claim was written: shape-generic, or one
        entry per element for a small list claim."""
        import numpy as np
        if c[0] == "generic" or not self.small:
            return self.show(self.tpl.e)

        def elements():
            return self.array([self.show(self.concrete(idx)) for idx in np.ndindex(*self.shape)])
        done, form = _attempt(elements, 1.0)       # unrolling large sums can take long
        return form if done else self.show(self.tpl.e)

    def show_claim(self, c):
        kind, e = c
        if kind == "generic":
            return self.show(e)
        return self.array([self.show(v) for v in e.values()])

    def array(self, vals):
        """One value per element, C order, as the tensor's shape."""
        return self.sp.Array(vals, self.shape) if self.shape else vals[0]

    # symbolic
    def at(self, e, idx):
        """``e`` at element ``idx``: its index symbols replaced by numbers."""
        return e.xreplace(dict(zip(self.slots, map(self.sp.Integer, idx))))

    def concrete(self, idx):
        """The closed form of element ``idx``, sums over fixed ranges unrolled."""
        from ..symbolic import concrete
        return concrete(self.tpl.e, dict(zip(self.slots, idx)))


def _aligned(leaf_shape, shape, slots):
    """The index a leaf's bare name stands for at element ``slots`` of a
    tensor of ``shape`` (numpy's broadcasting alignment), or None."""
    import sympy as sp
    off = len(shape) - len(leaf_shape)
    if off < 0:
        return None
    idx = []
    for d, s in enumerate(leaf_shape):
        if s == shape[d + off]:
            idx.append(slots[d + off])
        elif s == 1:
            idx.append(sp.Integer(0))
        else:
            return None
    return tuple(idx)
