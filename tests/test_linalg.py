"""Behaviour of the linear algebra ops beyond the generic op specs: grad_fn
names, degenerate inputs (singular matrices, repeated singular values),
views and in-place variants."""
import warnings

import numpy as np
import pytest

import symgrad as sg


def f64(a, requires_grad=True):
    return sg.tensor(np.asarray(a, dtype=np.float64), dtype=sg.float64, requires_grad=requires_grad)


def rand(*shape, seed=0):
    return f64(np.random.default_rng(seed).standard_normal(shape))


# names as PyTorch shows them
GRAD_FNS = [
    (lambda: sg.cross(rand(4, 3), rand(4, 3), dim=1), "LinalgCrossBackward0"),
    (lambda: sg.outer(rand(3), rand(2)), "MulBackward0"),
    (lambda: rand(3).ger(rand(2)), "MulBackward0"),
    (lambda: sg.trace(rand(3, 3)), "TraceBackward0"),
    (lambda: sg.diag(rand(3)), "DiagEmbedBackward0"),
    (lambda: sg.diag(rand(3, 3)), "DiagonalBackward0_copy"),
    (lambda: rand(3, 3).diagonal(), "DiagonalBackward0"),
    (lambda: sg.diag_embed(rand(2, 3)), "DiagEmbedBackward0"),
    (lambda: sg.triu(rand(3, 3)), "TriuBackward0"),
    (lambda: sg.tril(rand(3, 3), 1), "TrilBackward0"),
    (lambda: sg.inverse(rand(3, 3)), "LinalgInvExBackward0"),
    (lambda: sg.linalg.inv(rand(3, 3)), "LinalgInvExBackward0"),
    (lambda: sg.det(rand(3, 3)), "LinalgDetBackward0"),
    (lambda: sg.linalg.det(rand(3, 3)), "LinalgDetBackward0"),
    (lambda: sg.svd(rand(3, 3))[0], "LinalgSvdBackward0"),
    (lambda: sg.svd(rand(3, 3))[2], "TransposeBackward0"),
    (lambda: sg.linalg.svd(rand(3, 3))[2], "LinalgSvdBackward0"),
    (lambda: sg.linalg.svdvals(rand(3, 3)), "LinalgSvdBackward0"),
    (lambda: sg.addmm(rand(3), rand(3, 2), rand(2, 3)), "AddmmBackward0"),
    (lambda: sg.addbmm(rand(3, 3), rand(2, 3, 2), rand(2, 2, 3)), "AddbmmBackward0"),
    (lambda: sg.addmv(rand(3), rand(3, 2), rand(2)), "AddmvBackward0"),
    (lambda: sg.addr(rand(3, 2), rand(3), rand(2)), "AddrBackward0"),
    (lambda: sg.baddbmm(rand(3), rand(2, 3, 2), rand(2, 2, 3)), "BaddbmmBackward0"),
    (lambda: sg.linalg.vector_norm(rand(3)), "LinalgVectorNormBackward0"),
    (lambda: sg.linalg.matrix_norm(rand(3, 3)), "LinalgVectorNormBackward0"),
    (lambda: sg.linalg.matrix_norm(rand(3, 3), 1), "AmaxBackward0"),
    (lambda: sg.linalg.matrix_norm(rand(2, 3, 4), "nuc", dim=(2, 0), keepdim=True), "PermuteBackward0"),
    (lambda: rand(2, 2, 3) @ rand(2, 3, 2), "UnsafeViewBackward0"),
    (lambda: rand(2, 2, 3) @ rand(3), "UnsafeViewBackward0"),
    (lambda: rand(2, 3) @ rand(2, 3, 2), "CloneBackward0"),
    (lambda: sg.einsum("ij,jk->ik", rand(2, 3), rand(3, 2)), "ViewBackward0"),
    (lambda: sg.einsum("i,j->ij", rand(2), rand(3)), "MulBackward0"),
    (lambda: sg.einsum("ii->i", rand(3, 3)), "PermuteBackward0"),
    (lambda: sg.einsum("ij->ji", rand(2, 3)), "PermuteBackward0"),
    (lambda: sg.einsum("ii", rand(3, 3)), "SumBackward1"),
    (lambda: sg.einsum("ij->", rand(2, 3)), "SumBackward1"),
]


@pytest.mark.parametrize("fn,name", GRAD_FNS, ids=[n for _, n in GRAD_FNS])
def test_grad_fn_names(fn, name):
    assert fn().grad_fn.name() == name


