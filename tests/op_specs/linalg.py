"""Specs of linear algebra ops.  References avoid the op under test where
numpy has a different route to the same value (solve for inv, matmul and
sums for einsum), so that forward checks are not circular."""
import numpy as np

from . import spec

INF = float("inf")


def _conditioned(rng, shapes):
    # well away from singular: gradients of inverses stay well scaled
    return [rng.uniform(-1, 1, sh) + 3 * np.eye(sh[-1]) for sh in shapes]


def _singular(rng, shapes, drop=1):
    out = []
    for sh in shapes:
        a = rng.uniform(-1, 1, sh)
        u, s, vh = np.linalg.svd(a)
        s[..., s.shape[-1] - drop:] = 0
        out.append((u * s[..., None, :]) @ vh)
    return out


def _cross_ref(xp, a, b, axis=-1):
    a, b = xp.moveaxis(a, axis, -1), xp.moveaxis(b, axis, -1)
    c = xp.stack([a[..., 1] * b[..., 2] - a[..., 2] * b[..., 1],
                  a[..., 2] * b[..., 0] - a[..., 0] * b[..., 2],
                  a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]], -1)
    return xp.moveaxis(c, -1, axis)


def _tri_mask(xp, shape, k, upper):
    m, n = shape[-2:]
    d = xp.arange(n)[None, :] - xp.arange(m)[:, None]
    return d >= k if upper else d <= k


def _svd_parts(xp, U, S, Vh):
    # functions of the SVD that do not depend on the sign of each singular pair
    k = S.shape[-1]
    U, Vh = U[..., :, :k], Vh[..., :k, :]
    return xp.concatenate([xp.reshape(S, (-1,)), xp.reshape(U * U, (-1,)), xp.reshape(Vh * Vh, (-1,)),
                           xp.reshape(xp.matmul(U * S[..., None, :] ** 2, Vh), (-1,))])


# ---------------------------------------------------------------- products
spec("mm", lambda sg, a, b: sg.mm(a, b), lambda xp, a, b: a @ b, [((3, 4), (4, 2)), ((1, 3), (3, 1)), ((2, 0), (0, 3))])
spec("bmm", lambda sg, a, b: sg.bmm(a, b), lambda xp, a, b: a @ b, [((2, 3, 4), (2, 4, 2))])
spec("mv", lambda sg, a, b: sg.mv(a, b), lambda xp, a, b: xp.sum(a * b, -1), [((3, 4), (4,))])
spec("dot", lambda sg, a, b: sg.dot(a, b), lambda xp, a, b: xp.sum(a * b), [((4,), (4,)), ((0,), (0,))])
spec("matmul", lambda sg, a, b: a @ b, lambda xp, a, b: xp.matmul(a, b),
     [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)), ((2, 3, 4), (4,)), ((4,), (2, 4, 3)), ((2, 1, 3, 4), (5, 4, 2)),
      ((2, 3, 4), (2, 4, 5)), ((2, 3, 4), (4, 5)), ((3, 4), (2, 4, 1))])
spec("outer", lambda sg, a, b: sg.outer(a, b), lambda xp, a, b: a[:, None] * b[None, :], [((3,), (4,)), ((1,), (0,))])
spec("ger", lambda sg, a, b: a.ger(b), lambda xp, a, b: a[:, None] * b[None, :], [((3,), (2,))])
spec("addmm", lambda sg, c, a, b: sg.addmm(c, a, b, beta=0.5, alpha=2.0),
     lambda xp, c, a, b: 0.5 * c + 2.0 * (a @ b),
     [((3, 4), (3, 2), (2, 4)), ((4,), (3, 2), (2, 4)), ((), (3, 2), (2, 4)), ((3, 1), (3, 2), (2, 4))])
spec("addmm_default", lambda sg, c, a, b: c.addmm(a, b), lambda xp, c, a, b: c + a @ b, [((3, 4), (3, 2), (2, 4))])
spec("baddbmm", lambda sg, c, a, b: sg.baddbmm(c, a, b, beta=-1.5, alpha=0.5),
     lambda xp, c, a, b: -1.5 * c + 0.5 * (a @ b), [((2, 3, 4), (2, 3, 5), (2, 5, 4)), ((3, 4), (2, 3, 5), (2, 5, 4)),
                                                     ((1, 1, 4), (2, 3, 5), (2, 5, 4))])
