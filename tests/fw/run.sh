#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The in-tree firmware suite: boots build/testfw.bin (firmware/testfw) on
# real KVM once per case and checks, for each:
#   - the firmware's own verdicts on the debug console (port 0x402):
#     "TESTFW <case> <check> PASS|FAIL ...", exactly the expected number of
#     PASS lines, no FAIL, and "TESTFW <case> DONE" when it should finish;
#   - the VMM's exit status and its one-line message on stderr;
#   - the VMM's --stats counters where the case is about them (MMIO exits of
#     every flash access, ROMD switches, programs, erases, blocks written,
#     unclaimed accesses, resets, emulated instructions);
#   - files: VARS after persistence and reboot cases, the firmware image
#     after CODE writes, the console output.
#
# Usage: tests/fw/run.sh [BUILD_DIR]    (default: build)
# Prints "PASS <case> (<exit counts>)" or "FAIL <case>: <why>" per case and
# "<n> passed, <n> failed" last; exits 0 only when every case passed, 77
# when /dev/kvm cannot be used.
#
# Layout shared with the firmware (firmware/testfw/defs.S): a 64 KiB image
# and a 128 KiB VARS file, so VARS sits at 0xFFFD0000; the VARS template
# holds the little-endian dword 0x5A000000 + o at every offset o below
# 64 KiB and 0xFF (erased) above.  The case is chosen with
# --fwcfg opt/testfw/case=NAME, a number (memory size in MiB) is passed as
# opt/testfw/arg.
set -u

B=${1:-build}
VMM=$B/vmm
FW=$B/testfw.bin
W=$B/fw-tests
PASSED=0
FAILED=0
SKIPPED=0
SUITE_START=$(date +%s%N)

if [ ! -r /dev/kvm ] || [ ! -w /dev/kvm ]; then
	echo "SKIP fw: /dev/kvm is not usable here"
	exit 77
fi
for f in "$VMM" "$FW"; do
	if [ ! -f "$f" ]; then
		echo "FAIL fw: $f is missing (run make first)"
		echo "0 passed, 1 failed"
		exit 1
	fi
done
rm -rf "$W"
mkdir -p "$W"
# What this KVM needs (PVM: the VMM emulates x87/MXCSR); see tests/lib.sh.
. "$(dirname "$0")/../lib.sh"
if kvm_needs_fixups "$VMM"; then FIXUPS=yes; else FIXUPS=no; fi
echo "fw: on $(kvm_name "$VMM"), x87/MXCSR fixups expected: $FIXUPS"
TEMPLATE=$W/vars-template.fd
perl -e 'print pack("V*", map { 0x5A000000 + 4 * $_ } 0 .. 16383), "\xff" x 65536' \
	>"$TEMPLATE"
cp "$FW" "$W/testfw-pristine.bin"

# ---------------------------------------------------------------------------
# Running one case.  Sets NAME (display name), DBG, OUT, ERR, STATS, VARS,
# ST (exit status), SECS, and clears WHY.

# start NAME: fresh files for a case; VARS is a copy of the template unless
# KEEP_VARS names a file to use as is.
start() {
	NAME=$1
	DBG=$W/$NAME.debugcon
	OUT=$W/$NAME.stdout
	ERR=$W/$NAME.stderr
	STATS=$W/$NAME.stats
	if [ -n "${KEEP_VARS:-}" ]; then
		VARS=$KEEP_VARS
	else
		VARS=$W/$NAME.vars
		cp "$TEMPLATE" "$VARS"
	fi
	WHY=
	: >"$DBG"
}

# vmm_args FWCASE: the common command line.
vmm_args() {
	ARGS=(--firmware "$FW" --vars "$VARS" --debugcon "$DBG" --stats
	      --fwcfg "opt/testfw/case=$1")
}

# run NAME FWCASE [VMM OPTIONS...]: run the VMM in the foreground with a
# 20 s guest timeout and a 60 s hard limit; stdin from $STDIN or /dev/null.
run() {
	local name=$1 fwcase=$2 t0
	shift 2
	start "$name"
	vmm_args "$fwcase"
	t0=$(date +%s%N)
	timeout -k 5 60 "$VMM" "${ARGS[@]}" --timeout 20 "$@" \
		<"${STDIN:-/dev/null}" >"$OUT" 2>"$ERR"
	ST=$?
	finish_run "$t0"
}

