#!/usr/bin/python3
"""Consumer side of the shared-memory example: maps the tensor a Bridge producer
wrote to /dev/shm (a plain .npy file there) with NumPy alone, reads it without
copying, checks the sum, and writes row 0 so the producer can see the change.

    /usr/bin/python3 consumer.py /dev/shm/<name> [expected_sum]
"""
import sys
import time

import numpy as np


def main():
    path = sys.argv[1]
    start = time.perf_counter()
    a = np.load(path, mmap_mode="r+")  # maps the file: no bytes are copied
    mapped = time.perf_counter()
    total = float(a.sum(dtype=np.float64))
    summed = time.perf_counter()
    print(f"consumer: mapped {path}: shape {a.shape}, dtype {a.dtype}, "
          f"{a.nbytes / 2**20:.1f} MiB in {(mapped - start) * 1e3:.2f} ms; "
          f"sum {total!r} in {(summed - mapped) * 1e3:.0f} ms")
    if len(sys.argv) > 2 and total != float(sys.argv[2]):
        print(f"consumer: sum differs from the producer's {sys.argv[2]}")
        return 1
    a[0, :] = -1.0  # visible to the producer through its own mapping
    a.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
