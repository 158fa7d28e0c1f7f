#!/usr/bin/env bash
# "vmm firmware list|select": QEMU firmware descriptors, against Debian's
# /usr/share/qemu/firmware (package ovmf) and against directories made here
# (--firmware-dir, XDG_CONFIG_HOME).  Bad input: exactly one stderr line
# and a non-zero status.  Usage: tests/cli/firmware.sh BUILD_DIR
set -u
cd "$(dirname "$0")/../.."
B=$(realpath "${1:-build}")
VMM=$B/vmm
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
DEB=/usr/share/qemu/firmware
DATA=tests/data/fwdesc
# No per-user descriptors of whoever runs this; /etc/qemu/firmware stays.
export HOME=$T/home
unset XDG_CONFIG_HOME
mkdir -p "$HOME"

ok() { pass=$((pass + 1)); echo "PASS firmware: $1"; }
ko() { fail=$((fail + 1)); echo "FAIL firmware: $1"; }

# expect STATUS REGEX -- ARGS...: `vmm firmware ARGS` exits STATUS with
# exactly one stderr line, matching REGEX.
expect() {
	local want=$1 re=$2 out rc lines
	shift 3
	out=$("$VMM" firmware "$@" 2>&1 >/dev/null </dev/null); rc=$?
	lines=$(printf '%s\n' "$out" | grep -c .)
	if [ "$rc" = "$want" ] && [ "$lines" = 1 ] &&
	   printf '%s' "$out" | grep -Eq -e "$re"; then
		ok "$* -> $rc: $out"
	else
		ko "$* -> status $rc (want $want), $lines lines: $out"
	fi
}

# stdout_is NAME WANT -- ARGS...: status 0, no stderr, stdout exactly WANT.
stdout_is() {
	local name=$1 want=$2 out rc
	shift 3
	out=$("$VMM" firmware "$@" 2>"$T/err"); rc=$?
	if [ "$rc" = 0 ] && [ ! -s "$T/err" ] && [ "$out" = "$want" ]; then
		ok "$name"
	else
		ko "$name: status $rc, stderr '$(cat "$T/err")', stdout:"
		printf '%s\n' "$out" | sed 's/^/    /'
	fi
}

# desc FILE DESCRIPTION: a usable descriptor with Debian's 4M images.
desc() {
	sed "s|\"test: OVMF 4M, no SMM\"|\"$2\"|" "$DATA/good.json" > "$1"
}

if [ ! -r "$DEB/60-edk2-x86_64.json" ]; then
	echo "SKIP firmware: no $DEB/60-edk2-x86_64.json (package ovmf)"
	echo "firmware: 0 passed, 0 failed"
	exit 0
fi

SEL60="descriptor $DEB/60-edk2-x86_64.json
executable /usr/share/OVMF/OVMF_CODE_4M.fd
nvram-template /usr/share/OVMF/OVMF_VARS_4M.fd
features acpi-s3 amd-sev verbose-dynamic
machines pc-i440fx-* pc-q35-*
machine pc-i440fx"

# ---- Debian's descriptors ------------------------------------------------
stdout_is "list $DEB" "$DEB/40-edk2-x86_64-secure-enrolled.json: skipped: requires-smm: this VMM has no SMM
$DEB/50-edk2-x86_64-secure.json: skipped: requires-smm: this VMM has no SMM
$DEB/60-edk2-x86_64.json: UEFI firmware for x86_64, without Secure Boot without SMM, with empty varstore" \
	-- list --firmware-dir "$DEB"
stdout_is "select (standard directories)" "$SEL60" -- select
stdout_is "select --feature amd-sev" "$SEL60" -- select --feature amd-sev
stdout_is "select --feature amd-sev --feature acpi-s3" "$SEL60" -- \
	select --feature amd-sev --feature acpi-s3
stdout_is "list --feature amd-sev-es" "$DEB/40-edk2-x86_64-secure-enrolled.json: skipped: requires-smm: this VMM has no SMM
$DEB/50-edk2-x86_64-secure.json: skipped: requires-smm: this VMM has no SMM
$DEB/60-edk2-x86_64.json: skipped: does not offer amd-sev-es" \
	-- list --firmware-dir "$DEB" --feature amd-sev-es
