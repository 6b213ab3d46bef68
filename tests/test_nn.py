"""``symgrad.nn``: the Module API, reprs, initialisation, dropout, loss
modules, and training loops checked against independent implementations."""
import copy
import math
import pickle
import warnings

import numpy as np
import pytest

import symgrad as sg
import symgrad.nn as nn
import symgrad.nn.functional as F


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, 4)
        self.body = nn.Sequential(nn.Tanh(), nn.Linear(4, 2, bias=False))
        self.scale = nn.Parameter(sg.ones(2))
        self.register_buffer("count", sg.zeros(1))
        self.register_buffer("scratch", sg.zeros(2), persistent=False)

    def forward(self, x):
        return self.body(self.fc(x)) * self.scale


# ------------------------------------------------------------------ Module API
def test_registration_and_walks():
    net = Net()
    assert [n for n, _ in net.named_parameters()] == ["scale", "fc.weight", "fc.bias", "body.1.weight"]
    assert [n for n, _ in net.named_buffers()] == ["count", "scratch"]
    assert [n for n, _ in net.named_modules()] == ["", "fc", "body", "body.0", "body.1"]
    assert [type(m).__name__ for m in net.children()] == ["Linear", "Sequential"]
    assert list(net.state_dict()) == ["scale", "count", "fc.weight", "fc.bias", "body.1.weight"]
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in net.parameters())
    assert [n for n, _ in net.named_parameters(recurse=False)] == ["scale"]
    assert dict(net.named_parameters())["fc.weight"] is net.fc.weight


def test_shared_modules_and_parameters_are_listed_once():
    shared = nn.Linear(2, 2)
    seq = nn.Sequential(shared, nn.ReLU(), shared)
    assert len(list(seq.parameters())) == 2
    assert [n for n, _ in seq.named_modules()] == ["", "0", "1"]


def test_call_runs_forward_and_backward_reaches_parameters():
    net = Net()
    out = net(sg.ones(5, 3))
    assert tuple(out.shape) == (5, 2)
    out.sum().backward()
    assert all(p.grad is not None and tuple(p.grad.shape) == tuple(p.shape) for p in net.parameters())


def test_zero_grad():
    net = Net()
    net(sg.ones(1, 3)).sum().backward()
    net.zero_grad(set_to_none=False)
    assert all(p.grad is not None and not p.grad.numpy().any() for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_train_eval_propagate():
    net = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Dropout()))
    assert net.training and net[1][0].training
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    net.train()
    assert all(m.training for m in net.modules())


def test_state_dict_shares_storage_and_round_trips():
    a, b = Net(), Net()
    sd = a.state_dict()
    assert not sd["fc.weight"].requires_grad
    assert np.shares_memory(sd["fc.weight"].numpy(), a.fc.weight.detach().numpy())
    result = b.load_state_dict(sd)
    assert repr(result) == "<All keys matched successfully>"
    for (n, p), (_, q) in zip(a.state_dict().items(), b.state_dict().items()):
        np.testing.assert_array_equal(p.numpy(), q.numpy(), err_msg=n)
    assert b.fc.weight is not a.fc.weight and isinstance(b.fc.weight, nn.Parameter)


def test_load_state_dict_errors():
    lin = nn.Linear(2, 3)
    sd = lin.state_dict()
    sd["foo"] = sg.ones(1)
    del sd["bias"]
    with pytest.raises(RuntimeError) as e:
        lin.load_state_dict(sd)
    assert str(e.value) == ('Error(s) in loading state_dict for Linear:\n\tMissing key(s) in state_dict: "bias". '
                            '\n\tUnexpected key(s) in state_dict: "foo". ')
    result = lin.load_state_dict(sd, strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["foo"]
    with pytest.raises(RuntimeError, match=r"size mismatch for weight: copying a param with shape "
                                           r"symgrad.Size\(\[3, 3\]\) from checkpoint, the shape in current model "
                                           r"is symgrad.Size\(\[3, 2\]\)."):
        lin.load_state_dict({"weight": sg.ones(3, 3), "bias": sg.ones(3)})


def test_assignment_errors():
    net = Net()
    with pytest.raises(TypeError, match="cannot assign 'symgrad.FloatTensor' as parameter 'scale'"):
        net.scale = sg.ones(2)
    with pytest.raises(TypeError, match="cannot assign 'int' as child module 'fc'"):
        net.fc = 3
    with pytest.raises(AttributeError, match="'Net' object has no attribute 'nope'"):
        net.nope

    class Early(nn.Module):
        def __init__(self):
            self.fc = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match=r"cannot assign module before Module.__init__\(\) call"):
        Early()
    with pytest.raises(NotImplementedError, match='Module \\[Module\\] is missing the required "forward" function'):
        nn.Module()(sg.ones(1))


