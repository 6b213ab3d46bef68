"""Generic checks driven by one spec per op (see ``op_specs``)."""
import numpy as np
import pytest

import symgrad as sg
from op_specs import SPECS

CASES = [pytest.param(s, k, id=f"{s.name}-{k}") for s in SPECS for k in range(len(s.shapes))]


def _inputs(s, k, seed=0):
    rng = np.random.default_rng(seed)
    shapes = s.shapes[k]
    if s.gen is not None:
        return s.gen(rng, shapes)
    lo, hi = s.domain
    return [rng.uniform(lo, hi, size=sh) for sh in shapes]


def _tensors(arrays, requires_grad=True):
    return [sg.tensor(a, dtype=sg.float64, requires_grad=requires_grad) for a in arrays]


@pytest.mark.parametrize("s,k", CASES)
def test_forward_matches_reference(s, k):
    arrays = _inputs(s, k)
    out = s.fn(sg, *_tensors(arrays, requires_grad=False))
    ref = np.asarray(s.ref(np, *[a.copy() for a in arrays]))
    assert out.dtype is sg.float64 or out.dtype.is_floating_point is False
    assert tuple(out.shape) == ref.shape
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("s,k", [c for c in CASES if c.values[0].order >= 1])
def test_gradcheck(s, k):
    ts = _tensors(_inputs(s, k))
    assert sg.autograd.gradcheck(lambda *a: s.fn(sg, *a), ts, atol=s.atol, rtol=s.rtol)


@pytest.mark.parametrize("s,k", [c for c in CASES if c.values[0].order >= 2])
def test_gradgradcheck(s, k):
    ts = _tensors(_inputs(s, k))
    assert sg.autograd.gradgradcheck(lambda *a: s.fn(sg, *a), ts, atol=s.atol, rtol=s.rtol)


@pytest.mark.parametrize("s,k", [c for c in CASES if c.values[0].order >= 1 and c.values[0].jax])
def test_grad_matches_jax(s, k):
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    arrays = _inputs(s, k)
    ts = _tensors(arrays)
    out = s.fn(sg, *ts)
    cot = np.random.default_rng(1).standard_normal(tuple(out.shape))
    ours = sg.autograd.grad(out, ts, sg.tensor(cot, dtype=sg.float64), allow_unused=True)
    ref_out, vjp = jax.vjp(lambda *a: s.ref(jnp, *a), *[jnp.asarray(a) for a in arrays])
    theirs = vjp(jnp.asarray(cot))
    np.testing.assert_allclose(out.detach().numpy(), np.asarray(ref_out), rtol=1e-10, atol=1e-12)
    for g, r, a in zip(ours, theirs, arrays):
        got = np.zeros_like(a) if g is None else g.numpy()
        np.testing.assert_allclose(got, np.asarray(r), rtol=1e-9, atol=1e-10)


@pytest.mark.parametrize("s,k", CASES)
def test_float32_forward(s, k):
    arrays = _inputs(s, k)
    ts = [sg.tensor(a, dtype=sg.float32) for a in arrays]
    out = s.fn(sg, *ts)
    assert out.dtype in (sg.float32, sg.bool, sg.int64)
    ref = np.asarray(s.ref(np, *[a.copy() for a in arrays]))
    np.testing.assert_allclose(out.numpy().astype(np.float64), ref, rtol=2e-4, atol=2e-5)


@pytest.mark.parametrize("s,k", [c for c in CASES if c.values[0].order >= 1])
def test_grads_own_their_memory(s, k):
    # rules pass cotangents through and views share them; a .grad that
    # aliased another array would change when that one is accumulated into
    ts = _tensors(_inputs(s, k))
    out = s.fn(sg, *ts)
    cot = sg.tensor(np.random.default_rng(1).standard_normal(tuple(out.shape)), dtype=sg.float64)
    out.backward(cot)
    held = [t.detach().numpy() for t in ts] + [out.detach().numpy(), cot.numpy()]
    grads = [t.grad.numpy() for t in ts if t.grad is not None]
    for i, g in enumerate(grads):
        assert g.flags.writeable
        for other in held + grads[:i]:
            assert not np.may_share_memory(g, other)
