#!/usr/bin/env bash
# vmm(1) against the CLI's own table: every option --help prints (the boot
# options, describe-machine's, and each subcommand's) is in the manual page,
# every option the page's OPTIONS section documents is one --help knows,
# and every subcommand --help lists has an entry under COMMANDS.
set -u
B=$(realpath "${1:-build}")
VMM=$B/vmm
MAN=$(dirname "$0")/../../man/vmm.1
pass=0 fail=0

ok() { pass=$((pass + 1)); echo "PASS manpage: $*"; }
bad() { fail=$((fail + 1)); echo "FAIL manpage: $*"; }

# Options of a --help text: "  --name" at the start of a line.
help_opts() { sed -n 's/^  \(--[a-z0-9-]*\).*/\1/p' | sort -u; }
# The page's text with its escapes undone.
man_text() { sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$MAN"; }
section() { man_text | awk -v s="$1" '/^\.SH / { on = ($2 == s) } on'; }

boot=$("$VMM" --help | help_opts)
desc=$("$VMM" describe-machine --help | help_opts)
man_opts=$(section OPTIONS | grep -o -- '--[a-z0-9-]*' | sort -u)
[ -n "$boot" ] && [ -n "$man_opts" ] || { echo "FAIL manpage: no options read"; exit 1; }
for o in $(printf '%s\n' "$boot" "$desc" | sort -u); do
	if printf '%s\n' "$man_opts" | grep -qx -- "$o"; then ok "$o documented"
	else bad "$o is in --help but not in vmm(1) OPTIONS"; fi
done
for o in $man_opts; do
	printf '%s\n' "$boot" "$desc" | grep -qx -- "$o" \
		|| bad "$o is in vmm(1) OPTIONS but not in --help"
done
# Subcommands: the lines under "vmm COMMAND ...".
cmds=$("$VMM" --help | sed -n 's/^         \([a-z][a-z-]*\) .*/\1/p')
[ -n "$cmds" ] || bad "no subcommands in --help"
for c in $cmds; do
	if section COMMANDS | grep -qE "^\.B(R)? $c( |$)"; then ok "command $c documented"
	else bad "command $c is in --help but has no entry under COMMANDS"; fi
	[ "$c" = describe-machine ] && continue
	for o in $("$VMM" "$c" --help 2>/dev/null | sed -n 's/^ *\(--[a-z0-9-]*\).*/\1/p' | sort -u); do
		[ "$o" = --help ] && continue
		section COMMANDS | grep -q -- "$o" && ok "$c $o documented" \
			|| bad "$c $o is in 'vmm $c --help' but not under COMMANDS"
	done
done
# libvmm(3): every function of the public header in its SYNOPSIS.
LIBMAN=$(dirname "$0")/../../man/libvmm.3
HDR=$(dirname "$0")/../../vmm/include/vmm.h
for f in $(sed -n 's/^VMM_API .*[ *]\(vmm_[a-z0-9_]*\)(.*/\1/p' "$HDR" | sort -u); do
	if grep -q "^\.BI \".*[ *]$f(" "$LIBMAN"; then ok "libvmm(3) $f"
	else bad "$f is in vmm.h but not in libvmm(3)'s SYNOPSIS"; fi
done
echo "manpage: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
