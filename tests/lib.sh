# SPDX-License-Identifier: Apache-2.0
# Shared by the test scripts (sourced): what KVM this host has.

# host_line VMM: the "host: ..." line of `vmm probe` (which KVM, whether it
# needs the VMM's x87/MXCSR fixups).
host_line() {
	"$1" probe 2>/dev/null | sed -n 's/^host: //p'
}

# kvm_name VMM: the KVM the suites run on, for their summary lines:
# "native", "pvm", or "nested: QEMU x.y TCG, Linux a.b kvm_amd" (the nested
# runner says what it built), or "nested (MODULE in HYPERVISOR)".
kvm_name() {
	local h
	if [ -n "${NESTED_KVM:-}" ]; then
		echo "nested: $NESTED_KVM"
		return
	fi
	h=$(host_line "$1")
	case $h in
	nested*) echo "${h%%,*}" ;;
	"") echo "unknown" ;;
	*) echo "${h%% *}" ;;
	esac
}

# kvm_needs_fixups VMM: true when this KVM hands x87/MXCSR to the VMM (PVM).
kvm_needs_fixups() {
	host_line "$1" | grep -q 'x87/MXCSR fixups needed'
}

# kvm_usable: /dev/kvm opens read-write here.
kvm_usable() {
	[ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ] &&
		{ : <>/dev/kvm; } 2>/dev/null
}
