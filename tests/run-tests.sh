#!/bin/sh
# Runs cmocka test binaries and prints one closing line for all of them:
# "N passed, N failed". Exits non-zero when any test failed or a binary
# crashed. Usage: run-tests.sh SUITE-NAME BINARY...
suite=$1
shift
passed=0
failed=0
bad=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for t in "$@"; do
	echo "== $suite: $t"
	"$t" >"$out" 2>&1
	rc=$?
	cat "$out"
	p=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test(s)\./\1/p' "$out" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test(s).*/\1/p' "$out" | tail -n 1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
	if [ "$rc" -ne 0 ] && [ -z "$f" ]; then
		echo "$t: exited with status $rc without a cmocka summary"
		bad=$((bad + 1))
	fi
done
echo "$suite: $passed passed, $((failed + bad)) failed"
[ "$failed" -eq 0 ] && [ "$bad" -eq 0 ]
