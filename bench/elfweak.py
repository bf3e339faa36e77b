"""Marks one symbol-version requirement of an ELF shared library weak (VER_FLG_WEAK), in place.

TorchSharp 0.107's libLibTorchSharp.so asks for GLIBCXX_3.4.32, one version newer than Debian 12's libstdc++,
only for std::ios_base_library_init, which nothing calls (see /work/shared/PEERS.md). With the requirement weak
the loader accepts the older libstdc++. Used by bench/run.py on the benchmark peer's own build output only.
"""
import struct
import sys

SHT_GNU_VERNEED = 0x6FFFFFFE
VER_FLG_WEAK = 0x2


def mark_weak(path, version):
    with open(path, "r+b") as f:
        data = bytearray(f.read())
        if data[:4] != b"\x7fELF" or data[4] != 2:
            raise ValueError(f"{path}: not a 64-bit ELF file")
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
        changed = 0
        for sh in sections:
            if sh[1] != SHT_GNU_VERNEED:
                continue
            strtab = sections[sh[6]][4]
            off, count = sh[4], sh[7]
            for _ in range(count):
                _, cnt, _, aux, nxt = struct.unpack_from("<HHIII", data, off)
                a = off + aux
                for _ in range(cnt):
                    _, flags, _, name, anext = struct.unpack_from("<IHHII", data, a)
                    end = data.index(0, strtab + name)
                    if data[strtab + name:end].decode() == version and not flags & VER_FLG_WEAK:
                        struct.pack_into("<H", data, a + 4, flags | VER_FLG_WEAK)
                        changed += 1
                    a += anext
                off += nxt
        if changed:
            f.seek(0)
            f.write(data)
        return changed


if __name__ == "__main__":
    for p in sys.argv[2:]:
        print(p, mark_weak(p, sys.argv[1]))
