"""Says whether a .NET assembly carries ReadyToRun code: exit 0 and the image's machine if it does, 1 if IL only.

A ReadyToRun image is an ordinary PE assembly whose CLI header points (ManagedNativeHeader) at a READYTORUN_HEADER,
which starts with the signature 'RTR\\0'. Usage: readytorun.py FILE.dll (or - to read the bytes from stdin).
"""
import struct
import sys


def readytorun_machine(pe: bytes):
    """The PE machine name if the image has a ReadyToRun header, else None."""
    lfanew = struct.unpack_from("<I", pe, 0x3C)[0]
    if pe[lfanew:lfanew + 4] != b"PE\0\0":
        raise ValueError("not a PE file")
    machine, sections, _, _, _, optional_size, _ = struct.unpack_from("<HHIIIHH", pe, lfanew + 4)
    optional = lfanew + 24
    magic = struct.unpack_from("<H", pe, optional)[0]
    directories = optional + (112 if magic == 0x20B else 96)
    clr_rva, clr_size = struct.unpack_from("<II", pe, directories + 14 * 8)
    if clr_size == 0:
        raise ValueError("not a .NET assembly (no CLI header)")
    table = optional + optional_size

    def offset(rva):
        for i in range(sections):
            virtual_size, virtual_address, raw_size, raw_pointer = struct.unpack_from("<IIII", pe, table + i * 40 + 8)
            if virtual_address <= rva < virtual_address + max(virtual_size, raw_size):
                return rva - virtual_address + raw_pointer
        raise ValueError(f"RVA {rva:#x} is in no section")

    native_rva, native_size = struct.unpack_from("<II", pe, offset(clr_rva) + 64)
    if native_size == 0 or pe[offset(native_rva):offset(native_rva) + 4] != b"RTR\0":
        return None
    # ReadyToRun images use OS-specific machine values (machine XOR an OS constant); name the common x64 ones.
    names = {0x8664: "x64 (Windows)", 0x8664 ^ 0x7B79: "x64 (Linux)", 0x8664 ^ 0x4644: "x64 (macOS)",
             0xAA64 ^ 0x7B79: "arm64 (Linux)"}
    return names.get(machine, f"machine {machine:#x}")


if __name__ == "__main__":
    data = sys.stdin.buffer.read() if sys.argv[1] == "-" else open(sys.argv[1], "rb").read()
    found = readytorun_machine(data)
    print(f"ReadyToRun, {found}" if found else "IL only")
    sys.exit(0 if found else 1)
