#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""make bench: the VMM against a bare KVM_RUN loop, side by side, one run.

Each configuration runs REPS times, interleaved so both programs see the same
machine; medians are compared.  Goals (DEVELOPERS.md):
  start-to-exit           vmm / bare <= 1.2 (the VMM on its default split
                          irqchip); for comparison, no goal: against (b) a
                          bare loop with the split irqchip, (c) a bare loop
                          building the same VM (CPUID, RAM), and
                          --irqchip kernel against a bare loop with the
                          same in-kernel irqchip and PIT
  per-exit overhead       vmm / bare <= 1.05  (port-write exits)
  pflash byte program     vmm / bare <= 1.1   (bare = the same two MMIO exits)
  resident memory         vmm peak RSS <= 2 MiB + guest pages touched
  fuzz input              restore+run / fresh VM+run <= 1/50 (issue 10), on
                          the test firmware's fuzz case with a 13-operation
                          input (tests/fuzz/corpus/vm/uart); for comparison
                          the same with an empty input (the fixed costs)
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
    vmm_start = [vmm, "--firmware", fw["start"], "--stats"]
    kernel = ["--irqchip", "kernel"]
    # 1. Start to exit on the trivial firmware, the VMM on its default
    # (split) irqchip: against (a) the bare loop, the goal, and (b) a bare
    # loop that also enables the split irqchip (the VMM's own start-up
    # cost); then KVM's full irqchip against a bare loop that creates the
    # same in-kernel irqchip and PIT (KVM's teardown of them dominates).
    tb, tv, rb, rv, _ = median_pair([bare, fw["start"]], vmm_start)
    results.append(("start-to-exit", tv / tb, 1.2,
                    "bare %.2f ms, vmm %.2f ms" % (tb * 1e3, tv * 1e3)))
    ts, tv2, _, _, _ = median_pair([bare, fw["start"], "--split"], vmm_start)
    results.append(("start-to-exit (b)", tv2 / ts, None,
                    "bare+split irqchip %.2f ms, vmm %.2f ms" %
                    (ts * 1e3, tv2 * 1e3)))
    # (c) a bare loop that builds the VMM's VM (split irqchip, supported
    # CPUID set, 512 MiB of RAM): what is left is the VMM's own start-up.
    tl, tv3, _, _, _ = median_pair([bare, fw["start"], "--like-vmm"],
                                   vmm_start)
    results.append(("start-to-exit (c)", tv3 / tl, None,
                    "bare building the same VM %.2f ms, vmm %.2f ms" %
                    (tl * 1e3, tv3 * 1e3)))
    tn, tvn, _, _, _ = median_pair([bare, fw["start"]],
                                   vmm_start + ["--no-sandbox"])
    results.append(("start-to-exit (no sandbox)", tvn / tn, None,
                    "bare %.2f ms, vmm --no-sandbox %.2f ms" %
                    (tn * 1e3, tvn * 1e3)))
    _, _, _, rvn, _ = median_pair([bare, fw["start"]],
                                  vmm_start + ["--no-sandbox"])
    tk, tvk, _, rvk, _ = median_pair([bare, fw["start"], "--irqchip"],
                                     vmm_start + kernel)
    results.append(("start-to-exit (kernel)", tvk / tk, None,
                    "bare+irqchip+PIT %.2f ms, vmm --irqchip kernel %.2f ms" %
                    (tk * 1e3, tvk * 1e3)))
    # 2. Per-exit overhead: N port writes to the debug console, less the
    # start-to-exit of the same configuration.
    vmm_io = [vmm, "--firmware", fw["io"], "--stats"]
    ib, iv, _, _, _ = median_pair([bare, fw["io"]], vmm_io)
    eb, ev = (ib - tb) / N, (iv - tv) / N
    results.append(("per-exit (port write)", ev / eb, 1.05,
                    "bare %.2f us, vmm %.2f us per exit" % (eb * 1e6, ev * 1e6)))
    ibk, ivk, _, _, _ = median_pair([bare, fw["io"], "--irqchip"],
                                    vmm_io + kernel)
    ebk, evk = (ibk - tk) / N, (ivk - tvk) / N
    results.append(("per-exit (kernel)", evk / ebk, 1.05,
                    "bare+irqchip %.2f us, vmm --irqchip kernel %.2f us" %
                    (ebk * 1e6, evk * 1e6)))
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
    results.append(("resident memory (no sandbox)", rvn / budget, None,
                    "vmm --no-sandbox peak %d KiB, budget %d KiB" %
                    (rvn, budget)))
    results.append(("resident memory (kernel)", rvk / budget, 1.0,
                    "vmm --irqchip kernel peak %d KiB, budget %d KiB" %
                    (rvk, budget)))
    # 5. Fuzzing: one input restored and run from a snapshot against a
    # fresh VM booted to the same point for it (tests/bench/fuzzbench.c).
    for label, inp, goal in (("fuzz input", "tests/fuzz/corpus/vm/uart", 0.02),
                             ("fuzz input (empty)", "/dev/null", None)):
        out = subprocess.run([B + "/bench/fuzzbench", B + "/testfw.bin", inp,
                              "10", "1000", "5"], capture_output=True,
                             text=True)
        if out.returncode != 0:
            sys.exit("bench: fuzzbench failed: " + out.stderr)
        m = re.search(r"fresh_ns (\d+) restore_ns (\d+) inputs_per_s (\d+)",
                      out.stdout)
        fresh, restore, rate = (int(x) for x in m.groups())
        results.append((label, restore / fresh, goal,
                        "fresh VM %.2f ms, restore+run %.1f us: %.0fx, "
                        "%d inputs/s" % (fresh / 1e6, restore / 1e3,
                                         fresh / restore, rate)))
    bad = 0
    kind = subprocess.run([vmm, "probe"], capture_output=True, text=True)
    host = [l for l in (kind.stdout + kind.stderr).splitlines()
            if l.startswith("host:")]
    print("bench on %s" % (host[0] if host else "an unknown KVM"))
    print("%-28s %8s %6s  %s" % ("measure", "ratio", "goal", "detail"))
    goals = [r for r in results if r[2] is not None]
    for name, ratio, goal, detail in results:
        ok = goal is None or ratio <= goal
        bad += not ok
        print("%-28s %8.3f %6s  %s %s" % (
            name, ratio, "-" if goal is None else "%.2f" % goal, detail,
            "" if ok else "  <-- MISSED"))
    print("bench: %d of %d goals met (N=%d, %d runs each, medians; "
          "rows with goal - are for comparison)" %
          (len(goals) - bad, len(goals), N, REPS))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
