#!/usr/bin/env bash
# SEV end to end on this host, which has no SEV hardware:
#  - the real (KVM) backend refuses cleanly, one line, exit status 1;
#  - the sim backend launches the test firmware (SEV and SEV-ES), the guest
#    runs (unencrypted) to power-off, and the LAUNCH_MEASURE the sim returns
#    equals what `vmm measure` computes offline for the same image, policy,
#    TIK, MNONCE and vCPU signature;
#  - `vmm measure --mode sev` of OVMF_CODE equals sha256sum of the file.
set -u
B=$(realpath "${1:-build}")
VMM=$B/vmm
FW=$B/testfw.bin
W=$B/sev-tests
rm -rf "$W" && mkdir -p "$W"
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS sev: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL sev: $*"; }

head -c 16 /dev/urandom >"$W/tik.bin"

# 1. The KVM backend on a host without SEV.
out=$("$VMM" --firmware "$FW" --sev 2>&1 >/dev/null </dev/null); st=$?
if [ $st = 1 ] && [ "$(printf '%s\n' "$out" | grep -c .)" = 1 ] &&
   printf '%s' "$out" | grep -q '^vmm: sev: SEV requested, but this host cannot: '; then
	ok "kvm backend refused: $out"
else
	bad "kvm backend: status $st, output: $out"
fi

# 2./3. The sim backend, SEV and SEV-ES, test firmware to power-off, on the
# default (split) irqchip and on KVM's.
sim_case() {
	local mode=$1 flag=$2 policy=$3 init2=${4:-} chip=${5:-} m nonce sig want
	local name=$1${4:+-init2}${5:+-$5}
	"$VMM" --firmware "$FW" "$flag" --sev-backend sim --sev-policy "$policy" \
		${init2:+--sev-init2} ${chip:+--irqchip "$chip"} \
		--sev-tik "$W/tik.bin" --sev-measurement "$W/$name.txt" \
		--fwcfg opt/testfw/case=poweroff --timeout 20 \
		</dev/null >/dev/null 2>"$W/$name.err"
	st=$?
	[ $st = 0 ] || { bad "$name sim launch: exit status $st: $(cat "$W/$name.err")"; return; }
	m=$(awk '/^measure:/ {print $2}' "$W/$name.txt")
	nonce=$(awk '/^mnonce:/ {print $2}' "$W/$name.txt")
	sig=$(sed -n 's/.*vcpu signature 0x\([0-9a-f]*\).*/\1/p' "$W/$name.err")
	want=$("$VMM" measure --firmware "$FW" --mode "$mode" --policy "$policy" \
		${init2:+--init2} \
		--vcpu-sig "$sig" --tik "$W/tik.bin" --nonce "$nonce")
	if [ -n "$m" ] && [ "$m" = "$want" ]; then
		ok "$name sim launch ran the guest; LAUNCH_MEASURE $m = vmm measure"
	else
		bad "$name sim: LAUNCH_MEASURE '$m', vmm measure '$want'"
	fi
}
sim_case sev --sev 0
sim_case sev-es --sev-es 4
sim_case sev-es --sev-es 4 init2
sim_case sev --sev 0 "" kernel
sim_case sev-es --sev-es 4 "" kernel

# 5. SEV-SNP on the sim backend: the test firmware (no ASEV metadata) is
# refused in one line; real OVMF (2M X64, which has it) is launched and run
# for a second, its MEASUREMENT must equal `vmm measure --mode snp`, and its
# VARS is MMIO only (no ROMD switch).  The kvm backend refuses SNP in one
# line on a host without it (no SNP hardware was ever available here).
out=$("$VMM" --firmware "$FW" --sev-snp --sev-backend sim 2>&1 >/dev/null </dev/null); st=$?
if [ $st = 2 ] && printf '%s' "$out" | grep -q '^vmm: sev: the firmware has no SEV-SNP metadata'; then
	ok "snp sim refuses firmware without ASEV metadata"
else
	bad "snp without metadata: status $st: $out"
fi
out=$("$VMM" --firmware "$FW" --sev-snp 2>&1 >/dev/null </dev/null); st=$?
if [ $st = 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] &&
   printf '%s' "$out" | grep -q '^vmm: sev: SEV-SNP requested, but this host cannot: .*KVM cannot create VM type 4'; then
	ok "snp kvm backend refused on a host without SNP: $out"
else
	bad "snp kvm backend: status $st: $out"
