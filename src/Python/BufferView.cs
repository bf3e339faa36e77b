using System.Runtime.InteropServices;
using Python.Runtime;

namespace Bridge.Python;

/// <summary>CPython's <c>Py_buffer</c> (Include/pybuffer.h), as laid out on 64-bit platforms.</summary>
[StructLayout(LayoutKind.Sequential)]
unsafe struct PyBufferStruct
{
    public nint Buf;
    public nint Obj; // owned reference to the exporter
    public nint Len;
    public nint ItemSize;
    public int ReadOnly;
    public int NDim;
    public byte* Format;
    public nint* Shape;
    public nint* Strides;
    public nint* SubOffsets;
    public nint Internal;
}

/// <summary>
/// A buffer-protocol view of a Python object (PEP 3118), held in native memory until released. pythonnet's own
/// <c>PyBuffer</c> marshals <c>format</c> as a managed string, and the marshaller then frees the exporter's format
/// pointer (a crash with NumPy, in pythonnet 3.2.1), so the view is taken through the C API directly.
/// </summary>
sealed unsafe class BufferView
{
    const int PyBufStrides = 0x0010 | 0x0008; // PyBUF_STRIDES (implies PyBUF_ND)
    const int PyBufFormat = 0x0004;

    static delegate* unmanaged<nint, PyBufferStruct*, int, int> _getBuffer;
    static delegate* unmanaged<PyBufferStruct*, void> _release;
    static delegate* unmanaged<void> _clearError;

    PyBufferStruct* _view;

    /// <param name="getBuffer">Address of <c>PyObject_GetBuffer</c>.</param>
    /// <param name="release">Address of <c>PyBuffer_Release</c>.</param>
    /// <param name="clearError">Address of <c>PyErr_Clear</c>.</param>
    public static void SetApi(nint getBuffer, nint release, nint clearError)
    {
        _clearError = (delegate* unmanaged<void>)clearError;
        _getBuffer = (delegate* unmanaged<nint, PyBufferStruct*, int, int>)getBuffer;
        _release = (delegate* unmanaged<PyBufferStruct*, void>)release;
    }

    BufferView(PyBufferStruct* view) => _view = view;

    /// <summary>A strided view with its format, or null (Python's error cleared) when the object has no buffer. Caller holds the GIL.</summary>
    public static BufferView? TryGet(PyObject obj)
    {
        var view = (PyBufferStruct*)NativeMemory.AllocZeroed((nuint)sizeof(PyBufferStruct));
#pragma warning disable CS0612 // Handle is pythonnet's only public way to the PyObject* (BorrowedReference is internal)
        nint address = obj.Handle;
#pragma warning restore CS0612
        if (_getBuffer(address, view, PyBufStrides | PyBufFormat) != 0)
        {
            NativeMemory.Free(view);
            _clearError(); // not an exporter: the caller says so in its own words
            return null;
        }
        return new BufferView(view);
    }

    public nint Pointer => _view->Buf;
    public bool ReadOnly => _view->ReadOnly != 0;
    public int Dimensions => _view->NDim;
    public long ItemSize => _view->ItemSize;
    public string Format => _view->Format is null ? "B" : Marshal.PtrToStringAnsi((nint)_view->Format)!;
    public bool Indirect => _view->SubOffsets is not null;
    public long Size(int dim) => _view->Shape is null ? _view->Len / _view->ItemSize : _view->Shape[dim];

    /// <summary>Stride in bytes (row-major when the exporter gave none).</summary>
    public long Stride(int dim)
    {
        if (_view->Strides is not null) return _view->Strides[dim];
        long stride = _view->ItemSize;
        for (int d = dim + 1; d < _view->NDim; d++) stride *= Size(d);
        return stride;
    }

    public long[] Strides() => Enumerable.Range(0, Dimensions).Select(Stride).ToArray();

    /// <summary>Releases the view (dropping its reference to the exporter). Caller holds the GIL; runs once.</summary>
    public void Release()
    {
        var view = _view;
        _view = null;
        if (view is null) return;
        _release(view);
        NativeMemory.Free(view);
    }
}
