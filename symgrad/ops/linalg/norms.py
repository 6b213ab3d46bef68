"""Vector and matrix norms (``torch.linalg`` and ``Tensor.norm``)."""
from ..table import Op
from .._util import call, with_out
from ...tensor import _wrapdim
from ... import dtypes as _dt
from .products import _tn
from .matrices import linalg_svdvals


# the 0-"norm" counts nonzeros: piecewise constant, so its gradient is zero
norm0_op = Op("norm0", "LinalgVectorNormBackward0",
              lambda xp, a, dim, keepdim: xp.astype(xp.sum(a != 0, axis=dim, keepdims=keepdim), a.dtype),
              (lambda xp, g, ans, a, dim, keepdim: xp.zeros(a.shape, g.dtype),))


def _norm_input(x, name, dtype):
    if x._data.dtype.kind != "f":
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got {_tn(x)}")
    if dtype is not None:
        if _dt.promote_types(x.dtype, dtype) is not dtype:
            raise RuntimeError(f"{name}: the dtype of the input ({_tn(x)}) should be convertible without narrowing "
                               f"to the specified dtype ({dtype.scalar_name})")
        x = x.to(dtype)
    return x


def linalg_vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """Vector ``ord``-norm over ``dim`` (all elements when ``None``).

    >>> import symgrad as sg
    >>> sg.linalg.vector_norm(sg.tensor([3., -4.]))
    tensor(5.)
    >>> sg.linalg.vector_norm(sg.tensor([3., -4.]), ord=float("inf"))
    tensor(4.)
    """
    from .. import reduce as _rd
    from .._util import dims
    if isinstance(ord, str):
        raise TypeError("linalg_vector_norm(): argument 'ord' (position 2) must be Number, not str")
    x = _norm_input(x, "linalg.vector_norm", dtype)
    d = dims(dim, x._data.ndim)
    if ord < 0 or ord == float("inf"):
        if x._data.size == 0 and (d is None or any(x._data.shape[k] == 0 for k in d)):
            raise RuntimeError(f"linalg.vector_norm cannot compute the {ord} norm on an empty tensor because the "
                               "operation does not have an identity")
    if ord == 0:
        r = call(norm0_op, x, dim=d, keepdim=keepdim)
    else:
        r = call(_rd.norm_op, x, ord=ord if ord in (1, 2) else float(ord), dim=d, keepdim=keepdim)
    return with_out(r, out, "linalg_vector_norm")


def linalg_matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """Matrix norm over the two dims ``dim``: ``'fro'``, ``'nuc'``, ``±1``, ``±2``, ``±inf``.

    >>> import symgrad as sg
    >>> sg.linalg.matrix_norm(sg.tensor([[1., 2.], [2., 4.]]))
    tensor(5.)
    >>> sg.linalg.matrix_norm(sg.tensor([[1., 2.], [2., 4.]]), 1)
    tensor(6.)
    """
    from .. import reduce as _rd
    inf = float("inf")
    if ord not in ("fro", "nuc") and (isinstance(ord, str) or abs(ord) not in (1, 2, inf)):
        raise RuntimeError(f"linalg.matrix_norm: Order {ord} not supported.")
    if A._data.ndim < 2:
        raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 dimensions.")
    A = _norm_input(A, "linalg.matrix_norm", dtype)
    dim = tuple(dim) if isinstance(dim, (tuple, list)) else (dim,)
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {' '.join(map(str, dim))}")
    d0, d1 = (_wrapdim(d, A._data.ndim) for d in dim)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({d0}, {d1})")
    if ord == "fro":
        r = call(_rd.norm_op, A, ord=2, dim=tuple(sorted((d0, d1))), keepdim=keepdim)
    elif ord in ("nuc", 2, -2):
        from ..shape import permute
        if A.dtype is _dt.float16:
            raise RuntimeError("linalg.matrix_norm: Low precision dtypes not supported. Got Half")
        perm = [k for k in range(A._data.ndim) if k not in (d0, d1)] + [d0, d1]
        S = linalg_svdvals(permute(A, perm))
        # no singular values (an empty matrix): every one of these norms is 0
        empty = S._data.shape[-1] == 0
        r = S.sum(-1, keepdim) if ord == "nuc" or empty else S.amax(-1, keepdim) if ord == 2 else S.amin(-1, keepdim)
        if keepdim:
            r = permute(r.unsqueeze(-1), [perm.index(k) for k in range(len(perm))])
    else:
        if abs(ord) == inf:
            d0, d1 = d1, d0
        r = linalg_vector_norm(A, 1, d0, keepdim)
        d1 = d1 - 1 if not keepdim and d0 < d1 else d1
        r = r.amax(d1, keepdim) if ord > 0 else r.amin(d1, keepdim)
    return with_out(r, out, "linalg_matrix_norm")


def linalg_norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None):
    """Vector norm, or matrix norm when ``dim`` is a 2-tuple (or ``A`` is 2-d and ``ord`` is given).

    >>> import symgrad as sg
    >>> sg.linalg.norm(sg.tensor([[1., 2.], [2., 4.]]))
    tensor(5.)
    """
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None:
        if len(dim) not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. Got {list(dim)}")
    elif ord is not None and A._data.ndim not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. "
                           f"Got {A._data.ndim}D.")
    if isinstance(ord, str) or (ord is not None and (len(dim) == 2 if dim is not None else A._data.ndim == 2)):
        return linalg_matrix_norm(A, ord, (0, 1) if dim is None else dim, keepdim, dtype=dtype, out=out)
    return linalg_vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype, out=out)
