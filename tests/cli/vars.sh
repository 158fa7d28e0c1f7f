#!/usr/bin/env bash
# "vmm vars list|get|set|delete" on copies of the real OVMF VARS files:
# bad input (one stderr line, the documented status, the file byte for
# byte unchanged), the edits themselves, and interoperation with
# virt-fw-vars (python3-virt-firmware) both ways.  Needs no KVM.
set -u
B=$(realpath "${1:-build}")
VMM=$B/vmm
OVMF=${OVMF_DIR:-/usr/share/OVMF}
T=$(mktemp -d)
LOCKER=
trap '[ -n "$LOCKER" ] && kill "$LOCKER" 2>/dev/null; rm -rf "$T"' EXIT
pass=0 fail=0
GLOBAL=8be4df61-93ca-11d2-aa0d-00e098032b8c

ok() { pass=$((pass + 1)); echo "PASS vars: $1"; }
bad() { fail=$((fail + 1)); echo "FAIL vars: $1"; }
skip() { echo "SKIP vars: $1"; }

# expect STATUS REGEX FILE -- ARGS...: "vmm ARGS" exits STATUS with exactly
# one stderr line matching REGEX, and FILE (- for none) is unchanged.
expect() {
	local want=$1 re=$2 file=$3 out rc lines sum0=- sum1=-
	shift 4
	[ "$file" != - ] && sum0=$(md5sum <"$file")
	out=$("$VMM" "$@" 2>&1 >/dev/null </dev/null); rc=$?
	[ "$file" != - ] && sum1=$(md5sum <"$file")
	lines=$(printf '%s\n' "$out" | grep -c .)
	if [ "$rc" = "$want" ] && [ "$lines" = 1 ] && [ "$sum0" = "$sum1" ] &&
	   printf '%s' "$out" | grep -Eq -e "$re"; then
		ok "${*:1:3} -> $rc: $out"
	else
		bad "${*:1:3} -> status $rc (want $want), $lines lines, file $([ "$sum0" = "$sum1" ] && echo same || echo CHANGED): $out"
	fi
}

# check NAME COMMAND...: PASS when COMMAND succeeds.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else bad "$name"; fi
}

# Hold an OFD lock (F_OFD_SETLK = 37) of TYPE (1 write, 0 read) on FILE in
# the background, as a running VM's pflash does.
lock_file() {
	rm -f "$T/locked"
	python3 -c '
import fcntl, os, struct, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.fcntl(fd, 37, struct.pack("hhqqii", int(sys.argv[2]), 0, 0, 0, 0, 0))
open(sys.argv[3], "w").close()
time.sleep(60)' "$1" "$2" "$T/locked" &
	LOCKER=$!
	for _ in $(seq 50); do [ -e "$T/locked" ] && return 0; sleep 0.1; done
	return 1
}

unlock_file() {
	kill "$LOCKER" 2>/dev/null
	wait "$LOCKER" 2>/dev/null
	LOCKER=
}

if [ ! -r "$OVMF/OVMF_VARS.fd" ] || [ ! -r "$OVMF/OVMF_VARS_4M.ms.fd" ]; then
	skip "no $OVMF/OVMF_VARS.fd or OVMF_VARS_4M.ms.fd (ovmf package)"
	echo "vars: $pass passed, $fail failed"
	exit 0
fi
F=$T/vars.fd
MS=$T/ms.fd
cp "$OVMF/OVMF_VARS.fd" "$F"
cp "$OVMF/OVMF_VARS_4M.ms.fd" "$MS"
head -c 65536 "$F" >"$T/short.fd"
mkdir "$T/dir"
head -c 200000 /dev/zero >"$T/big.bin"
long=$(printf 'a%.0s' $(seq 1025))

