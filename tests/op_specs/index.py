"""Specs of index ops."""
import numpy as np
from . import spec

IDX = np.array([2, 0, 2])
G = np.array([[0, 1, 1], [2, 0, 0]])

spec("index_select", lambda sg, a: a.index_select(0, sg.tensor(IDX)), lambda xp, a: a[xp.asarray(IDX)],
     [((3, 4),)])
spec("index_select_dim1", lambda sg, a: a.index_select(1, sg.tensor(IDX)), lambda xp, a: a[:, xp.asarray(IDX)],
     [((2, 3),)])
spec("gather", lambda sg, a: a.gather(1, sg.tensor(G)),
     lambda xp, a: xp.take_along_axis(a, xp.asarray(G), axis=1), [((2, 3),)])
spec("scatter", lambda sg, a, b: a.scatter(1, sg.tensor([[2], [0]]), b),
     lambda xp, a, b: _scatter_ref(xp, a, b), [((2, 3), (2, 1))])
spec("scatter_add", lambda sg, a, b: a.scatter_add(1, sg.tensor([[2, 2], [0, 1]]), b),
     lambda xp, a, b: _scatter_add_ref(xp, a, b), [((2, 3), (2, 2))])
spec("masked_fill", lambda sg, a: a.masked_fill(a > 0, 0.5), lambda xp, a: xp.where(a > 0, 0.5, a), [((3, 4),)])
spec("masked_select", lambda sg, a, b: sg.masked_select(a, b > 0), lambda xp, a, b: xp.broadcast_to(a, b.shape)[b > 0],
     [((3, 4), (3, 4)), ((4,), (3, 4))], jax=False)


def _scatter_ref(xp, a, b):
    if xp is np:
        y = a.copy()
        y[0, 2] = b[0, 0]
        y[1, 0] = b[1, 0]
        return y
    return a.at[0, 2].set(b[0, 0]).at[1, 0].set(b[1, 0])


def _scatter_add_ref(xp, a, b):
    if xp is np:
        y = a.copy()
        y[0, 2] += b[0, 0] + b[0, 1]
        y[1, 0] += b[1, 0]
        y[1, 1] += b[1, 1]
        return y
    return a.at[0, 2].add(b[0, 0] + b[0, 1]).at[1, 0].add(b[1, 0]).at[1, 1].add(b[1, 1])
