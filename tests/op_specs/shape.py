"""Specs of shape ops."""
from . import spec

spec("view", lambda sg, a: a.view(4, 3), lambda xp, a: xp.reshape(a, (4, 3)), [((3, 4),), ((12,),)])
spec("reshape_infer", lambda sg, a: a.reshape(-1), lambda xp, a: xp.reshape(a, (-1,)), [((3, 4),), ((),)])
spec("reshape_noncontig", lambda sg, a: a.t().reshape(12), lambda xp, a: xp.reshape(a.T, (12,)), [((3, 4),)])
spec("flatten", lambda sg, a: a.flatten(1), lambda xp, a: xp.reshape(a, (a.shape[0], -1)), [((2, 3, 4),)])
spec("squeeze", lambda sg, a: a.squeeze(), lambda xp, a: xp.squeeze(a), [((2, 1, 3),), ((1,),)])
spec("squeeze_dim", lambda sg, a: a.squeeze(1), lambda xp, a: xp.squeeze(a, 1), [((2, 1, 3),)])
spec("unsqueeze", lambda sg, a: a.unsqueeze(-1), lambda xp, a: xp.expand_dims(a, -1), [((2, 3),), ((),)])
spec("expand", lambda sg, a: a.expand(2, 3, 4), lambda xp, a: xp.broadcast_to(a, (2, 3, 4)),
     [((3, 1),), ((4,),), ((),)])
spec("repeat", lambda sg, a: a.repeat(2, 1, 3), lambda xp, a: xp.tile(a, (2, 1, 3)), [((2, 3),), ((3,),)])
spec("t", lambda sg, a: a.t(), lambda xp, a: a.T, [((2, 3),), ((3,),)])
spec("transpose", lambda sg, a: a.transpose(0, 2), lambda xp, a: xp.swapaxes(a, 0, 2), [((2, 3, 4),)])
spec("permute", lambda sg, a: a.permute(1, 2, 0), lambda xp, a: xp.transpose(a, (1, 2, 0)), [((2, 3, 4),)])
spec("T", lambda sg, a: a.T, lambda xp, a: a.T, [((2, 3, 4),)])
spec("clone", lambda sg, a: a.clone(), lambda xp, a: a + 0, [((2, 3),), ((),)])
spec("flip", lambda sg, a: a.flip((0, 1)), lambda xp, a: xp.flip(a, (0, 1)), [((2, 3),)])
spec("cat", lambda sg, a, b: sg.cat([a, b], 1), lambda xp, a, b: xp.concatenate([a, b], 1),
     [((2, 3), (2, 1)), ((2, 0), (2, 2))])
spec("stack", lambda sg, a, b: sg.stack([a, b], -1), lambda xp, a, b: xp.stack([a, b], -1),
     [((2, 3), (2, 3)), ((), ())])
spec("split", lambda sg, a: a.split(2, 1)[1], lambda xp, a: a[:, 2:4], [((2, 5),)])
spec("split_sizes", lambda sg, a: sg.cat(a.split([1, 3], 0)[::-1]),
     lambda xp, a: xp.concatenate([a[1:], a[:1]]), [((4, 2),)])
spec("chunk", lambda sg, a: a.chunk(3, 0)[2], lambda xp, a: a[4:], [((5, 2),)])
spec("unbind", lambda sg, a: a.unbind(1)[1] * 2, lambda xp, a: a[:, 1] * 2, [((3, 2),)])
spec("narrow", lambda sg, a: a.narrow(1, 1, 2), lambda xp, a: a[:, 1:3], [((3, 4),)])
spec("getitem_int", lambda sg, a: a[1], lambda xp, a: a[1], [((3, 4),)])
spec("getitem_slice", lambda sg, a: a[:, 1::2], lambda xp, a: a[:, 1::2], [((3, 4),)])
spec("getitem_mixed", lambda sg, a: a[1, None, ..., -1], lambda xp, a: a[1, None, ..., -1], [((2, 3, 4),)])
spec("getitem_adv", lambda sg, a: a[sg.tensor([0, 2, 0])], lambda xp, a: a[xp.asarray([0, 2, 0])], [((3, 4),)])
spec("getitem_mask", lambda sg, a: a[a > 0], lambda xp, a: a[a > 0], [((3, 4),)], jax=False)
spec("setitem_graph", lambda sg, a, b: _setitem(sg, a, b), lambda xp, a, b: _setitem_ref(xp, a, b),
     [((3, 4), (4,))])


def _setitem(sg, a, b):
    y = a * 1
    y[1] = b * 2
    y[0, 1:3] = a[2, :2] ** 2
    return y


def _setitem_ref(xp, a, b):
    import numpy as np
    if xp is np:
        y = a * 1
        y[1] = b * 2
        y[0, 1:3] = a[2, :2] ** 2
        return y
    y = a.at[1].set(b * 2)
    return y.at[0, 1:3].set(a[2, :2] ** 2)
