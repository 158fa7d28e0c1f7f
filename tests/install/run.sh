#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# `make install` into a fresh DESTDIR, checked as an embedder would find it:
# the files in place, libvmm.so's SONAME and exported symbols (only vmm_*),
# the pkg-config file, and the example embedder (examples/embedder.c)
# compiled and linked with `pkg-config --cflags --libs libvmm` and nothing
# else.  The embedder's run on real KVM is a case of the fw suite
# (tests/fw/run.sh, "embedder"), which uses the binary left in
# BUILD/install-test/embedder.
#
# Usage: tests/install/run.sh [BUILD_DIR]
set -u
cd "$(dirname "$0")/../.."
B=$(realpath -m "${1:-build}")
T=$B/install-test
D=$T/root
PREFIX=/usr
LIBDIR=$PREFIX/lib/x86_64-linux-gnu
bad=0

fail() { echo "FAIL install: $*"; bad=$((bad + 1)); }

rm -rf "$T"
mkdir -p "$T"
if ! make -s O="$B" install DESTDIR="$D" PREFIX="$PREFIX" LIBDIR="$LIBDIR" \
	>"$T/make.log" 2>&1; then
	fail "make install failed:"; tail -n 20 "$T/make.log"; exit 1
fi

version=$(sed -n 's/^#define VMM_VERSION_STRING "\(.*\)"/\1/p' vmm/include/vmm.h)
for f in bin/vmm "${LIBDIR#/usr/}/libvmm.so.$version" "${LIBDIR#/usr/}/libvmm.so.0" \
	"${LIBDIR#/usr/}/libvmm.so" "${LIBDIR#/usr/}/libvmm.a" include/vmm/vmm.h \
	"${LIBDIR#/usr/}/pkgconfig/libvmm.pc" share/man/man1/vmm.1 \
	share/man/man3/libvmm.3; do
	[ -e "$D$PREFIX/$f" ] || fail "missing $PREFIX/$f"
done

so=$D$LIBDIR/libvmm.so.0
soname=$(readelf -d "$so" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libvmm.so.0 ] || fail "SONAME is '$soname', want libvmm.so.0"
nm -D --defined-only "$so" | awk '{print $NF}' | sort -u >"$T/exported.txt"
others=$(grep -v '^vmm_' "$T/exported.txt" | grep -v '^VMM_0$' | tr '\n' ' ')
[ -z "$others" ] || fail "libvmm.so exports more than vmm_*: $others"
nexp=$(grep -c '^vmm_' "$T/exported.txt")
[ "$nexp" -ge 10 ] || fail "only $nexp vmm_* symbols exported"
# The SEV library is loaded on demand: libvmm.so needs libc (and libm) only.
needed=$(readelf -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
case $needed in *crypto*) fail "libvmm.so links libcrypto: $needed" ;; esac

export PKG_CONFIG_PATH=$D$LIBDIR/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D
pv=$(pkg-config --modversion libvmm 2>&1)
[ "$pv" = "$version" ] || fail "pkg-config --modversion: '$pv', want $version"
flags=$(pkg-config --cflags --libs libvmm 2>&1) || fail "pkg-config: $flags"
if ! ${CC:-cc} -Wall -Wextra -Werror -o "$T/embedder" examples/embedder.c \
	$flags -pthread >"$T/cc.log" 2>&1; then
	fail "examples/embedder.c does not build with: $flags"; cat "$T/cc.log"
fi
# It must run against the installed library, not anything else.
lib=$(LD_LIBRARY_PATH=$D$LIBDIR ldd "$T/embedder" 2>/dev/null | awk '/libvmm/ {print $3}')
[ "$lib" = "$D$LIBDIR/libvmm.so.0" ] || fail "embedder resolves libvmm to '$lib'"
# Relative to BUILD/install-test: the nested KVM sees the tree elsewhere.
echo "root$LIBDIR" >"$T/libdir"

[ "$bad" -eq 0 ] || exit 1
echo "PASS install: DESTDIR tree complete, SONAME libvmm.so.0, $nexp symbols exported (all vmm_*), embedder built with pkg-config only ($flags)"