# ---- bad input: status 2 (1 for a missing variable), file untouched ----
expect 2 "--guid 1234: neither a GUID" "$F" -- vars set "$F" Foo --guid 1234 --data-hex 00
expect 2 "--guid 8be4df61-93ca-11d2-aa0d-00e098032b8: neither" "$F" -- vars get "$F" Foo --guid 8be4df61-93ca-11d2-aa0d-00e098032b8
expect 2 "--guid no-such-vendor: neither a GUID .* nor a known vendor name" "$F" -- vars set "$F" Foo --guid no-such-vendor --data-hex 00
expect 2 "name longer than 1024 characters" "$F" -- vars set "$F" "$long" --data-hex 00
expect 2 "NAME is empty or not UTF-8 text" "$F" -- vars set "$F" $'\xff' --data-hex 00
expect 2 "NAME is empty or not UTF-8 text" "$F" -- vars get "$F" ''
cp "$F" "$T/max.fd"
check "a name of exactly 1024 characters" "$VMM" vars set "$T/max.fd" "${long%a}" --data-hex 00
expect 2 "Huge \\($GLOBAL\\): store full: [0-9]+ bytes needed, [0-9]+ free" "$F" -- vars set "$F" Huge --data-file "$T/big.bin"
expect 2 "short.fd: not an OVMF VARS image: FvLength 0x20000 != file size 0x10000" "$T/short.fd" -- vars set "$T/short.fd" Foo --data-hex 00
expect 2 "short.fd: not an OVMF VARS image" "$T/short.fd" -- vars list "$T/short.fd"
expect 2 "missing.fd: No such file or directory" - -- vars set "$T/missing.fd" Foo --data-hex 00
expect 2 "missing.fd: No such file or directory" - -- vars list "$T/missing.fd"
expect 2 "dir: not a regular file" - -- vars set "$T/dir" Foo --data-hex 00
expect 2 "dir: not a regular file" - -- vars get "$T/dir" Foo
expect 2 "PK \\($GLOBAL\\): the variable is authenticated \\(attributes 0x27\\): it needs a signed update" "$MS" -- vars set "$MS" PK --data-hex 00
expect 2 "KEK .*authenticated" "$MS" -- vars delete "$MS" KEK
expect 2 "db \\(d719b2cb-3d3a-4596-a3bc-dad00e67656f\\): the variable is authenticated" "$MS" -- vars delete "$MS" db --guid security-db
expect 2 "dbx .*authenticated" "$MS" -- vars set "$MS" dbx --guid security-db --data-hex 00 --attrs nv,bs,rt
expect 2 "--attrs nv,bs,at: .*authenticated-write attributes|authenticated-write" "$F" -- vars set "$F" New --data-hex 00 --attrs nv,bs,at
expect 2 "tbaw|authenticated-write" "$F" -- vars set "$F" New --data-hex 00 --attrs nv,bs,rt,tbaw
expect 1 "^vmm vars delete: Nope \\($GLOBAL\\): no such variable$" "$F" -- vars delete "$F" Nope
expect 1 "^vmm vars get: Nope \\($GLOBAL\\): no such variable$" "$F" -- vars get "$F" Nope
expect 2 "--data-hex '0g': want pairs of hex digits" "$F" -- vars set "$F" Foo --data-hex 0g
expect 2 "--data-hex 'abc': want pairs of hex digits" "$F" -- vars set "$F" Foo --data-hex abc
expect 2 "no data \\(an empty value deletes" "$F" -- vars set "$F" Foo --data-hex ''
expect 2 "no data: give --data-hex, --data-string, --data-file or --bool" "$F" -- vars set "$F" Foo
expect 2 "give one of --data-hex, --data-string, --data-file, --bool" "$F" -- vars set "$F" Foo --data-hex 00 --data-string x
expect 2 "--bool 'maybe': want true or false" "$F" -- vars set "$F" Foo --bool maybe
expect 2 "unknown option '--bogus'" "$F" -- vars set "$F" Foo --bogus --data-hex 00
expect 2 "missing argument to option '--guid'" "$F" -- vars get "$F" Foo --guid
expect 2 "--attrs nv,xx: unknown attribute 'xx'" "$F" -- vars set "$F" Foo --data-hex 00 --attrs nv,xx
expect 2 "attributes must include nv and bs" "$F" -- vars set "$F" Foo --data-hex 00 --attrs bs,rt
expect 2 "--hex is not an option of 'vmm vars set'" "$F" -- vars set "$F" Foo --data-hex 00 --hex
expect 2 "give only one of --hex, --string, --raw, --json" "$F" -- vars get "$F" Foo --hex --raw
expect 2 "usage: vmm vars get FILE NAME" "$F" -- vars get "$F"
expect 2 "unknown verb 'frob' \\(want list, get, set or delete\\)" - -- vars frob "$F"
expect 2 "--data-file .*nofile: No such file or directory" "$F" -- vars set "$F" Foo --data-file "$T/nofile"

# A VM holding the file (read-write: write lock; read-only: read lock).
if lock_file "$F" 1; then
	expect 2 "^vmm vars set: .*vars.fd is in use by a running VM$" "$F" -- vars set "$F" Foo --data-hex 00
	expect 2 "^vmm vars delete: .*vars.fd is in use by a running VM$" "$F" -- vars delete "$F" Foo
	# Reading takes no lock: list and get still work (see man page).
	check "list while a VM holds the file" "$VMM" vars list "$F"
	unlock_file