def test_reassign_and_delete():
    net = Net()
    net.scale = None
    assert [n for n, _ in net.named_parameters(recurse=False)] == []
    net.extra = nn.Parameter(sg.zeros(1))
    del net.extra
    assert "extra" not in dict(net.named_parameters())
    net.count = sg.full((1,), 5.0)
    assert net.state_dict()["count"].item() == 5.0


def test_dtype_conversion_keeps_parameter_identity():
    lin = nn.Linear(2, 2)
    w = lin.weight
    lin(sg.ones(2)).sum().backward()
    assert lin.double() is lin and lin.weight is w
    assert w.dtype is sg.float64 and w.grad.dtype is sg.float64
    assert lin(sg.ones(2, dtype=sg.float64)).dtype is sg.float64
    with pytest.raises(RuntimeError, match="not available"):
        lin.to("cuda")


def test_copy_and_pickle():
    net = Net()
    dup = copy.deepcopy(net)
    assert dup.fc.weight is not net.fc.weight and isinstance(dup.fc.weight, nn.Parameter)
    np.testing.assert_array_equal(dup.fc.weight.detach().numpy(), net.fc.weight.detach().numpy())
    p = pickle.loads(pickle.dumps(nn.Parameter(sg.tensor([1.0, 2.0]))))
    assert isinstance(p, nn.Parameter) and p.requires_grad and p.tolist() == [1.0, 2.0]


def test_containers():
    seq = nn.Sequential(nn.ReLU(), nn.Tanh(), nn.Sigmoid())
    assert isinstance(seq[1], nn.Tanh) and isinstance(seq[-1], nn.Sigmoid)
    assert [type(m).__name__ for m in seq[1:]] == ["Tanh", "Sigmoid"]
    del seq[0]
    assert len(seq) == 2 and isinstance(seq[0], nn.Tanh)
    assert seq(sg.tensor([0.0])).item() == 0.5
    with pytest.raises(IndexError):
        seq[5]
    ml = nn.ModuleList([nn.ReLU()])
    ml.append(nn.Tanh())
    ml.insert(0, nn.Sigmoid())
    ml += [nn.Identity()]
    assert [type(m).__name__ for m in ml] == ["Sigmoid", "ReLU", "Tanh", "Identity"]
    assert [n for n, _ in ml.named_children()] == ["0", "1", "2", "3"]


