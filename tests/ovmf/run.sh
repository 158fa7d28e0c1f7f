#!/usr/bin/env bash
# End-to-end with Debian's real OVMF on this host's KVM.  Each boot to the
# UEFI Shell takes about 5 minutes on PVM (the firmware's kernel-mode code
# is emulated instruction by instruction), so the boots run two at a time:
#   lane A (2 MiB X64 build, the default split irqchip): boot 1 types
#          `ver`, sets a non-volatile variable, powers off; the VARS file
#          is checked offline; boot 2 reads the variable back, powers off.
#   lane B (4 MiB Ia32X64 build, KVM's irqchip): an SEV launch with the
#          sim backend (the firmware model measures CODE; the guest runs
#          unencrypted) boots to the Shell, `ver`, power off, and the
#          LAUNCH_MEASURE it reported must equal `vmm measure` for the same
#          image and parameters; then a boot killed with SIGKILL in the
#          middle of its variable writes, and the VARS file must still parse.
set -u
cd "$(dirname "$0")/../.."
B=$(realpath "${1:-build}")
VMM=$B/vmm
W=$B/ovmf-e2e
OVMF=/usr/share/OVMF
GUID=5f3c7a1e-6b2d-4e8f-9a10-c0ffee000002
CON=tests/ovmf/console.py
BOOT_TIMEOUT=${OVMF_BOOT_TIMEOUT:-1500}
rm -rf "$W" && mkdir -p "$W"

if [ ! -f $OVMF/OVMF_CODE.fd ]; then
	echo "installing the ovmf package"
	apt-get install -y -qq ovmf >/dev/null || { echo "FAIL ovmf: cannot install the ovmf package"; exit 1; }
fi

step() { echo "== $*"; }

lane_a() {
	local v=$W/vars-2m.fd t0=$SECONDS got
	cp $OVMF/OVMF_VARS.fd "$v"
	step "2M: a variable set offline (vmm vars set) before boot 1"
	"$VMM" vars set "$v" OfflineTest --guid $GUID --data-string "from-vmm" \
		|| { echo "FAIL ovmf-2m-vars-set"; return 1; }
	echo "PASS ovmf-2m-vars-set"
	step "2M boot 1: Shell, ver, reads OfflineTest, setvar, reset -s"
	# The Shell's setvar without a value prints it as hex bytes: L"from-vmm".
	$CON --timeout "$BOOT_TIMEOUT" --log "$W/2m-boot1.log" \
		--expect 'Shell>' --send 'ver\r' \
		--expect 'UEFI v2\.[0-9]+ \(EDK II' --expect 'Shell>' \
		--send "setvar OfflineTest -guid $GUID\\r" \
		--expect '66 00 72 00 6F 00 6D 00 2D 00 76 00 6D 00 6D 00' --expect 'Shell>' \
		--send "setvar PvmTest -guid $GUID -nv -bs -rt =L\"hello-pvm\"\\r" \
		--expect 'Shell>' --send 'reset -s\r' \
		-- "$VMM" --firmware $OVMF/OVMF_CODE.fd --vars "$v" --stats \
		|| { echo "FAIL ovmf-2m-boot1"; return 1; }
	echo "PASS ovmf-2m-boot1 ($((SECONDS - t0)) s)"
	step "2M: the variable is in the VARS file (read offline)"
	"$VMM" vars-dump "$v" >"$W/2m-vars.txt" 2>&1 || { echo "FAIL ovmf-2m-vars-dump"; cat "$W/2m-vars.txt"; return 1; }
	# The variable's header line, then its UTF-16 rendering before the next one.
	awk -v g="$GUID" 'tolower($1) == "pvmtest" && tolower($2) == g { f = 1; next }
		f && /^[^ ]/ { f = 0 }
		f && /utf16: "hello-pvm"$/ { ok = 1 }
		END { exit !ok }' "$W/2m-vars.txt" \
		|| { echo "FAIL ovmf-2m-vars-offline: PvmTest=hello-pvm not in the file"; grep -A3 PvmTest "$W/2m-vars.txt"; return 1; }
	echo "PASS ovmf-2m-vars-offline"
	got=$("$VMM" vars get "$v" PvmTest --guid $GUID --string 2>&1)
	[ "$got" = "hello-pvm" ] || { echo "FAIL ovmf-2m-vars-get: vmm vars get PvmTest printed '$got'"; return 1; }
	echo "PASS ovmf-2m-vars-get (the Shell's variable read back offline: $got)"
	if command -v virt-fw-vars >/dev/null; then
		virt-fw-vars -i "$v" --output-json "$W/2m-vars.json" >"$W/2m-virt-fw-vars.log" 2>&1 \
			&& python3 - "$W/2m-vars.json" "$GUID" <<'PY' || { echo "FAIL ovmf-2m-virt-fw-vars: PvmTest not read back"; return 1; }
import json, sys
want = "hello-pvm".encode("utf-16-le").hex()  # the Shell stores no NUL
vs = json.load(open(sys.argv[1]))["variables"]
ok = [v for v in vs if v["name"] == "PvmTest" and v["guid"].lower() == sys.argv[2] and v["data"].lower() == want]
sys.exit(0 if ok else 1)
PY
		echo "PASS ovmf-2m-virt-fw-vars (virt-fw-vars reads the store OVMF and vmm wrote)"
	else
		echo "SKIP ovmf-2m-virt-fw-vars: virt-fw-vars not installed (python3-virt-firmware, bookworm-backports)"
	fi
	t0=$SECONDS
	step "2M boot 2: read the variable back"
	$CON --timeout "$BOOT_TIMEOUT" --log "$W/2m-boot2.log" \
		--expect 'Shell>' --send "setvar PvmTest -guid $GUID\\r" \
		--expect '68 00 65 00 6C 00 6C 00 6F 00 2D 00 70 00 76 00' \
		--expect 'Shell>' --send 'reset -s\r' \
		-- "$VMM" --firmware $OVMF/OVMF_CODE.fd --vars "$v" --stats \
		|| { echo "FAIL ovmf-2m-boot2"; return 1; }
	echo "PASS ovmf-2m-boot2 ($((SECONDS - t0)) s)"
}