else
	bad "could not take an OFD write lock for the test"
fi
if lock_file "$F" 0; then
	expect 2 "is in use by a running VM" "$F" -- vars set "$F" Foo --data-hex 00
	unlock_file
else
	bad "could not take an OFD read lock for the test"
fi
# --string on data that is not UTF-16 text.
"$VMM" vars set "$F" Odd --data-hex 00d8 2>/dev/null
expect 2 "Odd \\($GLOBAL\\): the data is not UTF-16 text" "$F" -- vars get "$F" Odd --string
check "no temporary file left behind" test -z "$(find "$T" -name '.vars.fd.*' -o -name '.ms.fd.*')"

# ---- edits ----
cp "$OVMF/OVMF_VARS.fd" "$F"
chmod 640 "$F"
check "set --data-string" "$VMM" vars set "$F" Greeting --data-string "hello world"
check "get: printable UTF-16 prints as text" test "$("$VMM" vars get "$F" Greeting)" = "hello world"
check "get --string" test "$("$VMM" vars get "$F" Greeting --string)" = "hello world"
check "get --hex: UTF-16LE with a NUL" test "$("$VMM" vars get "$F" Greeting --hex)" = \
	"680065006c006c006f00200077006f0072006c0064000000"
check "get --raw: exact bytes" cmp -s <("$VMM" vars get "$F" Greeting --raw) \
	<(printf 'h\0e\0l\0l\0o\0 \0w\0o\0r\0l\0d\0\0\0')
check "list: NAME VENDOR ATTRS SIZE" test "$("$VMM" vars list "$F")" = "Greeting global nv,bs,rt 24"
check "mode kept by the atomic replace" test "$(stat -c %a "$F")" = 640
check "FV header, store header and FTW area unchanged" cmp -s \
	<(head -c 100 "$F"; tail -c +$((0xE000 + 1)) "$F") \
	<(head -c 100 "$OVMF/OVMF_VARS.fd"; tail -c +$((0xE000 + 1)) "$OVMF/OVMF_VARS.fd")
check "set --data-hex, replace, vendor by GUID" "$VMM" vars set "$F" Greeting --data-hex c0ffee \
	--guid "$GLOBAL"
check "get after replace" test "$("$VMM" vars get "$F" Greeting)" = c0ffee
check "replace leaves the old copy deleted (0x3c), the new one live" \
	test "$("$VMM" vars-dump --all "$F" | grep -c '^Greeting .* state 0x3c (not live)')" = 1
check "set --bool --attrs nv,bs --guid shim" "$VMM" vars set "$F" MokDebug --bool true --attrs nv,bs --guid shim
check "get --bool value" test "$("$VMM" vars get "$F" MokDebug --guid 605dab50-e046-4300-abb6-3dd810dd8b23 --hex)" = 01
check "list after three sets" test "$("$VMM" vars list "$F" | tr '\n' '|')" = \
	"Greeting global nv,bs,rt 3|MokDebug shim nv,bs 1|"
check "get --json" test "$("$VMM" vars get "$F" MokDebug --guid mok --json | python3 -c '
import json, sys
o = json.load(sys.stdin)
print(o["name"], o["guid"], o["vendor"], o["attributes"], ",".join(o["attribute_names"]), o["size"], o["data"])')" = \
	"MokDebug 605dab50-e046-4300-abb6-3dd810dd8b23 shim 3 nv,bs 1 01"
check "delete" "$VMM" vars delete "$F" Greeting
check "list after delete" test "$("$VMM" vars list "$F")" = "MokDebug shim nv,bs 1"
expect 1 "Greeting .*no such variable" "$F" -- vars get "$F" Greeting
check "names are case-sensitive" test "$("$VMM" vars get "$F" mokdebug --guid shim 2>&1)" = \
	"vmm vars get: mokdebug (605dab50-e046-4300-abb6-3dd810dd8b23): no such variable"
ln -s vars.fd "$T/link.fd"
check "set through a symlink edits the target" "$VMM" vars set "$T/link.fd" Via --data-hex 01
check "the symlink is still a symlink" test -L "$T/link.fd" -a "$("$VMM" vars get "$F" Via)" = 01
check "names as list prints them (\\u0020)" "$VMM" vars set "$F" 'Attempt\u00201' --data-hex 02
check "... and as UTF-8" test "$("$VMM" vars get "$F" 'Attempt 1')" = 02
check "list --json is valid JSON with every variable" test "$("$VMM" vars list "$F" --json |
	python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')" = 3