# ----------------------------------------------------------------------- reprs
def test_reprs():
    net = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Dropout(), nn.Linear(256, 10, bias=False),
                        nn.LogSoftmax(dim=1))
    assert repr(net) == ("Sequential(\n"
                         "  (0): Linear(in_features=784, out_features=256, bias=True)\n"
                         "  (1): ReLU()\n"
                         "  (2): Dropout(p=0.5, inplace=False)\n"
                         "  (3): Linear(in_features=256, out_features=10, bias=False)\n"
                         "  (4): LogSoftmax(dim=1)\n"
                         ")")
    assert repr(Net()) == ("Net(\n"
                           "  (fc): Linear(in_features=3, out_features=4, bias=True)\n"
                           "  (body): Sequential(\n"
                           "    (0): Tanh()\n"
                           "    (1): Linear(in_features=4, out_features=2, bias=False)\n"
                           "  )\n"
                           ")")
    assert repr(nn.ModuleList([nn.Linear(1, 1) for _ in range(3)] + [nn.ReLU()])) == (
        "ModuleList(\n  (0-2): 3 x Linear(in_features=1, out_features=1, bias=True)\n  (3): ReLU()\n)")
    assert repr(nn.ModuleList()) == "ModuleList()"
    expected = {nn.ReLU(inplace=True): "ReLU(inplace=True)", nn.Softmax(): "Softmax(dim=None)",
                nn.Flatten(): "Flatten(start_dim=1, end_dim=-1)", nn.Identity(): "Identity()",
                nn.GELU(): "GELU(approximate='none')", nn.SiLU(): "SiLU()",
                nn.LeakyReLU(): "LeakyReLU(negative_slope=0.01)", nn.ELU(): "ELU(alpha=1.0)",
                nn.Softplus(): "Softplus(beta=1.0, threshold=20.0)", nn.MSELoss(): "MSELoss()",
                nn.CrossEntropyLoss(label_smoothing=0.1): "CrossEntropyLoss()", nn.BCELoss(): "BCELoss()",
                nn.BCEWithLogitsLoss(): "BCEWithLogitsLoss()", nn.NLLLoss(): "NLLLoss()", nn.L1Loss(): "L1Loss()"}
    for m, text in expected.items():
        assert repr(m) == text
    assert repr(nn.Parameter(sg.ones(2))) == "Parameter containing:\ntensor([1., 1.], requires_grad=True)"
    assert repr(nn.Parameter(sg.ones(2, dtype=sg.float64), requires_grad=False)) == (
        "Parameter containing:\ntensor([1., 1.], dtype=symgrad.float64)")


# ------------------------------------------------------------------ parameters
def test_parameter():
    data = sg.tensor([1.0, 2.0])
    p = nn.Parameter(data)
    assert p.is_leaf and p.requires_grad and isinstance(p, sg.Tensor)
    assert np.shares_memory(p.detach().numpy(), data.numpy())
    y = p * 2
    assert type(y) is sg.Tensor and y.grad_fn.name() == "MulBackward0"
    with pytest.raises(RuntimeError, match="Only Tensors of floating point and complex dtype can require gradients"):
        nn.Parameter(sg.tensor([1, 2]))


# -------------------------------------------------------------- initialisation
def test_linear_init_is_uniform_with_pytorch_bound():
    sg.manual_seed(0)
    lin = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    w, b = lin.weight.detach().numpy(), lin.bias.detach().numpy()
    assert w.dtype == np.float32 and lin.weight.requires_grad
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    # a uniform draw of 120000 values fills the interval with variance bound^2 / 3
    assert np.abs(w).max() > 0.999 * bound
    assert abs(w.var() / (bound ** 2 / 3) - 1) < 0.02 and abs(w.mean()) < 0.01 * bound
    assert nn.Linear(2, 3, dtype=sg.float64).weight.dtype is sg.float64


def test_init_functions():
    sg.manual_seed(1)
    w = nn.Parameter(sg.empty(200, 100))
    nn.init.zeros_(w)
    assert not w.detach().numpy().any() and w.is_leaf and w.grad_fn is None
    nn.init.constant_(w, 0.25)
    assert (w.detach().numpy() == 0.25).all()
    nn.init.ones_(w)
    assert (w.detach().numpy() == 1).all()

    def fills(bound):
        # draws in [-bound, bound] (up to float32 rounding) that reach close to both ends
        v = w.detach().numpy()
        return np.abs(v).max() <= bound * (1 + 1e-6) and v.max() > 0.99 * bound and v.min() < -0.99 * bound

    nn.init.xavier_uniform_(w, gain=2.0)
    assert fills(2.0 * math.sqrt(6 / 300))
    nn.init.kaiming_uniform_(w, nonlinearity="relu")
    assert fills(math.sqrt(2) * math.sqrt(3 / 100))
    nn.init.kaiming_uniform_(w, a=0.5, mode="fan_out")
    assert fills(math.sqrt(2 / (1 + 0.5 ** 2)) * math.sqrt(3 / 200))
    nn.init.normal_(w, 3.0, 0.5)
    assert abs(w.detach().numpy().mean() - 3.0) < 0.01 and abs(w.detach().numpy().std() - 0.5) < 0.01
    nn.init.xavier_normal_(w)
    assert abs(w.detach().numpy().std() / math.sqrt(2 / 300) - 1) < 0.03
    nn.init.uniform_(w, 2.0, 3.0)
    assert w.detach().numpy().min() >= 2.0 and w.detach().numpy().max() < 3.0
    assert nn.init.calculate_gain("tanh") == 5 / 3 and nn.init.calculate_gain("relu") == math.sqrt(2)
    assert nn.init.calculate_gain("leaky_relu", 0.2) == math.sqrt(2 / 1.04)
    with pytest.raises(ValueError, match="Fan in and fan out can not be computed"):
        nn.init.xavier_uniform_(sg.empty(3))
    with pytest.raises(ValueError, match="Mode fan_sideways not supported"):
        nn.init.kaiming_uniform_(sg.empty(2, 2), mode="fan_sideways")
    with pytest.raises(ValueError, match="Unsupported nonlinearity softsign"):
        nn.init.calculate_gain("softsign")


