"""Tensor repr against the text PyTorch prints for the same values (torch.X spelled symgrad.X)."""
import numpy as np
import pytest

import symgrad as sg


CASES = [
    ('sci_small', 'sg.tensor([1e-5, 1.0, 1000.0])',
     'tensor([1.0000e-05, 1.0000e+00, 1.0000e+03])'),
    ('sci_ratio', 'sg.tensor([0.1, 0.25, 100.5])',
     'tensor([1.0000e-01, 2.5000e-01, 1.0050e+02])'),
    ('sci_big', 'sg.tensor([123456789.0, 1.5])',
     'tensor([1.2346e+08, 1.5000e+00])'),
    ('sci_tiny_pair', 'sg.tensor([1e-10, 2e-10])',
     'tensor([1.0000e-10, 2.0000e-10])'),
    ('sci_float32_1e-4_is_below_1e-4', 'sg.tensor([1e-4, 1.0])',
     'tensor([1.0000e-04, 1.0000e+00])'),
    ('sci_min_below_1e-4', 'sg.tensor([0.00009, 0.5])',
     'tensor([9.0000e-05, 5.0000e-01])'),
    ('fixed_min_1e-3', 'sg.tensor([0.001, 0.5])',
     'tensor([0.0010, 0.5000])'),
    ('sci_2d', 'sg.tensor([[1e-3, 2e5], [3.0, 4.0]])',
     ('tensor([[1.0000e-03, 2.0000e+05],\n'
      '        [3.0000e+00, 4.0000e+00]])')),
    ('fixed_negative', 'sg.tensor([12.3456, -0.5])',
     'tensor([12.3456, -0.5000])'),
    ('sci_negative', 'sg.tensor([123.456, -0.001])',
     'tensor([ 1.2346e+02, -1.0000e-03])'),
    ('int_mode', 'sg.tensor([1.0, -2.0, 300.0])',
     'tensor([  1.,  -2., 300.])'),
    ('int_mode_sci', 'sg.tensor([1.0, -2.0, 30000.0])',
     'tensor([ 1.0000e+00, -2.0000e+00,  3.0000e+04])'),
    ('int_mode_ratio_1000', 'sg.tensor([1.0, 1000.0])',
     'tensor([   1., 1000.])'),
    ('int_mode_ratio_1001_sci', 'sg.tensor([1.0, 1001.0])',
     'tensor([1.0000e+00, 1.0010e+03])'),
    ('int_mode_1e8', 'sg.tensor([1e8, 1.0])',
     'tensor([1.0000e+08, 1.0000e+00])'),
    ('int_mode_above_1e8_sci', 'sg.tensor([1e9, 1.0])',
     'tensor([1.0000e+09, 1.0000e+00])'),
    ('zeros', 'sg.tensor([0.0, 0.0])',
     'tensor([0., 0.])'),
    ('negative_zero', 'sg.tensor([-0.0, 1.5])',
     'tensor([-0.0000, 1.5000])'),
    ('nonfinite_int_mode', "sg.tensor([float('nan'), 1.0, float('inf'), -float('inf')])",
     'tensor([nan, 1., inf, -inf])'),
    ('nonfinite_fixed', "sg.tensor([float('nan'), 1.5])",
     'tensor([   nan, 1.5000])'),
    ('nonfinite_sci', "sg.tensor([float('-inf'), 1e-7])",
     'tensor([      -inf, 1.0000e-07])'),
    ('nonfinite_only', "sg.tensor([float('nan'), float('inf')])",
     'tensor([nan, inf])'),
    ('nonfinite_2d', "sg.tensor([[float('nan'), 1.0], [2.0, 3.0]])",
     ('tensor([[nan, 1.],\n'
      '        [2., 3.]])')),
    ('wide_wrap', 'sg.arange(30.) / 7',
     ('tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n'
      '        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,\n'
      '        2.5714, 2.7143, 2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143,\n'
      '        3.8571, 4.0000, 4.1429])')),
    ('wide_wrap_int_mode', 'sg.arange(100.)',
     ('tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n'
      '        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n'
      '        28., 29., 30., 31., 32., 33., 34., 35., 36., 37., 38., 39., 40., 41.,\n'
      '        42., 43., 44., 45., 46., 47., 48., 49., 50., 51., 52., 53., 54., 55.,\n'
      '        56., 57., 58., 59., 60., 61., 62., 63., 64., 65., 66., 67., 68., 69.,\n'
      '        70., 71., 72., 73., 74., 75., 76., 77., 78., 79., 80., 81., 82., 83.,\n'
      '        84., 85., 86., 87., 88., 89., 90., 91., 92., 93., 94., 95., 96., 97.,\n'
      '        98., 99.])')),
    ('wide_wrap_large_int_mode', 'sg.arange(40.) * 1e5',
     ('tensor([      0.,  100000.,  200000.,  300000.,  400000.,  500000.,  600000.,\n'
      '         700000.,  800000.,  900000., 1000000., 1100000., 1200000., 1300000.,\n'
      '        1400000., 1500000., 1600000., 1700000., 1800000., 1900000., 2000000.,\n'
      '        2100000., 2200000., 2300000., 2400000., 2500000., 2600000., 2700000.,\n'
      '        2800000., 2900000., 3000000., 3100000., 3200000., 3300000., 3400000.,\n'
      '        3500000., 3600000., 3700000., 3800000., 3900000.])')),
    ('wide_wrap_sci', 'sg.arange(40.) * 1e-5',
     ('tensor([0.0000e+00, 1.0000e-05, 2.0000e-05, 3.0000e-05, 4.0000e-05, 5.0000e-05,\n'
      '        6.0000e-05, 7.0000e-05, 8.0000e-05, 9.0000e-05, 1.0000e-04, 1.1000e-04,\n'
      '        1.2000e-04, 1.3000e-04, 1.4000e-04, 1.5000e-04, 1.6000e-04, 1.7000e-04,\n'
      '        1.8000e-04, 1.9000e-04, 2.0000e-04, 2.1000e-04, 2.2000e-04, 2.3000e-04,\n'
      '        2.4000e-04, 2.5000e-04, 2.6000e-04, 2.7000e-04, 2.8000e-04, 2.9000e-04,\n'
      '        3.0000e-04, 3.1000e-04, 3.2000e-04, 3.3000e-04, 3.4000e-04, 3.5000e-04,\n'
      '        3.6000e-04, 3.7000e-04, 3.8000e-04, 3.9000e-04])')),
    ('wide_wrap_2d', 'sg.arange(60.).view(3, 20) / 3',
     ('tensor([[ 0.0000,  0.3333,  0.6667,  1.0000,  1.3333,  1.6667,  2.0000,  2.3333,\n'
      '          2.6667,  3.0000,  3.3333,  3.6667,  4.0000,  4.3333,  4.6667,  5.0000,\n'
      '          5.3333,  5.6667,  6.0000,  6.3333],\n'
      '        [ 6.6667,  7.0000,  7.3333,  7.6667,  8.0000,  8.3333,  8.6667,  9.0000,\n'
      '          9.3333,  9.6667, 10.0000, 10.3333, 10.6667, 11.0000, 11.3333, 11.6667,\n'
      '         12.0000, 12.3333, 12.6667, 13.0000],\n'
      '        [13.3333, 13.6667, 14.0000, 14.3333, 14.6667, 15.0000, 15.3333, 15.6667,\n'
      '         16.0000, 16.3333, 16.6667, 17.0000, 17.3333, 17.6667, 18.0000, 18.3333,\n'
      '         18.6667, 19.0000, 19.3333, 19.6667]])')),
    ('summarised_1d', 'sg.arange(1001.)',
     'tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.])'),
    ('summarised_2d_int', 'sg.arange(2000).view(40, 50)',
     ('tensor([[   0,    1,    2,  ...,   47,   48,   49],\n'
      '        [  50,   51,   52,  ...,   97,   98,   99],\n'
      '        [ 100,  101,  102,  ...,  147,  148,  149],\n'
      '        ...,\n'
      '        [1850, 1851, 1852,  ..., 1897, 1898, 1899],\n'
      '        [1900, 1901, 1902,  ..., 1947, 1948, 1949],\n'
      '        [1950, 1951, 1952,  ..., 1997, 1998, 1999]])')),
    ('summarised_2d_float', '(sg.arange(2000.) / 3).view(40, 50)',
     ('tensor([[0.0000e+00, 3.3333e-01, 6.6667e-01,  ..., 1.5667e+01, 1.6000e+01,\n'
      '         1.6333e+01],\n'
      '        [1.6667e+01, 1.7000e+01, 1.7333e+01,  ..., 3.2333e+01, 3.2667e+01,\n'
      '         3.3000e+01],\n'
      '        [3.3333e+01, 3.3667e+01, 3.4000e+01,  ..., 4.9000e+01, 4.9333e+01,\n'
      '         4.9667e+01],\n'
      '        ...,\n'
      '        [6.1667e+02, 6.1700e+02, 6.1733e+02,  ..., 6.3233e+02, 6.3267e+02,\n'
      '         6.3300e+02],\n'
      '        [6.3333e+02, 6.3367e+02, 6.3400e+02,  ..., 6.4900e+02, 6.4933e+02,\n'
      '         6.4967e+02],\n'
      '        [6.5000e+02, 6.5033e+02, 6.5067e+02,  ..., 6.6567e+02, 6.6600e+02,\n'
      '         6.6633e+02]])')),
    ('summarised_3d', 'sg.arange(1100).view(11, 10, 10)',
     ('tensor([[[   0,    1,    2,  ...,    7,    8,    9],\n'
      '         [  10,   11,   12,  ...,   17,   18,   19],\n'
      '         [  20,   21,   22,  ...,   27,   28,   29],\n'
      '         ...,\n'
      '         [  70,   71,   72,  ...,   77,   78,   79],\n'
      '         [  80,   81,   82,  ...,   87,   88,   89],\n'
      '         [  90,   91,   92,  ...,   97,   98,   99]],\n'
      '\n'
      '        [[ 100,  101,  102,  ...,  107,  108,  109],\n'
      '         [ 110,  111,  112,  ...,  117,  118,  119],\n'
      '         [ 120,  121,  122,  ...,  127,  128,  129],\n'
      '         ...,\n'
      '         [ 170,  171,  172,  ...,  177,  178,  179],\n'
      '         [ 180,  181,  182,  ...,  187,  188,  189],\n'
      '         [ 190,  191,  192,  ...,  197,  198,  199]],\n'
      '\n'
      '        [[ 200,  201,  202,  ...,  207,  208,  209],\n'
      '         [ 210,  211,  212,  ...,  217,  218,  219],\n'
      '         [ 220,  221,  222,  ...,  227,  228,  229],\n'
      '         ...,\n'
      '         [ 270,  271,  272,  ...,  277,  278,  279],\n'
      '         [ 280,  281,  282,  ...,  287,  288,  289],\n'
      '         [ 290,  291,  292,  ...,  297,  298,  299]],\n'
      '\n'
      '        ...,\n'
      '\n'
      '        [[ 800,  801,  802,  ...,  807,  808,  809],\n'
      '         [ 810,  811,  812,  ...,  817,  818,  819],\n'
      '         [ 820,  821,  822,  ...,  827,  828,  829],\n'
      '         ...,\n'
      '         [ 870,  871,  872,  ...,  877,  878,  879],\n'
      '         [ 880,  881,  882,  ...,  887,  888,  889],\n'
      '         [ 890,  891,  892,  ...,  897,  898,  899]],\n'
      '\n'
      '        [[ 900,  901,  902,  ...,  907,  908,  909],\n'
      '         [ 910,  911,  912,  ...,  917,  918,  919],\n'
      '         [ 920,  921,  922,  ...,  927,  928,  929],\n'
      '         ...,\n'
      '         [ 970,  971,  972,  ...,  977,  978,  979],\n'
      '         [ 980,  981,  982,  ...,  987,  988,  989],\n'
      '         [ 990,  991,  992,  ...,  997,  998,  999]],\n'
      '\n'
      '        [[1000, 1001, 1002,  ..., 1007, 1008, 1009],\n'
      '         [1010, 1011, 1012,  ..., 1017, 1018, 1019],\n'
      '         [1020, 1021, 1022,  ..., 1027, 1028, 1029],\n'
      '         ...,\n'
      '         [1070, 1071, 1072,  ..., 1077, 1078, 1079],\n'
      '         [1080, 1081, 1082,  ..., 1087, 1088, 1089],\n'
      '         [1090, 1091, 1092,  ..., 1097, 1098, 1099]]])')),
    ('summarised_column', 'sg.arange(1200).view(1200, 1)',
     ('tensor([[   0],\n'
      '        [   1],\n'
      '        [   2],\n'
      '        ...,\n'
      '        [1197],\n'
      '        [1198],\n'
      '        [1199]])')),
    ('summarised_bool', 'sg.ones(2000, dtype=sg.bool)',
     'tensor([True, True, True,  ..., True, True, True])'),
    ('not_summarised_1000', 'sg.arange(1000).view(10, 100)[:2]',
     ('tensor([[  0,   1,   2,   3,   4,   5,   6,   7,   8,   9,  10,  11,  12,  13,\n'
      '          14,  15,  16,  17,  18,  19,  20,  21,  22,  23,  24,  25,  26,  27,\n'
      '          28,  29,  30,  31,  32,  33,  34,  35,  36,  37,  38,  39,  40,  41,\n'
      '          42,  43,  44,  45,  46,  47,  48,  49,  50,  51,  52,  53,  54,  55,\n'
      '          56,  57,  58,  59,  60,  61,  62,  63,  64,  65,  66,  67,  68,  69,\n'
      '          70,  71,  72,  73,  74,  75,  76,  77,  78,  79,  80,  81,  82,  83,\n'
      '          84,  85,  86,  87,  88,  89,  90,  91,  92,  93,  94,  95,  96,  97,\n'
      '          98,  99],\n'
      '        [100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113,\n'
      '         114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127,\n'
      '         128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141,\n'
      '         142, 143, 144, 145, 146, 147, 148, 149, 150, 151, 152, 153, 154, 155,\n'
      '         156, 157, 158, 159, 160, 161, 162, 163, 164, 165, 166, 167, 168, 169,\n'
      '         170, 171, 172, 173, 174, 175, 176, 177, 178, 179, 180, 181, 182, 183,\n'
      '         184, 185, 186, 187, 188, 189, 190, 191, 192, 193, 194, 195, 196, 197,\n'
      '         198, 199]])')),
    ('three_d', 'sg.arange(24.).view(2, 3, 4)',
     ('tensor([[[ 0.,  1.,  2.,  3.],\n'
      '         [ 4.,  5.,  6.,  7.],\n'
      '         [ 8.,  9., 10., 11.]],\n'
      '\n'
      '        [[12., 13., 14., 15.],\n'
      '         [16., 17., 18., 19.],\n'
      '         [20., 21., 22., 23.]]])')),
    ('four_d', 'sg.arange(24.).view(2, 3, 2, 2)',
     ('tensor([[[[ 0.,  1.],\n'
      '          [ 2.,  3.]],\n'
      '\n'
      '         [[ 4.,  5.],\n'
      '          [ 6.,  7.]],\n'
      '\n'
      '         [[ 8.,  9.],\n'
      '          [10., 11.]]],\n'
      '\n'
      '\n'
      '        [[[12., 13.],\n'
      '          [14., 15.]],\n'
      '\n'
      '         [[16., 17.],\n'
      '          [18., 19.]],\n'
      '\n'
      '         [[20., 21.],\n'
      '          [22., 23.]]]])')),
    ('float16', 'sg.tensor([1.5, 2.25], dtype=sg.float16)',
     'tensor([1.5000, 2.2500], dtype=symgrad.float16)'),
    ('float16_rounding', 'sg.tensor([0.1, 0.2], dtype=sg.float16)',
     'tensor([0.1000, 0.2000], dtype=symgrad.float16)'),
    ('float16_wide', 'sg.arange(30, dtype=sg.float16) / 7',
     ('tensor([0.0000, 0.1428, 0.2856, 0.4285, 0.5713, 0.7144, 0.8569, 1.0000, 1.1426,\n'
      '        1.2861, 1.4287, 1.5713, 1.7139, 1.8574, 2.0000, 2.1426, 2.2852, 2.4277,\n'
      '        2.5723, 2.7148, 2.8574, 3.0000, 3.1426, 3.2852, 3.4277, 3.5723, 3.7148,\n'
      '        3.8574, 4.0000, 4.1445], dtype=symgrad.float16)')),
    ('float64', 'sg.tensor([1.5, 2.25], dtype=sg.float64)',
     'tensor([1.5000, 2.2500], dtype=symgrad.float64)'),
    ('float64_wide', 'sg.arange(30, dtype=sg.float64) / 7',
     ('tensor([0.0000, 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.0000, 1.1429,\n'
      '        1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.0000, 2.1429, 2.2857, 2.4286,\n'
      '        2.5714, 2.7143, 2.8571, 3.0000, 3.1429, 3.2857, 3.4286, 3.5714, 3.7143,\n'
      '        3.8571, 4.0000, 4.1429], dtype=symgrad.float64)')),
    ('int32', 'sg.tensor([1, 2], dtype=sg.int32)',
     'tensor([1, 2], dtype=symgrad.int32)'),
    ('int32_wide', 'sg.arange(30, dtype=sg.int32) * 1000003',
     ('tensor([       0,  1000003,  2000006,  3000009,  4000012,  5000015,  6000018,\n'
      '         7000021,  8000024,  9000027, 10000030, 11000033, 12000036, 13000039,\n'
      '        14000042, 15000045, 16000048, 17000051, 18000054, 19000057, 20000060,\n'
      '        21000063, 22000066, 23000069, 24000072, 25000075, 26000078, 27000081,\n'
      '        28000084, 29000087], dtype=symgrad.int32)')),
    ('int16', 'sg.tensor([1, 2], dtype=sg.int16)',
     'tensor([1, 2], dtype=symgrad.int16)'),
    ('int8', 'sg.tensor([-5, 3], dtype=sg.int8)',
     'tensor([-5,  3], dtype=symgrad.int8)'),
    ('uint8', 'sg.tensor([200, 3], dtype=sg.uint8)',
     'tensor([200,   3], dtype=symgrad.uint8)'),
    ('int64_no_suffix', 'sg.tensor([1, -2000])',
     'tensor([    1, -2000])'),
    ('bool_1d', 'sg.tensor([True, False])',
     'tensor([ True, False])'),
    ('bool_2d', 'sg.tensor([[True, False], [False, True]])',
     ('tensor([[ True, False],\n'
      '        [False,  True]])')),
    ('bool_0d', 'sg.tensor(True)',
     'tensor(True)'),
    ('empty_float', 'sg.tensor([])',
     'tensor([])'),
    ('empty_0x3', 'sg.zeros(0, 3)',
     'tensor([], size=(0, 3))'),
    ('empty_2x0x3', 'sg.zeros(2, 0, 3)',
     'tensor([], size=(2, 0, 3))'),
    ('empty_int64', 'sg.zeros(0, dtype=sg.int64)',
     'tensor([], dtype=symgrad.int64)'),
    ('empty_int32', 'sg.zeros(0, dtype=sg.int32)',
     'tensor([], dtype=symgrad.int32)'),
    ('empty_float64_2d', 'sg.zeros(0, 2, dtype=sg.float64)',
     'tensor([], size=(0, 2), dtype=symgrad.float64)'),
    ('empty_bool', 'sg.tensor([], dtype=sg.bool)',
     'tensor([], dtype=symgrad.bool)'),
    ('empty_requires_grad', 'sg.zeros(0, 3, requires_grad=True)',
     'tensor([], size=(0, 3), requires_grad=True)'),
    ('empty_grad_fn', 'sg.zeros(1, 0, requires_grad=True) * 2',
     'tensor([], size=(1, 0), grad_fn=<MulBackward0>)'),
    ('scalar_fixed', 'sg.tensor(3.5)',
     'tensor(3.5000)'),
    ('scalar_int_mode', 'sg.tensor(3.)',
     'tensor(3.)'),
    ('scalar_sci', 'sg.tensor(1e-7)',
     'tensor(1.0000e-07)'),
    ('scalar_big', 'sg.tensor(1e10)',
     'tensor(1.0000e+10)'),
    ('scalar_int', 'sg.tensor(7)',
     'tensor(7)'),
    ('scalar_nan', "sg.tensor(float('nan'))",
     'tensor(nan)'),
    ('scalar_zero', 'sg.tensor(0.)',
     'tensor(0.)'),
    ('scalar_float64', 'sg.tensor(2.5, dtype=sg.float64)',
     'tensor(2.5000, dtype=symgrad.float64)'),
    ('scalar_int32', 'sg.tensor(2, dtype=sg.int32)',
     'tensor(2, dtype=symgrad.int32)'),
    ('scalar_float16', 'sg.tensor(2.5, dtype=sg.float16)',
     'tensor(2.5000, dtype=symgrad.float16)'),
    ('scalar_requires_grad', 'sg.tensor(1.5, requires_grad=True)',
     'tensor(1.5000, requires_grad=True)'),
    ('scalar_grad_fn', 'sg.tensor(1.5, requires_grad=True) * 2',
     'tensor(3., grad_fn=<MulBackward0>)'),
    ('grad_fn_after_dtype', 'sg.tensor([1.0, 2.5], dtype=sg.float64, requires_grad=True) * 2',
     'tensor([2., 5.], dtype=symgrad.float64, grad_fn=<MulBackward0>)'),
    ('grad_fn_wraps', 'sg.arange(200.).requires_grad_() * 2',
     ('tensor([  0.,   2.,   4.,   6.,   8.,  10.,  12.,  14.,  16.,  18.,  20.,  22.,\n'
      '         24.,  26.,  28.,  30.,  32.,  34.,  36.,  38.,  40.,  42.,  44.,  46.,\n'
      '         48.,  50.,  52.,  54.,  56.,  58.,  60.,  62.,  64.,  66.,  68.,  70.,\n'
      '         72.,  74.,  76.,  78.,  80.,  82.,  84.,  86.,  88.,  90.,  92.,  94.,\n'
      '         96.,  98., 100., 102., 104., 106., 108., 110., 112., 114., 116., 118.,\n'
      '        120., 122., 124., 126., 128., 130., 132., 134., 136., 138., 140., 142.,\n'
      '        144., 146., 148., 150., 152., 154., 156., 158., 160., 162., 164., 166.,\n'
      '        168., 170., 172., 174., 176., 178., 180., 182., 184., 186., 188., 190.,\n'
      '        192., 194., 196., 198., 200., 202., 204., 206., 208., 210., 212., 214.,\n'
      '        216., 218., 220., 222., 224., 226., 228., 230., 232., 234., 236., 238.,\n'
      '        240., 242., 244., 246., 248., 250., 252., 254., 256., 258., 260., 262.,\n'
      '        264., 266., 268., 270., 272., 274., 276., 278., 280., 282., 284., 286.,\n'
      '        288., 290., 292., 294., 296., 298., 300., 302., 304., 306., 308., 310.,\n'
      '        312., 314., 316., 318., 320., 322., 324., 326., 328., 330., 332., 334.,\n'
      '        336., 338., 340., 342., 344., 346., 348., 350., 352., 354., 356., 358.,\n'
      '        360., 362., 364., 366., 368., 370., 372., 374., 376., 378., 380., 382.,\n'
      '        384., 386., 388., 390., 392., 394., 396., 398.],\n'
      '       grad_fn=<MulBackward0>)')),
    ('requires_grad_wraps', 'sg.arange(60.).view(3, 20).requires_grad_()',
     ('tensor([[ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n'
      '         14., 15., 16., 17., 18., 19.],\n'
      '        [20., 21., 22., 23., 24., 25., 26., 27., 28., 29., 30., 31., 32., 33.,\n'
      '         34., 35., 36., 37., 38., 39.],\n'
      '        [40., 41., 42., 43., 44., 45., 46., 47., 48., 49., 50., 51., 52., 53.,\n'
      '         54., 55., 56., 57., 58., 59.]], requires_grad=True)')),
    ('transposed', 'sg.arange(6.).view(2, 3).t()',
     ('tensor([[0., 3.],\n'
      '        [1., 4.],\n'
      '        [2., 5.]])')),
    ('strided_column', 'sg.arange(12.).view(3, 4)[:, 1]',
     'tensor([1., 5., 9.])'),
    ('linspace', 'sg.linspace(-1, 1, 7)',
     ('tensor([-1.0000e+00, -6.6667e-01, -3.3333e-01, -2.9802e-08,  3.3333e-01,\n'
      '         6.6667e-01,  1.0000e+00])')),
]