# second_vmm: the VMM again on $VARS; checks its refusal.
second_vmm() {
	local st got
	"$VMM" --firmware "$FW" --vars "$VARS" --debugcon "$W/$NAME.second.debugcon" \
		--fwcfg opt/testfw/case=poweroff --timeout 20 </dev/null \
		>"$W/$NAME.second.stdout" 2>"$W/$NAME.second.stderr"
	st=$?
	[ "$st" -eq 2 ] || why "second VMM: exit status $st, want 2"
	got=$(grep -a -m1 '^vmm: ' "$W/$NAME.second.stderr")
	[ "$got" = "vmm: vars: file is in use by another VM" ] ||
		why "second VMM: message '${got:-none}'"
	[ ! -s "$W/$NAME.second.debugcon" ] || why "second VMM: the guest ran"
}

# run_bg FWCASE STDIN NOTE ACTION: after start(), run the VMM in the
# background, wait (10 s at most) for "TESTFW FWCASE note NOTE", eval
# ACTION ($PID is the VMM's), then wait for the VMM; 20 s guest timeout,
# killed after 60 s like run().
run_bg() {
	local fwcase=$1 stdin=$2 note=$3 action=$4 t0 i dog
	vmm_args "$fwcase"
	t0=$(date +%s%N)
	"$VMM" "${ARGS[@]}" ${ARGS_EXTRA:-} --timeout 20 <"$stdin" >"$OUT" 2>"$ERR" 3>&- &
	PID=$!
	(sleep 60 && kill -KILL "$PID") >/dev/null 2>&1 3>&- &
	dog=$!
	for ((i = 0; i < 200; i++)); do
		grep -aqx "TESTFW $fwcase note $note" "$DBG" && break
		kill -0 "$PID" 2>/dev/null || break
		sleep 0.05
	done
	if grep -aqx "TESTFW $fwcase note $note" "$DBG"; then
		eval "$action"
	else
		why "no '$note' note from the firmware"
	fi
	wait "$PID"
	ST=$?
	pkill -P "$dog" 2>/dev/null	# its sleep
	kill "$dog" 2>/dev/null
	wait "$dog" 2>/dev/null
	finish_run "$t0"
}

finish_run() {
	SECS=$(( ($(date +%s%N) - $1) / 1000000 ))
	parse_stats
	[ -n "$(stat exits)" ] || why "no --stats lines on stderr"
	if [ "$ST" -eq 124 ] || [ "$ST" -eq 137 ]; then
		why "the VMM hung (killed by the 60 s hard limit)"
	fi
}

# Turn the --stats lines into "key value" lines.
parse_stats() {
	sed -n \
	-e 's/^stats: exits \([0-9]*\) (io \([0-9]*\), mmio \([0-9]*\), emulation \([0-9]*\), kicks \([0-9]*\), other \([0-9]*\)).*/exits \1\nio \2\nmmio \3\nemulation \4\nkicks \5\nother \6/p' \
	-e 's/^stats: unclaimed pio reads \([0-9]*\) writes \([0-9]*\), mmio reads \([0-9]*\) writes \([0-9]*\).*/upio_reads \1\nupio_writes \2\nummio_reads \3\nummio_writes \4/p' \
	-e 's/^stats: vars romd on \([0-9]*\) off \([0-9]*\), programs \([0-9]*\), erases \([0-9]*\), flushes \([0-9]*\), blocks written \([0-9]*\); resets \([0-9]*\).*/romd_on \1\nromd_off \2\nprograms \3\nerases \4\nflushes \5\nblocks_written \6\nresets \7/p' \
	-e 's/^stats: timer interrupts \([0-9]*\) (coalesced \([0-9]*\), late \([0-9]*\), latest by \([0-9]*\) us); pic vectors \([0-9]*\) (spurious \([0-9]*\)), ioapic msis \([0-9]*\), ioapic eois \([0-9]*\).*/timer_irqs \1\ntimer_coalesced \2\ntimer_late \3\ntimer_late_max_us \4\npic_vectors \5\npic_spurious \6\nioapic_msis \7\nioapic_eois \8/p' \
	"$ERR" >"$STATS"
}

stat() {
	awk -v k="$1" '$1 == k { print $2; exit }' "$STATS"
}

# ---------------------------------------------------------------------------
# Assertions: each adds a reason to WHY.

