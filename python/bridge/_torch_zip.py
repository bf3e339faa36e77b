"""The zip container of torch's checkpoint files (torch.save since 1.6): records under one archive folder.

A file holds ``<archive>/data.pkl`` (the pickle), ``<archive>/data/<key>`` (one record per storage, raw little-endian
bytes) and ``<archive>/version``. Records are stored, never compressed, and torch pads each local header's extra field
(id ``FB``, filled with ``Z``) so that every record's data starts at a multiple of 64 bytes; this writer does the same,
so torch can map the data in place. The archive folder is the file's name without its extension (``archive`` for a file
object), as torch 1.13 names it; readers take whatever folder holds ``data.pkl``.
"""

import os
import struct
import zipfile

ALIGNMENT = 64
VERSION = b"3\n"  # torch 1.13's serialization version record
_FB = 0x4246  # the extra-field id torch's writer uses for its padding ("FB")


def archive_name(f):
    """torch's archive folder for a path (its stem), 'archive' for a file object."""
    if isinstance(f, (str, bytes, os.PathLike)):
        base = os.path.basename(os.fsdecode(f))
        stem = base.split(".", 1)[0] if not base.startswith(".") else base
        return stem or "archive"
    return "archive"


# What zipfile raises for a damaged archive: its own error, and whatever a garbled field makes it trip over (a name
# that is not UTF-8, an offset that seeks before the start, an unknown compression method or encryption).
_DAMAGED = (zipfile.BadZipFile, ValueError, OverflowError, NotImplementedError, EOFError, OSError, struct.error,
            KeyError)


class Writer:
    """Writes records to a zip in torch's layout: stored, 64-byte aligned data, version last."""

    def __init__(self, fileobj, name):
        self._zip = zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_STORED, allowZip64=True)
        self._name = name

    def write_record(self, name, data):
        info = zipfile.ZipInfo(f"{self._name}/{name}", date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_STORED
        info.flag_bits |= 0x800  # names are UTF-8, as torch marks them
        size = len(data) if not isinstance(data, memoryview) else data.nbytes
        # Where the data would start: after the 30-byte local header, the name and the extra field (a zip64 extra of
        # 20 bytes comes first in the local header of a record too large for 32-bit sizes).
        start = self._zip.fp.tell() + 30 + len(info.filename.encode("utf-8"))
        if size >= zipfile.ZIP64_LIMIT:
            start += 20
        pad = (-(start + 4)) % ALIGNMENT
        info.extra = struct.pack("<HH", _FB, pad) + b"Z" * pad
        self._zip.writestr(info, data)

    def close(self):
        self.write_record("version", VERSION)
        self._zip.close()


class Reader:
    """Reads the records of a torch zip checkpoint; damaged or foreign archives raise RuntimeError as torch's do."""

    def __init__(self, fileobj, label):
        self._label = label
        here = fileobj.tell()
        self._length = fileobj.seek(0, 2)
        fileobj.seek(here)
        try:
            self._zip = zipfile.ZipFile(fileobj, "r")
        except _DAMAGED as e:
            raise RuntimeError(f"{label} is not a torch checkpoint (a zip archive with data.pkl): "
                               f"{type(e).__name__}: {e}") from None
        names = [i.filename for i in self._zip.infolist()]
        pickles = [n for n in names if n.endswith("/data.pkl") and n.count("/") == 1]
        if len(pickles) != 1:
            if any(n.endswith("constants.pkl") for n in names):
                raise RuntimeError(f"{label} is a TorchScript archive (torch.jit.save); bridge reads torch.save files")
            raise RuntimeError(f"PytorchStreamReader failed locating file data.pkl: {label} has no single "
                               f"<archive>/data.pkl record")
        self.prefix = pickles[0][: -len("data.pkl")]
        self._infos = {i.filename: i for i in self._zip.infolist()}
        ends = sorted((i.header_offset, i.compress_size) for i in self._infos.values())
        if len(ends) != len(names):
            raise RuntimeError(f"{label}: duplicate record names in the archive")
        # Honest archives never overlap records; entries sharing bytes are a zip bomb's trick.
        for (a, n), (b, _) in zip(ends, ends[1:]):
            if a + 30 + n > b:
                raise RuntimeError(f"{label}: archive records overlap (damaged or hostile file)")
        order = self._infos.get(self.prefix + "byteorder")
        if order is not None and self._zip.read(order).strip() not in (b"little", b""):
            raise RuntimeError(f"{label} was written on a big-endian machine; bridge reads little-endian checkpoints")

    def has(self, name):
        return self.prefix + name in self._infos

    def size(self, name):
        info = self._infos.get(self.prefix + name)
        if info is None:
            raise RuntimeError(f"PytorchStreamReader failed locating file {name}: {self._label} has no record "
                               f"{self.prefix}{name}")
        return info.file_size

    def read(self, name, expected_size=None):
        """A record's bytes (CRC-32 checked by zipfile); with ``expected_size``, the record must hold exactly that."""
        size = self.size(name)
        info = self._infos[self.prefix + name]
        if info.compress_type != zipfile.ZIP_STORED:
            raise RuntimeError(f"{self._label}: record {self.prefix}{name} is compressed; torch writes records stored "
                               f"(damaged or foreign file)")
        if info.header_offset + size > self._length:
            raise RuntimeError(f"{self._label}: record {self.prefix}{name} declares {size} bytes, more than the "
                               f"{self._length}-byte file holds (truncated or damaged file)")
        if expected_size is not None and size != expected_size:
            raise RuntimeError(f"{self._label}: record {self.prefix}{name} holds {size} bytes, the pickle declares "
                               f"{expected_size} (damaged file)")
        try:
            return self._zip.read(self.prefix + name)
        except _DAMAGED as e:
            raise RuntimeError(f"{self._label}: record {self.prefix}{name} is damaged: {e}") from None

    def close(self):
        self._zip.close()
