#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Independent cross-check of `vmm measure` (not used by the build).

Rebuilds the SEV-ES launch digest from the VMSA table in docs/sev.md 3.3
(KVM's view of this VMM's reset state), with nothing shared with the C
code, so tests/unit/test_measure.c has expected values from a second
implementation:

    measure_reference.py FILE [--vcpus N] [--vcpu-sig HEX] [--ap-eip HEX]
                              [--init2] [--features HEX] [--mode sev|sev-es]
"""
import argparse
import hashlib
import struct


def vmsa(sig, ap_eip=None, fpu=False, features=0):
    b = bytearray(4096)

    def seg(off, sel, attrib, limit, base):
        struct.pack_into('<HHIQ', b, off, sel, attrib, limit, base)

    for off in (0x00, 0x20, 0x30, 0x40, 0x50):   # ES SS DS FS GS
        seg(off, 0, 0x93, 0xffff, 0)
    cs_base = 0xffff0000 if ap_eip is None else ap_eip & 0xffff0000
    seg(0x10, 0xf000, 0x9b, 0xffff, cs_base)
    seg(0x60, 0, 0, 0xffff, 0)                    # GDTR
    seg(0x70, 0, 0x82, 0xffff, 0)                 # LDTR
    seg(0x80, 0, 0, 0xffff, 0)                    # IDTR
    seg(0x90, 0, 0x8b, 0xffff, 0)                 # TR
    for off, val in ((0xd0, 0x1000), (0x148, 0x40), (0x158, 0x10),
                     (0x160, 0x400), (0x168, 0xffff0ff0), (0x170, 2),
                     (0x178, 0xfff0 if ap_eip is None else ap_eip & 0xffff),
                     (0x268, 0x0007040600070406), (0x310, sig),
                     (0x3b0, features), (0x3e8, 1)):
        struct.pack_into('<Q', b, off, val)
    if fpu:
        struct.pack_into('<I', b, 0x408, 0x1f80)
        struct.pack_into('<H', b, 0x410, 0x37f)
    return bytes(b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('firmware')
    ap.add_argument('--mode', default='sev-es')
    ap.add_argument('--vcpus', type=int, default=1)
    ap.add_argument('--vcpu-sig', default='800f12')
    ap.add_argument('--ap-eip', default='0')
    ap.add_argument('--init2', action='store_true')
    ap.add_argument('--features', default='0')
    a = ap.parse_args()
    data = open(a.firmware, 'rb').read()
    if a.mode == 'sev-es':
        sig, eip = int(a.vcpu_sig, 16), int(a.ap_eip, 16)
        feat = int(a.features, 16)
        data += vmsa(sig, None, a.init2, feat)
        for _ in range(a.vcpus - 1):
            data += vmsa(sig, eip, a.init2, feat)
    print(hashlib.sha256(data).hexdigest())


if __name__ == '__main__':
    main()
