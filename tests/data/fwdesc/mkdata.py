#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the test descriptors of tests/data/fwdesc/ (see README) and the
fuzz seeds of tests/fuzz/corpus/fwdesc/ (these plus Debian's three from
/usr/share/qemu/firmware).  Run from the top of the tree."""
import copy
import json
import os
import shutil

DATA = "tests/data/fwdesc"
CORPUS = "tests/fuzz/corpus/fwdesc"
CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"

BASE = {
    "description": "test: OVMF 4M, no SMM",
    "interface-types": ["uefi"],
    "mapping": {
        "device": "flash",
        "executable": {"filename": CODE, "format": "raw"},
        "nvram-template": {"filename": VARS, "format": "raw"},
    },
    "targets": [{"architecture": "x86_64",
                 "machines": ["pc-i440fx-*", "pc-q35-*"]}],
    "features": ["acpi-s3", "amd-sev", "verbose-dynamic"],
    "tags": [],
}


def variant(edit):
    d = copy.deepcopy(BASE)
    edit(d)
    return json.dumps(d, indent=4).encode() + b"\n"


def setp(path, value):
    """An edit setting (path) (keys and indexes) to (value); None deletes."""
    def edit(d):
        for k in path[:-1]:
            d = d[k]
        if value is DELETE:
            del d[path[-1]]
        else:
            d[path[-1]] = value
    return edit


DELETE = object()
M = "mapping"
EXE = (M, "executable")
TPL = (M, "nvram-template")
T0 = ("targets", 0)


def stateless(d):
    d[M]["mode"] = "stateless"
    del d[M]["nvram-template"]


def combined(d):
    d[M]["mode"] = "combined"
    del d[M]["nvram-template"]


def memory(d):
    d[M] = {"device": "memory", "filename": "/usr/share/seabios/bios.bin"}


def template_in_stateless(d):
    d[M]["mode"] = "stateless"


FILES = {
    "good.json": variant(lambda d: None),
    "q35-only.json": variant(setp(T0 + ("machines",), ["pc-q35-*"])),
    "stateless.json": variant(stateless),
    "combined.json": variant(combined),
    "qcow2.json": variant(setp(EXE + ("format",), "qcow2")),
    "template-qcow2.json": variant(setp(TPL + ("format",), "qcow2")),
    "memory.json": variant(memory),
    "unknown-device.json": variant(setp((M, "device"), "cdrom")),
    "unknown-mode.json": variant(setp((M, "mode"), "dual")),
    "missing-mapping.json": variant(setp((M,), DELETE)),
    "missing-description.json": variant(setp(("description",), DELETE)),
    "missing-features.json": variant(setp(("features",), DELETE)),
    "missing-executable.json": variant(setp(EXE, DELETE)),
    "missing-filename.json": variant(setp(EXE + ("filename",), DELETE)),
    "missing-format.json": variant(setp(TPL + ("format",), DELETE)),
    "missing-executable-file.json":
        variant(setp(EXE + ("filename",), "/nonexistent/OVMF_CODE_4M.fd")),
    "missing-template-file.json":
        variant(setp(TPL + ("filename",), "/nonexistent/OVMF_VARS_4M.fd")),
    "size-mismatch.json":
        variant(setp(TPL + ("filename",), "/usr/share/OVMF/OVMF_VARS.fd")),
    "executable-dir.json": variant(setp(EXE + ("filename",), "/usr/share/OVMF")),
    "relative-path.json": variant(setp(EXE + ("filename",), "OVMF_CODE_4M.fd")),
    "empty-filename.json": variant(setp(TPL + ("filename",), "")),
    "template-in-stateless.json": variant(template_in_stateless),
    "split-no-template.json": variant(setp(TPL, DELETE)),
    "no-uefi.json": variant(setp(("interface-types",), ["bios"])),
    "aarch64.json": variant(setp(T0 + ("architecture",), "aarch64")),
    "microvm.json": variant(setp(T0 + ("machines",), ["microvm"])),
    "requires-smm.json":
        variant(setp(("features",), ["requires-smm", "secure-boot"])),
    "type-description.json": variant(setp(("description",), 42)),
    "type-interface-types.json": variant(setp(("interface-types",), "uefi")),
    "type-interface-elem.json": variant(setp(("interface-types",), [1])),
    "type-mapping.json": variant(setp((M,), [])),
    "type-device.json": variant(setp((M, "device"), 1)),
    "type-mode.json": variant(setp((M, "mode"), True)),
    "type-executable.json": variant(setp(EXE, "x")),
    "type-executable-filename.json": variant(setp(EXE + ("filename",), 5)),
    "type-executable-format.json": variant(setp(EXE + ("format",), None)),
    "type-template.json": variant(setp(TPL, [VARS])),
    "type-template-filename.json": variant(setp(TPL + ("filename",), [])),
    "type-targets.json": variant(setp(("targets",), {})),
    "type-target.json": variant(setp(("targets",), ["x86_64"])),
    "type-architecture.json": variant(setp(T0 + ("architecture",), 64)),
    "type-machines.json": variant(setp(T0 + ("machines",), "pc-*")),
    "type-machine-elem.json": variant(setp(T0 + ("machines",), ["pc-i440fx-*", 7])),
    "type-features.json": variant(setp(("features",), {})),
    "type-feature-elem.json": variant(setp(("features",), ["acpi-s3", False])),
    "type-tags.json": variant(setp(("tags",), 1)),
    "nul-escape.json": variant(setp(("description",), "a\0b")),
    "not-object.json": b"[1, 2]\n",
    "bad-json.json": b'{ "description": "x",, }\n',
    "comment.json": b'/* a comment */ { "description": "x" }\n',
    "trailing.json": b'{ "description": "x" } x\n',
    "deep.json": b"[" * 20 + b"]" * 20 + b"\n",
    "empty.json": b"",
}
good = FILES["good.json"]
FILES["truncated.json"] = good[:len(good) // 2]
FILES["nul.json"] = good[:10] + b"\0" + good[10:]
FILES["non-utf8.json"] = good.replace(b"test:", b"test\xff:")
FILES["big.json"] = variant(setp(("description",), "x" * 70000))


def main():
    os.makedirs(DATA, exist_ok=True)
    os.makedirs(CORPUS, exist_ok=True)
    for name, blob in FILES.items():
        for d in (DATA, CORPUS):
            if d == CORPUS and name in ("big.json", "empty.json"):
                continue
            with open(os.path.join(d, name), "wb") as f:
                f.write(blob)
    for name in os.listdir("/usr/share/qemu/firmware"):
        shutil.copy(os.path.join("/usr/share/qemu/firmware", name),
                    os.path.join(CORPUS, "debian-" + name))


main()
