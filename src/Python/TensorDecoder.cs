using Python.Runtime;

namespace Bridge.Python;

/// <summary>
/// pythonnet codec, the other way: where .NET wants a <see cref="Tensor"/> (a method parameter called from Python,
/// <c>pyObject.As&lt;Tensor&gt;()</c>), an ndarray or a torch.Tensor becomes a tensor over the same memory.
/// </summary>
sealed class TensorDecoder(Func<PyType, string> sourceOf) : IPyObjectDecoder
{
    // pythonnet caches the answer per (Python type, .NET type), so asking Python here costs once per type.
    public bool CanDecode(PyType objectType, Type targetType) => targetType == typeof(Tensor) && sourceOf(objectType).Length > 0;

    public bool TryDecode<T>(PyObject pyObj, out T? value)
    {
        using var type = pyObj.GetPythonType();
        object tensor = sourceOf(type) == "torch" ? PyBridge.FromTorch(pyObj) : PyBridge.FromNumPy(pyObj);
        value = (T)tensor;
        return true;
    }
}
