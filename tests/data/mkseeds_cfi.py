#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the seed corpus of tests/fuzz/fuzz_cfi.c into tests/fuzz/corpus/cfi/.

Run from the repository root.  Seeds are recorded OVMF traffic (this folder's
ovmf2m-ops.txt.gz) converted to the harness's op-script format, plus short
hand-written sequences aimed at the edges (last byte, buffer limits, query,
lock).  The format is described at the top of fuzz_cfi.c.
"""
import gzip
import os
import struct

OUT = "tests/fuzz/corpus/cfi"
WIDTH_CODE = {1: 0, 2: 1, 4: 2, 8: 3}


def geometry(blocks, sector_shift=0, readonly=False):
    return bytes([(blocks - 1) | (sector_shift << 5) | (0x80 if readonly else 0)])


def op(kind, off, width=1, value=None, raw=False):
    b = bytes([kind | (WIDTH_CODE[width] << 2) | (0x10 if raw else 0)])
    b += struct.pack("<I", off)[:3]
    if kind in (1, 3):
        b += struct.pack("<Q", value)[:width]
    return b


def R(off, width=1, raw=False):
    return op(0, off, width, raw=raw)


def W(off, value, width=1):
    return op(1, off, width, value)


def RESET():
    return op(2, 0)


def trace_ops():
    ops = []
    with gzip.open("tests/data/ovmf2m-ops.txt.gz", "rt") as f:
        for line in f:
            p = line.split()
            if p[0] == "RESET":
                ops.append(RESET())
            elif p[0] == "W":
                ops.append(W(int(p[1], 16), int(p[3], 16), int(p[2])))
            else:
                ops.append(R(int(p[1], 16), int(p[2])))
    return ops


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(OUT, exist_ok=True)
    t = trace_ops()
    # 32 blocks of 4 KiB: the 2M build's VARS geometry.
    write("ovmf-probe-and-first-writes", geometry(32) + b"".join(t[:400]))
    write("ovmf-middle", geometry(32) + b"".join(t[15000:15400]))
    write("ovmf-last-writes", geometry(32) + b"".join(t[-400:]))
    write("ovmf-readonly", geometry(32, readonly=True) + b"".join(t[:200]))
    size = 2 * 4096
    write("erase-last-byte", geometry(2) + W(size - 1, 0x20) +
          W(size - 1, 0xD0) + R(size - 1) + W(0, 0xFF) + R(size - 8, 8))
    buf = W(size - 4, 0xE8) + W(size - 4, 0xFF)
    buf += b"".join(W(size - 1, 0x00) for _ in range(256)) + W(size - 1, 0xD0)
    buf += W(0, 0xE8) + W(0, 7) + W(4096 - 2, 0, 4) + W(0, 0xD0) + R(0)
    write("buffer-limits", geometry(2) + buf)
    q = W(0x55, 0x98) + b"".join(R(o, w) for o in (0x10, 0x27, 0x2D)
                                  for w in (1, 2, 4, 8))
    q += W(0, 0x90) + R(0) + R(1) + R(2) + R(4096 + 2)
    q += W(4096, 0x60) + W(4096, 0x01) + W(4096, 0x90) + R(4096 + 2)
    q += W(4096, 0x10) + W(4096, 0) + W(0, 0x70) + R(0) + W(0, 0x50)
    q += W(4096, 0x20) + W(4096, 0xD0) + R(0) + W(4096, 0x60) + W(4096, 0xD0)
    q += W(4096, 0x20) + W(4096, 0xFF) + R(0) + RESET() + R(0x10)
    write("query-id-lock", geometry(3) + q)
    w = W(0, 0x10) + W(size - 8, 0x0102030405060708, 8) + W(0, 0xFF)
    w += R(size - 8, 8) + W(3, 0x40) + W(3, 0x1234, 2) + R(3, 2)
    w += W(0, 0x70, 4) + R(1, 4) + W(0, 0xFF, 8) + R(size - 1) + R(size, 1, raw=True)
    write("wide-and-unaligned", geometry(2) + w)
    small = W(511, 0x20) + W(511, 0xD0) + W(0, 0xE8) + W(0, 255)
    small += b"".join(W(i, i & 0xFF) for i in range(256)) + W(0, 0xD0)
    oob = R(size - 1, 2, raw=True) + W(size - 3, 0x70, 4) + R(0)
    oob += bytes([0x31, 0, 0, 0, 0x70]) + R(0)
    write("out-of-range", geometry(2) + oob)
    write("small-sector", geometry(4, sector_shift=3) + small)


if __name__ == "__main__":
    main()