out=$("$VMM" firmware select --json 2>&1)
if printf '%s' "$out" | python3 -c 'import json, sys
d = json.load(sys.stdin)
assert d["descriptor"].endswith("/60-edk2-x86_64.json"), d
assert d["executable"] == "/usr/share/OVMF/OVMF_CODE_4M.fd", d
assert d["nvram-template"] == "/usr/share/OVMF/OVMF_VARS_4M.fd", d
assert d["features"] == ["acpi-s3", "amd-sev", "verbose-dynamic"], d
assert d["mode"] == "split" and d["machine"] == "pc-i440fx", d'; then
	ok "select --json"
else
	ko "select --json: $out"
fi

# ---- XDG_CONFIG_HOME: the highest-precedence directory ------------------
X=$T/xdg/qemu/firmware
mkdir -p "$X"
: > "$X/60-edk2-x86_64.json"	# masks Debian's only usable one
XDG_CONFIG_HOME=$T/xdg expect 1 "^vmm firmware: no usable descriptor \(searched 2 files: $DEB/40-edk2-x86_64-secure-enrolled.json: requires-smm: this VMM has no SMM; $DEB/50-edk2-x86_64-secure.json: requires-smm: this VMM has no SMM\)$" -- select
desc "$X/10-mine.json" "mine"
out=$(XDG_CONFIG_HOME=$T/xdg "$VMM" firmware select 2>&1 | head -n 1)
[ "$out" = "descriptor $X/10-mine.json" ] && ok "XDG_CONFIG_HOME: $out" ||
	ko "XDG_CONFIG_HOME: $out"
mkdir -p "$HOME/.config/qemu/firmware"
desc "$HOME/.config/qemu/firmware/05-home.json" "home"
out=$("$VMM" firmware select 2>&1 | head -n 1)
[ "$out" = "descriptor $HOME/.config/qemu/firmware/05-home.json" ] &&
	ok "no XDG_CONFIG_HOME: \$HOME/.config: $out" || ko "\$HOME/.config: $out"
out=$(XDG_CONFIG_HOME= "$VMM" firmware select 2>&1 | head -n 1)
[ "$out" = "descriptor $HOME/.config/qemu/firmware/05-home.json" ] &&
	ok "empty XDG_CONFIG_HOME: \$HOME/.config: $out" || ko "empty XDG_CONFIG_HOME: $out"
out=$(XDG_CONFIG_HOME=$T/xdg "$VMM" firmware select 2>&1 | head -n 1)
[ "$out" = "descriptor $HOME/.config/qemu/firmware/05-home.json" ] &&
	ko "XDG_CONFIG_HOME set: \$HOME/.config used too" || ok "XDG_CONFIG_HOME set: \$HOME/.config not searched"
rm -r "$HOME/.config"

# ---- --firmware-dir: replaces the list; later ones override ------------
A=$T/a; Z=$T/z
mkdir -p "$A" "$Z"
desc "$A/70-a.json" "a70"
desc "$A/30-x.json" "x from a"
desc "$Z/30-x.json" "x from z"
desc "$Z/50-z.json" "z50"
: > "$Z/70-a.json.disabled"
stdout_is "--firmware-dir order, override" "$Z/30-x.json: x from z
$Z/50-z.json: z50
$A/70-a.json: a70" -- list --firmware-dir "$A" --firmware-dir "$Z"
: > "$Z/30-x.json"
stdout_is "--firmware-dir masking" "$Z/50-z.json: z50
$A/70-a.json: a70" -- list --firmware-dir "$A" --firmware-dir "$Z"
out=$("$VMM" firmware select --firmware-dir "$A" --firmware-dir "$Z" | head -n 1)
[ "$out" = "descriptor $Z/50-z.json" ] && ok "select --firmware-dir: $out" ||
	ko "select --firmware-dir: $out"
n=$("$VMM" firmware list --firmware-dir "$DATA" | wc -l)
want=$(find "$DATA" -name '*.json' -size +0 | wc -l)
[ "$n" = "$want" ] && ok "list $DATA: $n lines" || ko "list $DATA: $n lines, want $want"
out=$("$VMM" firmware list --firmware-dir "$DATA" | grep '/type-mode.json:')
[ "$out" = "$DATA/type-mode.json: skipped: mapping.mode: not a string" ] &&
	ok "list: $out" || ko "list type-mode.json: $out"

# Control characters from a descriptor never reach the terminal.
mkdir "$T/esc"
desc "$T/esc/10-esc.json" 'a\\u001b[31mb'
stdout_is "control characters shown as ?" "$T/esc/10-esc.json: a?[31mb" -- \
	list --firmware-dir "$T/esc"