OPTION_CASES = [
    ('edgeitems_0', {'edgeitems': 0}, 'sg.tensor([1., 2.])', 'tensor([1., 2.], size=(2,))'),
    ('edgeitems_0_scalar', {'edgeitems': 0}, 'sg.tensor(2.5)', 'tensor(2.5000, size=())'),
    ('edgeitems_0_summarized', {'edgeitems': 0, 'threshold': 5}, 'sg.arange(10)', 'tensor([...], size=(10,))'),
    ('edgeitems_0_summarized_2d', {'edgeitems': 0, 'threshold': 5}, 'sg.zeros(4, 5)', 'tensor([...], size=(4, 5))'),
    ('precision_2', {'precision': 2}, 'sg.tensor([1.23456789, 2.5, -3.0])',
     'tensor([ 1.23,  2.50, -3.00])'),
    ('precision_8', {'precision': 8}, 'sg.tensor([1e-5, 1.0, 12345.678])',
     'tensor([9.99999975e-06, 1.00000000e+00, 1.23456777e+04])'),
    ('sci_off', {'sci_mode': False}, 'sg.tensor([1e-5, 1.0, 12345.678])',
     'tensor([    0.0000,     1.0000, 12345.6777])'),
    ('sci_on', {'sci_mode': True}, 'sg.tensor([1.23456789, 2.5, -3.0])',
     'tensor([ 1.2346e+00,  2.5000e+00, -3.0000e+00])'),
    ('sci_on_wrap', {'sci_mode': True}, 'sg.arange(20.) / 3',
     ('tensor([0.0000e+00, 3.3333e-01, 6.6667e-01, 1.0000e+00, 1.3333e+00, 1.6667e+00,\n'
      '        2.0000e+00, 2.3333e+00, 2.6667e+00, 3.0000e+00, 3.3333e+00, 3.6667e+00,\n'
      '        4.0000e+00, 4.3333e+00, 4.6667e+00, 5.0000e+00, 5.3333e+00, 5.6667e+00,\n'
      '        6.0000e+00, 6.3333e+00])')),
    ('sci_on_int_mode', {'sci_mode': True}, 'sg.tensor([1.0, 2.0])',
     'tensor([1.0000e+00, 2.0000e+00])'),
    ('linewidth_40', {'linewidth': 40}, 'sg.arange(20.) / 3',
     ('tensor([0.0000, 0.3333, 0.6667, 1.0000,\n'
      '        1.3333, 1.6667, 2.0000, 2.3333,\n'
      '        2.6667, 3.0000, 3.3333, 3.6667,\n'
      '        4.0000, 4.3333, 4.6667, 5.0000,\n'
      '        5.3333, 5.6667, 6.0000, 6.3333])')),
    ('threshold_edgeitems', {'threshold': 5, 'edgeitems': 2}, 'sg.arange(30).view(5, 6)',
     ('tensor([[ 0,  1,  ...,  4,  5],\n'
      '        [ 6,  7,  ..., 10, 11],\n'
      '        ...,\n'
      '        [18, 19,  ..., 22, 23],\n'
      '        [24, 25,  ..., 28, 29]])')),
    ('profile_short', {'profile': 'short'}, 'sg.arange(2000.)',
     'tensor([0.00e+00, 1.00e+00,  ..., 2.00e+03, 2.00e+03])'),
    ('threshold_10', {'threshold': 10}, 'sg.arange(11)',
     'tensor([ 0,  1,  2,  ...,  8,  9, 10])'),
    ('threshold_10_not_reached', {'threshold': 10}, 'sg.arange(10)',
     'tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])'),
]


