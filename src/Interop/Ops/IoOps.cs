using Bridge.Io;

namespace Bridge.Interop;

// Tensor files (.npy/.npz/.safetensors, chosen by extension) and shared-memory tensors. Names travel as one
// string separated by NUL characters, which no tensor name contains.
static partial class OpTable
{
    static void RegisterIo()
    {
        Add("version", _ => Results.String(Torch.Version));
        Add("cpu_capability", _ => Results.String(Torch.CpuCapability));
        // NumPy is about to view the tensor's memory: from now on it must never move (Storage.IsAddressShared).
        Add("share_address", a => { a.Tensor(0).Storage.ShareAddress(); return Value.None; });
        Add("save_tensor", a => { TensorFile.Save(a.String(0), a.Tensor(1)); return Value.None; });
        Add("save_tensors", a =>
        {
            var names = a.String(1).Split('\0');
            var tensors = a.Tensors(2);
            if (names.Length != tensors.Length) throw new ArgumentException($"{names.Length} names for {tensors.Length} tensors");
            TensorFile.Save(a.String(0), names.Zip(tensors, KeyValuePair.Create), a.Bool(3));
            return Value.None;
        });
        Add("load_tensor", a => T(TensorFile.LoadTensor(a.String(0))));
        Add("load_tensors", a => Value.Object(OutliveTheCall(TensorFile.Load(a.String(0)))));
        Add("dict_names", a => Results.String(string.Join('\0', a.Object<OrderedDictionary<string, Tensor>>(0).Keys)));
        Add("dict_tensors", a => Results.Tensors([.. a.Object<OrderedDictionary<string, Tensor>>(0).Values]));

        Add("shared_create", a => T(CloseHandle(SharedTensor.Create(a.String(0), a.Ints(1), a.DType(2), a.Bool(3)))));
        Add("shared_open", a => T(CloseHandle(SharedTensor.Open(a.String(0), a.IsNone(1) ? null : a.Ints(1), a.OptionalDType(2), a.Bool(3, true)))));
        Add("shared_create_file", a => T(CloseHandle(SharedTensor.CreateFile(a.String(0), a.Ints(1), a.DType(2), a.Bool(3)))));
        Add("shared_open_file", a => T(CloseHandle(SharedTensor.OpenFile(a.String(0), a.IsNone(1) ? null : a.Ints(1), a.OptionalDType(2), a.Bool(3, true)))));
        Add("shared_unlink", a => { SharedTensor.Unlink(a.String(0)); return Value.None; });
        Add("shared_path", a => Results.String(SharedTensor.ResolvePath(a.String(0))));
    }

    /// <summary>Tensors kept in a returned object (not handed out one by one) must outlive the call's dispose scope.</summary>
    static OrderedDictionary<string, Tensor> OutliveTheCall(OrderedDictionary<string, Tensor> tensors)
    {
        foreach (var t in tensors.Values) t.DetachFromDisposeScope();
        return tensors;
    }

    /// <summary>The mapping lives as long as the tensor over it, so the SharedTensor handle itself can go at once.</summary>
    static Tensor CloseHandle(SharedTensor shared)
    {
        var t = shared.Tensor;
        shared.Dispose();
        return t;
    }
}