why() {
	WHY="${WHY:+$WHY; }$*"
}

expect_status() {
	[ "$ST" -eq "$1" ] || why "exit status $ST, want $1"
}

# The firmware's lines: no FAIL, exactly N PASS, and DONE (or not).
expect_checks() {
	local n fails
	n=$(grep -ac "^TESTFW $FWNAME .* PASS\$" "$DBG")
	fails=$(grep -a "^TESTFW $FWNAME .* FAIL" "$DBG" | head -n 8 |
		sed "s/^TESTFW $FWNAME //" | tr '\n' ';' | sed 's/;$//; s/;/; /g')
	[ -z "$fails" ] || why "firmware: $fails"
	[ "$n" -eq "$1" ] || why "$n checks passed, want $1"
}

expect_done() {
	grep -aqx "TESTFW $FWNAME DONE" "$DBG" || why "no DONE line from the firmware"
}

expect_not_done() {
	grep -aqx "TESTFW $FWNAME DONE" "$DBG" && why "the firmware got to DONE"
}

expect_note() {
	local n
	n=$(grep -acx "TESTFW $FWNAME note $1" "$DBG")
	[ "$n" -eq "${2:-1}" ] || why "note '$1' seen $n times, want ${2:-1}"
}

# The VMM's own line on stderr: "vmm: <what ended the run>" or
# "vmm: error: ...".  Log lines "vmm: warning: ..." and "vmm: info: ..."
# are not it (the VARS template is no OVMF variable store, and the VMM
# says so).
exit_msg() {
	grep -a '^vmm: ' "$ERR" | grep -av -m1 -E '^vmm: (warning|info): '
}

# expect_msg TEXT: that line is exactly "vmm: TEXT".
expect_msg() {
	local got
	got=$(exit_msg)
	[ "$got" = "vmm: $1" ] || why "message '${got:-none}', want 'vmm: $1'"
}

# expect_msg_prefix TEXT: the same, for the start of the line.
expect_msg_prefix() {
	local got
	got=$(exit_msg)
	case $got in
	"vmm: $1"*) ;;
	*) why "message '${got:-none}', want 'vmm: $1...'" ;;
	esac
}

expect_no_msg() {
	local got
	got=$(exit_msg)
	[ -z "$got" ] || why "unexpected message '$got'"
}

# expect_stat KEY N ...: --stats counters, pairs of key and value.
expect_stat() {
	local v
	while [ $# -ge 2 ]; do
		v=$(stat "$1")
		if [ -z "$v" ]; then
			why "no '$1' in --stats"
		elif [ "$v" != "$2" ]; then
			why "$1 $v, want $2"
		fi
		shift 2
	done
}

# expect_insns: stdin lists "name=count" of every instruction the VMM must
# have emulated, and no other.
expect_insns() {
	local want got
	want=$(sort)
	got=$(sed -n 's/^stats: emulated instructions [0-9]*: *//p' "$ERR" |
		awk -F= '{
			name = $1
			for (i = 2; i <= NF; i++) {
				n = split($i, w, " ")
				printf "%s=%s\n", name, w[1]
				name = substr($i, length(w[1]) + 2)
			}
		}' | sort)
	if [ "$got" != "$want" ]; then
		echo "$want" >"$W/$NAME.insns-want"
		echo "$got" >"$W/$NAME.insns-got"
		why "emulated instructions differ: $(diff "$W/$NAME.insns-want" "$W/$NAME.insns-got" |
			grep '^[<>]' | tr '\n' ' ')"
	fi
}

# expect_file FILE EXPECTED: byte-identical.
expect_file() {
	cmp -s "$1" "$2" || why "$(basename "$1") differs from $(basename "$2"): $(cmp "$1" "$2" 2>&1 | head -n 1)"
}

# expect_byte FILE OFFSET HEX
expect_byte() {
	local got
	got=$(od -An -tx1 -j "$2" -N1 "$1" | tr -d ' ')
	[ "$got" = "$3" ] || why "byte at $2 of $(basename "$1") is ${got:-none}, want $3"
}

# ---------------------------------------------------------------------------
# Reporting.

