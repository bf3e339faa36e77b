"""Bridge's Python package: a PyTorch-like API over the C# engine's C ABI (libbridge.so, loaded with ctypes).

The native library and this API arrive with the Python interop work; until then importing the package
raises ImportError, so the parity suite reports the "bridge" runtime as unavailable rather than passing.
"""

raise ImportError("bridge: the native library (libbridge.so) and its Python API are not built yet")
