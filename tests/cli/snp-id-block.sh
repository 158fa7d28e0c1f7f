#!/usr/bin/env bash
# "vmm snp-id-block": with keys made here by the openssl command (P-384 ID
# and author keys; P-256, Ed25519, public-only and encrypted ones to be
# refused).  Bad input: exactly one stderr line, the documented status,
# and no output file created or changed.  Good runs: a 96-byte ID block
# with every field where the ABI puts it, a 4096-byte ID_AUTH whose keys
# are the PEM files' and whose signatures `openssl dgst -verify` accepts,
# the MEASUREMENT of --firmware = `vmm measure --mode snp`.  Under valgrind
# too when it is installed.  Usage: tests/cli/snp-id-block.sh BUILD_DIR
set -u
cd "$(dirname "$0")/../.."
B=$(realpath "${1:-build}")
VMM=$B/vmm
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
O=$T/out
mkdir "$O"
pass=0 fail=0
OVMF=/usr/share/OVMF/OVMF_CODE.fd

ok() { pass=$((pass + 1)); echo "PASS snp-id-block: $1"; }
ko() { fail=$((fail + 1)); echo "FAIL snp-id-block: $1"; }

command -v openssl >/dev/null || { ko "the openssl command is not installed"; echo "snp-id-block: $pass passed, $fail failed"; exit 1; }

# Keys.
openssl ecparam -name secp384r1 -genkey -noout -out "$T/id.pem" 2>/dev/null
openssl ecparam -name secp384r1 -genkey -noout -out "$T/author.pem" 2>/dev/null
openssl ecparam -name secp384r1 -genkey -out "$T/params.pem" 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out "$T/p256.pem" 2>/dev/null
openssl genpkey -algorithm ed25519 -out "$T/ed25519.pem" 2>/dev/null
openssl pkey -in "$T/id.pem" -pubout -out "$T/id.pub" 2>/dev/null
openssl pkey -in "$T/author.pem" -pubout -out "$T/author.pub" 2>/dev/null
openssl pkey -in "$T/params.pem" -pubout -out "$T/params.pub" 2>/dev/null
openssl pkey -in "$T/id.pem" -out "$T/pkcs8.pem" 2>/dev/null
openssl pkey -in "$T/id.pem" -aes256 -passout pass:secret -out "$T/enc.pem" 2>/dev/null
head -c 96 /dev/zero >"$T/zero96"
truncate -s 0 "$T/empty.fd"
truncate -s 65536 "$T/blank.fd"
mkdir "$T/dir"
M=$(printf '%096d' 0 | tr 0 a)	# a MEASUREMENT: 48 bytes of 0xaa