report() {
	if [ -z "$WHY" ]; then
		PASSED=$((PASSED + 1))
		if [ -n "${DETAIL:-}" ]; then
			echo "PASS $NAME ($DETAIL; ${SECS} ms)"
		else
			echo "PASS $NAME ($(stat exits) exits: io $(stat io), mmio $(stat mmio), emulation $(stat emulation); ${SECS} ms)"
		fi
	else
		FAILED=$((FAILED + 1))
		echo "FAIL $NAME: $WHY (see $W/$NAME.*)"
	fi
}

# ---------------------------------------------------------------------------
# The cases.

# fw_ok NAME FWCASE CHECKS [VMM OPTIONS...]: a case that must power off
# cleanly after CHECKS passing checks.
fw_ok() {
	local name=$1 fwcase=$2 checks=$3
	shift 3
	FWNAME=$fwcase
	run "$name" "$fwcase" "$@"
	expect_status 0
	expect_checks "$checks"
	expect_done
	expect_no_msg
}

# The flash.  MMIO exit counts are the [W] and [R] marks in
# firmware/testfw/pflash.S: with ROMD, reads in array mode never exit.
fw_ok pflash-probe pflash-probe 6
expect_stat mmio 8 romd_on 1 romd_off 1 programs 1 erases 0
report

fw_ok pflash-probe-no-romd pflash-probe 6 --no-romd
# 4 reads to find the probe byte, 5 more reads, 6 writes; no slot at all.
expect_stat mmio 15 romd_on 0 romd_off 0 programs 1
report

fw_ok pflash-array-reads pflash-array-reads 5
expect_stat mmio 0 romd_on 0 romd_off 0 ummio_reads 0
report

fw_ok pflash-array-reads-no-romd pflash-array-reads 5 --no-romd
expect_stat mmio 32772 romd_on 0 romd_off 0 ummio_reads 0
report

fw_ok pflash-cfi pflash-cfi 9
expect_stat mmio 57 romd_on 1 romd_off 1 programs 0 erases 0
report

fw_ok pflash-id-lock pflash-id-lock 15
expect_stat mmio 29 romd_on 2 romd_off 2 programs 1 erases 0
report

fw_ok pflash-program pflash-program 10
expect_stat mmio 23 romd_on 5 romd_off 5 programs 7 erases 0
report

fw_ok pflash-overwrite pflash-overwrite 6
expect_stat mmio 18 romd_on 6 romd_off 6 programs 5 erases 1
report

fw_ok pflash-erase pflash-erase 10
expect_stat mmio 17 romd_on 5 romd_off 5 programs 1 erases 2
report

fw_ok pflash-buffer pflash-buffer 11
expect_stat mmio 64 romd_on 5 romd_off 5 programs 0 erases 0
report

fw_ok pflash-modes pflash-modes 15
expect_stat mmio 24 romd_on 6 romd_off 6 programs 1 erases 1
report

# Persistence: the file after persist-write is the template with exactly
# what the guest wrote; a second VMM on that file reads it all back.
PERSIST_EXPECTED=$W/persist-expected.fd
perl -e '
	local $/; open(my $f, "<:raw", $ARGV[0]) or die; my $v = <$f>;
	substr($v, 0x14000, 16) = "persist-pattern!";
	substr($v, 0x5000, 0x1000) = "\xff" x 0x1000;
	substr($v, 0x15000, 8) = "BUFWRITE";
	binmode STDOUT; print $v;' "$TEMPLATE" >"$PERSIST_EXPECTED"

fw_ok persist-write persist-write 8
# Blocks 0x14, 0x05 and 0x15 are written back, one pwrite each.
expect_stat mmio 48 romd_on 3 romd_off 3 programs 16 erases 1 blocks_written 3
expect_file "$VARS" "$PERSIST_EXPECTED"
report
PERSIST_VARS=$VARS

KEEP_VARS=$PERSIST_VARS fw_ok persist-read persist-read 8
expect_stat mmio 0 programs 0 erases 0 blocks_written 0
expect_file "$VARS" "$PERSIST_EXPECTED"
report

fw_ok persist-snapshot persist-write 8 --vars-readonly
expect_stat mmio 48 programs 16 erases 1 blocks_written 0
expect_file "$VARS" "$TEMPLATE"
report