# ---- --descriptor ------------------------------------------------------
stdout_is "--descriptor good.json" "descriptor $DATA/good.json
executable /usr/share/OVMF/OVMF_CODE_4M.fd
nvram-template /usr/share/OVMF/OVMF_VARS_4M.fd
features acpi-s3 amd-sev verbose-dynamic
machines pc-i440fx-* pc-q35-*
machine pc-i440fx" -- select --descriptor "$DATA/good.json"
stdout_is "--descriptor stateless.json --no-vars" "descriptor $DATA/stateless.json
executable /usr/share/OVMF/OVMF_CODE_4M.fd
nvram-template none (stateless)
features acpi-s3 amd-sev verbose-dynamic
machines pc-i440fx-* pc-q35-*
machine pc-i440fx" -- select --no-vars --descriptor "$DATA/stateless.json"
out=$("$VMM" firmware --help); rc=$?
[ "$rc" = 0 ] && printf '%s' "$out" | grep -q -- '--firmware-dir DIR' &&
	ok "--help" || ko "--help: status $rc"

# ---- bad input ---------------------------------------------------------
mkdir "$T/dir" "$T/empty"
expect 1 "^vmm firmware: no descriptor offers amd-sev-snp \(searched 3 files: $DEB/40-edk2-x86_64-secure-enrolled.json: requires-smm: this VMM has no SMM; .*60-edk2-x86_64.json: does not offer amd-sev-snp\)$" -- select --feature amd-sev-snp
expect 1 '^vmm firmware: no descriptor offers secure-boot \(searched 3 files: ' -- select --feature secure-boot
expect 1 '^vmm firmware: no descriptor offers no-such-feature, amd-sev ' -- select --feature no-such-feature --feature amd-sev
expect 2 "^vmm firmware: $DATA/type-executable-filename.json: mapping.executable.filename: not a string$" -- select --descriptor "$DATA/type-executable-filename.json"
expect 2 "^vmm firmware: $DATA/bad-json.json: not valid JSON at byte 21$" -- select --descriptor "$DATA/bad-json.json"
expect 2 "^vmm firmware: $DATA/truncated.json: truncated JSON$" -- select --descriptor "$DATA/truncated.json"
expect 2 "^vmm firmware: $DATA/big.json: larger than 65536 bytes$" -- select --descriptor "$DATA/big.json"
expect 2 "^vmm firmware: $DATA/size-mismatch.json: nvram-template: /usr/share/OVMF/OVMF_VARS.fd does not match executable /usr/share/OVMF/OVMF_CODE_4M.fd \(" -- select --descriptor "$DATA/size-mismatch.json"
expect 2 "^vmm firmware: $DATA/missing-executable-file.json: mapping.executable.filename: /nonexistent/OVMF_CODE_4M.fd: No such file or directory$" -- select --descriptor "$DATA/missing-executable-file.json"
expect 2 "^vmm firmware: $DEB/50-edk2-x86_64-secure.json: requires-smm: this VMM has no SMM$" -- select --descriptor "$DEB/50-edk2-x86_64-secure.json"
expect 2 "^vmm firmware: $DATA/combined.json: mapping.mode: combined " -- select --descriptor "$DATA/combined.json"
expect 2 "^vmm firmware: $T/missing.json: No such file or directory$" -- select --descriptor "$T/missing.json"
expect 2 "^vmm firmware: $T/dir: not a regular file$" -- select --descriptor "$T/dir"
expect 1 '^vmm firmware: no descriptor files in the 1 directories searched$' -- list --firmware-dir "$T/empty"
expect 1 '^vmm firmware: no usable descriptor \(searched 0 files\)$' -- select --firmware-dir "$T/empty"
expect 2 "^vmm firmware: unknown or incomplete option '--bogus' \(try --help\)$" -- select --bogus
expect 2 "^vmm firmware: unknown or incomplete option '--feature' " -- select --feature
expect 2 '^vmm firmware: --feature: empty name$' -- list --feature ''
expect 2 '^vmm firmware: --descriptor: only for select$' -- list --descriptor "$DATA/good.json"
expect 2 '^vmm firmware: --json: only for select$' -- list --json
expect 2 "^vmm firmware: unexpected argument 'extra'$" -- select extra
expect 2 "^vmm firmware: unknown subcommand 'frobnicate' \(try --help\)$" -- frobnicate
expect 2 '^vmm firmware: missing subcommand: list or select \(try --help\)$' --
dirs=(); for i in $(seq 17); do dirs+=(--firmware-dir "$T/empty"); done
expect 2 '^vmm firmware: at most 16 --firmware-dir$' -- list "${dirs[@]}"

echo "firmware: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
