#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Runs a command on a real KVM when this host has none: inside a QEMU guest
# (TCG, `-cpu max`: an emulated AMD CPU with SVM and nested paging) whose own
# Linux, Debian's kernel package with its kvm/kvm_amd modules, provides
# /dev/kvm.  Facts measured about this set-up: docs in ../shared (nested-kvm).
#
# Usage: tests/nested/run.sh BUILD_DIR [--collect DIR]... -- COMMAND [ARGS...]
#
#  - The kernel package is fetched with `apt-get download` and unpacked into
#    BUILD_DIR/nested (nothing is installed on the host); a small busybox
#    initramfs loads the modules and mounts the host's / read-only over 9p,
#    under an overlay whose upper layer is guest RAM, so the guest sees the
#    same files at the same paths and its writes stay in the guest.
#  - COMMAND runs as root in that tree, in the current directory, with the
#    current PATH and HOME; its output is shown as it runs.  /tmp is the
#    host's too (under the overlay), so a tree under /tmp works.
#  - Each --collect DIR (absolute, or relative to the current directory) is
#    copied back from the guest after COMMAND, replacing the host's copy.
#  - The exit status is COMMAND's, 124 when the run exceeded NESTED_TIMEOUT
#    seconds (default 1500), 125 when the nested KVM could not be set up,
#    126 when the guest's own kernel locked up or panicked (its console's
#    last lines are shown).  The guest kernel's messages go to
#    BUILD_DIR/nested/console.log only.
#  - One vCPU by default: with two, QEMU 7.2's TCG was seen to wedge both
#    guest CPUs in an endless soft lockup (2 of 6 valgrind runs here, and a
#    CI run); the kernel is told to panic on a soft lockup so such a run
#    ends in a minute instead of at the time limit.
# Environment: NESTED_MEM (default 6G), NESTED_SMP (default 1),
# NESTED_KERNEL (a linux-image package name; default: what linux-image-amd64
# depends on), NESTED_KVM_AMD_ARGS (module parameters for kvm_amd).
set -u

die() { echo "nested: $*" >&2; exit 125; }

[ $# -ge 2 ] || die "usage: $0 BUILD_DIR [--collect DIR]... -- COMMAND [ARGS...]"
B=$(realpath "$1"); shift
COLLECT=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	case $1 in
	--collect) [ $# -ge 2 ] || die "--collect needs a directory"
		COLLECT+=("$(realpath -m "$2")"); shift 2 ;;
	*) die "unknown option $1" ;;
	esac