spec("addbmm", lambda sg, c, a, b: sg.addbmm(c, a, b, beta=2.0, alpha=-1.0),
     lambda xp, c, a, b: 2.0 * c - xp.sum(a @ b, 0), [((3, 4), (2, 3, 5), (2, 5, 4)), ((4,), (2, 3, 5), (2, 5, 4))])
spec("addmv", lambda sg, c, a, v: sg.addmv(c, a, v, beta=0.5, alpha=3.0),
     lambda xp, c, a, v: 0.5 * c + 3.0 * xp.sum(a * v, -1),
     [((3,), (3, 4), (4,)), ((1,), (3, 4), (4,)), ((), (3, 4), (4,))])
spec("addr", lambda sg, c, u, v: sg.addr(c, u, v, beta=2.0, alpha=0.5),
     lambda xp, c, u, v: 2.0 * c + 0.5 * u[:, None] * v[None, :], [((3, 4), (3,), (4,)), ((4,), (3,), (4,))])

# ------------------------------------------------------------------ einsum
spec("einsum_matmul", lambda sg, a, b: sg.einsum("ij,jk->ik", a, b), lambda xp, a, b: a @ b, [((3, 4), (4, 2))])
spec("einsum_batched", lambda sg, a, b: sg.einsum("bij,bjk->bik", a, b), lambda xp, a, b: a @ b,
     [((2, 3, 4), (2, 4, 5))])
spec("einsum_ellipsis", lambda sg, a, b: sg.einsum("...ij,...jk->...ik", a, b), lambda xp, a, b: xp.matmul(a, b),
     [((2, 1, 3, 4), (5, 4, 2)), ((3, 4), (4, 2))])
spec("einsum_outer", lambda sg, a, b: sg.einsum("i,j->ij", a, b), lambda xp, a, b: a[:, None] * b[None, :],
     [((3,), (4,))])
spec("einsum_broadcast_size1", lambda sg, a, b: sg.einsum("ij,ij->ij", a, b), lambda xp, a, b: a * b,
     [((1, 4), (3, 4)), ((3, 1), (1, 4))])
spec("einsum_three", lambda sg, a, b, c: sg.einsum("ij,jk,kl->il", a, b, c), lambda xp, a, b, c: a @ b @ c,
     [((2, 3), (3, 4), (4, 2))])
spec("einsum_implicit", lambda sg, a, b: sg.einsum("ba,ab", a, b), lambda xp, a, b: xp.sum(a * b.T),
     [((2, 3), (3, 2))])
spec("einsum_sum", lambda sg, a: sg.einsum("ij->i", a), lambda xp, a: xp.sum(a, 1), [((3, 4),)])
spec("einsum_sum_all", lambda sg, a: sg.einsum("ijk->", a), lambda xp, a: xp.sum(a), [((2, 3, 4),)])
spec("einsum_transpose", lambda sg, a: sg.einsum("ijk->kij", a), lambda xp, a: xp.transpose(a, (2, 0, 1)),
     [((2, 3, 4),)])
spec("einsum_summed_alone", lambda sg, a, b: sg.einsum("ij,k->ik", a, b),
     lambda xp, a, b: xp.sum(a, 1)[:, None] * b[None, :], [((3, 4), (2,))])
spec("einsum_trace", lambda sg, a: sg.einsum("ii", a), lambda xp, a: xp.sum(xp.diagonal(a)), [((3, 3),)])
spec("einsum_diag", lambda sg, a: sg.einsum("ii->i", a), lambda xp, a: xp.diagonal(a), [((3, 3),)])
spec("einsum_diag_batch", lambda sg, a: sg.einsum("iij->ji", a), lambda xp, a: xp.diagonal(a, 0, 0, 1),
     [((3, 3, 2),)])
spec("einsum_diag_triple", lambda sg, a: sg.einsum("iii->i", a),
     lambda xp, a: a[xp.arange(3), xp.arange(3), xp.arange(3)], [((3, 3, 3),)])
spec("einsum_diag_with_other", lambda sg, a, b: sg.einsum("ii,ij->j", a, b),
     lambda xp, a, b: xp.diagonal(a) @ b, [((3, 3), (3, 2))])
spec("einsum_diag_broadcast", lambda sg, a, b: sg.einsum("ii,i->i", a, b), lambda xp, a, b: a[0, 0] * b,
     [((1, 1), (3,))])