# ---------------------------------------------------------------------- dropout
def test_dropout_scales_survivors_and_masks_gradient():
    sg.manual_seed(2)
    x = sg.ones(200, 100, dtype=sg.float64, requires_grad=True)
    y = F.dropout(x, 0.3)
    v = y.detach().numpy()
    kept = v != 0
    assert abs(kept.mean() - 0.7) < 0.01
    np.testing.assert_allclose(v[kept], 1 / 0.7)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), v)
    assert y.grad_fn.name() == "MulBackward0"


def test_dropout_edge_cases():
    x = sg.randn(4, 4)
    assert F.dropout(x, 0.5, training=False) is x and F.dropout(x, 0.0) is x
    assert not F.dropout(x, 1.0).numpy().any()
    d = nn.Dropout(0.5)
    assert d.eval()(x) is x
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got 1.5"):
        F.dropout(x, 1.5)
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, but got -0.1"):
        nn.Dropout(-0.1)


# ---------------------------------------------------------------- functional API
def test_activations_match_numpy():
    a = np.linspace(-4, 4, 17)
    x = sg.tensor(a, dtype=sg.float64)
    np.testing.assert_allclose(F.relu(x).numpy(), np.maximum(a, 0))
    np.testing.assert_allclose(F.sigmoid(x).numpy(), 1 / (1 + np.exp(-a)))
    np.testing.assert_allclose(F.tanh(x).numpy(), np.tanh(a))
    np.testing.assert_allclose(F.leaky_relu(x, 0.2).numpy(), np.where(a > 0, a, 0.2 * a))
    np.testing.assert_allclose(F.elu(x).numpy(), np.where(a > 0, a, np.expm1(a)))
    np.testing.assert_allclose(F.softplus(x, beta=2.0).numpy(), np.log1p(np.exp(2 * a)) / 2)
    np.testing.assert_allclose(F.silu(x).numpy(), a / (1 + np.exp(-a)))
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        s = F.softmax(sg.tensor([[1.0, 2.0]]))
    np.testing.assert_allclose(s.numpy(), [[1 / (1 + math.e), math.e / (1 + math.e)]], rtol=1e-6)
    y = sg.tensor([-1.0, 2.0])
    assert F.relu(y, inplace=True) is y and y.tolist() == [0.0, 2.0]


def test_activation_modules_match_functional():
    x = sg.randn(3, 5, dtype=sg.float64)
    pairs = [(nn.ReLU(), F.relu(x)), (nn.Tanh(), F.tanh(x)), (nn.Sigmoid(), F.sigmoid(x)),
             (nn.Softmax(dim=1), F.softmax(x, 1)), (nn.LogSoftmax(dim=0), F.log_softmax(x, 0)),
             (nn.GELU("tanh"), F.gelu(x, approximate="tanh")), (nn.SiLU(), F.silu(x)),
             (nn.LeakyReLU(0.3), F.leaky_relu(x, 0.3)), (nn.ELU(0.5), F.elu(x, 0.5)),
             (nn.Softplus(2.0, 5.0), F.softplus(x, 2.0, 5.0)), (nn.Identity(), x)]
    for m, want in pairs:
        np.testing.assert_array_equal(m(x).numpy(), want.numpy(), err_msg=repr(m))


