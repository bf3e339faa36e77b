using Python.Runtime;

namespace Bridge.Python;

/// <summary>
/// pythonnet codec: a <see cref="Tensor"/> handed to Python arrives as an ndarray or a torch.Tensor over its memory,
/// as <see cref="PyBridge.TensorsArriveAs"/> says. Tensors that require grad are passed detached: Python reads the
/// values, autograd stays on the C# side.
/// </summary>
sealed class TensorEncoder : IPyObjectEncoder
{
    public bool CanEncode(Type type) => type == typeof(Tensor);

    public PyObject? TryEncode(object value)
    {
        var tensor = (Tensor)value;
        if (tensor.RequiresGrad) tensor = tensor.Detach();
        return PyBridge.TensorsArriveAs switch
        {
            TensorArrival.NumPy => PyBridge.ToNumPy(tensor),
            TensorArrival.Torch => PyBridge.ToTorch(tensor),
            _ => null, // pythonnet's default: the .NET object
        };
    }
}