spec("einsum_sublist", lambda sg, a, b: sg.einsum(a, [0, 1], b, [1], [0]), lambda xp, a, b: xp.sum(a * b, -1),
     [((2, 3), (3,))])

# ------------------------------------------------------- cross, diagonals
spec("cross", lambda sg, a, b: sg.linalg.cross(a, b), lambda xp, a, b: _cross_ref(xp, a, b),
     [((4, 3), (4, 3)), ((2, 1, 3), (1, 5, 3)), ((3,), (3,))])
spec("cross_dim", lambda sg, a, b: sg.cross(a, b, dim=0), lambda xp, a, b: _cross_ref(xp, a, b, 0),
     [((3, 2), (3, 2)), ((3, 1), (3, 4))])
spec("trace", lambda sg, a: a.trace(), lambda xp, a: xp.sum(xp.diagonal(a)), [((3, 3),), ((2, 4),), ((4, 2),)])
spec("diag_embed_1d", lambda sg, a: sg.diag(a), lambda xp, a: xp.diag(a), [((3,),), ((1,),)])
spec("diag_embed_offset", lambda sg, a: sg.diag(a, 1) + sg.diag(a, -2)[:4, :4],
     lambda xp, a: xp.diag(a, 1) + xp.diag(a, -2)[:4, :4], [((3,),)])
spec("diag_2d", lambda sg, a: sg.diag(a, 1), lambda xp, a: xp.diagonal(a, 1), [((3, 4),), ((4, 3),)])
spec("diag_2d_negative", lambda sg, a: a.diag(-1), lambda xp, a: xp.diagonal(a, -1), [((3, 4),)])
spec("diagonal", lambda sg, a: a.diagonal(1, 0, 2), lambda xp, a: xp.diagonal(a, 1, 0, 2), [((3, 4, 5),)])
spec("diagonal_negative", lambda sg, a: sg.diagonal(a, -1, -1, -2), lambda xp, a: xp.diagonal(a, -1, -1, -2),
     [((2, 3, 4),), ((4, 4),)])
spec("diagonal_then_inplace", lambda sg, a: _diag_inplace(a), lambda xp, a: _diag_inplace_ref(xp, a), [((3, 4),)])
spec("diag_embed", lambda sg, a: sg.diag_embed(a), lambda xp, a: a[..., :, None] * xp.eye(a.shape[-1]),
     [((2, 3),), ((4,),)])
spec("diagonal_scatter", lambda sg, a, b: sg.diagonal_scatter(a, b, 1),
     lambda xp, a, b: xp.where(xp.eye(3, 4, k=1) > 0, b[:, None], a), [((3, 4), (3,))])
spec("triu", lambda sg, a: a.triu(), lambda xp, a: a * _tri_mask(xp, a.shape, 0, True), [((3, 4),), ((2, 3, 3),)])
spec("triu_offset", lambda sg, a: sg.triu(a, -1), lambda xp, a: a * _tri_mask(xp, a.shape, -1, True),
     [((4, 3),), ((2, 3, 3),)])
spec("tril", lambda sg, a: a.tril(), lambda xp, a: a * _tri_mask(xp, a.shape, 0, False), [((3, 4),), ((2, 3, 3),)])
spec("tril_offset", lambda sg, a: sg.tril(a, 2), lambda xp, a: a * _tri_mask(xp, a.shape, 2, False), [((3, 5),)])


def _diag_inplace(a):
    y = a * 1
    y.diagonal().mul_(3)
    return y


def _diag_inplace_ref(xp, a):
    mask = xp.eye(*a.shape) > 0
    return xp.where(mask, 3 * a, a)


# ---------------------------------------------------- inverse, det, svd
spec("inverse", lambda sg, a: sg.linalg.inv(a),
     lambda xp, a: xp.linalg.solve(a, xp.broadcast_to(xp.eye(a.shape[-1]), a.shape)),
     [((3, 3),), ((2, 4, 4),), ((1, 1),)], gen=_conditioned)
spec("inverse_method", lambda sg, a: a.inverse(), lambda xp, a: xp.linalg.solve(a, xp.eye(a.shape[-1])),
     [((2, 2),)], gen=_conditioned)
spec("det", lambda sg, a: sg.linalg.det(a), lambda xp, a: xp.linalg.det(a),
     [((3, 3),), ((2, 4, 4),), ((1, 1),), ((2, 2),)], domain=(-1.0, 1.0))
