#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Seed inputs for the whole-VM fuzz target (firmware/testfw/fuzz.S format):
8-byte operations <op, device, offset, value>.  Usage: make_seeds.py DIR"""
import os, random, struct, sys

W, R = 0, 1
B, H, D = 0, 2, 4          # access size bits
PIC1, PIC2, ELCR, PIT, SPK, CMOS, COM1, FWCFG, PCI, PM, P92, KBD, IOAPIC, VARS = range(14)

def op(rw, size, dev, off, val=0):
    return struct.pack('<BBHI', rw | size, dev, off, val & 0xFFFFFFFF)

def pci_addr(dev, fn, reg):
    return 0x80000000 | dev << 11 | fn << 8 | reg

seeds = {
    'pic-init': [op(W, B, PIC1, 0, 0x11), op(W, B, PIC1, 1, 0x20), op(W, B, PIC1, 1, 4),
                 op(W, B, PIC1, 1, 1), op(W, B, PIC1, 1, 0xFB), op(W, B, PIC2, 0, 0x11),
                 op(W, B, PIC2, 1, 0x28), op(W, B, PIC2, 1, 2), op(W, B, PIC2, 1, 1),
                 op(W, B, PIC1, 0, 0x0B), op(R, B, PIC1, 0), op(W, B, PIC1, 0, 0x0C),
                 op(R, B, PIC1, 0), op(W, B, ELCR, 1, 0x0E), op(R, B, ELCR, 1),
                 op(W, B, PIC1, 0, 0x20), op(W, B, PIC1, 0, 0x68)],
    'pit': [op(W, B, PIT, 3, 0x34), op(W, B, PIT, 0, 0xA9), op(W, B, PIT, 0, 0x04),
            op(W, B, PIT, 3, 0x00), op(R, B, PIT, 0), op(R, B, PIT, 0),
            op(W, B, PIT, 3, 0xB6), op(W, B, PIT, 2, 0xFF), op(W, B, PIT, 2, 0xFF),
            op(W, B, SPK, 0, 0x01), op(R, B, SPK, 0), op(W, B, PIT, 3, 0xE2),
            op(R, B, PIT, 0), op(W, B, PIT, 3, 0x1B), op(W, B, PIT, 0, 0x99)],
    'cmos': [op(W, B, CMOS, 0, 0x0A), op(R, B, CMOS, 1), op(W, B, CMOS, 0, 0x0B),
             op(W, B, CMOS, 1, 0x72), op(W, B, CMOS, 0, 0x0C), op(R, B, CMOS, 1),
             op(W, B, CMOS, 0, 0x00), op(R, B, CMOS, 1), op(W, B, CMOS, 0, 0x8F),
             op(W, B, CMOS, 1, 0x5A), op(R, B, CMOS, 1), op(W, B, CMOS, 0, 0x7F),
             op(R, H, CMOS, 0)],
    'uart': [op(W, B, COM1, 3, 0x80), op(W, B, COM1, 0, 0x01), op(W, B, COM1, 1, 0x00),
             op(W, B, COM1, 3, 0x03), op(W, B, COM1, 2, 0xC7), op(W, B, COM1, 1, 0x0F),
             op(W, B, COM1, 4, 0x1B), op(W, B, COM1, 0, 0x41), op(R, B, COM1, 0),
             op(R, B, COM1, 5), op(R, B, COM1, 2), op(R, B, COM1, 6), op(R, D, COM1, 6)],
    'fwcfg': [op(W, H, FWCFG, 0, 0x0000)] + [op(R, B, FWCFG, 1)] * 4 +
             [op(W, H, FWCFG, 0, 0x0019)] + [op(R, B, FWCFG, 1)] * 70 +
             [op(W, H, FWCFG, 0, 0x0001), op(R, D, FWCFG, 1), op(W, H, FWCFG, 0, 0xFFFF),
              op(R, B, FWCFG, 1), op(W, B, FWCFG, 1, 0x55)],
    'pci': [op(W, D, PCI, 0, pci_addr(0, 0, 0)), op(R, D, PCI, 4),
            op(W, D, PCI, 0, pci_addr(1, 3, 0x40)), op(R, D, PCI, 4),
            op(W, D, PCI, 0, pci_addr(1, 3, 0x40)), op(W, D, PCI, 4, 0x0601),
            op(W, D, PCI, 0, pci_addr(1, 3, 0x80)), op(W, B, PCI, 4, 0x01),
            op(R, D, PM, 8), op(W, D, PCI, 0, pci_addr(31, 7, 0xFC)), op(R, H, PCI, 6),
            op(W, B, PCI, 2, 0x33), op(R, D, PCI, 1)],
    'pm': [op(R, H, PM, 0), op(W, H, PM, 0, 0xFFFF), op(R, H, PM, 2), op(W, H, PM, 2, 0x0121),
           op(R, D, PM, 8), op(R, D, PM, 8), op(R, H, PM, 4), op(W, H, PM, 4, 0x0001),
           op(R, B, PM, 0x3F), op(R, D, PM, 0x3E)],
    'ioapic': [op(W, D, IOAPIC, 0, 0x01), op(R, D, IOAPIC, 0x10), op(W, D, IOAPIC, 0, 0x20),
               op(W, D, IOAPIC, 0x10, 0x00010030), op(W, D, IOAPIC, 0, 0x21),
               op(W, D, IOAPIC, 0x10, 0x00000000), op(W, D, IOAPIC, 0, 0x20),
               op(W, D, IOAPIC, 0x10, 0x00008031), op(R, D, IOAPIC, 0x10),
               op(W, D, IOAPIC, 0, 0x00), op(W, D, IOAPIC, 0x10, 0x0F000000),
               op(R, B, IOAPIC, 0x1F), op(R, H, IOAPIC, 0x0F)],
    'pflash': [op(W, B, VARS, 0x55, 0x98), op(R, B, VARS, 0x20), op(R, B, VARS, 0x22),
               op(W, B, VARS, 0, 0xFF), op(W, B, VARS, 0, 0x90), op(R, B, VARS, 0),
               op(R, B, VARS, 1), op(W, B, VARS, 0x100, 0x40), op(W, B, VARS, 0x100, 0x12),
               op(R, B, VARS, 0), op(W, B, VARS, 0x2000, 0x20), op(W, B, VARS, 0x2000, 0xD0),
               op(R, B, VARS, 0), op(W, B, VARS, 0, 0x50), op(W, B, VARS, 0x3000, 0xE8),
               op(W, B, VARS, 0x3000, 0x03), op(W, D, VARS, 0x3000, 0x11223344),
               op(W, D, VARS, 0x3004, 0x55667788), op(W, B, VARS, 0x3000, 0xD0),
               op(W, B, VARS, 0, 0xFF), op(R, D, VARS, 0x3000), op(W, B, VARS, 0, 0x60),
               op(W, B, VARS, 0, 0x01), op(W, B, VARS, 0xFFFF, 0x40),
               op(W, D, VARS, 0xFFFE, 0xAABBCCDD), op(R, D, VARS, 0xFFFF)],
    'sysctl': [op(R, B, P92, 0), op(W, B, P92, 0, 0x02), op(R, B, KBD, 4),
               op(R, B, KBD, 0), op(W, B, KBD, 4, 0xD1), op(W, B, KBD, 0, 0xDF)],
    'reset-cf9': [op(W, B, PCI, 1, 0x02), op(W, B, PCI, 1, 0x06)],
    'reset-kbd': [op(W, B, KBD, 4, 0xFE)],
}
rnd = random.Random(20261207)
seeds['random'] = [op(rnd.randrange(8), 0, rnd.randrange(256), rnd.randrange(65536),
                      rnd.randrange(1 << 32)) for _ in range(64)]

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for name, ops in seeds.items():
    with open(os.path.join(out, name), 'wb') as f:
        f.write(b''.join(ops))
