"""parameters_to_vector and vector_to_parameters (the engine's Bridge.Nn.NnUtils)."""

from ..._core import call
from ..._tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters):
    """Every parameter flattened and concatenated into one vector (differentiable)."""
    parameters = list(parameters)
    if not parameters:
        raise RuntimeError("torch.cat(): expected a non-empty list of Tensors")
    return call("parameters_to_vector", parameters)


def vector_to_parameters(vec, parameters):
    """Copies consecutive slices of ``vec`` into the parameters, in place."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {type(vec).__name__}")
    parameters = list(parameters)
    if parameters:
        call("vector_to_parameters", vec, parameters)
