#!/usr/bin/env bash
# The main job: build, install what is missing, boot OVMF on this terminal.
# Usage: ./boot-ovmf.sh [VARS-FILE] [extra vmm options...]
set -eu
cd "$(dirname "$0")"
need=()
command -v gcc >/dev/null || need+=(build-essential)
[ -f /usr/include/cmocka.h ] || need+=(libcmocka-dev)
[ -f /usr/include/openssl/evp.h ] || need+=(libssl-dev)
[ -f /usr/include/seccomp.h ] || need+=(libseccomp-dev)
[ -f /usr/include/libfdt.h ] || need+=(libfdt-dev)
[ -f /usr/include/json-c/json.h ] || need+=(libjson-c-dev)
[ -f /usr/share/OVMF/OVMF_CODE.fd ] || need+=(ovmf)
if [ ${#need[@]} -gt 0 ]; then
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
fi
make -j2 build/vmm >/dev/null
vars=${1:-my-vars.fd}
[ $# -gt 0 ] && shift
if [ ! -f "$vars" ]; then
	cp /usr/share/OVMF/OVMF_VARS.fd "$vars"
	echo "created $vars from /usr/share/OVMF/OVMF_VARS.fd"
fi
echo "booting OVMF (about 9 minutes to the Shell on a PVM host; Ctrl-C stops)"
exec build/vmm --firmware /usr/share/OVMF/OVMF_CODE.fd --vars "$vars" "$@"
