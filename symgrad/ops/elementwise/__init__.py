"""Elementwise ops: each maps elements to elements, so the engine may run it
on 0-d inputs as numpy scalars.  Arithmetic, unary math and activations,
comparisons and logical ops, and the in-place forms; the names other modules
use are gathered here."""
from .arithmetic import (add, sub, rsub, mul, div, pow, remainder, floor_divide, where, minimum,  # noqa: F401
                         maximum, fmin, fmax, atan2, _bound)
from .unary import (abs, sign, reciprocal, sqrt, exp, expm1, log, log1p, sin, cos, tan, asin, acos,  # noqa: F401
                    atan, sinh, cosh, tanh, sigmoid, relu, softplus, leaky_relu, leaky_relu_op, elu, elu_op,
                    erf, floor, ceil, trunc)
from .logical import (eq, ne, lt, le, gt, ge, logical_xor, bitwise_and, bitwise_or, bitwise_xor,  # noqa: F401
                      bitwise_left_shift, bitwise_right_shift, isnan, isfinite, _invert)
from .inplace import negative  # noqa: F401