# The instruction emulator.  The guest's results are the same on every
# KVM; only a PVM host hands x87/MXCSR to the VMM (`vmm probe` says which):
# there FNINIT and FNSTCW m16 are executed by KVM's own emulator and
# everything else comes to the VMM (see the counts in
# firmware/testfw/x87.S).  Hardware KVM, native or nested, runs them all.
fw_ok x87 x87 55
if [ "$FIXUPS" = yes ]; then
	expect_stat emulation 135 mmio 0
	expect_insns <<'EOF2'
fwait=2
fldcw m16=6
fnstsw ax=2
ldmxcsr m32=4
stmxcsr m32=4
fld m32=14
fld m64=11
fild m32=6
fild m64=2
fst m64=2
fstp m32=4
fstp m64=15
fstp st(i)=4
fistp m32=12
fistp m64=4
fldz=10
fld1=4
fxch=2
fcmovb=4
fcmove=2
fcmovnbe=4
fcomi=2
fcomip=6
fadd st,st(i)=2
fmul m32=3
fmul m64=2
fmulp=2
EOF2
else
	expect_stat emulation 0 mmio 0
	expect_insns </dev/null
fi
report

# The platform.  fwcfg and cmos compare etc/e820 and the CMOS memory bytes
# with --memory (passed to the firmware in MiB).
# A size is run only where the host could back all of it (MemAvailable),
# else both cases are reported skipped with the reason.
AVAIL_MIB=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
for mem in 512 48 4096; do
	if [ "${AVAIL_MIB:-0}" -lt $((mem + 512)) ]; then
		for c in fwcfg cmos; do
			SKIPPED=$((SKIPPED + 1))
			echo "SKIP $c-${mem}m: the host has $AVAIL_MIB MiB available, the case needs $((mem + 512))"
		done
		continue
	fi
	opt=(--fwcfg "opt/testfw/arg=$mem")
	[ "$mem" = 512 ] || opt+=(--memory "${mem}M")
	checks=15
	[ "$mem" -gt 3072 ] && checks=18
	fw_ok "fwcfg-${mem}m" fwcfg "$checks" "${opt[@]}"
	report
	fw_ok "cmos-${mem}m" cmos 11 "${opt[@]}"
	report
done

fw_ok pci pci 22
report

fw_ok pm-timer pm-timer 1
report

# Interrupts on the default split irqchip (the VMM's 8259A pair, IOAPIC
# and PIT), then each case again on KVM's in-kernel irqchip (-kernel).
# On split the guest's 20 PIT interrupts are exactly 20 ExtINT vectors
# the VMM injected; the PIT may raise one more between the guest's last
# interrupt and its masking the line (it is then never injected), so the
# PIT's own count is not exact.
fw_ok pit-irq pit-irq 3
expect_stat pic_vectors 20 pic_spurious 0 ioapic_msis 0
report

fw_ok pit-irq-kernel pit-irq 3 --irqchip kernel
expect_stat pic_vectors 0 ioapic_msis 0 timer_irqs 0
report

# The RTC's periodic interrupt on IRQ 8 (the VMM's MC146818 on both
# irqchips), through the slave 8259A.
fw_ok rtc-irq rtc-irq 5
expect_stat pic_vectors 16 pic_spurious 0 ioapic_msis 0
report

fw_ok rtc-irq-kernel rtc-irq 5 --irqchip kernel
expect_stat pic_vectors 0 ioapic_msis 0
report

# A level-triggered line (ELCR) held until the device is acknowledged:
# four deliveries of the UART's one THRE interrupt.
fw_ok pic-level pic-level 4
expect_stat pic_vectors 4 pic_spurious 0
report

fw_ok pic-level-kernel pic-level 4 --irqchip kernel
expect_stat pic_vectors 0
report

# IOAPIC pin 8: redirection to a vector, masking, a level entry's remote
# IRR and re-delivery at EOI.  The count of MSIs on split includes the
# delivery after the read of C that PVM shows (see firmware/testfw/irq.S),
# so only the 8259As' silence is exact here.
fw_ok ioapic-rtc ioapic-rtc 6
expect_stat pic_vectors 0
report

fw_ok ioapic-rtc-kernel ioapic-rtc 6 --irqchip kernel
expect_stat pic_vectors 0 ioapic_msis 0
report

# The rest of the platform on KVM's irqchip: PIT channel 2 and port 0x61
# from KVM's 8254 (the PM timer follows it), PCI.
fw_ok pm-timer-kernel pm-timer 1 --irqchip kernel
report

