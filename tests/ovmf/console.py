#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Drive a VMM's serial console like a person at a terminal.

console.py [--timeout S] [--log FILE] [--status N] STEPS... -- COMMAND...
STEPS, in order:  --expect REGEX   wait for REGEX in the output (ANSI stripped)
                  --send TEXT      type TEXT (\\r and \\n escapes understood)
                  --kill-when REGEX  SIGKILL the VMM once REGEX appears
Then waits for the VMM to exit and checks its status (--status, default 0;
'killed' for a SIGKILL).  Prints the time each expectation took.
"""
import os
import re
import select
import signal
import subprocess
import sys
import time

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]")


def parse(argv):
    opts = {"timeout": 1800.0, "log": None, "status": "0"}
    steps = []
    i = 0
    while i < len(argv) and argv[i] != "--":
        key, val = argv[i], argv[i + 1]
        if key == "--timeout":
            opts["timeout"] = float(val)
        elif key == "--log":
            opts["log"] = val
        elif key == "--status":
            opts["status"] = val
        elif key in ("--expect", "--send", "--kill-when"):
            steps.append((key[2:], val))
        else:
            sys.exit("console.py: unknown option " + key)
        i += 2
    return opts, steps, argv[i + 1:]


def main():
    opts, steps, cmd = parse(sys.argv[1:])
    start = time.monotonic()
    deadline = start + opts["timeout"]
    log = open(opts["log"], "wb") if opts["log"] else None
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    text = b""      # ANSI-stripped output seen so far
    pos = 0         # where the next expectation starts looking
    out_open = True

    def pump(wait):
        nonlocal text, out_open
        if not out_open:
            time.sleep(wait)
            return
        r, _, _ = select.select([proc.stdout], [], [], wait)
        if r:
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                out_open = False
                return
            if log:
                log.write(chunk)
                log.flush()
            text += ANSI.sub(b"", chunk)

    for kind, val in steps:
        if kind == "send":
            data = val.encode().decode("unicode_escape").encode("latin-1")
            proc.stdin.write(data)
            proc.stdin.flush()
            continue
        pat = re.compile(val.encode())
        while True:
            m = pat.search(text, pos)
            if m:
                pos = m.end()
                print("  [%7.1fs] saw %r" % (time.monotonic() - start, val),
                      flush=True)
                break
            if time.monotonic() > deadline or (not out_open and proc.poll() is not None):
                proc.kill()
                print("  FAIL: no %r after %.0fs; last output: %r" %
                      (val, time.monotonic() - start, text[-400:]), flush=True)
                return 1
            pump(1.0)
        if kind == "kill-when":
            proc.send_signal(signal.SIGKILL)
    while proc.poll() is None and time.monotonic() < deadline:
        pump(1.0)
    while out_open:
        pump(0.1)
    if proc.poll() is None:
        proc.kill()
        print("  FAIL: still running after %.0fs" % opts["timeout"])
        return 1
    rc = proc.returncode
    got = "killed" if rc == -signal.SIGKILL else str(rc)
    print("  [%7.1fs] exit status %s (want %s)" %
          (time.monotonic() - start, got, opts["status"]), flush=True)
    return 0 if got == opts["status"] else 1


if __name__ == "__main__":
    sys.exit(main())
