"""``Module`` and the layers, containers and losses built on it."""
import math
from collections import OrderedDict, namedtuple

from . import functional as F, init
from .parameter import Parameter
from ..tensor import Tensor, check_device
from .. import dtypes as _dt
from .. import engine
from ..engine import no_grad


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


def _indent(text, n):
    lines = text.split("\n")
    return lines[0] if len(lines) == 1 else lines[0] + "".join("\n" + " " * n + s for s in lines[1:])


class Module:
    """Base class of layers and models, as ``torch.nn.Module``: assigning a
    ``Parameter``, a ``Module`` or a registered buffer as an attribute
    registers it, and ``module(x)`` calls ``forward(x)``.

    >>> import symgrad as sg
    >>> class Affine(sg.nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.scale = sg.nn.Parameter(sg.tensor([2.]))
    ...     def forward(self, x):
    ...         return self.scale * x
    >>> m = Affine()
    >>> m(sg.tensor([3.]))
    tensor([6.], grad_fn=<MulBackward0>)
    >>> [name for name, _ in m.named_parameters()]
    ['scale']
    """
    training = True

    def __init__(self, *args, **kwargs):
        if args or kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() takes no arguments")
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = {}
        d["_buffers"] = {}
        d["_non_persistent"] = set()
        d["_modules"] = {}

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    # ------------------------------------------------------ registration
    def __setattr__(self, name, value):
        d = self.__dict__
        params, modules, buffers = d.get("_parameters"), d.get("_modules"), d.get("_buffers")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._forget(name, "_parameters")
            params[name] = value
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{_typename(value)}' as parameter '{name}' "
                                "(symgrad.nn.Parameter or None expected)")
            params[name] = None
        elif isinstance(value, Module):
            if modules is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._forget(name, "_modules")
            modules[name] = value
        elif modules is not None and name in modules:
            if value is not None:
                raise TypeError(f"cannot assign '{_typename(value)}' as child module '{name}' "
                                "(symgrad.nn.Module or None expected)")
            modules[name] = None
        elif buffers is not None and name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"cannot assign '{_typename(value)}' as buffer '{name}' "
                                "(symgrad.Tensor or None expected)")
            buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name, keep=None):
        # a name re-assigned in the same store keeps its place (the order of
        # children is the order a Sequential runs them)
        d = self.__dict__
        d.pop(name, None)
        for key in ("_parameters", "_buffers", "_modules"):
            if key != keep:
                d[key].pop(name, None)
        d["_non_persistent"].discard(name)

    def __getattr__(self, name):
        d = self.__dict__
        for key in ("_parameters", "_buffers", "_modules"):
            store = d.get(key)
            if store is not None and name in store:
                return store[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        for key in ("_parameters", "_buffers", "_modules"):
            if name in self.__dict__.get(key, ()):
                del self.__dict__[key][name]
                self.__dict__["_non_persistent"].discard(name)
                return
        object.__delattr__(self, name)

    def _check_name(self, name, kind):
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"cannot assign {kind} before Module.__init__() call")
        if not isinstance(name, str):
            raise TypeError(f"{kind} name should be a string. Got {_typename(name)}")
        if "." in name:
            raise KeyError(f'{kind} name can\'t contain "."')
        if name == "":
            raise KeyError(f'{kind} name can\'t be empty string ""')

    def register_parameter(self, name, param):
        """Register ``param`` (a ``Parameter`` or None) under ``name``.

        >>> import symgrad as sg
        >>> m = sg.nn.Module(); m.register_parameter("w", sg.nn.Parameter(sg.zeros(1)))
        >>> list(dict(m.named_parameters()))
        ['w']
        """
        self._check_name(name, "parameter")
        if hasattr(self, name) and name not in self._parameters:
            raise KeyError(f"attribute '{name}' already exists")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{_typename(param)}' object to parameter '{name}' "
                            "(symgrad.nn.Parameter or None required)")
        self._parameters[name] = param

    def register_buffer(self, name, tensor, persistent=True):
        """Register a tensor that is state but not a parameter (saved in
        ``state_dict`` unless ``persistent=False``).

        >>> import symgrad as sg
        >>> m = sg.nn.Module(); m.register_buffer("running_mean", sg.zeros(2))
        >>> list(m.state_dict())
        ['running_mean']
        """
        self._check_name(name, "buffer")
        if hasattr(self, name) and name not in self._buffers:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{_typename(tensor)}' object to buffer '{name}' "
                            "(symgrad Tensor or None required)")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent.discard(name)
        else:
            self._non_persistent.add(name)

    def add_module(self, name, module):
        """Register a child module under ``name``.

        >>> import symgrad as sg
        >>> m = sg.nn.Module(); m.add_module("act", sg.nn.ReLU()); m
        Module(
          (act): ReLU()
        )
        """
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{_typename(module)} is not a Module subclass")
        self._check_name(name, "module")
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        self._modules[name] = module

    register_module = add_module

    def get_submodule(self, target):
        """The submodule at dotted path ``target`` (``""`` is the module itself).

        >>> import symgrad as sg
        >>> sg.nn.Sequential(sg.nn.Linear(2, 2)).get_submodule("0")
        Linear(in_features=2, out_features=2, bias=True)
        """
        mod = self
        if target == "":
            return mod
        for item in target.split("."):
            if item not in mod._modules:
                raise AttributeError(f"{mod._get_name()} has no attribute `{item}`")
            mod = mod._modules[item]
        return mod

    # ------------------------------------------------------------ walking
    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """``(name, module)`` for this module and all below it, each once.

        >>> import symgrad as sg
        >>> [n for n, _ in sg.nn.Sequential(sg.nn.Linear(1, 1), sg.nn.ReLU()).named_modules()]
        ['', '0', '1']
        """
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, m in self._modules.items():
            if m is not None:
                yield from m.named_modules(memo, prefix + ("." if prefix else "") + name, remove_duplicate)

    def modules(self):
        """This module and all below it.

        >>> import symgrad as sg
        >>> [m._get_name() for m in sg.nn.Sequential(sg.nn.ReLU()).modules()]
        ['Sequential', 'ReLU']
        """
        for _, m in self.named_modules():
            yield m

    def named_children(self):
        """``(name, module)`` of the direct children.

        >>> import symgrad as sg
        >>> [n for n, _ in sg.nn.Sequential(sg.nn.ReLU(), sg.nn.Tanh()).named_children()]
        ['0', '1']
        """
        seen = set()
        for name, m in self._modules.items():
            if m is not None and id(m) not in seen:
                seen.add(id(m))
                yield name, m

    def children(self):
        """The direct children.

        >>> import symgrad as sg
        >>> list(sg.nn.Sequential(sg.nn.ReLU(), sg.nn.Tanh()).children())
        [ReLU(), Tanh()]
        """
        for _, m in self.named_children():
            yield m

    def _named_members(self, store, prefix, recurse, remove_duplicate):
        seen = set()
        mods = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else [(prefix, self)]
        for mprefix, m in mods:
            for name, v in m.__dict__[store].items():
                if v is None or (remove_duplicate and id(v) in seen):
                    continue
                seen.add(id(v))
                yield mprefix + ("." if mprefix else "") + name, v

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """``(dotted name, parameter)`` pairs, each parameter once.

        >>> import symgrad as sg
        >>> [n for n, _ in sg.nn.Linear(3, 2).named_parameters()]
        ['weight', 'bias']
        """
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        """The parameters of this module and (with ``recurse``) its descendants.

        >>> import symgrad as sg
        >>> [tuple(p.shape) for p in sg.nn.Linear(3, 2).parameters()]
        [(2, 3), (2,)]
        """
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        """``(dotted name, buffer)`` pairs.

        >>> import symgrad as sg
        >>> m = sg.nn.Sequential(sg.nn.Module()); m[0].register_buffer("mask", sg.ones(2))
        >>> [n for n, _ in m.named_buffers()]
        ['0.mask']
        """
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        """The buffers of this module and its descendants.

        >>> import symgrad as sg
        >>> m = sg.nn.Module(); m.register_buffer("mask", sg.ones(2))
        >>> list(m.buffers())
        [tensor([1., 1.])]
        """
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def apply(self, fn):
        """Call ``fn`` on every submodule (children first) and on ``self``.

        >>> import symgrad as sg
        >>> names = []
        >>> _ = sg.nn.Sequential(sg.nn.ReLU()).apply(lambda m: names.append(m._get_name()))
        >>> names
        ['ReLU', 'Sequential']
        """
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    # -------------------------------------------------------------- modes
    def train(self, mode=True):
        """Set training mode (``Dropout`` is active) here and below.

        >>> import symgrad as sg
        >>> sg.nn.Dropout().train(False).training
        False
        """
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        self.__dict__["training"] = mode
        for m in self.children():       # through their own train(): a subclass may override it
            m.train(mode)
        return self

    def eval(self):
        """``train(False)``.

        >>> import symgrad as sg
        >>> sg.nn.Sequential(sg.nn.Dropout()).eval()[0].training
        False
        """
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        """Set ``requires_grad`` of every parameter.

        >>> import symgrad as sg
        >>> sg.nn.Linear(2, 1).requires_grad_(False).weight.requires_grad
        False
        """
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        """Clear the gradients of all parameters (set to None, or zero them).

        >>> import symgrad as sg
        >>> m = sg.nn.Linear(2, 1)
        >>> m.weight.grad = sg.ones(1, 2)
        >>> m.zero_grad(); m.weight.grad is None
        True
        """
        for p in self.parameters():
            _clear_grad(p, set_to_none)

    # ------------------------------------------------------------- dtypes
    def _apply(self, fn):
        for m in self.modules():
            for store in (m._parameters, m._buffers):
                for t in store.values():
                    if t is not None:
                        t._data = fn(t._data)
                        engine.modified(t)
                        if t._grad is not None:
                            t._grad._data = fn(t._grad._data)
        return self

    def to(self, *args, **kwargs):
        """Convert floating-point parameters and buffers in place to a dtype
        (``m.to(sg.float64)``); devices other than the CPU raise.

        >>> import symgrad as sg
        >>> sg.nn.Linear(2, 1).to(sg.float64).weight.dtype
        symgrad.float64
        """
        dtype = kwargs.get("dtype")
        check_device(kwargs.get("device"))
        for a in args:
            if isinstance(a, _dt.dtype):
                dtype = a
            elif isinstance(a, Tensor):
                dtype = a.dtype
            else:
                check_device(a)
        if dtype is None:
            return self
        if not dtype.is_floating_point:
            raise TypeError(f"nn.Module.to only accepts floating point or complex dtypes, but got desired "
                            f"dtype={dtype}")
        return self._apply(lambda a: a.astype(dtype.np) if a.dtype.kind == "f" else a)

    def double(self):
        """Floating-point parameters and buffers to float64.

        >>> import symgrad as sg
        >>> sg.nn.Linear(2, 1).double().bias.dtype
        symgrad.float64
        """
        return self.to(_dt.float64)

    def float(self):
        """Floating-point parameters and buffers to float32."""
        return self.to(_dt.float32)

    def half(self):
        """Floating-point parameters and buffers to float16."""
        return self.to(_dt.float16)

    def cpu(self):
        """The module itself (tensors live on the CPU)."""
        return self

    def cuda(self, device=None):
        check_device("cuda")

    # -------------------------------------------------------- state dicts
    def state_dict(self, *args, destination=None, prefix="", keep_vars=False):
        """An ordered dict of every parameter and persistent buffer by dotted
        name (detached, sharing storage unless ``keep_vars``).

        >>> import symgrad as sg
        >>> list(sg.nn.Sequential(sg.nn.Linear(2, 1)).state_dict())
        ['0.weight', '0.bias']
        """
        if destination is None:
            destination = OrderedDict()
        for name, p in self._parameters.items():
            if p is not None:
                destination[prefix + name] = p if keep_vars else p.detach()
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent:
                destination[prefix + name] = b if keep_vars else b.detach()
        for name, m in self._modules.items():
            if m is not None:
                m.state_dict(destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars)
        return destination

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copy values from ``state_dict`` into the parameters and buffers in
        place.  With ``strict``, missing or unexpected keys raise; shape
        mismatches always raise.

        >>> import symgrad as sg
        >>> a, b = sg.nn.Linear(2, 1), sg.nn.Linear(2, 1)
        >>> b.load_state_dict(a.state_dict())
        <All keys matched successfully>
        >>> bool((a.weight == b.weight).all())
        True
        """
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        if strict:
            if missing:
                errors.append(f"Missing key(s) in state_dict: {_quoted(missing)}. ")
            if unexpected:
                errors.append(f"Unexpected key(s) in state_dict: {_quoted(unexpected)}. ")
        for k, t in own.items():
            if k not in state_dict:
                continue
            v = state_dict[k]
            if not isinstance(v, Tensor):
                errors.append(f'While copying the parameter named "{k}", expected a symgrad Tensor from '
                              f"checkpoint but received {type(v)}")
                continue
            if tuple(v.shape) != tuple(t.shape):
                errors.append(f"size mismatch for {k}: copying a param with shape {v.shape} from checkpoint, "
                              f"the shape in current model is {t.shape}.")
        if errors:
            raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(
                self._get_name(), "\n\t".join(errors)))
        with no_grad():
            for k, t in own.items():
                if k in state_dict:
                    if assign:
                        self._assign(k, state_dict[k])
                    else:
                        t._data[...] = state_dict[k]._data
                        engine.modified(t)
        return _IncompatibleKeys(missing, unexpected)

    def _assign(self, key, value):
        *path, name = key.split(".")
        m = self.get_submodule(".".join(path))
        if name in m._parameters:
            old = m._parameters[name]
            m._parameters[name] = value if isinstance(value, Parameter) else Parameter(value, old.requires_grad)
        else:
            m._buffers[name] = value

    # --------------------------------------------------------------- repr
    def _get_name(self):
        return type(self).__name__

    def extra_repr(self):
        """Module-specific text shown inside the parentheses of ``repr``."""
        return ""

    def _child_lines(self):
        return [f"({name}): {_indent(repr(m), 2)}" for name, m in self._modules.items()]

    def __repr__(self):
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = self._child_lines()
        lines = extra_lines + child_lines
        body = ""
        if len(extra_lines) == 1 and not child_lines:
            body = extra_lines[0]
        elif lines:
            body = "\n  " + "\n  ".join(lines) + "\n"
        return f"{self._get_name()}({body})"

    def __dir__(self):
        return sorted(set(object.__dir__(self)) | set(self._parameters) | set(self._buffers) | set(self._modules))


def _typename(v):
    if isinstance(v, Tensor):
        return f"symgrad.{v.dtype.scalar_name}Tensor"
    return type(v).__module__ + "." + type(v).__qualname__ if type(v).__module__ != "builtins" else \
        type(v).__qualname__


def _quoted(keys):
    return ", ".join(f'"{k}"' for k in keys)


def _clear_grad(p, set_to_none):
    if p._grad is None:
        return
    if set_to_none:
        p._grad = None
    else:
        g = p._grad
        if g._node is not None:
            g = p._grad = g.detach()
        g._data[...] = 0
        g._vc[0] += 1
        g._gsrc = [("const", 0)]        # its closed form is now 0, whatever it summed before


# ================================================================ containers
class _ModuleSequence(Module):
    """What Sequential and ModuleList share: children kept in order, indexed
    by position, renumbered "0", "1", ... after an insertion or deletion."""

    def _index(self, idx):
        n = len(self._modules)
        if not -n <= idx < n:
            raise IndexError(f"index {idx} is out of range")
        return list(self._modules)[idx % n]

    def _renumber(self, mods):
        self.__dict__["_modules"] = {}
        for k, m in enumerate(mods):
            self.add_module(str(k), m)

    def __setitem__(self, idx, module):
        setattr(self, self._index(idx), module)

    def __delitem__(self, idx):
        mods = list(self._modules.values())
        del mods[idx]
        self._renumber(mods)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())

    def __iadd__(self, modules):
        return self.extend(modules)

    def append(self, module):
        """Add ``module`` at the end.

        >>> import symgrad as sg
        >>> len(sg.nn.Sequential(sg.nn.ReLU()).append(sg.nn.Tanh()))
        2
        """
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules):
        """Add each of ``modules`` at the end.

        >>> import symgrad as sg
        >>> len(sg.nn.ModuleList().extend([sg.nn.ReLU(), sg.nn.Tanh()]))
        2
        """
        for m in modules:
            self.append(m)
        return self

    def insert(self, index, module):
        """Insert ``module`` before position ``index``.

        >>> import symgrad as sg
        >>> ml = sg.nn.ModuleList([sg.nn.ReLU()]); ml.insert(0, sg.nn.Tanh()); ml[0]
        Tanh()
        """
        mods = list(self._modules.values())
        mods.insert(index, module)
        self._renumber(mods)

    def pop(self, index=-1):
        """Remove and return the module at ``index``.

        >>> import symgrad as sg
        >>> seq = sg.nn.Sequential(sg.nn.ReLU(), sg.nn.Tanh()); seq.pop(0), len(seq)
        (ReLU(), 1)
        """
        m = self[index]
        del self[index]
        return m


class Sequential(_ModuleSequence):
    """Modules applied in order; ``Sequential(a, b)(x) == b(a(x))``.

    >>> import symgrad as sg
    >>> net = sg.nn.Sequential(sg.nn.Linear(784, 256), sg.nn.ReLU(), sg.nn.Linear(256, 10))
    >>> net
    Sequential(
      (0): Linear(in_features=784, out_features=256, bias=True)
      (1): ReLU()
      (2): Linear(in_features=256, out_features=10, bias=True)
    )
    >>> net(sg.zeros(5, 784)).shape
    symgrad.Size([5, 10])
    """

    def __init__(self, *args):
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for name, m in args[0].items():
                self.add_module(name, m)
        else:
            for k, m in enumerate(args):
                self.add_module(str(k), m)

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return type(self)(OrderedDict(list(self._modules.items())[idx]))
        return self._modules[self._index(idx)]

    def forward(self, input):
        for m in self._modules.values():
            input = m(input)
        return input

    def insert(self, index, module):
        """Insert ``module`` before position ``index``; returns the Sequential."""
        super().insert(index, module)
        return self

    def __add__(self, other):
        """A new Sequential of this one's modules, then ``other``'s (the same objects).

        >>> import symgrad as sg
        >>> len(sg.nn.Sequential(sg.nn.ReLU()) + sg.nn.Sequential(sg.nn.Tanh()))
        2
        """
        if not isinstance(other, Sequential):
            raise ValueError("add operator supports only objects of Sequential class, but "
                             f"{type(other)} is given.")
        return Sequential(*self, *other)

    def __mul__(self, n):
        """A new Sequential repeating these modules ``n`` times (the same objects)."""
        if not isinstance(n, int):
            raise TypeError(f"unsupported operand type(s) for *: {type(self)} and {type(n)}")
        if n <= 0:
            raise ValueError(f"Non-positive multiplication factor {n} for {type(self)}")
        return Sequential(*(list(self) * n))

    __rmul__ = __mul__


class ModuleList(_ModuleSequence):
    """A list of modules whose parameters are registered.

    >>> import symgrad as sg
    >>> layers = sg.nn.ModuleList([sg.nn.Linear(4, 4) for _ in range(3)])
    >>> len(list(layers.parameters()))
    6
    >>> layers
    ModuleList(
      (0-2): 3 x Linear(in_features=4, out_features=4, bias=True)
    )
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return type(self)(list(self._modules.values())[idx])
        return self._modules[self._index(idx)]

    def __add__(self, other):
        """A new ModuleList of this one's modules, then ``other``'s."""
        return ModuleList([*self, *other])

    def _child_lines(self):
        # runs of identical children print once, as "(0-2): 3 x Linear(...)"
        items = [(name, repr(m)) for name, m in self._modules.items()]
        lines, k = [], 0
        while k < len(items):
            j = k
            while j + 1 < len(items) and items[j + 1][1] == items[k][1]:
                j += 1
            text = _indent(items[k][1], 2)
            if j == k:
                lines.append(f"({items[k][0]}): {text}")
            else:
                lines.append(f"({items[k][0]}-{items[j][0]}): {j - k + 1} x {text}")
            k = j + 1
        return lines


