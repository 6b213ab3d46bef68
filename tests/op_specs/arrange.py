"""Specs of rearranging ops: roll, repeat_interleave, index_add, meshgrid."""
import numpy as np

from . import spec

ROLL_SHAPES = [((3, 4),), ((),), ((1,),), ((0,),), ((2, 1, 3),)]

spec("roll_flat", lambda sg, a: sg.roll(a, 2), lambda xp, a: xp.roll(a, 2), ROLL_SHAPES)
spec("roll_dims", lambda sg, a: a.roll((1, -5), (0, -1)), lambda xp, a: xp.roll(a, (1, -5), (0, -1)),
     [((3, 4),), ((2, 1, 3),), ((0, 2),)])
spec("roll_same_dim", lambda sg, a: sg.roll(a, shifts=[1, 1], dims=[1, 1]), lambda xp, a: xp.roll(a, 2, 1),
     [((2, 3),)])

spec("repeat_interleave_int", lambda sg, a: a.repeat_interleave(2, dim=-1), lambda xp, a: xp.repeat(a, 2, axis=-1),
     [((2, 3),), ((1,),), ((0, 2),), ((2, 1, 3),)])
spec("repeat_interleave_flat", lambda sg, a: sg.repeat_interleave(a, 3), lambda xp, a: xp.repeat(xp.reshape(a, (-1,)), 3),
     [((2, 3),), ((),)])
spec("repeat_interleave_zero", lambda sg, a: sg.repeat_interleave(a, 0, 0), lambda xp, a: xp.repeat(a, 0, axis=0),
     [((2, 3),)], order=1)
spec("repeat_interleave_tensor",
     lambda sg, a: sg.repeat_interleave(a, sg.tensor([1, 0, 2]), dim=1, output_size=3),
     lambda xp, a: xp.repeat(a, np.array([1, 0, 2]), axis=1), [((2, 3),), ((0, 3),)])
spec("repeat_interleave_tensor_flat", lambda sg, a: a.repeat_interleave(sg.tensor(2)),
     lambda xp, a: xp.repeat(xp.reshape(a, (-1,)), 2), [((2, 2),), ((),)])


def _index_add_ref(xp, a, b, dim, index, alpha):
    # a one-hot matrix (n x len(index)) contracted with source along dim
    hot = (np.arange(a.shape[dim])[:, None] == np.asarray(index)[None, :]).astype(np.float64)
    added = xp.moveaxis(xp.tensordot(hot, b, axes=([1], [dim])), 0, dim)
    return a + alpha * added


spec("index_add", lambda sg, a, b: sg.index_add(a, 1, sg.tensor([2, 0, 2]), b),
     lambda xp, a, b: _index_add_ref(xp, a, b, 1, [2, 0, 2], 1), [((2, 3), (2, 3)), ((1, 4), (1, 3))])
spec("index_add_alpha", lambda sg, a, b: a.index_add(0, sg.tensor([1, 1], dtype=sg.int32), b, alpha=-1.5),
     lambda xp, a, b: _index_add_ref(xp, a, b, 0, [1, 1], -1.5), [((3,), (2,)), ((2, 2), (2, 2))])
spec("index_add_empty_index", lambda sg, a, b: a.index_add(0, sg.tensor([], dtype=sg.int64), b),
     lambda xp, a, b: a + 0 * xp.sum(b), [((3,), (0,)), ((2, 2), (0, 2))])
spec("index_add_0d", lambda sg, a, b: a.index_add(0, sg.tensor([0]), b, alpha=2),
     lambda xp, a, b: a + 2 * b, [((), ())])


def _index_add_inplace(sg, a, b):
    y = a * 2
    y[1:].index_add_(-1, sg.tensor([0, 0, 2]), b * b)
    return y


def _index_add_inplace_ref(xp, a, b):
    y = a * 2
    return xp.concatenate([y[:1], _index_add_ref(xp, y[1:], b * b, 1, [0, 0, 2], 1)])


spec("index_add_inplace_view", _index_add_inplace, _index_add_inplace_ref, [((3, 3), (2, 3))])


def _grid_ref(xp, *ts, indexing):
    return xp.stack(xp.meshgrid(*[xp.reshape(t, (-1,)) for t in ts], indexing=indexing))


spec("meshgrid_ij", lambda sg, a, b: sg.stack(sg.meshgrid(a, b, indexing="ij")),
     lambda xp, a, b: _grid_ref(xp, a, b, indexing="ij"), [((3,), (2,)), ((), (2,)), ((3,), (0,)), ((1,), ())])
spec("meshgrid_xy", lambda sg, a, b, c: sg.stack(sg.meshgrid([a, b, c], indexing="xy")),
     lambda xp, a, b, c: _grid_ref(xp, a, b, c, indexing="xy"), [((3,), (2,), (4,)), ((2,), (), (3,))])
spec("meshgrid_one", lambda sg, a: sg.meshgrid(a, indexing="xy")[0] * 2,
     lambda xp, a: xp.reshape(a, (-1,)) * 2, [((3,),), ((),)])