# OVMF's secure-boot template: the enrolled keys with their vendors.
list=$("$VMM" vars list "$MS")
for want in "PK global nv,bs,rt,tbaw 1005" "KEK global nv,bs,rt,tbaw 2565" \
	    "db security-db nv,bs,rt,tbaw 3143" "dbx security-db nv,bs,rt,tbaw 76"; do
	check "list OVMF_VARS_4M.ms.fd: $want" grep -qxF "$want" <<<"$list"
done
check "list OVMF_VARS_4M.ms.fd: 31 variables" test "$(wc -l <<<"$list")" = 31
# A full store is reclaimed: OVMF's own file with 25 deleted entries.
gzip -dc tests/data/ovmf2m-vars-after.fd.gz >"$T/after.fd"
head -c 44000 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$T/hex"
check "set that needs a reclaim" "$VMM" vars set "$T/after.fd" Fill --data-hex "$(cat "$T/hex")"
check "after a reclaim: no deleted entry, 28 live" test \
	"$("$VMM" vars-dump --all "$T/after.fd" | tail -n 1)" = "28 variables"

# ---- virt-fw-vars, both ways ----
if ! command -v virt-fw-vars >/dev/null; then
	skip "virt-fw-vars not installed: no interop check of vmm-written stores"
	skip "virt-fw-vars not installed: no interop check of virt-fw-vars-written stores"
else
	cp "$OVMF/OVMF_VARS.fd" "$T/a.fd"
	"$VMM" vars set "$T/a.fd" Interop --guid 5f3c7a1e-6b2d-4e8f-9a10-c0ffee000001 --data-hex 0102030405 &&
	"$VMM" vars set "$T/a.fd" Interop --guid 5f3c7a1e-6b2d-4e8f-9a10-c0ffee000001 --data-string "é" --attrs nv,bs
	check "virt-fw-vars reads a store vmm wrote" test "$(virt-fw-vars -i "$T/a.fd" --output-json "$T/a.json" \
		>/dev/null 2>&1 && python3 -c '
import json, sys
v = [v for v in json.load(open(sys.argv[1]))["variables"] if v["name"] == "Interop"]
print(len(v), v[0]["guid"], v[0]["attr"], v[0]["data"])' "$T/a.json")" = \
		"1 5f3c7a1e-6b2d-4e8f-9a10-c0ffee000001 3 e9000000"
	cp "$OVMF/OVMF_VARS.fd" "$T/b.fd"
	cat >"$T/set.json" <<-'EOF'
	{ "version": 2, "variables": [
	  { "name": "FromVirtFw", "guid": "5f3c7a1e-6b2d-4e8f-9a10-c0ffee000001",
	    "attr": 7, "data": "deadbeef" } ] }
	EOF
	virt-fw-vars -i "$T/b.fd" --set-json "$T/set.json" --set-true SecureBootEnable \
		-o "$T/b2.fd" >/dev/null 2>&1
	check "vmm reads a store virt-fw-vars wrote (--set-json)" test \
		"$("$VMM" vars get "$T/b2.fd" FromVirtFw --guid 5f3c7a1e-6b2d-4e8f-9a10-c0ffee000001)" = deadbeef
	check "vmm reads a store virt-fw-vars wrote (--set-true)" test \
		"$("$VMM" vars get "$T/b2.fd" SecureBootEnable --guid secure-boot-enable --hex)" = 01
	virt-fw-vars --inplace "$T/b2.fd" -d FromVirtFw >/dev/null 2>&1
	expect 1 "FromVirtFw .*no such variable" "$T/b2.fd" -- vars get "$T/b2.fd" FromVirtFw --guid 5f3c7a1e-6b2d-4e8f-9a10-c0ffee000001
	check "vmm edits a store virt-fw-vars wrote" "$VMM" vars set "$T/b2.fd" Again --data-hex aa
	check "... and virt-fw-vars still reads it" test "$(virt-fw-vars -i "$T/b2.fd" --output-json "$T/b2.json" \
		>/dev/null 2>&1 && python3 -c '
import json, sys
print(",".join(sorted(v["name"] + "=" + v["data"] for v in json.load(open(sys.argv[1]))["variables"])))' "$T/b2.json")" = \
		"Again=aa,SecureBootEnable=01"
fi
echo "vars: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