fw_ok pci-kernel pci 22 --irqchip kernel
report

# COM1: output on the VMM's stdout; input typed on its stdin (a FIFO) once
# the firmware says it waits for it, taken through IRQ 4.
FWNAME=uart
start uart
rm -f "$W/uart.fifo"
mkfifo "$W/uart.fifo"
exec 3<>"$W/uart.fifo"
run_bg uart "$W/uart.fifo" "waiting-for-input" 'printf abc >&3'
exec 3>&-
expect_status 0
expect_checks 17
expect_done
expect_no_msg
printf 'testfw-uart-output\r\n' >"$W/uart-expected"
expect_file "$OUT" "$W/uart-expected"
report

# Resets: with --no-reboot the VMM ends with status 3 ...
for c in reset-cf9 reset-kbd reset-port92; do
	FWNAME=$c
	run "$c" "$c" --no-reboot
	expect_status 3
	expect_msg "guest reset (reset requested by the guest)"
	expect_note resetting
	expect_checks 0
	expect_not_done
	expect_stat resets 0
	report
done
# ... without it the machine restarts at the reset vector; the second boot
# finds the marker the first one left in VARS.
for c in reboot-cf9 reboot-triple-fault; do
	fw_ok "$c" "$c" 1
	expect_note first-boot
	expect_stat resets 1 programs 1
	expect_byte "$VARS" $((0x16000)) 01
	report
done

# A reset in the middle of a flash command: read array and status 0x80
# after it (romd: off/on around the marker, off at the erase setup, on at
# the reset, off/on around the status read).
fw_ok reboot-mid-command reboot-mid-command 4
expect_note first-boot
expect_stat resets 1 programs 1 erases 0 mmio 9 romd_on 3 romd_off 3
expect_byte "$VARS" $((0x16000)) 01
expect_byte "$VARS" 3 5a
report

fw_ok poweroff poweroff 0
expect_stat resets 0
report

# Hostile guests.
FWNAME=triple-fault
run triple-fault triple-fault --no-reboot
expect_status 4
expect_msg "guest triple fault"
expect_note triple-faulting
expect_checks 0
expect_not_done
expect_stat other 1 resets 0
report

fw_ok code-write code-write 6
expect_stat mmio 5 ummio_writes 5 ummio_reads 0
expect_file "$FW" "$W/testfw-pristine.bin"
report

# Every port but 0x92, 0xCF9 and 0x402 is read and written: 65536 reads
# less the 35 ports the VMM claims (0x20-0x21, 0x40-0x43, 0x60, 0x61,
# 0x64, 0x70-0x71, 0x92, 0xA0-0xA1, 0x3F8-0x3FF, 0x402, 0x4D0-0x4D1,
# 0x510-0x511, 0xCF8-0xCFF), plus the two probes after; the one byte that
# reaches COM1's transmitter is the 0xFF written to 0x3F8.  With KVM's
# irqchip the keyboard controller's stand-in also takes 0x62-0x63.
fw_ok wild-pio wild-pio 6
expect_note all-ports-done
expect_stat upio_reads 65503 upio_writes 65501 mmio 0
printf '\377' >"$W/wild-pio-expected"
expect_file "$OUT" "$W/wild-pio-expected"
report

fw_ok wild-pio-kernel wild-pio 6 --irqchip kernel
expect_note all-ports-done
expect_stat upio_reads 65501 upio_writes 65499 mmio 0
printf '\377' >"$W/wild-pio-expected"
expect_file "$OUT" "$W/wild-pio-expected"
report

# 1024 grid points over the physical address space, each a write and a
# read, RAM below 512 MiB: 8 points with 36 bits (every 64 MiB), 1 with 40
# (every GiB); then 11 reads and 8 writes nobody claims at chosen spots
# (firmware/testfw/hostile.S).
fw_ok wild-mmio wild-mmio 16 --fwcfg opt/testfw/arg=512
expect_note "phys-bits=0x24"
expect_stat ummio_reads $((1016 + 11)) ummio_writes $((1016 + 8))
report

fw_ok wild-mmio-40-bits wild-mmio 16 --fwcfg opt/testfw/arg=512 --phys-bits 40
expect_note "phys-bits=0x28"
expect_stat ummio_reads $((1023 + 11)) ummio_writes $((1023 + 8))
report