done
[ "${1:-}" = -- ] && [ $# -ge 2 ] || die "no command given"
shift

N=$B/nested
MEM=${NESTED_MEM:-6G}
SMP=${NESTED_SMP:-1}
TIMEOUT=${NESTED_TIMEOUT:-1500}
mkdir -p "$N"

for tool in qemu-system-x86_64 busybox cpio depmod apt-get dpkg; do
	command -v $tool >/dev/null || die "$tool is missing (packages: qemu-system-x86 busybox-static cpio kmod)"
done
BUSYBOX=$(command -v busybox)
file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' ||
	ldd "$BUSYBOX" 2>&1 | grep -q 'not a dynamic' || die "$BUSYBOX is not static (package busybox-static)"

# --- the kernel: Debian's package, unpacked here ---------------------------
PKG=${NESTED_KERNEL:-$(apt-cache depends linux-image-amd64 2>/dev/null |
	awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')}
[ -n "$PKG" ] || die "cannot tell which kernel package linux-image-amd64 depends on (apt-get update?)"
KROOT=$N/$PKG
if [ ! -f "$KROOT/.unpacked" ]; then
	rm -rf "$KROOT" "$N/dl" && mkdir -p "$N/dl"
	echo "nested: fetching $PKG from Debian's archive"
	(cd "$N/dl" && apt-get download -qq "$PKG" >/dev/null 2>&1) ||
		die "apt-get download $PKG failed"
	dpkg -x "$N"/dl/"$PKG"_*.deb "$KROOT" || die "cannot unpack $PKG"
	rm -rf "$N/dl"
	touch "$KROOT/.unpacked"
fi
KVER=$(ls "$KROOT/lib/modules" | head -n 1)
VMLINUZ=$KROOT/boot/vmlinuz-$KVER
[ -f "$VMLINUZ" ] || die "no kernel in $PKG"
[ -f "$KROOT/lib/modules/$KVER/modules.dep" ] || depmod -b "$KROOT" "$KVER" ||
	die "depmod failed"

# --- the initramfs: busybox, the modules, /init -----------------------------
INIT=$(cat <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /modules.list); do
	args=
	case $m in */kvm-amd.ko) args=$(cat /kvm-amd.args) ;; esac
	insmod "$m" $args 2>/dev/null || echo "nested: insmod $m failed"
done
o=trans=virtio,version=9p2000.L,msize=512000,cache=loose
mkdir -p /host /rw /newroot
mount -t 9p -o $o,ro host /host || echo "nested: cannot mount the host's /"
mount -t tmpfs -o size=90% rw /rw
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/host,upperdir=/rw/upper,workdir=/rw/work ovl /newroot ||
	echo "nested: cannot mount the overlay"
job=$(sed -n 's/.*nested.job=\([^ ]*\).*/\1/p' /proc/cmdline)
mount -t 9p -o $o out "/newroot$job" || echo "nested: cannot mount the output share"
mount -t proc proc /newroot/proc
mount -t sysfs sys /newroot/sys
mount -t devtmpfs dev /newroot/dev
mkdir -p /newroot/dev/pts /newroot/dev/shm
ln -s /proc/self/fd /newroot/dev/fd
ln -s fd/0 /newroot/dev/stdin; ln -s fd/1 /newroot/dev/stdout; ln -s fd/2 /newroot/dev/stderr
mount -t devpts devpts /newroot/dev/pts
mount -t tmpfs shm /newroot/dev/shm
mount -t tmpfs run /newroot/run
chroot /newroot /bin/bash "$job/job.sh" </dev/null >/dev/console 2>&1
sync
echo o >/proc/sysrq-trigger
sleep 10
EOF
)
MODS=$(modprobe --show-depends -d "$KROOT" -S "$KVER" -a kvm_amd 9p 9pnet_virtio virtio_pci overlay 2>/dev/null |
	awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++')
[ -n "$MODS" ] || die "cannot resolve the modules of $PKG"
KVM_ARGS=${NESTED_KVM_AMD_ARGS:-}
STAMP=$(printf '%s\n%s\n%s\n%s\n' "$PKG" "$INIT" "$MODS" "$KVM_ARGS" | md5sum | cut -c1-12)
INITRD=$N/initrd-$STAMP.gz
if [ ! -f "$INITRD" ]; then
	rm -f "$N"/initrd-*.gz
	R=$N/initrd.d
	rm -rf "$R" && mkdir -p "$R/bin" "$R/proc" "$R/sys" "$R/dev" "$R/lib/modules"
	cp "$BUSYBOX" "$R/bin/busybox"
	: >"$R/modules.list"
	for m in $MODS; do
		# busybox insmod reads plain .ko files only.
		base=$(basename "$m"); base=${base%.xz}; base=${base%.zst}
		case $m in
		*.xz) xz -dc "$m" >"$R/lib/modules/$base" ;;
		*.zst) zstd -qdc "$m" >"$R/lib/modules/$base" ;;
		*) cp "$m" "$R/lib/modules/$base" ;;
		esac || die "cannot unpack module $m"
		echo "/lib/modules/$base" >>"$R/modules.list"
	done
	printf '%s\n' "$KVM_ARGS" >"$R/kvm-amd.args"
	printf '%s\n' "$INIT" >"$R/init" && chmod +x "$R/init"
	(cd "$R" && find . | cpio -o -H newc --quiet | gzip -1) >"$INITRD.tmp" &&
		mv "$INITRD.tmp" "$INITRD" || die "cannot pack the initramfs"
	rm -rf "$R"
fi

