"""``Module``: the base of layers, containers and losses."""
from collections import OrderedDict, namedtuple

from ..parameter import Parameter
from ...tensor import Tensor, check_device
from ... import dtypes as _dt
from ... import engine
from ...engine import no_grad


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
