#!/usr/bin/env bash
# Runs the project's tests.  Usage: tests/run-checks.sh unit|fw|ovmf|all
# unit: cmocka unit tests and fuzz-corpus replays (ASan+UBSan), no KVM needed.
# fw:   the in-tree test firmware suite, the SEV sim launches and valgrind
#       runs on real KVM (a few minutes).
# ovmf: real OVMF boots (about 11 minutes each here; run two at a time).
set -u
cd "$(dirname "$0")/.."
B=${O:-build}
failed=0

run_unit() {
	local n=0 bad=0 t name
	for t in "$B"/tests/test_*; do
		[ -x "$t" ] || continue
		n=$((n + 1))
		if "$t" >"$B/tests/${t##*/}.log" 2>&1; then
			echo "PASS unit ${t##*/}"
		else
			bad=$((bad + 1)); echo "FAIL unit ${t##*/} (see $B/tests/${t##*/}.log)"
			tail -n 30 "$B/tests/${t##*/}.log"
		fi
	done
	for t in "$B"/tests/replay_*; do
		[ -x "$t" ] || continue
		name=${t##*/replay_}
		n=$((n + 1))
		if [ ! -d "tests/fuzz/corpus/$name" ]; then
			bad=$((bad + 1)); echo "FAIL replay $name: no corpus tests/fuzz/corpus/$name"
		elif out=$("$t" "tests/fuzz/corpus/$name" 2>&1); then
			echo "PASS replay $name: ${out##*$'\n'}"
		else
			bad=$((bad + 1)); echo "FAIL replay $name"; echo "$out" | tail -n 30
		fi
	done
	n=$((n + 1))
	if tests/cli/bad-input.sh "$B" >"$B/tests/cli.log" 2>&1; then
		echo "PASS $(tail -n 1 "$B/tests/cli.log")"
	else
		bad=$((bad + 1)); grep -v '^PASS' "$B/tests/cli.log"
	fi
	echo "unit: $((n - bad)) passed, $bad failed"
	[ "$bad" -eq 0 ]
}

# The suites that need KVM but finish in about a minute.
run_fw() {
	local rc=0
	tests/fw/run.sh "$B" || rc=1
	tests/sev/run.sh "$B" || rc=1
	tests/valgrind/run.sh "$B" || rc=1
	return $rc
}

case "${1:-all}" in
unit) run_unit || failed=1 ;;
fw) run_fw || failed=1 ;;
ovmf) tests/ovmf/run.sh "$B" || failed=1 ;;
all)
	run_unit || failed=1
	run_fw || failed=1
	tests/ovmf/run.sh "$B" || failed=1
	;;
*) echo "usage: $0 unit|fw|ovmf|all" >&2; exit 2 ;;
esac
[ "$failed" -eq 0 ] && echo "ALL CHECKS PASSED" || echo "SOME CHECKS FAILED"
exit "$failed"