def test_loss_modules_match_functional():
    sg.manual_seed(3)
    x, t = sg.randn(4, 3, dtype=sg.float64), sg.randn(4, 3, dtype=sg.float64)
    labels = sg.tensor([0, 2, 1, 2])
    p, y = sg.rand(4, 3, dtype=sg.float64), sg.rand(4, 3, dtype=sg.float64)
    w = sg.tensor([1.0, 2.0, 0.5], dtype=sg.float64)
    pairs = [(nn.MSELoss(reduction="sum")(x, t), F.mse_loss(x, t, reduction="sum")),
             (nn.L1Loss()(x, t), F.l1_loss(x, t)),
             (nn.SmoothL1Loss(beta=0.5)(x, t), F.smooth_l1_loss(x, t, beta=0.5)),
             (nn.HuberLoss(delta=0.5)(x, t), F.huber_loss(x, t, delta=0.5)),
             (nn.CrossEntropyLoss(w, label_smoothing=0.1)(x, labels),
              F.cross_entropy(x, labels, w, label_smoothing=0.1)),
             (nn.NLLLoss(w, ignore_index=1)(x, labels), F.nll_loss(x, labels, w, ignore_index=1)),
             (nn.BCELoss(w)(p, y), F.binary_cross_entropy(p, y, w)),
             (nn.BCEWithLogitsLoss(pos_weight=w)(x, y), F.binary_cross_entropy_with_logits(x, y, pos_weight=w))]
    for got, want in pairs:
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    assert "weight" in nn.CrossEntropyLoss(w).state_dict()


def test_grad_fn_names():
    x = sg.randn(3, 4, requires_grad=True)
    t = sg.randn(3, 4)
    labels = sg.tensor([0, 3, 1])
    names = {F.mse_loss(x, t): "MseLossBackward0", F.nll_loss(x, labels): "NllLossBackward0",
             F.cross_entropy(x, labels): "NllLossBackward0",
             F.cross_entropy(x, labels, label_smoothing=0.1): "AddBackward0",
             F.binary_cross_entropy(x.sigmoid(), t.sigmoid()): "BinaryCrossEntropyBackward0",
             F.binary_cross_entropy_with_logits(x, t.sigmoid()): "BinaryCrossEntropyWithLogitsBackward0",
             F.l1_loss(x, t): "MeanBackward0", F.l1_loss(x, t, reduction="none"): "AbsBackward0",
             F.smooth_l1_loss(x, t): "SmoothL1LossBackward0", F.huber_loss(x, t): "HuberLossBackward0",
             F.gelu(x): "GeluBackward0", F.silu(x): "SiluBackward0",
             F.linear(x, sg.randn(2, 4), sg.randn(2)): "AddmmBackward0",
             F.linear(x, sg.randn(2, 4)): "MmBackward0", F.linear(x[0], sg.randn(2, 4), sg.randn(2)): "ViewBackward0",
             F.linear(x.reshape(3, 1, 4), sg.randn(2, 4), sg.randn(2)): "ViewBackward0"}
    for out, name in names.items():
        assert out.grad_fn.name() == name