FWNAME=timeout
run timeout timeout --timeout 1
expect_status 5
expect_msg "timeout"
expect_note looping
expect_not_done
report

# SIGTERM once the guest says it is looping.
FWNAME=signal
start signal
run_bg signal /dev/null looping 'kill -TERM $PID'
expect_status 6
expect_msg "stopped"
expect_note looping
expect_not_done
report

# The VMM runs the guest under its seccomp filter (mode 2 in
# /proc/PID/status), and without one with --no-sandbox.
seccomp_is() {
	local got
	got=$(awk '$1 == "Seccomp:" { print $2 }' "/proc/$PID/status" 2>/dev/null)
	[ "$got" = "$1" ] || why "Seccomp: '${got:-none}' in /proc/$PID/status, want $1"
}
FWNAME=signal
start sandboxed
run_bg signal /dev/null looping 'seccomp_is 2; kill -TERM $PID'
expect_status 6
report

start no-sandbox
ARGS_EXTRA=--no-sandbox run_bg signal /dev/null looping 'seccomp_is 0; kill -TERM $PID'
expect_status 6
report

# A second VMM on a VARS file in use is refused (status 2) before it runs
# anything; the first one is then stopped.
FWNAME=signal
start vars-locked
run_bg signal /dev/null looping 'second_vmm; kill -TERM $PID'
expect_status 6
report

# Instructions the VMM cannot emulate: status 4 and a message naming the
# instruction's address, which the firmware notes just before.
for c in bad-insn x87-mmio; do
	FWNAME=$c
	run "$c" "$c"
	rip=$(sed -n "s/^TESTFW $c note rip=\(0x[0-9a-f]*\)\$/\1/p" "$DBG")
	expect_status 4
	if [ -z "$rip" ]; then
		why "no rip note from the firmware"
	else
		expect_msg_prefix "cannot emulate instruction at rip $rip (64-bit): "
	fi
	expect_checks 0
	expect_not_done
	report
done

# run_tool NAME CMD...: a test program (not the CLI) with a 60 s hard
# limit; its status in ST, its output in OUT and ERR, no --stats.
run_tool() {
	start "$1"
	shift
	local t0=$(date +%s%N)
	timeout -k 5 60 "$@" >"$OUT" 2>"$ERR"
	ST=$?
	SECS=$(( ($(date +%s%N) - t0) / 1000000 ))
	: >"$STATS"
}

# The example embedder (examples/embedder.c), built by tests/install/run.sh
# against a DESTDIR install with pkg-config only: it runs the "timeout"
# case (a loop without exits) on a thread of its own and stops it from its
# main thread once the guest says it is looping.
FWNAME=embedder
EMB=$B/install-test/embedder
if [ ! -x "$EMB" ] && [ -w "$B" ]; then
	tests/install/run.sh "$B" >"$W/install.log" 2>&1
fi
if [ ! -x "$EMB" ] || [ ! -f "$B/install-test/libdir" ]; then
	start embedder
	why "$EMB is missing (tests/install/run.sh builds it)"
else
	run_tool embedder env \
		LD_LIBRARY_PATH="$B/install-test/$(cat "$B/install-test/libdir")" \
		"$EMB" "$FW"
	expect_status 0
	grep -q '^embedder: vmm_run returned 0, exit reason 3 (stopped): stopped from another thread$' \
		"$OUT" || why "embedder: '$(grep -m1 'vmm_run returned' "$OUT")'"
	sed -n 's/^embedder: exits \([0-9]*\) (io \([0-9]*\), mmio \([0-9]*\), emulation \([0-9]*\), kicks \([0-9]*\))$/exits \1\nio \2\nmmio \3\nemulation \4\nkicks \5/p' \
		"$OUT" >"$STATS"
	[ "$(stat kicks)" -ge 1 ] 2>/dev/null || why "no kick counted: the stop did not interrupt KVM_RUN"
fi
report

# The machine description (vmm describe-machine, libfdt): every memslot,
# port and MMIO window of four machines (test firmware; OVMF 2M with 4 GiB
# on both irqchips, ROMD and MMIO VARS; OVMF 4M as an SEV sim launch)
# against the tree, then the tree's addresses against the layout.
FWNAME=fdt
run_tool fdt-check "$B/tests/fdt_check" "$FW"
expect_status 0
grep '^FAIL' "$OUT" | head -n 4 | while read -r l; do echo "  $l"; done
DETAIL=$(tail -n 1 "$OUT")
case $DETAIL in "fdt: "*" passed, 0 failed") ;; *) why "'$DETAIL'" ;; esac
report
DETAIL=

