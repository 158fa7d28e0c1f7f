#!/usr/bin/env bash
# Bad input: one clear line on stderr, the documented exit status, and no VM
# created (so none of these needs /dev/kvm to get as far as the check).
set -u
B=$(realpath "${1:-build}")
VMM=$B/vmm
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0

# expect STATUS REGEX -- ARGS...: the run exits STATUS, prints exactly one
# stderr line, and that line matches REGEX.
expect() {
	local want=$1 re=$2 out rc lines
	shift 3
	out=$("$VMM" "$@" 2>&1 >/dev/null </dev/null); rc=$?
	lines=$(printf '%s\n' "$out" | grep -c .)
	if [ "$rc" = "$want" ] && [ "$lines" = 1 ] && printf '%s' "$out" | grep -Eq -e "$re"; then
		pass=$((pass + 1)); echo "PASS cli: $* -> $rc: $out"
	else
		fail=$((fail + 1)); echo "FAIL cli: $* -> status $rc (want $want), $lines lines: $out"
	fi
}

truncate -s 0 "$T/empty.fd"
truncate -s 4097 "$T/odd.fd"
truncate -s 65536 "$T/code.fd"
truncate -s 7340032 "$T/big.fd"
truncate -s 131072 "$T/vars.fd"
mkdir "$T/dir"
touch "$T/noperm.fd" && chmod 000 "$T/noperm.fd"

expect 2 'firmware is required' -- 
expect 2 'unknown or incomplete option .--bogus' -- --bogus
expect 2 "unexpected argument 'extra'" -- --firmware "$T/code.fd" extra
expect 2 'firmware .*/missing.fd: No such file or directory' -- --firmware "$T/missing.fd"
expect 2 'firmware: not a regular file' -- --firmware "$T/dir"
expect 2 'firmware: empty file' -- --firmware "$T/empty.fd"
expect 2 'firmware: size 4097 is not a multiple of 4 KiB' -- --firmware "$T/odd.fd"
expect 2 'vars: size 4097 is not a multiple of 4 KiB' -- --firmware "$T/code.fd" --vars "$T/odd.fd"
expect 2 'vars: empty file' -- --firmware "$T/code.fd" --vars "$T/empty.fd"
expect 2 'vars .*/missing.fd: No such file or directory' -- --firmware "$T/code.fd" --vars "$T/missing.fd"
expect 2 'more than the 8388608-byte flash window' -- --firmware "$T/big.fd" --vars "$T/big.fd"
expect 2 'memory 0: not a size' -- --firmware "$T/code.fd" --memory 0
expect 2 'memory 12Q: not a size' -- --firmware "$T/code.fd" --memory 12Q
expect 2 "memory: 1048576 MiB is more than the host's" -- --firmware "$T/code.fd" --memory 1T
expect 2 'need a whole number of MiB, at least 32 MiB' -- --firmware "$T/code.fd" --memory 16M
expect 2 'phys-bits 99: want 32..52' -- --firmware "$T/code.fd" --phys-bits 99
expect 2 'timeout 0: want whole seconds' -- --firmware "$T/code.fd" --timeout 0
expect 2 'fwcfg x: want NAME=STRING' -- --firmware "$T/code.fd" --fwcfg x
expect 2 "unknown command 'frobnicate'" -- frobnicate
# SEV-SNP options (refused before any VM is made).
head -c 96 /dev/zero >"$T/idblock"
expect 2 '^vmm: --sev-id-block, --sev-id-auth and --sev-host-data are for --sev-snp' -- --firmware "$T/code.fd" --sev --sev-id-block "$T/idblock" --sev-id-auth "$T/idblock"
expect 2 '^vmm: SEV options need --sev, --sev-es or --sev-snp' -- --firmware "$T/code.fd" --sev-host-data 00
expect 2 '^vmm: --sev-id-block and --sev-id-auth go together' -- --firmware "$T/code.fd" --sev-snp --sev-id-block "$T/idblock"
expect 2 '^vmm: --sev-host-data 12zz: want 64 hex digits \(32 bytes\)' -- --firmware "$T/code.fd" --sev-snp --sev-host-data 12zz
# Firmware descriptors at boot (firmware/fwdesc.h): nothing is created on
# any of these.
mkdir "$T/nodesc"
expect 2 '^vmm: --firmware goes without --firmware-descriptor and --firmware-feature' -- --firmware "$T/code.fd" --firmware-feature amd-sev
expect 2 '^vmm: --firmware-dir is for --firmware-feature' -- --firmware "$T/code.fd" --firmware-dir "$T/nodesc"
expect 2 '^vmm: --firmware is required \(or --firmware-feature/--firmware-descriptor\)' -- --vars "$T/new.fd"
expect 2 '^vmm: no descriptor offers no-such-feature \(searched [0-9]+ files' -- --firmware-feature no-such-feature --vars "$T/new.fd"
expect 2 '^vmm: no descriptor offers amd-sev \(searched 0 files\)' -- --firmware-dir "$T/nodesc" --firmware-feature amd-sev --vars "$T/new.fd"
expect 2 "^vmm: $T/missing.json: No such file or directory" -- --firmware-descriptor "$T/missing.json" --vars "$T/new.fd"
expect 2 '^vmm: tests/data/fwdesc/bad-json.json: not valid JSON at byte 21' -- --firmware-descriptor tests/data/fwdesc/bad-json.json --vars "$T/new.fd"
expect 2 'requires-smm: this VMM has no SMM' -- --firmware-descriptor tests/data/fwdesc/requires-smm.json --vars "$T/new.fd"
expect 2 '^vmm: --firmware-feature f9: at most 8 features' -- $(for i in 1 2 3 4 5 6 7 8 9; do echo --firmware-feature f$i; done)
expect 2 "^vmm: unknown or incomplete option '--bogus'" -- describe-machine --bogus
expect 2 "^vmm: unknown or incomplete option '--output'" -- --firmware "$T/code.fd" --output "$T/x.dtb"
if [ -e "$T/new.fd" ] || [ -e "$T/x.dtb" ]; then
	fail=$((fail + 1)); echo "FAIL cli: a refused descriptor run left a file behind"
else
	pass=$((pass + 1)); echo "PASS cli: no VARS file created by any refused run"
fi
# --version: one line on stdout naming both versions, status 0.
want_ver="vmm $(sed -n 's/^#define VMM_VERSION_STRING "\(.*\)"/\1/p' vmm/include/vmm.h)"
out=$("$VMM" --version 2>&1); rc=$?
if [ "$rc" = 0 ] && [ "$out" = "$want_ver (libvmm ${want_ver#vmm })" ]; then
	pass=$((pass + 1)); echo "PASS cli: --version -> 0: $out"
else
	fail=$((fail + 1)); echo "FAIL cli: --version -> status $rc: '$out', want '$want_ver (libvmm ${want_ver#vmm })'"
fi
if [ "$(id -u)" != 0 ]; then
	expect 2 'Permission denied' -- --firmware "$T/noperm.fd"
fi
echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