# --- the job ---------------------------------------------------------------
OUT=$N/out
rm -rf "$OUT" && mkdir -p "$OUT"
{
	echo "export PATH=$(printf %q "$PATH") HOME=$(printf %q "${HOME:-/root}")"
	echo "export LANG=C.UTF-8 TERM=dumb NESTED_KVM=$(printf %q "QEMU $(qemu-system-x86_64 --version | sed -n 's/^QEMU emulator version \([0-9.]*\).*/\1/p') TCG, Linux ${KVER%%-*} kvm_amd")"
	for v in O KVM OVMF_BOOT_TIMEOUT MAKEFLAGS; do
		[ -n "${!v+x}" ] && echo "export $v=$(printf %q "${!v}")"
	done
	echo "cd $(printf %q "$PWD") || exit 125"
	echo "echo nested-start"
	echo "[ -c /dev/kvm ] || { echo 'nested: the guest has no /dev/kvm'; echo 125 >$OUT/rc; exit; }"
	printf '%q ' "$@"; echo
	echo "echo \$? >$OUT/rc"
	# Regular files, directories and links only: 9p refuses FIFOs.
	for d in "${COLLECT[@]}"; do
		echo "[ -e $(printf %q "$d") ] && mkdir -p $OUT/collect$(printf %q "$(dirname "$d")") &&"
		echo "	(cd $(printf %q "$(dirname "$d")") &&"
		echo "	find $(printf %q "$(basename "$d")") \\( -type f -o -type d -o -type l \\) |"
		echo "	cpio -pdm --quiet $OUT/collect$(printf %q "$(dirname "$d")"))"
	done
} >"$OUT/job.sh"

echo "nested: $PKG on QEMU $(qemu-system-x86_64 --version | head -n 1 | awk '{print $4}') TCG, $MEM, $SMP vCPUs"
t0=$SECONDS
timeout -k 10 "$TIMEOUT" qemu-system-x86_64 -accel tcg -cpu max -m "$MEM" -smp "$SMP" \
	-nographic -no-reboot -nodefaults -serial stdio -monitor none \
	-kernel "$VMLINUZ" -initrd "$INITRD" \
	-append "console=ttyS0 loglevel=5 panic=-1 softlockup_panic=1 watchdog_thresh=30 mitigations=off nested.job=$OUT" \
	-virtfs local,path=/,mount_tag=host,security_model=none,readonly=on,multidevs=remap \
	-virtfs local,path="$OUT",mount_tag=out,security_model=none,multidevs=remap \
	</dev/null 2>"$N/qemu.stderr" |
	awk -v clog="$N/console.log" '{ sub(/\r$/, ""); print >clog; fflush(clog) }
		go && !/^\[ *[0-9.]+\] / { print; fflush() }
		/nested-start$/ { go = 1 }'
st=${PIPESTATUS[0]}
if [ "$st" = 124 ] || [ "$st" = 137 ]; then
	echo "nested: the QEMU guest ran out of its ${TIMEOUT} s"
	exit 124
fi
if [ ! -s "$OUT/rc" ] && grep -aq '\] \(Kernel panic\|watchdog: BUG: soft lockup\)' "$N/console.log"; then
	echo "nested: the guest's kernel locked up after $((SECONDS - t0)) s; its console:"
	grep -a -m 1 -A 30 '\] \(Kernel panic\|watchdog: BUG\|BUG:\)' "$N/console.log" |
		grep -av '^\[ *[0-9.]*\]  *\(R[0-9A-Z]*\|FS\|CS\|Code\|PKRU\|Modules\):' | head -n 20
	exit 126
fi
if [ ! -s "$OUT/rc" ]; then
	echo "nested: the guest did not finish (QEMU exit status $st, $((SECONDS - t0)) s):"
	tail -n 5 "$N/qemu.stderr"
	grep -a -v '^\[ *[0-9.]*\] \(sysrq\|reboot\): ' "$N/console.log" | tail -n 5
	exit 125
fi
for d in "${COLLECT[@]}"; do
	if [ -e "$OUT/collect$d" ]; then
		rm -rf "$d" && mkdir -p "$(dirname "$d")" && mv "$OUT/collect$d" "$d"
	fi
done
echo "nested: guest done in $((SECONDS - t0)) s"
exit "$(cat "$OUT/rc")"
