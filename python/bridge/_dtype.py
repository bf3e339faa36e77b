"""dtype objects (bridge.float32 ...) and torch.Size, named as torch names them so scripts read the same."""


class dtype:
    """An element type; ``id`` is the C ABI's number for it (the engine's ``DType``)."""
    __slots__ = ("name", "id", "is_floating_point", "itemsize", "numpy_typestr", "is_signed", "scalar_name")

    def __init__(self, name, id_, is_floating_point, itemsize, numpy_typestr, is_signed, scalar_name):
        self.name, self.id, self.is_floating_point = name, id_, is_floating_point
        self.itemsize, self.numpy_typestr, self.is_signed = itemsize, numpy_typestr, is_signed
        self.scalar_name = scalar_name  # c10's ScalarType name ('Half'), as torch's messages spell it

    @property
    def is_complex(self):
        """False: Bridge has no complex dtypes."""
        return False

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))


float32 = dtype("float32", 0, True, 4, "<f4", True, "Float")
float64 = dtype("float64", 1, True, 8, "<f8", True, "Double")
int64 = dtype("int64", 2, False, 8, "<i8", True, "Long")
bool_ = dtype("bool", 3, False, 1, "|b1", False, "Bool")
uint8 = dtype("uint8", 4, False, 1, "|u1", False, "Byte")
int8 = dtype("int8", 5, False, 1, "|i1", True, "Char")
int16 = dtype("int16", 6, False, 2, "<i2", True, "Short")
int32 = dtype("int32", 7, False, 4, "<i4", True, "Int")
float16 = dtype("float16", 8, True, 2, "<f2", True, "Half")
bfloat16 = dtype("bfloat16", 9, True, 2, None, True, "BFloat16")  # NumPy has no bfloat16
BY_ID = (float32, float64, int64, bool_, uint8, int8, int16, int32, float16, bfloat16)
_BY_NAME = {d.name: d for d in BY_ID}
_NUMPY = {d.name: d for d in BY_ID if d.numpy_typestr is not None}


def _by_name(name):
    return _BY_NAME[name]


def from_numpy_dtype(np_dtype):
    """The bridge dtype for a NumPy dtype, or None when Bridge has no such type."""
    return _NUMPY.get(np_dtype.name)


class Size(tuple):
    """torch.Size: a tuple of ints."""
    __slots__ = ()

    def __repr__(self):
        return "torch.Size([" + ", ".join(str(d) for d in self) + "])"

    def numel(self):
        """Number of elements of a tensor of this shape."""
        n = 1
        for d in self:
            n *= d
        return n


class device:
    """A device name: ``cpu`` or ``cuda:N``."""
    __slots__ = ("type", "index")

    def __init__(self, spec, index=None):
        if isinstance(spec, device):
            spec, index = spec.type, spec.index
        text = str(spec)
        if ":" in text:
            text, idx = text.split(":", 1)
            index = int(idx)
        if text not in ("cpu", "cuda"):
            raise RuntimeError(f"Expected one of cpu, cuda device type at start of device string: {spec}")
        self.type, self.index = text, index

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and self._key() == other._key()

    def _key(self):
        return (self.type, self.index or 0) if self.type == "cuda" else (self.type, 0)

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        return f"device(type='{self.type}'" + (f", index={self.index})" if self.index is not None else ")")

    def __str__(self):
        if self.type == "cuda":
            return f"cuda:{self.index or 0}"
        return self.type