# =================================================================== layers
class Linear(Module):
    """``y = x @ weight.T + bias`` with weight and bias drawn from
    U(-1/sqrt(in_features), 1/sqrt(in_features)), as PyTorch initialises them.

    >>> import symgrad as sg
    >>> fc = sg.nn.Linear(784, 256)
    >>> fc
    Linear(in_features=784, out_features=256, bias=True)
    >>> fc(sg.zeros(3, 784)).shape
    symgrad.Size([3, 256])
    """

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        from ..creation import empty
        check_device(device)
        self.in_features = in_features
        self.out_features = out_features
        self.weight = Parameter(empty(out_features, in_features, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """Redraw weight and bias from PyTorch's default distribution."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.in_features
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Identity(Module):
    """Returns its input.

    >>> import symgrad as sg
    >>> sg.nn.Identity()(sg.tensor([1.]))
    tensor([1.])
    """

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class Flatten(Module):
    """Flatten dims ``start_dim..end_dim`` (all but the batch dim by default).

    >>> import symgrad as sg
    >>> sg.nn.Flatten()(sg.zeros(2, 1, 28, 28)).shape
    symgrad.Size([2, 784])
    """

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input):
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self):
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Dropout(Module):
    """``F.dropout`` while training, the identity after ``eval()``.

    >>> import symgrad as sg
    >>> sg.nn.Dropout(0.2)
    Dropout(p=0.2, inplace=False)
    >>> sg.nn.Dropout().eval()(sg.ones(3))
    tensor([1., 1., 1.])
    """

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input):
        return F.dropout(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


# ============================================================== activations
def _inplace_repr(inplace):
    return "inplace=True" if inplace else ""


class ReLU(Module):
    """``max(x, 0)``.

    >>> import symgrad as sg
    >>> sg.nn.ReLU()(sg.tensor([-1., 2.]))
    tensor([0., 2.])
    """

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.relu(input, self.inplace)

    def extra_repr(self):
        return _inplace_repr(self.inplace)


class Tanh(Module):
    """Hyperbolic tangent.

    >>> import symgrad as sg
    >>> sg.nn.Tanh()(sg.tensor([0.]))
    tensor([0.])
    """

    def forward(self, input):
        return F.tanh(input)


class Sigmoid(Module):
    """Logistic sigmoid.

    >>> import symgrad as sg
    >>> sg.nn.Sigmoid()(sg.tensor([0.]))
    tensor([0.5000])
    """

    def forward(self, input):
        return F.sigmoid(input)


class Softmax(Module):
    """Softmax along ``dim``.

    >>> import symgrad as sg
    >>> sg.nn.Softmax(dim=1)(sg.zeros(1, 4))
    tensor([[0.2500, 0.2500, 0.2500, 0.2500]])
    """

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.softmax(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """Log-softmax along ``dim``.

    >>> import symgrad as sg
    >>> sg.nn.LogSoftmax(dim=1)
    LogSoftmax(dim=1)
    """

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return F.log_softmax(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class GELU(Module):
    """Gaussian error linear unit.

    >>> import symgrad as sg
    >>> sg.nn.GELU()
    GELU(approximate='none')
    """

    def __init__(self, approximate="none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, approximate=self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """``x * sigmoid(x)``.

    >>> import symgrad as sg
    >>> sg.nn.SiLU()(sg.tensor([0.]))
    tensor([0.])
    """

    def __init__(self, inplace=False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.silu(input, self.inplace)

    def extra_repr(self):
        return _inplace_repr(self.inplace)


class LeakyReLU(Module):
    """``x`` where positive, else ``negative_slope * x``.

    >>> import symgrad as sg
    >>> sg.nn.LeakyReLU(0.2)(sg.tensor([-1., 1.]))
    tensor([-0.2000,  1.0000])
    """

    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__()
        self.negative_slope = negative_slope
        self.inplace = inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope, self.inplace)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}" + (", inplace=True" if self.inplace else "")


class ELU(Module):
    """``x`` where positive, else ``alpha * (exp(x) - 1)``.

    >>> import symgrad as sg
    >>> sg.nn.ELU()
    ELU(alpha=1.0)
    """

    def __init__(self, alpha=1.0, inplace=False):
        super().__init__()
        self.alpha = alpha
        self.inplace = inplace

    def forward(self, input):
        return F.elu(input, self.alpha, self.inplace)

    def extra_repr(self):
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class Softplus(Module):
    """``log(1 + exp(beta * x)) / beta``.

    >>> import symgrad as sg
    >>> sg.nn.Softplus()
    Softplus(beta=1.0, threshold=20.0)
    """

    def __init__(self, beta=1.0, threshold=20.0):
        super().__init__()
        self.beta = beta
        self.threshold = threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


# =================================================================== losses
class _Loss(Module):
    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        super().__init__()
        from ..ops.nn import reduction_of
        self.reduction = reduction_of(size_average, reduce, reduction)


class _WeightedLoss(_Loss):
    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)


class MSELoss(_Loss):
    """Mean squared error.

    >>> import symgrad as sg
    >>> sg.nn.MSELoss()(sg.tensor([1., 3.]), sg.tensor([0., 0.]))
    tensor(5.)
    """

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error.

    >>> import symgrad as sg
    >>> sg.nn.L1Loss()(sg.tensor([1., -3.]), sg.tensor([0., 0.]))
    tensor(2.)
    """

    def forward(self, input, target):
        return F.l1_loss(input, target, reduction=self.reduction)


class SmoothL1Loss(_Loss):
    """Smooth L1 loss with threshold ``beta``.

    >>> import symgrad as sg
    >>> sg.nn.SmoothL1Loss()(sg.tensor([0.5, 3.]), sg.tensor([0., 0.]))
    tensor(1.3125)
    """

    def __init__(self, size_average=None, reduce=None, reduction="mean", beta=1.0):
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input, target):
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Huber loss with threshold ``delta``.

    >>> import symgrad as sg
    >>> sg.nn.HuberLoss(delta=2.)(sg.tensor([0.5, 3.]), sg.tensor([0., 0.]))
    tensor(2.0625)
    """

    def __init__(self, reduction="mean", delta=1.0):
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input, target):
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of class indices under log-probabilities.

    >>> import symgrad as sg
    >>> sg.nn.NLLLoss()(sg.tensor([[-0.5, -1.0]]), sg.tensor([1]))
    tensor(1.)
    """

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return F.nll_loss(input, target, self.weight, ignore_index=self.ignore_index, reduction=self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """Cross-entropy of logits against class indices or probabilities.

    >>> import symgrad as sg
    >>> sg.nn.CrossEntropyLoss()(sg.tensor([[0., 0.]]), sg.tensor([1]))
    tensor(0.6931)
    """

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                 label_smoothing=0.0):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(input, target, self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities.

    >>> import symgrad as sg
    >>> sg.nn.BCELoss()(sg.tensor([0.5]), sg.tensor([1.]))
    tensor(0.6931)
    """

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of logits, computed stably.

    >>> import symgrad as sg
    >>> sg.nn.BCEWithLogitsLoss()(sg.tensor([0.]), sg.tensor([1.]))
    tensor(0.6931)
    """

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean", pos_weight=None):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", weight)
        self.register_buffer("pos_weight", pos_weight)

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, self.weight, reduction=self.reduction,
                                                  pos_weight=self.pos_weight)
