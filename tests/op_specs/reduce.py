"""Specs of reductions, scans and normalisations."""
from . import spec

SH = [((3, 4),), ((2, 3, 4),), ((1,),), ((),)]
SH_DIM = [((3, 4),), ((2, 3, 4),), ((1, 5),)]

spec("sum", lambda sg, a: a.sum(), lambda xp, a: xp.sum(a), SH + [((0, 3),)])
spec("sum_dim", lambda sg, a: a.sum(1), lambda xp, a: xp.sum(a, axis=1), SH_DIM)
spec("sum_dims_keep", lambda sg, a: a.sum((0, -1), keepdim=True),
     lambda xp, a: xp.sum(a, axis=(0, a.ndim - 1), keepdims=True), SH_DIM)
spec("mean", lambda sg, a: a.mean(), lambda xp, a: xp.mean(a), SH)
spec("mean_dim", lambda sg, a: a.mean(-1, keepdim=True), lambda xp, a: xp.mean(a, axis=-1, keepdims=True), SH_DIM)
spec("prod", lambda sg, a: a.prod(), lambda xp, a: xp.prod(a), SH)
spec("prod_dim", lambda sg, a: a.prod(1), lambda xp, a: xp.prod(a, axis=1), SH_DIM)
spec("prod_with_zero", lambda sg, a: (a * (a > 0.5)).prod(0), lambda xp, a: xp.prod(a * (a > 0.5), axis=0),
     [((4, 3),)], domain=(0.0, 1.0), order=1)
spec("max_all", lambda sg, a: a.max(), lambda xp, a: xp.max(a), SH)
spec("min_all", lambda sg, a: a.min(), lambda xp, a: xp.min(a), SH)
spec("max_dim", lambda sg, a: a.max(1)[0], lambda xp, a: xp.max(a, axis=1), SH_DIM)
spec("min_dim_keep", lambda sg, a: a.min(0, keepdim=True).values, lambda xp, a: xp.min(a, axis=0, keepdims=True),
     SH_DIM)
spec("amax", lambda sg, a: sg.amax(a, (0, 1)), lambda xp, a: xp.max(a, axis=(0, 1)), SH_DIM)
spec("var", lambda sg, a: a.var(), lambda xp, a: xp.var(a, ddof=1), [((3, 4),), ((5,),)])
spec("var_dim", lambda sg, a: a.var(1, keepdim=True), lambda xp, a: xp.var(a, axis=1, ddof=1, keepdims=True),
     SH_DIM)
spec("var_biased", lambda sg, a: sg.var(a, 0, correction=0), lambda xp, a: xp.var(a, axis=0), SH_DIM)
spec("std", lambda sg, a: a.std(), lambda xp, a: xp.std(a, ddof=1), [((3, 4),), ((5,),)])
spec("std_dim", lambda sg, a: a.std(-1), lambda xp, a: xp.std(a, axis=-1, ddof=1), SH_DIM)
spec("norm", lambda sg, a: a.norm(), lambda xp, a: xp.sqrt(xp.sum(a * a)), SH)
spec("norm_dim", lambda sg, a: a.norm(dim=1), lambda xp, a: xp.sqrt(xp.sum(a * a, axis=1)), SH_DIM)
spec("norm_p1", lambda sg, a: a.norm(p=1), lambda xp, a: xp.sum(xp.abs(a)), SH, domain=(0.1, 2.0))
spec("norm_p3", lambda sg, a: a.norm(p=3, dim=0), lambda xp, a: xp.sum(xp.abs(a) ** 3, axis=0) ** (1 / 3),
     SH_DIM, domain=(0.1, 2.0))
spec("norm_inf", lambda sg, a: a.norm(p=float("inf")), lambda xp, a: xp.max(xp.abs(a)), SH, order=1)
spec("logsumexp", lambda sg, a: a.logsumexp(1), lambda xp, a: xp.log(xp.sum(xp.exp(a), axis=1)), SH_DIM)
spec("cumsum", lambda sg, a: a.cumsum(-1), lambda xp, a: xp.cumsum(a, axis=-1), SH_DIM)
spec("cumprod", lambda sg, a: a.cumprod(1), lambda xp, a: xp.cumprod(a, axis=1), SH_DIM, domain=(0.5, 1.5))
spec("softmax", lambda sg, a: a.softmax(1),
     lambda xp, a: xp.exp(a) / xp.sum(xp.exp(a), axis=1, keepdims=True), SH_DIM)
spec("log_softmax", lambda sg, a: a.log_softmax(-1),
     lambda xp, a: a - xp.log(xp.sum(xp.exp(a), axis=-1, keepdims=True)), SH_DIM)
spec("sort", lambda sg, a: a.sort(1).values, lambda xp, a: xp.sort(a, axis=1), SH_DIM)
spec("sort_descending", lambda sg, a: a.sort(0, descending=True)[0], lambda xp, a: -xp.sort(-a, axis=0), SH_DIM)
spec("sort_0d", lambda sg, a: a.sort().values, lambda xp, a: a * 1, [((),)])
spec("topk", lambda sg, a: a.topk(2).values, lambda xp, a: -xp.sort(-a, axis=-1)[..., :2], SH_DIM)
spec("topk_smallest", lambda sg, a: a.topk(1, dim=0, largest=False)[0], lambda xp, a: xp.sort(a, axis=0)[:1],
     SH_DIM)
