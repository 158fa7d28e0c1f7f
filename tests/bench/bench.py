#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""make bench: the VMM against a bare KVM_RUN loop, side by side, one run.

Each configuration runs REPS times, interleaved so both programs see the same
machine; medians are compared.  Goals (DEVELOPERS.md):
  start-to-exit           vmm / bare <= 1.2
                          (also shown against a bare loop with the same
                          in-kernel irqchip and PIT, whose teardown by KVM
                          dominates here)
  per-exit overhead       vmm / bare <= 1.05  (port-write exits)
  pflash byte program     vmm / bare <= 1.1   (bare = the same two MMIO exits)
  resident memory         vmm peak RSS <= 2 MiB + guest pages touched
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

B = sys.argv[1] if len(sys.argv) > 1 else "build"
REPS = int(os.environ.get("BENCH_REPS", "15"))
N = int(os.environ.get("BENCH_N", "20000"))
VARS_TEMPLATE = "/usr/share/OVMF/OVMF_VARS.fd"


def run(cmd):
    """Wall time (s), peak RSS (KiB, from the program's own 'stats: peak
    resident' line) and stderr of one run; fails on non-zero exit."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    err = p.stderr.read().decode()
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("bench: %s failed (%d): %s" % (" ".join(cmd), status, err))
    m = re.search(r"stats: peak resident (\d+) KiB", err)
    return wall, int(m.group(1)) if m else 10**9, err


def median_pair(cmd_a, cmd_b, setup=None):
    a, b, rss_a, rss_b, err_b = [], [], [], [], ""
    for _ in range(REPS):
        if setup:
            setup()
        w, r, _ = run(cmd_a)
        a.append(w)
        rss_a.append(r)
        if setup:
            setup()
        w, r, err_b = run(cmd_b)
        b.append(w)
        rss_b.append(r)
    return (statistics.median(a), statistics.median(b),
            max(rss_a), max(rss_b), err_b)


def main():
    bare = B + "/bench/bare"
    vmm = B + "/vmm"
    fw = {k: "%s/bench/fw-%s.bin" % (B, k) for k in ("start", "io", "pflash")}
    vars_copy = B + "/bench/vars.fd"

    def fresh_vars():
        shutil.copyfile(VARS_TEMPLATE, vars_copy)

    results = []
    # 1. Start to exit on the trivial firmware.
    tb, tv, rb, rv, _ = median_pair([bare, fw["start"]],
                                    [vmm, "--firmware", fw["start"], "--stats"])
    results.append(("start-to-exit", tv / tb, 1.2,
                    "bare %.2f ms, vmm %.2f ms" % (tb * 1e3, tv * 1e3)))
    # 1b. The same, against a bare loop that creates the same in-kernel
    # irqchip and PIT: what is left is the VMM's own start-up cost.
    tk, tv2, _, _, _ = median_pair([bare, fw["start"], "--irqchip"],
                                   [vmm, "--firmware", fw["start"], "--stats"])
    results.append(("start-to-exit (irqchip)", tv2 / tk, 1.2,
                    "bare+irqchip+PIT %.2f ms, vmm %.2f ms" %
                    (tk * 1e3, tv2 * 1e3)))
    # 1c. The split irqchip (PIC, IOAPIC, PIT in the VMM): against the bare
    # loop (the goal) and against a bare loop that enables the split
    # irqchip too.
    split = [vmm, "--firmware", fw["start"], "--stats", "--irqchip", "split"]
    ts_b, ts_v, _, rsv, _ = median_pair([bare, fw["start"]], split)
    results.append(("start-to-exit (split)", ts_v / ts_b, 1.2,
                    "bare %.2f ms, vmm --irqchip split %.2f ms" %
                    (ts_b * 1e3, ts_v * 1e3)))
    ts_s, ts_v2, _, _, _ = median_pair([bare, fw["start"], "--split"], split)
    results.append(("start-to-exit (split/split)", ts_v2 / ts_s, 1.2,
                    "bare+split %.2f ms, vmm --irqchip split %.2f ms" %
                    (ts_s * 1e3, ts_v2 * 1e3)))
    ib_s, iv_s, _, _, _ = median_pair(
        [bare, fw["io"], "--split"],
        [vmm, "--firmware", fw["io"], "--stats", "--irqchip", "split"])
    eb_s, ev_s = (ib_s - ts_s) / N, (iv_s - ts_v2) / N
    results.append(("per-exit (split)", ev_s / eb_s, 1.05,
                    "bare+split %.2f us, vmm split %.2f us per exit" %
                    (eb_s * 1e6, ev_s * 1e6)))
    # 2. Per-exit overhead: N port writes to the debug console.
    ib, iv, _, _, _ = median_pair([bare, fw["io"]],
                                  [vmm, "--firmware", fw["io"], "--stats"])
    eb, ev = (ib - tb) / N, (iv - tv) / N
    results.append(("per-exit (port write)", ev / eb, 1.05,
                    "bare %.2f us, vmm %.2f us per exit" % (eb * 1e6, ev * 1e6)))
    # 3. pflash byte program: N programs (0x10 + data) in MMIO mode.
    pb, pv, _, rpv, _ = median_pair(
        [bare, fw["pflash"]],
        [vmm, "--firmware", fw["pflash"], "--vars", vars_copy, "--stats"],
        setup=fresh_vars)
    bb, bv = (pb - tb) / N, (pv - tv) / N
    results.append(("pflash byte program", bv / bb, 1.1,
                    "bare (2 exits) %.2f us, vmm %.2f us per byte" %
                    (bb * 1e6, bv * 1e6)))
    # 4. Memory: peak RSS of the VMM on the trivial firmware.  The guest
    # touches one page of RAM at most (stack unused) plus the 4 KiB image
    # copy; the budget is 2 MiB + those pages.
    budget = 2048 + 8
    results.append(("resident memory", rv / budget, 1.0,
                    "vmm peak %d KiB (bare %d KiB), budget %d KiB" %
                    (rv, rb, budget)))
    results.append(("resident memory (split)", rsv / budget, 1.0,
                    "vmm --irqchip split peak %d KiB, budget %d KiB" %
                    (rsv, budget)))
    bad = 0
    kind = subprocess.run([vmm, "probe"], capture_output=True, text=True)
    host = [l for l in (kind.stdout + kind.stderr).splitlines()
            if l.startswith("host:")]
    print("bench on %s" % (host[0] if host else "an unknown KVM"))
    print("%-24s %8s %6s  %s" % ("measure", "ratio", "goal", "detail"))
    for name, ratio, goal, detail in results:
        ok = ratio <= goal
        bad += not ok
        print("%-24s %8.3f %6.2f  %s %s" % (name, ratio, goal, detail,
                                            "" if ok else "  <-- MISSED"))
    print("bench: %d of %d goals met (N=%d, %d runs each, medians)" %
          (len(results) - bad, len(results), N, REPS))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