def test_loss_errors():
    x = sg.zeros(3, 4)
    cases = [
        (lambda: F.nll_loss(x, sg.tensor([0, 5, 1])), IndexError, "Target 5 is out of bounds."),
        (lambda: F.nll_loss(x, sg.tensor([0, 1])), ValueError,
         r"Expected input batch_size \(3\) to match target batch_size \(2\)."),
        (lambda: F.nll_loss(x, sg.tensor([0.0, 1.0, 1.0])), RuntimeError,
         "expected target dtype to be Long or Byte, but got Float"),
        (lambda: F.nll_loss(x, sg.tensor([0, 1, 1]), weight=sg.ones(3)), RuntimeError,
         r"weight tensor should be defined either for all 4 classes or no classes but got weight tensor of "
         r"shape: \[3\]"),
        (lambda: F.nll_loss(x, sg.tensor([0, 1, 1]), weight=sg.ones(4, requires_grad=True)), RuntimeError,
         "The function 'nll_loss_forward' is not differentiable with respect to argument 'weight'"),
        (lambda: F.nll_loss(sg.zeros(2, 4, 5), sg.zeros(2, 4, dtype=sg.int64)), RuntimeError,
         r"Expected target size \[2, 5\], got \[2, 4\]"),
        (lambda: F.nll_loss(x, sg.tensor([0, 1, 1]), reduction="avg"), ValueError,
         "avg is not a valid value for reduction"),
        (lambda: F.cross_entropy(x, sg.tensor([0, 1, 1]), label_smoothing=1.5), RuntimeError,
         "label_smoothing must be between 0.0 and 1.0. Got: 1.5"),
        (lambda: F.binary_cross_entropy(sg.full((3,), 1.5), sg.ones(3)), RuntimeError,
         "all elements of input should be between 0 and 1"),
        (lambda: F.binary_cross_entropy(sg.full((3,), 0.5), sg.ones(3, 1)), ValueError,
         "Please ensure they have the same size."),
        (lambda: F.binary_cross_entropy_with_logits(sg.zeros(3), sg.ones(3, 1)), ValueError,
         r"Target size \(symgrad.Size\(\[3, 1\]\)\) must be the same as input size \(symgrad.Size\(\[3\]\)\)"),
        (lambda: F.mse_loss(x, sg.ones(5)), RuntimeError,
         r"The size of tensor a \(4\) must match the size of tensor b \(5\) at non-singleton dimension 1"),
        (lambda: F.smooth_l1_loss(x, x, beta=-1), RuntimeError,
         "smooth_l1_loss does not support negative values for beta."),
        (lambda: F.huber_loss(x, x, delta=0), RuntimeError,
         "huber_loss does not support non-positive values for delta."),
        (lambda: F.gelu(x, approximate="exact"), RuntimeError, "approximate argument must be either none or tanh."),
        (lambda: F.linear(x, sg.zeros(2, 5)), RuntimeError,
         r"mat1 and mat2 shapes cannot be multiplied \(3x4 and 5x2\)"),
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for fn, exc, text in cases:
            with pytest.raises(exc, match=text):
                fn()


def test_broadcast_target_warns():
    with pytest.warns(UserWarning, match="Using a target size"):
        out = F.mse_loss(sg.zeros(3, 4, dtype=sg.float64), sg.ones(4, dtype=sg.float64))
    assert out.item() == 1.0


def test_nll_loss_edge_values():
    # every target ignored: the weighted mean is 0 / 0
    out = F.nll_loss(sg.zeros(2, 3), sg.tensor([-100, -100]))
    assert math.isnan(out.item())
    # binary cross-entropy clamps each log at -100
    assert F.binary_cross_entropy(sg.tensor([0.0, 1.0]), sg.tensor([1.0, 0.0])).item() == 100.0
    assert F.binary_cross_entropy_with_logits(sg.tensor([1000.0]), sg.tensor([0.0])).item() == 1000.0


# ---------------------------------------------------------------- training runs
def test_perceptron_reaches_the_textbook_solution():
    # the classic example: points (3,3), (4,3) positive, (1,1) negative, learning rate 1,
    # visiting points in order, ends at w = (1, 1), b = -3
    X = sg.tensor([[3.0, 3.0], [4.0, 3.0], [1.0, 1.0]])
    Y = sg.tensor([1.0, 1.0, -1.0])
    model = nn.Linear(2, 1)
    nn.init.zeros_(model.weight)
    nn.init.zeros_(model.bias)
    opt = sg.optim.SGD(model.parameters(), lr=1.0)
    for _ in range(100):
        mistakes = 0
        for xi, yi in zip(X, Y):
            loss = -yi * model(xi)
            if loss.item() >= 0:
                mistakes += 1
                opt.zero_grad()
                loss.sum().backward()
                opt.step()
        if mistakes == 0:
            break
    assert mistakes == 0
    assert model.weight.tolist() == [[1.0, 1.0]] and model.bias.tolist() == [-3.0]


def test_perceptron_separates_random_separable_data():
    rng = np.random.default_rng(4)
    X = rng.uniform(-1, 1, (200, 2))
    y = np.sign(X @ np.array([2.0, -1.0]) + 0.3)
    keep = np.abs(X @ np.array([2.0, -1.0]) + 0.3) > 0.05      # a margin, so convergence is guaranteed
    X, y = sg.tensor(X[keep], dtype=sg.float32), sg.tensor(y[keep], dtype=sg.float32)
    model = nn.Linear(2, 1)
    opt = sg.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(500):
        loss = F.relu(-y * model(X).squeeze(1)).sum()
        if loss.item() == 0:
            break
        opt.zero_grad()
        loss.backward()
        opt.step()
    pred = np.sign(model(X).detach().numpy()[:, 0])
    assert (pred == y.numpy()).all()


def test_mlp_training_matches_jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp

    sg.manual_seed(5)
    model = nn.Sequential(nn.Linear(784, 32), nn.Tanh(), nn.Linear(32, 10)).double()
    rng = np.random.default_rng(5)
    xb = rng.standard_normal((16, 784))
    yb = rng.integers(0, 10, 16)
    lr, momentum, weight_decay = 0.1, 0.9, 1e-3
    opt = sg.optim.SGD(model.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)

    params = [jnp.asarray(p.detach().numpy().copy()) for p in model.parameters()]

    def jax_loss(params, x, y):
        w1, b1, w2, b2 = params
        logits = jnp.tanh(x @ w1.T + b1) @ w2.T + b2
        logz = jax.scipy.special.logsumexp(logits, axis=1)
        return jnp.mean(logz - logits[jnp.arange(x.shape[0]), y])

    value_and_grad = jax.value_and_grad(jax_loss)
    bufs = None
    losses = []
    x_sg, y_sg = sg.tensor(xb), sg.tensor(yb)
    for step in range(5):
        loss = F.cross_entropy(model(x_sg), y_sg)
        losses.append(loss.item())
        opt.zero_grad()
        loss.backward()
        opt.step()

        ref_loss, grads = value_and_grad(params, jnp.asarray(xb), jnp.asarray(yb))
        grads = [g + weight_decay * p for g, p in zip(grads, params)]
        bufs = grads if bufs is None else [momentum * b + g for b, g in zip(bufs, grads)]
        params = [p - lr * b for p, b in zip(params, bufs)]

        np.testing.assert_allclose(loss.item(), float(ref_loss), rtol=1e-12, err_msg=f"step {step}")
        for p, r in zip(model.parameters(), params):
            np.testing.assert_allclose(p.detach().numpy(), np.asarray(r), rtol=1e-10, atol=1e-13,
                                       err_msg=f"step {step}")
    assert losses[-1] < losses[0]


def test_nll_loss_with_every_target_ignored_has_zero_gradient():
    # the mean over no counted targets is 0/0 (nan), but nothing flows back:
    # a nan gradient would poison every parameter at the optimizer step
    x = sg.randn(4, 3, requires_grad=True)
    loss = sg.nn.functional.cross_entropy(x, sg.tensor([-100, -100, -100, -100]))
    assert math.isnan(loss.item())
    loss.backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((4, 3), np.float32))
    # one counted target: its row gets softmax - onehot, the rest zero
    x.grad = None
    sg.nn.functional.cross_entropy(x, sg.tensor([-100, 1, -100, -100])).backward()
    p = np.exp(x.detach().numpy()[1]) / np.exp(x.detach().numpy()[1]).sum()
    np.testing.assert_allclose(x.grad.numpy()[1], p - np.eye(3)[1], rtol=1e-5)
    np.testing.assert_array_equal(x.grad.numpy()[[0, 2, 3]], 0)