# ---------------------------------------------------------------- det
def _cofactors(a):
    n = a.shape[0]
    return np.array([[(-1) ** (i + j) * np.linalg.det(np.delete(np.delete(a, i, 0), j, 1)) for j in range(n)]
                     for i in range(n)])


@pytest.mark.parametrize("a", [[[1., 0, 0], [0, 0, 0], [0, 0, 2]],
                               [[1., 2, 3], [2, 4, 6], [0, 1, 5]],
                               [[1., 2, 3], [2, 4, 6], [3, 6, 9]],
                               np.zeros((3, 3))])
def test_det_gradient_of_singular_matrix_is_the_cofactor_matrix(a):
    x = f64(a)
    sg.det(x).backward()
    np.testing.assert_allclose(x.grad.numpy(), _cofactors(np.asarray(a)), atol=1e-12)


def test_det_double_backward_at_a_singular_matrix():
    x = f64([[1., 2.], [2., 4.]])
    g, = sg.autograd.grad(sg.det(x), x, create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), [[4., -2.], [-2., 1.]], atol=1e-12)
    g.sum().backward()
    # d/dx of sum(cofactor(x)) = d/dx (x11 - x10 - x01 + x00) for 2x2
    np.testing.assert_allclose(x.grad.numpy(), [[1., -1.], [-1., 1.]], atol=1e-12)


# ---------------------------------------------------------------- svd
def test_singular_value_gradient_with_repeated_singular_values():
    # the nuclear norm's gradient is the orthogonal polar factor: here Q itself
    q, _ = np.linalg.qr(np.random.default_rng(3).standard_normal((3, 3)))
    x = f64(2 * q)
    sg.linalg.svdvals(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), q, atol=1e-12)
    y = f64(np.eye(3))
    sg.linalg.svd(y)[1].sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), np.eye(3), atol=1e-12)


def test_singular_value_gradient_of_zero_matrix_is_finite():
    x = f64(np.zeros((3, 2)))
    sg.linalg.svd(x, full_matrices=False)[1].sum().backward()
    assert np.isfinite(x.grad.numpy()).all()


def test_singular_vector_gradient_with_repeated_singular_values_is_not_finite():
    # U is not a function of A at the identity: no finite number may come out
    x = f64(np.eye(3))
    U = sg.linalg.svd(x)[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)     # numpy's note on 0/0
        (U * U * sg.arange(9.).reshape(3, 3).double()).sum().backward()
    assert not np.isfinite(x.grad.numpy()).all()


def test_full_matrices_ignores_the_gradient_of_the_extra_columns():
    x = rand(4, 2)
    U, S, Vh = sg.linalg.svd(x)
    assert tuple(U.shape) == (4, 4) and tuple(Vh.shape) == (2, 2)
    (U[:, 2:] ** 3).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 0)


def test_svd_return_types():
    a = rand(3, 2)
    U, S, V = sg.svd(a)
    assert tuple(U.shape) == (3, 2) and tuple(V.shape) == (2, 2)
    np.testing.assert_allclose((U @ sg.diag(S) @ V.mT).detach().numpy(), a.detach().numpy(), atol=1e-12)
    full = sg.svd(a, some=False)
    assert tuple(full.U.shape) == (3, 3) and tuple(full.V.shape) == (2, 2)
    nouv = sg.svd(a, compute_uv=False)
    assert tuple(nouv.U.shape) == (3, 3) and not nouv.U.requires_grad
    np.testing.assert_array_equal(nouv.V.numpy(), 0)
    np.testing.assert_allclose(nouv.S.detach().numpy(), np.linalg.svd(a.detach().numpy(), compute_uv=False))
    r = sg.linalg.svd(a, full_matrices=False)
    assert r.Vh is r[2] and repr(r).startswith("symgrad.return_types.linalg_svd(\nU=")


# ------------------------------------------------------ views, aliasing
def test_diagonal_is_a_writable_view():
    x = sg.zeros(3, 4)
    d = x.diagonal(1)
    d.fill_(2.)
    np.testing.assert_array_equal(x.numpy(), np.eye(3, 4, k=1) * 2)
    assert sg.linalg.diagonal(x, offset=1).shape == (3,)


def test_inplace_on_diagonal_of_leaf_is_refused():
    x = rand(3, 3)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        x.diagonal().mul_(2)


def test_einsum_result_never_aliases_its_operand():
    x = sg.arange(6.).reshape(2, 3)
    y = sg.einsum("ij->ji", x)
    y.add_(1)
    np.testing.assert_array_equal(x.numpy(), np.arange(6.).reshape(2, 3))