spec("det_method", lambda sg, a: a.det(), lambda xp, a: xp.linalg.det(a), [((3, 3),)], gen=_conditioned)
spec("det_singular", lambda sg, a: sg.det(a), lambda xp, a: xp.linalg.det(a), [((3, 3),), ((2, 4, 4),)],
     gen=_singular, jax=False)
spec("det_rank_two_short", lambda sg, a: sg.det(a), lambda xp, a: xp.linalg.det(a), [((4, 4),)],
     gen=lambda rng, shapes: _singular(rng, shapes, drop=2), order=1, jax=False)
spec("svdvals", lambda sg, a: sg.linalg.svdvals(a), lambda xp, a: xp.linalg.svd(a, compute_uv=False),
     [((3, 3),), ((4, 2),), ((2, 3, 5),)])
spec("svd_reduced", lambda sg, a: _svd_parts(sg, *sg.linalg.svd(a, full_matrices=False)),
     lambda xp, a: _svd_parts(xp, *xp.linalg.svd(a, full_matrices=False)), [((3, 3),), ((4, 2),), ((2, 2, 3),)])
spec("svd_full", lambda sg, a: _svd_parts(sg, *sg.linalg.svd(a)),
     lambda xp, a: _svd_parts(xp, *xp.linalg.svd(a)), [((4, 2),), ((2, 4),)], jax=False)
spec("svd_torch", lambda sg, a: _svd_parts(sg, *_torch_svd(sg, a)),
     lambda xp, a: _svd_parts(xp, *xp.linalg.svd(a, full_matrices=False)), [((3, 2),), ((2, 3),)])


def _torch_svd(sg, a):
    U, S, V = sg.svd(a)
    return U, S, V.mT


# ------------------------------------------------------------------ norms
spec("vector_norm", lambda sg, a: sg.linalg.vector_norm(a), lambda xp, a: xp.sqrt(xp.sum(a * a)),
     [((3, 4),), ((5,),)])
spec("vector_norm_ord_dim", lambda sg, a: sg.linalg.vector_norm(a, 3, dim=(0, 2), keepdim=True),
     lambda xp, a: xp.sum(xp.abs(a) ** 3, axis=(0, 2), keepdims=True) ** (1 / 3), [((2, 3, 4),)], domain=(0.1, 2.0))
spec("vector_norm_neg_inf", lambda sg, a: sg.linalg.vector_norm(a, -INF, 1), lambda xp, a: xp.min(xp.abs(a), 1),
     [((3, 4),)], domain=(0.1, 2.0))
spec("linalg_norm", lambda sg, a: sg.linalg.norm(a), lambda xp, a: xp.sqrt(xp.sum(a * a)), [((3, 4),), ((2, 3, 4),)])
spec("linalg_norm_dim", lambda sg, a: sg.linalg.norm(a, dim=1), lambda xp, a: xp.sqrt(xp.sum(a * a, 1)),
     [((3, 4),)])
spec("matrix_norm_fro", lambda sg, a: sg.linalg.matrix_norm(a), lambda xp, a: xp.sqrt(xp.sum(a * a, (-2, -1))),
     [((3, 4),), ((2, 3, 4),)])
spec("matrix_norm_nuc", lambda sg, a: sg.linalg.matrix_norm(a, "nuc"),
     lambda xp, a: xp.sum(xp.linalg.svd(a, compute_uv=False), -1), [((3, 4),), ((2, 3, 3),)])
spec("matrix_norm_2", lambda sg, a: sg.linalg.matrix_norm(a, 2, dim=(0, 1)),
     lambda xp, a: xp.max(xp.linalg.svd(a, compute_uv=False), -1), [((3, 4),)])
spec("matrix_norm_1", lambda sg, a: sg.linalg.matrix_norm(a, 1, keepdim=True),
     lambda xp, a: xp.max(xp.sum(xp.abs(a), -2, keepdims=True), -1, keepdims=True), [((3, 4),), ((2, 3, 3),)],
     domain=(0.1, 2.0))
spec("matrix_norm_inf", lambda sg, a: sg.linalg.norm(a, -INF), lambda xp, a: xp.min(xp.sum(xp.abs(a), -1)),
     [((3, 4),)], domain=(0.1, 2.0))