def test_sequential_and_module_list_edit_like_lists():
    nn = sg.nn
    s = nn.Sequential(nn.ReLU(), nn.Tanh(), nn.Sigmoid())
    assert isinstance(s.pop(1), nn.Tanh) and [type(m) for m in s] == [nn.ReLU, nn.Sigmoid]
    s.insert(0, nn.Tanh())
    s.extend([nn.ReLU()])
    del s[1]
    assert [type(m) for m in s] == [nn.Tanh, nn.Sigmoid, nn.ReLU] and list(s._modules) == ["0", "1", "2"]
    np.testing.assert_allclose(s(sg.tensor([0.5])).numpy(), [1 / (1 + np.exp(-np.tanh(0.5)))], rtol=1e-6)
    ml = nn.ModuleList([nn.ReLU(), nn.Tanh()])
    assert isinstance(ml.pop(0), nn.ReLU) and len(ml) == 1
    ml += [nn.ReLU()]
    assert list(ml._modules) == ["0", "1"]


def test_train_goes_through_each_childs_own_train():
    class AlwaysEval(sg.nn.Module):
        def __init__(self):
            super().__init__()
            self.drop = sg.nn.Dropout(0.5)

        def train(self, mode=True):
            return super().train(False)

        def forward(self, x):
            return self.drop(x)

    net = sg.nn.Sequential(AlwaysEval())
    net.train()
    assert net.training and not net[0].training and not net[0].drop.training
    assert net(sg.ones(6)).tolist() == [1.0] * 6


