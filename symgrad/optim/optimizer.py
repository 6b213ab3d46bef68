"""``Optimizer``: parameter groups, per-parameter state, ``zero_grad``.

Subclasses update ``p._data`` in place with numpy, outside the graph, and
bump each parameter's version counter as any in-place write does.
"""
from collections import defaultdict

from ..tensor import Tensor, _wrap
from .. import engine


class _Required:
    def __repr__(self):
        return "<required parameter>"


required = _Required()


def check_nonneg(value, what):
    if not 0.0 <= value:
        raise ValueError(f"Invalid {what}: {value}")


def check_flags(defaults):
    if defaults.get("differentiable"):
        raise NotImplementedError("differentiable=True is not supported: updates are not recorded")
    if defaults.get("fused"):
        raise NotImplementedError("fused=True is not supported")


class Optimizer:
    """Base class of optimisers: ``params`` is an iterable of tensors or of
    dicts (parameter groups, each with its own options).

    >>> import symgrad as sg
    >>> w = sg.zeros(2, requires_grad=True)
    >>> opt = sg.optim.SGD([{"params": [w], "lr": 0.5}], lr=0.1)
    >>> opt.param_groups[0]["lr"], opt.defaults["lr"]
    (0.5, 0.1)
    """

    def __init__(self, params, defaults):
        self.defaults = defaults
        self.state = defaultdict(dict)
        self.param_groups = []
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of Tensors or dicts, "
                            f"but got {params.type()}")
        groups = list(params)
        if not groups:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for g in groups:
            self.add_param_group(g)

    def add_param_group(self, param_group):
        """Add a group of parameters with its own options (defaults fill the rest).

        >>> import symgrad as sg
        >>> a, b = sg.zeros(1, requires_grad=True), sg.zeros(1, requires_grad=True)
        >>> opt = sg.optim.SGD([a], lr=0.1)
        >>> opt.add_param_group({"params": [b], "lr": 0.01})
        >>> [g["lr"] for g in opt.param_groups]
        [0.1, 0.01]
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but the ordering "
                            "of tensors in sets will change between runs. Please use a list instead.")
        else:
            params = list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {type(p).__name__}")
            if p._node is not None:
                raise ValueError("can't optimize a non-leaf Tensor")
        group = dict(param_group)
        group["params"] = params
        for k, v in self.defaults.items():
            if v is required and k not in group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {k}")
            group.setdefault(k, v)
        if len({id(p) for p in params}) != len(params):
            import warnings
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in future, this will "
                          "cause an error", UserWarning, stacklevel=3)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    def zero_grad(self, set_to_none=True):
        """Clear the gradients of all parameters (set to None, or zero them).

        >>> import symgrad as sg
        >>> w = sg.ones(2, requires_grad=True); w.grad = sg.tensor([3., 3.])
        >>> opt = sg.optim.SGD([w], lr=0.1); opt.zero_grad(set_to_none=False); w.grad
        tensor([0., 0.])
        """
        from ..nn.modules.module import _clear_grad
        for group in self.param_groups:
            for p in group["params"]:
                _clear_grad(p, set_to_none)

    def step(self, closure=None):
        """Update the parameters once (subclasses)."""
        raise NotImplementedError

    def _closure(self, closure):
        if closure is None:
            return None
        with engine.enable_grad():
            return closure()

    # -------------------------------------------------------- state dicts
    def state_dict(self):
        """``{"state": {index: {...}}, "param_groups": [{..., "params": [index, ...]}]}``,
        parameters numbered in group order, as PyTorch's.

        >>> import symgrad as sg
        >>> w = sg.zeros(2, requires_grad=True)
        >>> sg.optim.SGD([w], lr=0.1).state_dict()["param_groups"][0]["params"]
        [0]
        """
        index, groups, k = {}, [], 0
        for g in self.param_groups:
            packed = {key: v for key, v in g.items() if key != "params"}
            packed["params"] = []
            for p in g["params"]:
                if id(p) not in index:
                    index[id(p)] = k
                    k += 1
                packed["params"].append(index[id(p)])
            groups.append(packed)
        state = {index[id(p)]: dict(s) for p, s in self.state.items() if id(p) in index}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict):
        """Restore options and state saved by ``state_dict`` (tensors are copied).

        >>> import symgrad as sg
        >>> w = sg.zeros(2, requires_grad=True)
        >>> a = sg.optim.SGD([w], lr=0.3); b = sg.optim.SGD([w], lr=0.1)
        >>> b.load_state_dict(a.state_dict()); b.param_groups[0]["lr"]
        0.3
        """
        saved = state_dict["param_groups"]
        if len(saved) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(s["params"]) != len(g["params"]) for s, g in zip(saved, self.param_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the size of "
                             "optimizer's group")
        by_index = {}
        for s, g in zip(saved, self.param_groups):
            for i, p in zip(s["params"], g["params"]):
                by_index[i] = p
        self.state = defaultdict(dict)
        for i, st in state_dict["state"].items():
            p = by_index[i]
            self.state[p] = {k: _wrap(v._data.astype(p._data.dtype if k != "step" else v._data.dtype, copy=True))
                             if isinstance(v, Tensor) else v for k, v in st.items()}
        for s, g in zip(saved, self.param_groups):
            g.update({k: v for k, v in s.items() if k != "params"})

    def __repr__(self):
        text = f"{type(self).__name__} ("
        for k, g in enumerate(self.param_groups):      # PyTorch's layout: a blank line between groups
            text += f"\nParameter Group {k}\n" + "".join(f"    {key}: {g[key]}\n" for key in sorted(g)
                                                          if key != "params")
        return text + ")"
