"""Specs of diff, tensordot, var_mean/std_mean, aminmax and median."""
from . import spec

spec("diff", lambda sg, a: sg.diff(a), lambda xp, a: xp.diff(a),
     [((3, 4),), ((1,),), ((0,),), ((2, 1, 3),)])
spec("diff_n_dim", lambda sg, a: a.diff(n=2, dim=0), lambda xp, a: xp.diff(a, n=2, axis=0),
     [((4, 3),), ((2, 2),), ((3,),)])
# no_symbolic: the compiled closed form fails on this empty slice of slices (codegen)
spec("diff_n_past_size", lambda sg, a: sg.diff(a, 5), lambda xp, a: a[..., :0] * 1, [((2, 3),)], order=1,
     tags=("no_symbolic",))
spec("diff_prepend_append", lambda sg, a, b, c: sg.diff(a, 2, 0, prepend=b, append=c),
     lambda xp, a, b, c: xp.diff(xp.concatenate([b, a, c], axis=0), n=2, axis=0),
     [((2, 3), (1, 3), (2, 3)), ((1,), (2,), (0,))])

spec("tensordot", lambda sg, a, b: sg.tensordot(a, b), lambda xp, a, b: xp.tensordot(a, b),
     [((2, 3, 4), (3, 4, 5)), ((3, 4), (3, 4)), ((2, 3, 0), (3, 0, 2))])
spec("tensordot_lists", lambda sg, a, b: sg.tensordot(a, b, dims=([2, 0], [0, 1])),
     lambda xp, a, b: xp.tensordot(a, b, axes=([2, 0], [0, 1])), [((2, 3, 4), (4, 2, 5)), ((1, 2, 1), (1, 1))])
spec("tensordot_outer", lambda sg, a, b: sg.tensordot(a, b, 0), lambda xp, a, b: xp.tensordot(a, b, 0),
     [((2, 3), (4,)), ((), (2,)), ((), ())])
# a contracted dim of size 1 against a longer one broadcasts, summing the other side
spec("tensordot_broadcast", lambda sg, a, b: sg.tensordot(a, b, dims=([1], [0])),
     lambda xp, a, b: xp.tensordot(a, xp.sum(b, axis=0, keepdims=True), axes=([1], [0])), [((2, 1), (3, 4))])

spec("var_mean", lambda sg, a: sg.stack(sg.var_mean(a)), lambda xp, a: xp.stack([xp.var(a, ddof=1), xp.mean(a)]),
     [((3, 4),), ((5,),)])
spec("var_mean_dim", lambda sg, a: sg.cat(sg.var_mean(a, 1, keepdim=True, correction=0), 1),
     lambda xp, a: xp.concatenate([xp.var(a, axis=1, keepdims=True), xp.mean(a, axis=1, keepdims=True)], 1),
     [((3, 4),), ((2, 1),), ((0, 2),)])
spec("std_mean", lambda sg, a: sg.stack(sg.std_mean(a, (0, 2))),
     lambda xp, a: xp.stack([xp.std(a, axis=(0, 2), ddof=1), xp.mean(a, axis=(0, 2))]), [((2, 3, 4),), ((3, 1, 2),)])
spec("std_mean_var_only", lambda sg, a: sg.std_mean(a, 0, unbiased=False)[0], lambda xp, a: xp.std(a, axis=0),
     [((3, 2),)])
spec("var_mean_mean_only", lambda sg, a: sg.var_mean(a, -1)[1] * 2, lambda xp, a: xp.mean(a, axis=-1) * 2,
     [((3, 2),)])

spec("aminmax", lambda sg, a: sg.stack(sg.aminmax(a)), lambda xp, a: xp.stack([xp.min(a), xp.max(a)]),
     [((3, 4),), ((),), ((1,),)])
spec("aminmax_dim", lambda sg, a: sg.cat(a.aminmax(dim=-1, keepdim=True), -1),
     lambda xp, a: xp.concatenate([xp.min(a, -1, keepdims=True), xp.max(a, -1, keepdims=True)], -1),
     [((3, 4),), ((2, 1),), ((0, 3),)])
spec("aminmax_max_only", lambda sg, a: sg.aminmax(a, dim=0).max, lambda xp, a: xp.max(a, 0), [((3, 2),)])
spec("aminmax_0d_dim", lambda sg, a: sg.stack(sg.aminmax(a, dim=0)), lambda xp, a: xp.stack([a, a]), [((),)])


def _lower_median(xp, a, axis):
    n = a.shape[axis]
    return xp.take(xp.sort(a, axis=axis), (n - 1) // 2, axis=axis)


spec("median", lambda sg, a: a.median(), lambda xp, a: _lower_median(xp, xp.reshape(a, (-1,)), 0),
     [((3, 4),), ((5,),), ((),), ((1,),), ((2, 1, 3),)])
spec("median_dim", lambda sg, a: sg.median(a, 1).values, lambda xp, a: _lower_median(xp, a, 1),
     [((3, 4),), ((2, 5),), ((2, 1),), ((0, 3),)])
spec("median_keepdim", lambda sg, a: a.median(0, keepdim=True)[0],
     lambda xp, a: xp.expand_dims(_lower_median(xp, a, 0), 0), [((3, 2),), ((4,),)])
spec("median_0d_dim", lambda sg, a: sg.median(a, 0).values, lambda xp, a: a * 1, [((),)])
