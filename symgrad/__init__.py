"""symgrad: a PyTorch-style tensor and autograd library on numpy.

>>> import symgrad as sg
>>> x = sg.ones(2, 2, requires_grad=True)
>>> out = ((x + 2) * (x + 2) * 3).mean()
>>> _ = out.backward()
>>> x.grad
tensor([[4.5000, 4.5000],
        [4.5000, 4.5000]])
"""
from .dtypes import (dtype, float16, half, float32, float, float64, double, int8, uint8, int16, short,  # noqa
                     int32, int, int64, long, bool, get_default_dtype, set_default_dtype, promote_types,
                     result_type as _result_type, memory_format, contiguous_format, preserve_format,
                     channels_last, channels_last_3d)
from .tensor import Tensor, Size, device  # noqa
from . import ops as _ops  # noqa  (attaches Tensor methods)
from .ops.table import FUNCTIONS as _F
from .creation import manual_seed, seed  # noqa
from .engine import no_grad, enable_grad, set_grad_enabled, is_grad_enabled, inference_mode  # noqa
from .engine import is_inference_mode_enabled  # noqa
from .engine import set_symbolic, is_symbolic_enabled  # noqa
from ._print import set_printoptions  # noqa
from . import autograd, cuda, linalg  # noqa
from . import nn, optim  # noqa
# verify/crosscheck load SymPy and JAX only when called; importing the
# function binds the name over the same-named submodule
from .verify import verify, Verdict, FormulaError  # noqa: E402
from .crosscheck import crosscheck  # noqa: E402

globals().update(_F)
_ops.attach()


def lambdify(t, backend="numpy"):
    """Compile a tensor's closed form to vectorised array code; see
    ``symgrad.symbolic.lambdify``."""
    from .symbolic import lambdify as _l
    return _l(t, backend)


def pprint(t, cse=False, use_unicode=True):
    """Pretty-print a tensor's closed form; see ``symgrad.symbolic.pprint``."""
    from .symbolic import pprint as _p
    return _p(t, cse, use_unicode)


def latex(t, cse=False):
    """LaTeX of a tensor's closed form; see ``symgrad.symbolic.latex``."""
    from .symbolic import latex as _l
    return _l(t, cse)


def is_tensor(obj):
    """True if ``obj`` is a symgrad Tensor."""
    return isinstance(obj, Tensor)


def numel(input):
    return input.numel()


def result_type(tensor1, tensor2):
    """dtype of an elementwise op on these operands (PyTorch's promotion)."""
    return _result_type(tensor1, tensor2)


def can_cast(from_, to):
    return from_._cat <= to._cat


__version__ = "0.1.0"
