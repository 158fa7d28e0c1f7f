#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the seed corpus of tests/fuzz/fuzz_varstore.c into
tests/fuzz/corpus/varstore/.  Run from the repository root.

Seeds are slices of this folder's real VARS files (the first byte is the
harness's fix-up flags, see fuzz_varstore.c), plus one with the deleted
CeoProbe turned into an "in deleted transition" entry.
"""
import gzip
import os

OUT = "tests/fuzz/corpus/varstore"


def load(name):
    with gzip.open(os.path.join("tests/data", name), "rb") as f:
        return f.read()


def write(name, flags, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(bytes([flags]) + data)


def main():
    os.makedirs(OUT, exist_ok=True)
    after = load("ovmf2m-vars-after.fd.gz")
    before = load("ovmf4m-vars-before.fd.gz")
    write("ovmf2m-after-16k", 3, after[:0x4000])
    write("ovmf2m-after-4k", 3, after[:0x1000])
    write("ovmf4m-template-4k", 3, before[:0x1000])
    write("raw-header", 0, before[:0x100])
    moved = bytearray(after[:0x4000])
    name = "CeoProbe".encode("utf-16-le")
    at = moved.find(name) - 60          # authenticated header is 60 bytes
    assert moved[at:at + 2] == b"\xaa\x55" and moved[at + 2] == 0x3C
    moved[at + 2] = 0x3E
    write("in-deleted-transition", 3, bytes(moved))
    plain = bytearray(after[:0x1000])
    plain[0x48:0x58] = bytes.fromhex("1636cfdd75326441 98b6fe85707ffe7d")
    write("plain-signature", 3, bytes(plain))


if __name__ == "__main__":
    main()
