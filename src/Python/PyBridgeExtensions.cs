using Python.Runtime;

namespace Bridge.Python;

/// <summary>Extension forms of <see cref="PyBridge"/>'s conversions: <c>tensor.ToNumPy()</c>, <c>array.ToTensor()</c>.</summary>
public static class PyBridgeExtensions
{
    /// <summary><see cref="PyBridge.ToNumPy"/>: an ndarray viewing the tensor's memory.</summary>
    public static PyObject ToNumPy(this Tensor tensor) => PyBridge.ToNumPy(tensor);

    /// <summary><see cref="PyBridge.ToTorch"/>: a torch.Tensor sharing the tensor's memory.</summary>
    public static PyObject ToTorch(this Tensor tensor) => PyBridge.ToTorch(tensor);

    /// <summary><see cref="PyBridge.FromNumPy"/>: a tensor over the array's memory.</summary>
    public static Tensor ToTensor(this PyObject array) => PyBridge.FromNumPy(array);

    /// <summary><see cref="PyBridge.FromTorch"/>: a tensor sharing a torch.Tensor's memory.</summary>
    public static Tensor TorchToTensor(this PyObject tensor) => PyBridge.FromTorch(tensor);
}