# expect STATUS REGEX -- ARGS...: `vmm snp-id-block ARGS` exits STATUS with
# exactly one stderr line, matching REGEX, and leaves nothing in $O.
expect() {
	local want=$1 re=$2 out rc lines left
	shift 3
	out=$("$VMM" snp-id-block "$@" 2>&1 >/dev/null </dev/null); rc=$?
	lines=$(printf '%s\n' "$out" | grep -c .)
	left=$(ls -A "$O")
	if [ "$rc" = "$want" ] && [ "$lines" = 1 ] && [ -z "$left" ] &&
	   printf '%s' "$out" | grep -Eq -e "$re"; then
		ok "$* -> $rc: $out"
	else
		ko "$* -> status $rc (want $want), $lines lines, left '$left': $out"
	fi
	rm -rf "${O:?}"/* "$O"/.[!.]* 2>/dev/null
}

OUT=(--id-block "$O/b.bin" --id-auth "$O/a.bin")
KEY=(--id-key "$T/id.pem")
expect 2 '^vmm snp-id-block: give one of --measurement and --firmware \(try --help\)$' --
expect 2 "^vmm snp-id-block: bad option '--bogus' \(try --help\)$" -- --bogus
expect 2 "^vmm snp-id-block: --id-key needs a value$" -- --measurement "$M" "${OUT[@]}" --id-key
expect 2 "^vmm snp-id-block: unexpected argument 'extra'$" -- --measurement "$M" "${KEY[@]}" "${OUT[@]}" extra
expect 2 "^vmm snp-id-block: bad value '00' for --measurement \(want 96 hex digits\)$" -- --measurement 00 "${KEY[@]}" "${OUT[@]}"
expect 2 "^vmm snp-id-block: bad value 'z.*' for --measurement \(want 96 hex digits\)$" -- --measurement "z${M#a}" "${KEY[@]}" "${OUT[@]}"
expect 2 '^vmm snp-id-block: give one of --measurement and --firmware' -- --measurement "$M" --firmware "$T/blank.fd" "${KEY[@]}" "${OUT[@]}"
expect 2 '^vmm snp-id-block: --vcpus, --vcpu-sig and --vmsa-features go with --firmware, not --measurement$' -- --measurement "$M" --vcpus 2 "${KEY[@]}" "${OUT[@]}"
expect 2 '^vmm snp-id-block: --id-key, --id-block and --id-auth are required \(try --help\)$' -- --measurement "$M" "${OUT[@]}"
expect 2 '^vmm snp-id-block: --id-key, --id-block and --id-auth are required' -- --measurement "$M" "${KEY[@]}" --id-block "$O/b.bin"
expect 2 "^vmm snp-id-block: bad value '0' for --vcpus \(want 1 to 1024\)$" -- --firmware "$T/blank.fd" --vcpus 0 "${KEY[@]}" "${OUT[@]}"
expect 2 "^vmm snp-id-block: bad value 'xyz' for --vcpu-sig \(want hex, 32 bits\)$" -- --firmware "$T/blank.fd" --vcpu-sig xyz "${KEY[@]}" "${OUT[@]}"
expect 2 "^vmm snp-id-block: bad value '-1' for --vmsa-features \(want hex, 64 bits\)$" -- --firmware "$T/blank.fd" --vmsa-features -1 "${KEY[@]}" "${OUT[@]}"
expect 2 "^vmm snp-id-block: bad value '0x1g' for --policy \(want hex, 64 bits\)$" -- --measurement "$M" --policy 0x1g "${KEY[@]}" "${OUT[@]}"
expect 2 '^vmm snp-id-block: --policy 0x5: bit 17 must be set \(the SNP ABI reserves it as one\)$' -- --measurement "$M" --policy 5 "${KEY[@]}" "${OUT[@]}"
expect 2 "^vmm snp-id-block: bad value '12' for --family-id \(want 32 hex digits\)$" -- --measurement "$M" --family-id 12 "${KEY[@]}" "${OUT[@]}"
expect 2 "^vmm snp-id-block: bad value 'g{32}' for --image-id \(want 32 hex digits\)$" -- --measurement "$M" --image-id gggggggggggggggggggggggggggggggg "${KEY[@]}" "${OUT[@]}"
expect 2 "^vmm snp-id-block: bad value '4294967296' for --guest-svn \(want a number, 32 bits\)$" -- --measurement "$M" --guest-svn 4294967296 "${KEY[@]}" "${OUT[@]}"
expect 2 '^vmm snp-id-block: --id-block and --id-auth name the same file$' -- --measurement "$M" "${KEY[@]}" --id-block "$O/x.bin" --id-auth "$O/x.bin"
expect 2 "^vmm snp-id-block: --id-block $T/dir: not a regular file$" -- --measurement "$M" "${KEY[@]}" --id-block "$T/dir" --id-auth "$O/a.bin"
expect 2 "^vmm snp-id-block: --id-auth $T/dir: not a regular file$" -- --measurement "$M" "${KEY[@]}" --id-block "$O/b.bin" --id-auth "$T/dir"
expect 2 "^vmm snp-id-block: --id-auth: an empty file name$" -- --measurement "$M" "${KEY[@]}" --id-block "$O/b.bin" --id-auth ""
expect 1 "^vmm snp-id-block: --id-block $T/nodir/b.bin: No such file or directory$" -- --measurement "$M" "${KEY[@]}" --id-block "$T/nodir/b.bin" --id-auth "$O/a.bin"
expect 1 "^vmm snp-id-block: --id-key $T/missing.pem: No such file or directory$" -- --measurement "$M" --id-key "$T/missing.pem" "${OUT[@]}"
expect 2 "^vmm snp-id-block: --id-key $T/dir: not a regular file$" -- --measurement "$M" --id-key "$T/dir" "${OUT[@]}"
expect 2 "^vmm snp-id-block: --id-key $T/p256.pem: an EC key on curve prime256v1: SNP takes P-384 \(secp384r1\) only$" -- --measurement "$M" --id-key "$T/p256.pem" "${OUT[@]}"
expect 2 "^vmm snp-id-block: --author-key $T/p256.pem: an EC key on curve prime256v1: SNP takes P-384 \(secp384r1\) only$" -- --measurement "$M" "${KEY[@]}" --author-key "$T/p256.pem" "${OUT[@]}"
expect 2 "^vmm snp-id-block: --id-key $T/ed25519.pem: not an EC key \(ED25519\): SNP takes ECDSA P-384 keys only$" -- --measurement "$M" --id-key "$T/ed25519.pem" "${OUT[@]}"
expect 2 "^vmm snp-id-block: --id-key $T/id.pub: no PEM private key in it$" -- --measurement "$M" --id-key "$T/id.pub" "${OUT[@]}"
expect 2 "^vmm snp-id-block: --author-key $T/zero96: no PEM private key in it$" -- --measurement "$M" "${KEY[@]}" --author-key "$T/zero96" "${OUT[@]}"
expect 2 "^vmm snp-id-block: --id-key $T/enc.pem: an encrypted private key: no passphrase is asked for \(decrypt it with openssl pkey\)$" -- --measurement "$M" --id-key "$T/enc.pem" "${OUT[@]}"
expect 1 "^vmm snp-id-block: --firmware $T/missing.fd: No such file or directory$" -- --firmware "$T/missing.fd" "${KEY[@]}" "${OUT[@]}"
expect 2 "^vmm snp-id-block: --firmware $T/dir: not a regular file of at most 8 MiB \(the flash window\)$" -- --firmware "$T/dir" "${KEY[@]}" "${OUT[@]}"
expect 2 "^vmm snp-id-block: --firmware $T/empty.fd: not whole 4 KiB pages, or malformed SEV metadata$" -- --firmware "$T/empty.fd" "${KEY[@]}" "${OUT[@]}"
expect 2 "^vmm snp-id-block: --firmware $T/blank.fd has no OVMF footer table, or no SEV-ES reset block for its APs$" -- --firmware "$T/blank.fd" "${KEY[@]}" "${OUT[@]}"

# A refused run leaves existing outputs exactly as they were.
printf old >"$O/b.bin"; printf old >"$O/a.bin"
"$VMM" snp-id-block --measurement "$M" --id-key "$T/p256.pem" "${OUT[@]}" >/dev/null 2>&1; rc=$?
if [ "$rc" = 2 ] && [ "$(cat "$O/b.bin")$(cat "$O/a.bin")" = oldold ] && [ "$(ls -A "$O" | wc -l)" = 2 ]; then
	ok "a refused run keeps the old --id-block and --id-auth and leaves no temporary"
else
	ko "a refused run: status $rc, files now: $(ls -A "$O")"
fi
rm -f "$O"/*
# The same file by two names is refused too (checked by inode).
expect 2 '^vmm snp-id-block: --id-block and --id-auth name the same file$' -- --measurement "$M" "${KEY[@]}" --id-block "$T/same.bin" --id-auth "$T/./same.bin"
: >"$T/same.bin"
expect 2 '^vmm snp-id-block: --id-block and --id-auth name the same file$' -- --measurement "$M" "${KEY[@]}" --id-block "$T/same.bin" --id-auth "$T/./same.bin"

# hex FILE OFFSET LEN: the bytes as hex, in file order.
hex() { od -An -v -tx1 -j "$2" -N "$3" "$1" | tr -d ' \n'; }
# be FILE OFFSET LEN: a little-endian number as big-endian hex.
be() { od -An -v -tx1 -j "$2" -N "$3" "$1" | tr -s ' \n' '\n\n' | grep . | tac | tr -d '\n'; }
# point PUBKEY: X and Y of a P-384 public key PEM, as big-endian hex.
point() { openssl pkey -pubin -in "$1" -outform DER 2>/dev/null | tail -c 96 | od -An -v -tx1 | tr -d ' \n'; }

# verify AUTH SIG_OFF PUBKEY MSG: the signature at SIG_OFF (R, S
# little-endian) of MSG under PUBKEY, by the openssl command.
verify() {
	printf 'asn1=SEQUENCE:sig\n[sig]\nr=INTEGER:0x%s\ns=INTEGER:0x%s\n' \
		"$(be "$1" "$2" 72)" "$(be "$1" $(($2 + 72)) 72)" >"$T/sig.cnf"
	openssl asn1parse -genconf "$T/sig.cnf" -out "$T/sig.der" -noout >/dev/null 2>&1 &&
		openssl dgst -sha384 -verify "$3" -signature "$T/sig.der" "$4" 2>&1 | grep -q '^Verified OK$'
}

# key_is AUTH OFF PUBKEY: the key structure at OFF is CURVE 2 and PUBKEY's
# point, its other bytes zero.
key_is() {
	local k
	k=$(hex "$1" "$2" 1028)
	[ "${k:0:8}" = 02000000 ] && [ "$(be "$1" $(($2 + 4)) 48)$(be "$1" $(($2 + 76)) 48)" = "$(point "$3")" ] &&
		[ -z "$(printf '%s' "${k:104:48}${k:248}" | tr -d 0)" ]
}

# 1. --measurement, ID key only, every field given.
rm -f "$O"/*
printf old >"$O/b.bin"	# replaced whole
out=$("$VMM" snp-id-block --measurement "$M" --policy 0x1030000 --family-id 00112233445566778899aabbccddeeff \
	--image-id ffeeddccbbaa99887766554433221100 --guest-svn 0x10203 --id-key "$T/pkcs8.pem" "${OUT[@]}" 2>"$T/err" </dev/null); rc=$?
# LD, FAMILY_ID, IMAGE_ID, VERSION 1, GUEST_SVN 0x10203, POLICY 0x1030000.
want_blk=${M}00112233445566778899aabbccddeeffffeeddccbbaa99887766554433221100
want_blk=${want_blk}01000000030201000000030100000000
if [ "$rc" = 0 ] && [ ! -s "$T/err" ] && [ "$(stat -c %s "$O/b.bin")" = 96 ] && [ "$(stat -c %s "$O/a.bin")" = 4096 ] &&
   [ "$(hex "$O/b.bin" 0 96)" = "$want_blk" ]; then
	ok "--measurement: 96-byte ID block, LD, FAMILY_ID, IMAGE_ID, VERSION 1, GUEST_SVN, POLICY exact; 4096-byte ID_AUTH"
else
	ko "--measurement: status $rc, sizes $(stat -c %s "$O/b.bin" "$O/a.bin" 2>/dev/null | tr '\n' ' '), block $(hex "$O/b.bin" 0 96), want $want_blk: $(cat "$T/err")"
fi
if [ "$(hex "$O/a.bin" 0 8)" = 0100000000000000 ] && key_is "$O/a.bin" 576 "$T/id.pub" &&
   verify "$O/a.bin" 64 "$T/id.pub" "$O/b.bin" && [ -z "$(hex "$O/a.bin" 1664 2432 | tr -d 0)" ]; then
	ok "ID key only: ID_KEY_ALGO 1, AUTH_KEY_ALGO 0, ID_KEY = the PEM's, ID_BLOCK_SIG verified by openssl dgst, no author part"
else
	ko "ID key only: algos $(hex "$O/a.bin" 0 8), ID_AUTH not as expected"
fi
dig=$(tail -c 1028 <(head -c 1604 "$O/a.bin") | openssl dgst -sha384 -r | cut -d' ' -f1)
if [ "$out" = "measurement: $M"$'\n'"id_key_digest: $dig" ]; then
	ok "stdout: the measurement and ID_KEY_DIGEST (SHA-384 of ID_KEY)"
else
	ko "stdout: '$out', want the measurement and id_key_digest $dig"
fi
[ "$(stat -c %a "$O/b.bin" "$O/a.bin" | sort -u)" = "$(printf '%o' $((0666 & ~$(umask))))" ] &&
	ok "outputs get the umask's mode ($(stat -c %a "$O/a.bin"))" || ko "output modes: $(stat -c %a "$O/b.bin" "$O/a.bin")"

# 2. --firmware with an author key: MEASUREMENT = vmm measure --mode snp.
if [ -f "$OVMF" ]; then
	rm -f "$O"/*
	want=$("$VMM" measure --firmware "$OVMF" --mode snp --vcpus 2 --vcpu-sig a0671)
	# (an ID key file that starts with EC PARAMETERS, as ecparam writes
	# without -noout)
	out=$("$VMM" snp-id-block --firmware "$OVMF" --vcpus 2 --vcpu-sig 0xa0671 --id-key "$T/params.pem" \
		--author-key "$T/author.pem" "${OUT[@]}" 2>"$T/err" </dev/null); rc=$?
	if [ "$rc" = 0 ] && [ ! -s "$T/err" ] && [ "$(hex "$O/b.bin" 0 48)" = "$want" ] &&
	   [ "$(sed -n 's/^measurement: //p' <<<"$out")" = "$want" ] &&
	   [ "$(stat -c %s "$O/b.bin")" = 96 ] && [ "$(stat -c %s "$O/a.bin")" = 4096 ] &&
	   [ "$(hex "$O/b.bin" 80 16)" = 01000000000000000000030000000000 ]; then
		ok "--firmware ${OVMF##*/} --vcpus 2: LD = vmm measure --mode snp ($want), policy 0x30000"
	else
		ko "--firmware: status $rc, LD $(hex "$O/b.bin" 0 48), want $want: $(cat "$T/err")"
	fi
	head -c 1604 "$O/a.bin" | tail -c 1028 >"$T/idkey.bin"
	if [ "$(hex "$O/a.bin" 0 8)" = 0100000001000000 ] && key_is "$O/a.bin" 576 "$T/params.pub" &&
	   key_is "$O/a.bin" 2176 "$T/author.pub" && verify "$O/a.bin" 64 "$T/params.pub" "$O/b.bin" &&
	   verify "$O/a.bin" 1664 "$T/author.pub" "$T/idkey.bin"; then
		ok "author key: AUTH_KEY_ALGO 1, AUTHOR_KEY = the PEM's, ID_KEY_SIG over ID_KEY verified by openssl dgst"
	else
		ko "author key: algos $(hex "$O/a.bin" 0 8), ID_AUTH not as expected"
	fi
	dig=$(tail -c 1028 <(head -c 3204 "$O/a.bin") | openssl dgst -sha384 -r | cut -d' ' -f1)
	[ "$(sed -n 's/^author_key_digest: //p' <<<"$out")" = "$dig" ] &&
		ok "stdout: AUTHOR_KEY_DIGEST" || ko "author_key_digest: '$out', want $dig"
	# A flipped byte of the ID block: openssl's verification fails too.
	printf '\x01' | dd of="$O/b.bin" bs=1 seek=50 conv=notrunc 2>/dev/null
	verify "$O/a.bin" 64 "$T/params.pub" "$O/b.bin" && ko "a changed FAMILY_ID still verifies" ||
		ok "a changed FAMILY_ID no longer verifies"
fi

# 3. Under valgrind: good runs and a refused one.
runs=("--measurement $M --id-key $T/id.pem --author-key $T/author.pem" "--measurement $M --id-key $T/p256.pem")
[ -f "$OVMF" ] && runs+=("--firmware $OVMF --id-key $T/id.pem")
if command -v valgrind >/dev/null; then
	for args in "${runs[@]}"; do
		rm -f "$O"/*
		valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
			--log-file="$T/vg" "$VMM" snp-id-block $args "${OUT[@]}" >/dev/null 2>&1 </dev/null; rc=$?
		if [ "$rc" != 99 ] && [ ! -s "$T/vg" ]; then
			ok "valgrind: status $rc, no memcheck errors: ${args//$T\//}"
		else
			ko "valgrind: status $rc: $(head -n 20 "$T/vg")"
		fi
	done
else
	echo "SKIP snp-id-block: valgrind not installed"
fi
echo "snp-id-block: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
