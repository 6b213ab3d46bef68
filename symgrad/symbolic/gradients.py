"""The mapping ``backward()`` returns: leaf -> gradient tensor, printed as
closed forms beside the numbers.  Importing this module costs nothing: SymPy
is loaded only when a closed form is printed."""
from collections.abc import Mapping

from ..engine import edge_of, leaves_of


class Gradients(Mapping):
    """Leaf tensor -> its ``.grad``; ``repr`` shows each derivative's closed form.

    >>> import symgrad as sg
    >>> x = sg.ones(2, 2, requires_grad=True)
    >>> out = ((x + 2) * (x + 2) * 3).mean()
    >>> out.backward()
    ∂out/∂x[i, j] = 3*(x[i, j] + 2)/2  →  tensor([[4.5000, 4.5000],
                                                  [4.5000, 4.5000]])
    """

    def __init__(self, roots, leaves=None):
        self._roots = roots
        self._leaves = leaves
        # the graph as backward saw it; its leaves are found when first asked for
        self._edges = None if leaves is not None else [edge_of(t) for t in self._roots]

    def _keys(self):
        if self._leaves is None:
            self._leaves = leaves_of(self._roots, self._edges)
        return self._leaves

    def __getitem__(self, leaf):
        for t in self._keys():
            if t is leaf:
                return t._grad
        raise KeyError("not a leaf of this backward pass")

    def __iter__(self):
        return iter(self._keys())

    def __len__(self):
        return len(self._keys())

    def __contains__(self, leaf):
        return any(t is leaf for t in self._keys())

    def __repr__(self):
        from .graph import find_name, display, tensor_template
        from .printing import index_str
        import sympy as sp
        lines = []
        root = self._roots[0] if len(self._roots) == 1 else None
        rname = (find_name(root) if root is not None else None) or "out"
        for leaf in self._keys():
            g = leaf._grad
            if g is None:
                continue
            lname = find_name(leaf) or "x"
            head = f"∂{rname}/∂{lname}{index_str(leaf.shape)} = "
            try:
                body = sp.sstr(display(tensor_template(g).e))
            except RuntimeError as exc:
                body = f"<{exc}>"
            prefix = f"{head}{body}  →  "
            from .._print import tensor_repr
            tr = tensor_repr(g)
            lines.append(prefix + tr.replace("\n", "\n" + " " * len(prefix)))
        return "\n".join(lines) if lines else "Gradients({})"

    def _repr_latex_(self):
        from .graph import find_name, display, tensor_template
        import sympy as sp
        rows = []
        root = self._roots[0] if len(self._roots) == 1 else None
        rname = (find_name(root) if root is not None else None) or "out"
        for leaf in self._keys():
            if leaf._grad is None:
                continue
            lname = find_name(leaf) or "x"
            idx = ", ".join("ijklmn"[:leaf.ndim])
            rows.append(rf"\frac{{\partial {rname}}}{{\partial {lname}_{{{idx}}}}} &= "
                        + sp.latex(display(tensor_template(leaf._grad).e)))
        return "$\\begin{aligned}" + r"\\".join(rows) + r"\end{aligned}$"