def test_sequential_insert_add_and_mul():
    a, b = sg.nn.ReLU(), sg.nn.Tanh()
    s = sg.nn.Sequential(a)
    assert s.insert(0, b) is s and list(s) == [b, a]
    assert list(s + sg.nn.Sequential(a)) == [b, a, a]
    assert list(sg.nn.Sequential(a) * 2) == [a, a]
    assert list(sg.nn.ModuleList([a]) + sg.nn.ModuleList([b])) == [a, b]


def test_losses_skip_ignored_rows_and_pass_nan_through():
    F = sg.nn.functional
    x = sg.tensor([[float("inf"), 0.0], [1.0, 2.0]], requires_grad=True)
    loss = F.cross_entropy(x, sg.tensor([0, 1]), ignore_index=0)
    np.testing.assert_allclose(loss.item(), 0.3133, atol=1e-4)          # PyTorch's value
    nll = F.nll_loss(sg.tensor([[float("nan"), 0.0], [-1.0, -2.0]]), sg.tensor([0, 1]), ignore_index=0)
    assert nll.item() == 2.0
    x = sg.tensor([1.0, 2.0], requires_grad=True)
    F.huber_loss(x, sg.tensor([float("nan"), 0.0]), reduction="sum").backward()
    assert np.isnan(x.grad[0].item()) and x.grad[1].item() == 1.0


def test_optimizer_repr_and_adam_step_dtype_as_pytorch():
    p, q = sg.ones(1, requires_grad=True), sg.ones(1, requires_grad=True)
    text = repr(sg.optim.SGD([{"params": [p]}, {"params": [q]}], lr=0.1))
    assert "weight_decay: 0\n\nParameter Group 1\n" in text and text.endswith("weight_decay: 0\n)")
    prev = sg.get_default_dtype()
    sg.set_default_dtype(sg.float64)
    try:
        w = sg.ones(1, requires_grad=True)
        opt = sg.optim.Adam([w])
        w.sum().backward()
        opt.step()
        assert opt.state[w]["step"].dtype is sg.float64
    finally:
        sg.set_default_dtype(prev)


def test_types_print_as_symgrad_and_data_keeps_floats():
    x = sg.ones(2, requires_grad=True)
    assert repr(type(x)) == "<class 'symgrad.Tensor'>" and repr(type(x.size())) == "<class 'symgrad.Size'>"
    with pytest.raises(RuntimeError, match="^data set to a tensor that requires gradients must be floating point"):
        x.data = sg.tensor([7, 8])


@pytest.mark.parametrize("shape,names", [
    ((2, 3), ["NllLossBackward0"] * 3),
    ((2, 3, 4), ["NllLoss2DBackward0", "NllLoss2DBackward0", "ViewBackward0"]),
    ((2, 3, 4, 5), ["NllLoss2DBackward0"] * 3),
    ((2, 3, 4, 5, 2), ["NllLoss2DBackward0", "NllLoss2DBackward0", "ViewBackward0"])])
def test_nll_loss_node_names_follow_pytorchs_2d_kernel(shape, names):
    x = sg.randn(*shape, requires_grad=True)
    t = sg.zeros((shape[0],) + shape[2:], dtype=sg.long)
    assert [F.nll_loss(x, t, reduction=r).grad_fn.name() for r in ("mean", "sum", "none")] == names