fi
if [ -f /usr/share/OVMF/OVMF_CODE.fd ]; then
	cp /usr/share/OVMF/OVMF_VARS.fd "$W/snp-vars.fd"
	"$VMM" --firmware /usr/share/OVMF/OVMF_CODE.fd --vars "$W/snp-vars.fd" \
		--sev-snp --sev-backend sim --sev-measurement "$W/snp.txt" \
		--timeout 1 --stats </dev/null >/dev/null 2>"$W/snp.err"
	st=$?
	m=$(awk '/^measure:/ {print $2}' "$W/snp.txt" 2>/dev/null)
	sig=$(sed -n 's/.*vcpu signature 0x\([0-9a-f]*\).*/\1/p' "$W/snp.err")
	want=$("$VMM" measure --firmware /usr/share/OVMF/OVMF_CODE.fd --mode snp --vcpu-sig "${sig:-0}")
	if [ $st = 5 ] && [ -n "$m" ] && [ "$m" = "$want" ] &&
	   grep -q '^stats: vars romd on 0 off 0' "$W/snp.err"; then
		ok "snp sim launch of OVMF_CODE.fd ran; MEASUREMENT $m = vmm measure --mode snp; VARS MMIO only"
	else
		bad "snp sim OVMF: status $st, MEASUREMENT '$m', vmm measure '$want': $(grep -v '^stats' "$W/snp.err" | head -n 2)"
	fi
	# 5a. The guest owner's ID block from `vmm snp-id-block` (P-384 keys
	# from openssl, the vCPU signature the launch above printed): the
	# launch with it runs and its MEASUREMENT is the one signed; an ID
	# block for another launch (2 vCPUs) stops SNP_LAUNCH_FINISH in one
	# line.
	openssl ecparam -name secp384r1 -genkey -noout -out "$W/id.pem" 2>/dev/null &&
		openssl ecparam -name secp384r1 -genkey -noout -out "$W/author.pem" 2>/dev/null ||
		bad "snp id block: openssl cannot make P-384 keys"
	idm=$("$VMM" snp-id-block --firmware /usr/share/OVMF/OVMF_CODE.fd --vcpu-sig "${sig:-0}" \
		--id-key "$W/id.pem" --author-key "$W/author.pem" --id-block "$W/id-block.bin" \
		--id-auth "$W/id-auth.bin" 2>"$W/snp-id.err" </dev/null | sed -n 's/^measurement: //p')
	"$VMM" --firmware /usr/share/OVMF/OVMF_CODE.fd --vars "$W/snp-vars.fd" \
		--sev-snp --sev-backend sim --sev-id-block "$W/id-block.bin" \
		--sev-id-auth "$W/id-auth.bin" --sev-measurement "$W/snp-id.txt" \
		--timeout 1 </dev/null >/dev/null 2>"$W/snp-id-launch.err"
	st=$?
	m=$(awk '/^measure:/ {print $2}' "$W/snp-id.txt" 2>/dev/null)
	if [ $st = 5 ] && [ -n "$m" ] && [ "$m" = "$idm" ] && [ "$m" = "$want" ]; then
		ok "snp sim launch with vmm snp-id-block's ID block and author key ran; MEASUREMENT $m as signed"
	else
		bad "snp id block launch: status $st, MEASUREMENT '$m', signed '$idm': $(cat "$W/snp-id.err") $(grep -v '^vmm: info: ' "$W/snp-id-launch.err" | head -n 2)"
	fi
	"$VMM" snp-id-block --firmware /usr/share/OVMF/OVMF_CODE.fd --vcpus 2 --vcpu-sig "${sig:-0}" \
		--id-key "$W/id.pem" --id-block "$W/id-block2.bin" --id-auth "$W/id-auth2.bin" \
		</dev/null >/dev/null 2>&1
	"$VMM" --firmware /usr/share/OVMF/OVMF_CODE.fd --vars "$W/snp-vars.fd" \
		--sev-snp --sev-backend sim --sev-id-block "$W/id-block2.bin" \
		--sev-id-auth "$W/id-auth2.bin" --timeout 1 </dev/null >/dev/null 2>"$W/snp-id2.err"
	st=$?
	out=$(grep -v '^vmm: info: ' "$W/snp-id2.err")
	if [ $st = 1 ] && [ "$(printf '%s\n' "$out" | grep -c .)" = 1 ] &&
	   printf '%s' "$out" | grep -q 'SNP_LAUNCH_FINISH failed: BAD_MEASUREMENT'; then
		ok "snp sim launch with an ID block for 2 vCPUs refused: $out"
	else
		bad "snp id block for another launch: status $st: $out"
	fi
fi

# 5b. The cmocka tests that need a KVM (skipped in the unit stage without
# one): the machine's sim launch with a secret (test_sev_glue), and the
# whole SNP launch on the kvm backend over this KVM made to look like an
# SNP host (test_sev_snp_machine: guest_memfd slots, private attributes,
# the exact SNP_LAUNCH_UPDATEs, the model's MEASUREMENT = vmm measure).
for t in test_sev_glue test_sev_snp_machine; do
	if [ ! -x "$B/tests/$t" ]; then
		bad "$t not built"
	elif "$B/tests/$t" >"$W/$t.log" 2>&1 && ! grep -q '^\[  SKIPPED \]' "$W/$t.log"; then
		ok "$t: $(grep -c '^\[       OK \]' "$W/$t.log") cmocka cases on KVM"
	else
		bad "$t: $(grep -m1 'ERROR\|SKIPPED\|FAILED' "$W/$t.log")"
	fi
done

# 4. Plain SEV over the whole image is the SHA-256 of its bytes.
for f in /usr/share/OVMF/OVMF_CODE.fd /usr/share/OVMF/OVMF_CODE_4M.fd; do
	[ -f "$f" ] || { bad "$f missing"; continue; }
	got=$("$VMM" measure --firmware "$f" --mode sev)
	want=$(sha256sum "$f" | cut -d' ' -f1)
	[ "$got" = "$want" ] && ok "measure --mode sev ${f##*/} = sha256sum ($got)" ||
		bad "measure ${f##*/}: $got, sha256sum $want"
done
echo "sev: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