DEFAULT_FLOAT64_CASES = [
    ('sg.tensor([1.5, 2.0])', 'tensor([1.5000, 2.0000])'),
    ('sg.tensor([1.5], dtype=sg.float32)', 'tensor([1.5000], dtype=symgrad.float32)'),
    ('sg.zeros(0)', 'tensor([])'),
    ('sg.zeros(0, dtype=sg.float32)', 'tensor([], dtype=symgrad.float32)'),
]


@pytest.mark.parametrize("name,expr,expected", CASES, ids=[c[0] for c in CASES])
def test_repr(name, expr, expected):
    t = eval(expr)
    assert repr(t) == expected
    assert str(t) == expected


@pytest.mark.parametrize("name,opts,expr,expected", OPTION_CASES, ids=[c[0] for c in OPTION_CASES])
def test_repr_with_print_options(name, opts, expr, expected):
    try:
        sg.set_printoptions(**opts)
        assert repr(eval(expr)) == expected
    finally:
        sg.set_printoptions(profile="default")
        sg.set_printoptions(sci_mode=None)
    assert repr(sg.tensor([1.23456789])) == "tensor([1.2346])"


@pytest.mark.parametrize("expr,expected", DEFAULT_FLOAT64_CASES)
def test_dtype_suffix_follows_default_dtype(expr, expected):
    try:
        sg.set_default_dtype(sg.float64)
        assert repr(eval(expr)) == expected
    finally:
        sg.set_default_dtype(sg.float32)


