#!/usr/bin/env bash
# The VMM under valgrind memcheck on test-firmware cases that cover every
# path of the run loop: device exits, pflash program/erase/persistence,
# instruction fixups, guest reset (machine rebuild), power-off.  Any memcheck
# error or definite leak fails the case.  --no-sandbox: valgrind runs the
# program's system calls itself and cannot run under a seccomp filter
# (seccomp_init fails there); the filter is tested by test_sandbox (ASan)
# and by the fw and OVMF suites, which run with it.
set -u
B=$(realpath "${1:-build}")
VMM=$B/vmm
FW=$B/testfw.bin
W=$B/valgrind
rm -rf "$W" && mkdir -p "$W"
pass=0 fail=0
command -v valgrind >/dev/null || { echo "FAIL valgrind: not installed"; exit 1; }

vg() {
	local name=$1 want=$2 st
	shift 2
	truncate -s 131072 "$W/$name.vars"
	timeout -k 5 300 valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite --log-file="$W/$name.vg" \
		"$VMM" --no-sandbox --firmware "$FW" --vars "$W/$name.vars" --timeout 120 \
		--debugcon "$W/$name.debugcon" "$@" </dev/null >/dev/null 2>"$W/$name.err"
	st=$?
	if [ "$st" = "$want" ] && [ ! -s "$W/$name.vg" ]; then
		pass=$((pass + 1)); echo "PASS valgrind $name (exit $st, no memcheck errors)"
	else
		fail=$((fail + 1)); echo "FAIL valgrind $name: exit $st (want $want)"
		head -n 40 "$W/$name.vg" "$W/$name.err"
	fi
}

vg pflash-program 0 --fwcfg opt/testfw/case=pflash-program
vg pflash-erase 0 --fwcfg opt/testfw/case=pflash-erase
vg x87 0 --fwcfg opt/testfw/case=x87
vg pci 0 --fwcfg opt/testfw/case=pci
vg reboot-cf9 0 --fwcfg opt/testfw/case=reboot-cf9
vg bad-insn 4 --fwcfg opt/testfw/case=bad-insn
# KVM's in-kernel irqchip (the default is split: the VMM's PIC, PIT, ExtINT
# injection, the timer signal).
vg pit-irq-kernel 0 --fwcfg opt/testfw/case=pit-irq --irqchip kernel
vg reboot-cf9-kernel 0 --fwcfg opt/testfw/case=reboot-cf9 --irqchip kernel
echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
