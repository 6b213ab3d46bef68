"""einsum: Einstein summation over any number of operands."""
import numpy as np

from ..table import Op, export
from .._util import call
from ...tensor import Tensor
from ... import dtypes as _dt


_LABELS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _terms(eq):
    lhs, out = eq.split("->")
    return lhs.split(","), out


def _einsum_name(p):
    ins, out = _terms(p["eq"])
    contracted = bool(set("".join(ins)) - set(out))
    if len(ins) == 1:
        return "SumBackward1" if contracted else "PermuteBackward0"
    return "ViewBackward0" if contracted else "MulBackward0"


def _einsum_vjp(xp, k, g, ans, *ops, eq):
    # the cotangent of operand k is the einsum of g with the other operands,
    # broadcast along labels only operand k carries and put back on the
    # diagonals of labels it repeats
    ins, out = _terms(eq)
    sub = ins[k]
    others = [j for j in range(len(ins)) if j != k]
    have = set(out).union(*(ins[j] for j in others))
    uniq = "".join(dict.fromkeys(sub))
    kept = "".join(c for c in uniq if c in have)
    r = xp.einsum(",".join([out] + [ins[j] for j in others]) + "->" + kept, g, *(ops[j] for j in others))
    size = {c: ops[k].shape[sub.index(c)] for c in uniq}
    if kept != uniq:
        r = xp.reshape(r, tuple(size[c] if c in kept else 1 for c in uniq))
        r = xp.broadcast_to(r, tuple(size[c] for c in uniq))
    if uniq != sub:
        fresh = iter(c for c in _LABELS if c not in eq)
        target, deltas = list(sub), []
        for c in uniq:
            prev = c
            for p in [i for i, x in enumerate(sub) if x == c][1:]:
                target[p] = next(fresh)
                deltas.append((prev + target[p], size[c]))
                prev = target[p]
        eyes = [np.eye(n, dtype=bool) for _, n in deltas]
        r = xp.einsum(",".join([uniq] + [d for d, _ in deltas]) + "->" + "".join(target), r, *eyes)
    return r


einsum_op = Op("einsum", _einsum_name, lambda xp, *ops, eq: xp.einsum(eq, *ops), _einsum_vjp, dtypes="promote")


def _einsum_args(args):
    if not args or (isinstance(args[0], str) and len(args) == 1):
        raise ValueError("einsum(): must specify the equation string and at least one operand, or at least one "
                         "operand and its subscripts list")
    if isinstance(args[0], str):
        ops = list(args[1:])
        if len(ops) == 1 and isinstance(ops[0], (list, tuple)):
            ops = list(ops[0])
        return args[0], ops

    def letters(sub):
        s = ""
        for n in sub:
            if n is Ellipsis:
                s += "..."
            elif isinstance(n, int) and 0 <= n < 52:
                s += _LABELS[n]
            else:
                raise ValueError("einsum(): subscript in subscript list is not within the valid range [0, 52)")
        return s
    ops = list(args[0:len(args) - len(args) % 2:2])
    eq = ",".join(letters(s) for s in args[1::2][:len(ops)])
    if len(args) % 2:
        eq += "->" + letters(args[-1])
    return eq, ops


def _scan(eq, start, stop, what):
    """Split ``eq[start:stop]`` into terms of labels; ``None`` marks an ellipsis."""
    terms, cur, dots, seen = [], [], 0, False
    for i in range(start, stop):
        c = eq[i]
        if c == " ":
            continue
        if c == ",":
            if what == "output":
                raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the equation string, "
                                   "subscripts must be in [a-zA-Z]")
            if dots:
                raise RuntimeError(f"einsum(): found '.' for operand {len(terms)} that is not part of any ellipsis")
            terms.append(cur)
            cur, seen = [], False
        elif c == ".":
            name = "output" if what == "output" else f"operand {len(terms)}"
            if seen:
                raise RuntimeError(f"einsum(): found '.' for {name} for which an ellipsis was already found")
            dots += 1
            if dots == 3:
                cur.append(None)
                dots, seen = 0, True
        elif c in _LABELS and not dots:
            cur.append(c)
        else:
            if dots:
                name = "output" if what == "output" else f"operand {len(terms)}"
                raise RuntimeError(f"einsum(): found '.' for {name} that is not part of any ellipsis")
            raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the equation string, "
                               "subscripts must be in [a-zA-Z]")
    if dots:
        name = "output" if what == "output" else f"operand {len(terms)}"
        raise RuntimeError(f"einsum(): found '.' for {name} that is not part of any ellipsis")
    terms.append(cur)
    return terms