lane_b() {
	local v=$W/vars-4m.fd k=$W/vars-4m-kill.fd t0=$SECONDS
	# No --firmware: the first of QEMU's descriptors offering amd-sev
	# (Debian's 60-edk2-x86_64.json, the 4M pair), and VARS created from
	# its template.
	step "4M boot as an SEV guest (sim backend) from the descriptor: Shell, ver, reset -s"
	head -c 16 /dev/urandom >"$W/tik.bin"
	$CON --timeout "$BOOT_TIMEOUT" --log "$W/4m-boot.log" \
		--expect 'Shell>' --send 'ver\r' \
		--expect 'UEFI v2\.[0-9]+ \(EDK II' --expect 'Shell>' \
		--send 'reset -s\r' \
		-- "$VMM" --firmware-feature amd-sev --vars "$v" --stats \
		--irqchip kernel \
		--sev --sev-backend sim --sev-policy 1 --sev-tik "$W/tik.bin" \
		--sev-measurement "$W/4m-measurement.txt" 2>"$W/4m-boot.err" \
		|| { cat "$W/4m-boot.err"; echo "FAIL ovmf-4m-boot"; return 1; }
	cat "$W/4m-boot.err"
	echo "PASS ovmf-4m-boot ($((SECONDS - t0)) s)"
	grep -q "^vmm: created $v from $OVMF/OVMF_VARS_4M.fd (/usr/share/qemu/firmware/60-edk2-x86_64.json)" "$W/4m-boot.err" \
		&& [ "$(stat -c %s "$v")" = "$(stat -c %s $OVMF/OVMF_VARS_4M.fd)" ] \
		|| { echo "FAIL ovmf-4m-descriptor: VARS not created from the descriptor's template"; return 1; }
	echo "PASS ovmf-4m-descriptor (60-edk2-x86_64.json chosen for amd-sev, VARS created from its template)"
	local m nonce want
	m=$(awk '/^measure:/ {print $2}' "$W/4m-measurement.txt")
	nonce=$(awk '/^mnonce:/ {print $2}' "$W/4m-measurement.txt")
	want=$("$VMM" measure --firmware $OVMF/OVMF_CODE_4M.fd --mode sev \
		--policy 1 --tik "$W/tik.bin" --nonce "$nonce")
	[ -n "$m" ] && [ "$m" = "$want" ] \
		|| { echo "FAIL ovmf-4m-sev-measure: sim $m, vmm measure $want"; return 1; }
	echo "PASS ovmf-4m-sev-measure (LAUNCH_MEASURE $m = vmm measure)"
	t0=$SECONDS
	step "4M: SIGKILL during variable writes, then the file must parse"
	cp $OVMF/OVMF_VARS_4M.fd "$k"
	"$VMM" --firmware $OVMF/OVMF_CODE_4M.fd --vars "$k" --stats --timeout "$BOOT_TIMEOUT" \
		</dev/null >"$W/4m-kill.log" 2>&1 &
	local pid=$! before after
	before=$(md5sum <"$k")
	# The first durable flush of a variable write changes the file.
	while kill -0 $pid 2>/dev/null && [ "$(md5sum <"$k")" = "$before" ]; do sleep 1; done
	sleep 2
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	after=$(md5sum <"$k")
	[ "$before" != "$after" ] || { echo "FAIL ovmf-4m-kill: the guest never wrote a variable"; return 1; }
	"$VMM" vars-dump "$k" >"$W/4m-kill-vars.txt" 2>&1 \
		|| { echo "FAIL ovmf-4m-kill: VARS file does not parse after SIGKILL"; cat "$W/4m-kill-vars.txt"; return 1; }
	[ "$(stat -c %s "$k")" = "$(stat -c %s $OVMF/OVMF_VARS_4M.fd)" ] || { echo "FAIL ovmf-4m-kill: size changed"; return 1; }
	echo "PASS ovmf-4m-kill ($((SECONDS - t0)) s, $(grep -c . "$W/4m-kill-vars.txt") lines of variables)"
}