def test_profile_full_prints_every_element():
    try:
        sg.set_printoptions(profile="full")
        s = repr(sg.arange(1001.))
    finally:
        sg.set_printoptions(profile="default")
    assert "..." not in s
    assert [float(v) for v in s[len("tensor(["):-len("])")].replace(".,", ",").split(",")] == list(range(1001))
    assert "..." in repr(sg.arange(1001.))


def test_size_and_dtype_reprs():
    assert repr(sg.ones(5, 3).shape) == "symgrad.Size([5, 3])"
    assert repr(sg.tensor(1.).shape) == "symgrad.Size([])"
    assert repr(sg.zeros(2, 0).size()) == "symgrad.Size([2, 0])"
    assert [repr(d) for d in (sg.float32, sg.float64, sg.float16, sg.int64, sg.int32, sg.bool)] == [
        "symgrad.float32", "symgrad.float64", "symgrad.float16", "symgrad.int64", "symgrad.int32", "symgrad.bool"]
    assert sg.float is sg.float32 and sg.double is sg.float64 and sg.long is sg.int64
    assert repr(sg.Size([np.int64(2), sg.tensor(3)])) == "symgrad.Size([2, 3])"
    with pytest.raises(TypeError, match="symgrad.Size\\(\\) takes an iterable of 'int' \\(item 1 is 'float'\\)"):
        sg.Size([2, 3.0])


def test_format_of_0d_tensors():
    assert "%.3f" % sg.tensor(2.5) == "2.500"
    assert f"{sg.tensor(2.5):.2f}" == "2.50"
    assert "%.10f" % sg.tensor(0.1, dtype=sg.float64) == "0.1000000000"