def test_einsum_forms_agree():
    a, b = rand(2, 3), rand(3)
    want = (a @ b).detach().numpy()
    for got in (sg.einsum("ij,j->i", a, b), sg.einsum("ij,j", [a, b]), sg.einsum(a, [0, 1], b, [1], [0]),
                sg.einsum(" i j , j -> i ", a, b), sg.einsum("...j,j->...", a, b)):
        np.testing.assert_allclose(got.detach().numpy(), want, rtol=1e-12)


# ------------------------------------------------------------ products
def test_addmm_with_beta_zero_ignores_input():
    c = sg.full((2, 2), float("nan"), dtype=sg.float64, requires_grad=True)
    a, b = rand(2, 2), rand(2, 2, seed=1)
    out = sg.addmm(c, a, b, beta=0)
    np.testing.assert_allclose(out.detach().numpy(), (a @ b).detach().numpy())
    out.sum().backward()
    np.testing.assert_array_equal(c.grad.numpy(), 0)


def test_integral_products_truncate_float_scalars():
    m = sg.arange(4).reshape(2, 2)
    out = sg.addmm(m, m, m, beta=0.5, alpha=1.5)
    assert out.dtype is sg.int64
    np.testing.assert_array_equal(out.numpy(), m.numpy() @ m.numpy())


@pytest.mark.parametrize("name,args", [("addmm", ((3, 2), (2, 4))), ("addmv", ((3, 4), (4,))),
                                       ("addr", ((3,), (4,))), ("baddbmm", ((2, 3, 5), (2, 5, 4))),
                                       ("addbmm", ((2, 3, 5), (2, 5, 4)))])
def test_inplace_products_match_out_of_place(name, args):
    shape = {"addmm": (3, 4), "addmv": (3,), "addr": (3, 4), "baddbmm": (2, 3, 4), "addbmm": (3, 4)}[name]
    ops = [rand(*s, seed=k + 1) for k, s in enumerate(args)]
    base = rand(*shape)
    want = getattr(sg, name)(base, *ops, beta=0.5, alpha=2.0)
    y = base * 1
    r = getattr(y, name + "_")(*ops, beta=0.5, alpha=2.0)
    assert r is y and y.grad_fn.name() == want.grad_fn.name()
    np.testing.assert_allclose(y.detach().numpy(), want.detach().numpy(), rtol=1e-12)
    cot = f64(np.random.default_rng(9).standard_normal(shape), requires_grad=False)
    g1 = sg.autograd.grad(want, [base] + ops, cot)
    g2 = sg.autograd.grad(y, [base] + ops, cot)
    for p, q in zip(g1, g2):
        np.testing.assert_allclose(p.numpy(), q.numpy(), rtol=1e-12)


def test_triu_inplace():
    x = rand(3, 4)
    y = x * 1
    y.triu_(1)
    np.testing.assert_allclose(y.detach().numpy(), np.triu(x.detach().numpy(), 1))
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.triu(np.ones((3, 4)), 1))


def test_cross_without_dim_uses_first_dim_of_size_three():
    a, b = rand(3, 4), rand(3, 4, seed=1)
    with pytest.warns(UserWarning, match="without specifying the dim arg is deprecated"):
        out = sg.cross(a, b)
    np.testing.assert_allclose(out.detach().numpy(), np.cross(a.detach().numpy(), b.detach().numpy(), axis=0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RuntimeError, match="no dimension of size 3 in input"):
            sg.cross(rand(4, 2), rand(4, 2))


# --------------------------------------------------------------- norms
def test_norm_routing():
    a = rand(3, 4)
    x = a.detach().numpy()
    s = np.linalg.svd(x, compute_uv=False)
    np.testing.assert_allclose(sg.linalg.norm(a).item(), np.sqrt((x * x).sum()))
    np.testing.assert_allclose(sg.linalg.norm(a, "nuc").item(), s.sum())
    np.testing.assert_allclose(sg.linalg.norm(a, 2).item(), s.max())
    np.testing.assert_allclose(sg.linalg.norm(a, -1).item(), np.abs(x).sum(0).min())
    np.testing.assert_allclose(sg.linalg.norm(a, float("inf"), dim=(1, 0)).item(), np.abs(x).sum(0).max())
    np.testing.assert_allclose(sg.linalg.norm(a, 3, dim=1).detach().numpy(), (np.abs(x) ** 3).sum(1) ** (1 / 3))


def test_zero_norm_counts_nonzeros_with_zero_gradient():
    x = f64([[0., 2., -1.], [0., 0., 3.]])
    n = sg.linalg.vector_norm(x, 0, dim=1)
    np.testing.assert_array_equal(n.detach().numpy(), [2., 1.])
    n.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), 0)