def _canonical(eq, ops):
    """Expand ellipses into fresh labels and check sizes: the op's equation,
    and the operands with their broadcast (size-1) dims squeezed out."""
    arrow = eq.find("->")
    terms = _scan(eq, 0, len(eq) if arrow < 0 else arrow, "input")
    if len(terms) < len(ops):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    if len(terms) > len(ops):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    out = None if arrow < 0 else _scan(eq, arrow + 2, len(eq), "output")[0]
    n_ell = 0
    for k, (t, x) in enumerate(zip(terms, ops)):
        nl, nd = len([c for c in t if c is not None]), x._data.ndim
        if None in t:
            if nl > nd:
                raise RuntimeError(f"einsum(): the number of subscripts in the equation ({nl}) is more than the "
                                   f"number of dimensions ({nd}) for operand {k}")
            n_ell = max(n_ell, nd - nl)
        elif nl != nd:
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({nl}) does not match the "
                               f"number of dimensions ({nd}) for operand {k} and no ellipsis was given")
    used = set(eq)
    ell = [c for c in _LABELS if c not in used][:n_ell]
    if len(ell) < n_ell:
        raise RuntimeError("einsum(): too many subscripts in the equation")
    size, ell_size, labels = {}, [None] * n_ell, []
    for k, (t, x) in enumerate(zip(terms, ops)):
        shape = x._data.shape
        e = len(shape) - (len(t) - 1) if None in t else 0
        lab, d = [], 0
        for c in t:
            if c is None:
                for j in range(e):
                    s, slot = shape[d], n_ell - e + j
                    if ell_size[slot] not in (None, 1, s) and s != 1:
                        raise RuntimeError(f"einsum(): dimension {d} covered by ellipsis in operand {k}has size {s} "
                                           "which does not broadcast with previously seen ellipsis with size "
                                           f"{ell_size[slot]} for the respective dimension")
                    ell_size[slot] = s if ell_size[slot] in (None, 1) else ell_size[slot]
                    size[ell[slot]] = ell_size[slot]
                    lab.append(ell[slot])
                    d += 1
                continue
            s = shape[d]
            if c in lab and shape[lab.index(c)] != s:
                raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {k} but the sizes don't match, "
                                   f"{s} != {shape[lab.index(c)]}")
            if c not in lab and size.get(c, 1) not in (1, s) and s != 1:
                raise RuntimeError(f"einsum(): subscript {c} has size {s} for operand {k} which does not broadcast "
                                   f"with previously seen size {size[c]}")
            size[c] = s if size.get(c, 1) == 1 else size[c]
            lab.append(c)
            d += 1
        labels.append(lab)
    flat = [c for lab in labels for c in lab]
    if out is None:
        once = sorted(c for c in set(flat) if flat.count(c) == 1 and c not in ell)
        out_labels = ell + once
    else:
        out_labels = []
        for c in out:
            if c is None:
                out_labels += ell
                continue
            if c in out_labels:
                raise RuntimeError(f"einsum(): output subscript {c} appears more than once in the output")
            if c not in flat:
                raise RuntimeError(f"einsum(): output subscript {c} does not appear in the equation for any input "
                                   "operand")
            out_labels.append(c)
    from ..shape import reshape
    subs, squeezed = [], []
    for lab, x in zip(labels, ops):
        keep = [i for i, c in enumerate(lab) if not (x._data.shape[i] == 1 and size[c] != 1)]
        if len(keep) != len(lab):
            x = reshape(x, *[x._data.shape[i] for i in keep]) if keep else reshape(x, ())
        subs.append("".join(lab[i] for i in keep))
        squeezed.append(x)
    return ",".join(subs) + "->" + "".join(out_labels), squeezed


@export(method=False)
def einsum(*args):
    """Einstein summation over the operands' labelled dims.

    Labels repeated in one operand take its diagonal; ``...`` stands for
    broadcast dims; size-1 dims broadcast.  Also accepts the sublist form
    ``einsum(op1, [0, 1], op2, [1, 2], [0, 2])``.

    >>> import symgrad as sg
    >>> sg.einsum("ij,j->i", sg.tensor([[1., 2.], [3., 4.]]), sg.tensor([1., 1.]))
    tensor([3., 7.])
    >>> sg.einsum("ii", sg.eye(3))
    tensor(3.)
    """
    eq, ops = _einsum_args(args)
    for k, x in enumerate(ops):
        if not isinstance(x, Tensor):
            raise TypeError(f"expected Tensor as element {k} in argument 1, but got {type(x).__name__}")
    if not ops:
        raise ValueError("einsum(): must specify the equation string and at least one operand, or at least one "
                         "operand and its subscripts list")
    eq, ops = _canonical(eq, ops)
    dt = _einsum_dtype(eq, ops)
    return call(einsum_op, *(x if x.dtype is dt else x.to(dt) for x in ops), eq=eq)


def _einsum_dtype(eq, ops):
    # as PyTorch, which contracts pairs with bmm (one dtype, no bools) and sums
    # lone labels with sum (integers widen to int64)
    ins, out = eq.split("->")
    terms = ins.split(",")
    if len(ops) > 1 and any(c not in out and sum(c in t for t in terms) > 1 for c in set(ins) - {","}):
        first = ops[0].dtype
        for x in ops[1:]:
            if x.dtype is not first:
                raise RuntimeError(f"expected scalar type {first.scalar_name} but found {x.dtype.scalar_name}")
        if first is _dt.bool:
            raise NotImplementedError("\"bmm\" not implemented for 'Bool'")
        return first
    dt = _dt.result_type(*ops)
    if not dt.is_floating_point and any(c not in out for c in ins if c != ","):
        return _dt.int64
    return dt