# SEV-SNP with the sim backend over the 2M X64 build (the one with OVMF's
# ASEV metadata): VARS is MMIO only (the SNP VM type has no read-only
# slots), the model's MEASUREMENT must equal `vmm measure --mode snp`, and
# a variable the Shell sets persists into a second launch.
lane_snp() {
	local v=$W/vars-snp.fd t0=$SECONDS m sig want
	cp $OVMF/OVMF_VARS.fd "$v"
	step "2M SNP launch 1 (sim backend): Shell, setvar, reset -s"
	$CON --timeout "$BOOT_TIMEOUT" --log "$W/snp-boot1.log" \
		--expect 'Shell>' \
		--send "setvar SnpTest -guid $GUID -nv -bs -rt =L\"snp-vars\"\\r" \
		--expect 'Shell>' --send 'reset -s\r' \
		-- "$VMM" --firmware $OVMF/OVMF_CODE.fd --vars "$v" --stats \
		--sev-snp --sev-backend sim --sev-measurement "$W/snp-measurement.txt" \
		2>"$W/snp-boot1.err" \
		|| { cat "$W/snp-boot1.err"; echo "FAIL ovmf-snp-boot1"; return 1; }
	cat "$W/snp-boot1.err"
	echo "PASS ovmf-snp-boot1 ($((SECONDS - t0)) s)"
	grep -q '^stats: vars romd on 0 off 0' "$W/snp-boot1.err" \
		|| { echo "FAIL ovmf-snp-vars-mmio: VARS was mapped as ROMD under SNP"; return 1; }
	echo "PASS ovmf-snp-vars-mmio (no read-only slot: every VARS access trapped)"
	m=$(awk '/^measure:/ {print $2}' "$W/snp-measurement.txt")
	sig=$(sed -n 's/^vmm: sev: launch measured (vcpu signature \(0x[0-9a-f]*\))$/\1/p' "$W/snp-boot1.err")
	want=$("$VMM" measure --firmware $OVMF/OVMF_CODE.fd --mode snp --vcpu-sig "${sig#0x}")
	[ -n "$m" ] && [ "$m" = "$want" ] \
		|| { echo "FAIL ovmf-snp-measure: sim $m, vmm measure $want (signature $sig)"; return 1; }
	echo "PASS ovmf-snp-measure (MEASUREMENT $m = vmm measure --mode snp)"
	[ "$("$VMM" vars get "$v" SnpTest --guid $GUID --string 2>&1)" = snp-vars ] \
		|| { echo "FAIL ovmf-snp-vars-offline: SnpTest not in the file"; return 1; }
	echo "PASS ovmf-snp-vars-offline"
	t0=$SECONDS
	step "2M SNP launch 2: the variable read back"
	$CON --timeout "$BOOT_TIMEOUT" --log "$W/snp-boot2.log" \
		--expect 'Shell>' --send "setvar SnpTest -guid $GUID\\r" \
		--expect '73 00 6E 00 70 00 2D 00 76 00 61 00 72 00 73 00' \
		--expect 'Shell>' --send 'reset -s\r' \
		-- "$VMM" --firmware $OVMF/OVMF_CODE.fd --vars "$v" --stats \
		--sev-snp --sev-backend sim \
		|| { echo "FAIL ovmf-snp-boot2"; return 1; }
	echo "PASS ovmf-snp-boot2 ($((SECONDS - t0)) s)"
}

lane_a >"$W/lane-a.txt" 2>&1 &
pa=$!
{ lane_b && lane_snp; } >"$W/lane-b.txt" 2>&1 &
pb=$!
wait $pa; ra=$?
wait $pb; rb=$?
cat "$W/lane-a.txt" "$W/lane-b.txt"
pass=$(cat "$W"/lane-*.txt | grep -c '^PASS')
fail=$(cat "$W"/lane-*.txt | grep -c '^FAIL')
[ $ra -eq 0 ] && [ $rb -eq 0 ] || [ "$fail" -gt 0 ] || fail=1
echo "ovmf: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