# dtc (Debian's device-tree-compiler) reads the tree without a warning and
# writes it back: dtb -> dts -> dtb -> dts gives the same source.
start describe-machine-dtc
t0=$(date +%s%N)
if ! command -v dtc >/dev/null; then
	why "dtc is not installed (apt-get install device-tree-compiler)"
else
	"$VMM" describe-machine --firmware /usr/share/OVMF/OVMF_CODE.fd \
		--vars /usr/share/OVMF/OVMF_VARS.fd --memory 4G -o "$W/m.dtb" 2>"$ERR" \
		|| why "describe-machine failed: $(head -n 1 "$ERR")"
	dtc -q -I dtb -O dts -o "$W/m1.dts" "$W/m.dtb" 2>"$W/dtc.err" \
		&& dtc -I dtb -O dts -o /dev/null "$W/m.dtb" 2>"$W/dtc-warn.err" \
		&& dtc -q -I dts -O dtb -o "$W/m2.dtb" "$W/m1.dts" 2>>"$W/dtc.err" \
		&& dtc -q -I dtb -O dts -o "$W/m2.dts" "$W/m2.dtb" 2>>"$W/dtc.err" \
		|| why "dtc failed: $(head -n 1 "$W/dtc.err")"
	[ ! -s "$W/dtc-warn.err" ] || why "dtc warns: $(head -n 1 "$W/dtc-warn.err")"
	cmp -s "$W/m1.dts" "$W/m2.dts" || why "dts differs after a round trip"
	grep -q 'compatible = "cfi-flash";' "$W/m1.dts" || why "no cfi-flash node in the source"
	grep -q 'compatible = "pci8086,7113\\0pciclass,068000";' "$W/m1.dts" ||
		why "no PIIX4 PM function node in the source"
	DETAIL="$(command stat -c %s "$W/m.dtb")-byte tree, $(grep -c '{$' "$W/m1.dts") nodes, round trip identical"
fi
SECS=$(( ($(date +%s%N) - t0) / 1000000 ))
report
DETAIL=

# Snapshot/restore (tests/fuzz/vm/restore_test.c): every device and guest
# RAM rewound, on both irqchips; then the whole-VM fuzz corpus, each input
# run twice from the snapshot with the same outcome and exits.
FWNAME=snapshot
run_tool snapshot-restore "$B/tests/restore_test" "$FW"
expect_status 0
grep '^FAIL' "$OUT" | head -n 4 | while read -r l; do echo "  $l"; done
DETAIL=$(tail -n 1 "$OUT")
[ "$DETAIL" = "snapshot: 30 passed, 0 failed" ] || why "'$DETAIL', want 30 passed"
report
DETAIL=

# The unit stage's cmocka case that needs a KVM (skipped there without
# one): XSAVE state of a real vCPU through the emulator's x87/SSE view.
FWNAME=xsave
run_tool emu-xsave-kvm "$B/tests/test_emu_xsave"
expect_status 0
DETAIL=$(grep -c '^\[       OK \]' "$OUT") DETAIL="$DETAIL cmocka cases"
grep -q '^\[  SKIPPED \]' "$OUT" && why "skipped on KVM: $(grep -m1 '^skip: ' "$ERR")"
report
DETAIL=

run_tool fuzz-vm-replay env VMM_FUZZ_FIRMWARE="$FW" "$B/tests/kvm_replay_vm" \
	tests/fuzz/corpus/vm
expect_status 0
DETAIL=$(grep '^vm: ' "$OUT" | tail -n 1)
n=$(ls tests/fuzz/corpus/vm | wc -l)
case $DETAIL in
"vm: $n inputs:"*"each run twice from the snapshot: same outcome and exits (less timer kicks)") ;;
*) why "'${DETAIL:-no summary}' (see $ERR)" ;;
esac
report
DETAIL=

SUITE_MS=$(( ($(date +%s%N) - SUITE_START) / 1000000 ))
echo "fw: $((PASSED + FAILED)) cases in $((SUITE_MS / 1000)).$(printf %03d $((SUITE_MS % 1000))) s"
echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" -eq 0 ]
