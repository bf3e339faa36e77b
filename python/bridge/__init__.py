"""Bridge: a PyTorch-like API over the C# engine (libbridge.so, a NativeAOT library loaded with ctypes).

``import bridge as torch`` runs the scripts of the parity suite unchanged. NumPy arrays cross without a copy
(``from_numpy``, ``Tensor.numpy()``, ``__array_interface__``) and DLPack peers too (``from_dlpack``).
"""

from . import _core, _lib
from . import _fork  # noqa: F401 (a forked child refuses the engine instead of hanging)
from ._core import collect as _collect, flush as _flush
from ._dtype import Size, bool_ as bool, device, dtype, float32, float64, int64
from ._dtype import bfloat16, float16, int8, int16, int32, uint8
from ._dtype_info import can_cast, finfo, iinfo, promote_types, result_type
from ._tensor import Tensor
from ._functions import *  # noqa: F401,F403 (torch-level functions)
from ._methods import *  # noqa: F401,F403 (functional forms of methods)
from ._functions_shape import *  # noqa: F401,F403 (indexing family and shape ops)
from ._declared import *  # noqa: F401,F403 (declared elementwise ops, generated)
from ._math import *  # noqa: F401,F403 (binary math, reductions along dims, sorting)
from ._composites import *  # noqa: F401,F403 (ops composed from others: addcmul, xlogy, kron, vstack...)
from ._scans import *  # noqa: F401,F403 (cummax, logcumsumexp, searchsorted, quantile...)
from ._special_functions import *  # noqa: F401,F403 (polygamma, mvlgamma)
from ._functions import Generator, get_default_dtype, manual_seed, set_default_dtype, tensor
from ._random import bernoulli, default_generator, multinomial, normal, randint_like
from ._out import add_out_parameters as _add_out_parameters
from ._tensor_creation import BoolTensor, DoubleTensor, FloatTensor, LongTensor
from ._tensor_creation import BFloat16Tensor, ByteTensor, CharTensor, HalfTensor, IntTensor, ShortTensor
from ._grad_mode import (enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad,
                         set_grad_enabled)
from ._numpy import from_dlpack, from_numpy
from .serialization import load, save, shared, shared_file, shared_path, unlink_shared
from . import nn, optim, cuda, distributed, utils, backends, linalg, special  # noqa: E402
from . import autograd  # noqa: E402
from ._compile import compile  # noqa: E402,A001 (torch.compile's name)

_add_out_parameters(globals())  # out= on the functions written without it (bridge/_out.py)

float = float32
double = float64
long = int64
half = float16
int = int32
short = int16
__version__ = _core.call("version")  # the engine's, so the package and libbridge.so cannot disagree
abi_version = _lib.abi_version()
