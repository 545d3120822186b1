#!/bin/sh
# Runs the libFuzzer harnesses listed in fuzz/harnesses, one at a time,
# for make fuzz-run and make fuzz-regress (which build them first). Each
# runs in a single process (libFuzzer's default of one job, one worker),
# so fuzzing takes one core.
#
#   fuzz/run.sh run SECONDS NAME...   fuzz each NAME for SECONDS
#   fuzz/run.sh regress NAME...       run every file of fuzz/corpus/NAME/
#                                     and fuzz/crashes/NAME-* once
#
# run reads the seeds of fuzz/corpus/NAME/ but writes what it adds to
# fuzz/out/NAME/corpus/, and crashes, leaks, timeouts and out-of-memory
# inputs to fuzz/out/NAME/ (libFuzzer's crash-*, leak-*, timeout-*,
# oom-* files); the whole output is fuzz/out/NAME/log. FUZZ_FLAGS adds
# libFuzzer flags to run, e.g. "-fork=1 -ignore_crashes=1" to go on past
# a known crash. Both print one line per harness and exit non-zero when
# any harness failed.
set -u
cd "$(dirname "$0")/.." || exit 2

# The limits a finding is judged by: a run over 10 s, over 2 GiB.
limits="-timeout=10 -rss_limit_mb=2048 -close_fd_mask=2"
# More libFuzzer flags from the environment (make fuzz-run FUZZ_FLAGS=...).
flags=${FUZZ_FLAGS:-}
# The harnesses' own directories (fuzz/fuzz.h): a crashed run leaves
# its directory behind, so they go where each harness's run clears them.
TMPDIR=$PWD/fuzz/out/tmp
export TMPDIR
# UBSan's reports name the function only with a stack.
UBSAN_OPTIONS="print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export UBSAN_OPTIONS

max_len() {
	awk -v n="$1" '!/^#/ && $1 == n { print $2 }' fuzz/harnesses
}

# The value of "stat::KEY: N" in a log (-print_final_stats=1).
stat() {
	sed -n "s/^stat::$1: *//p" "$2" | tail -n 1
}

run_one() {
	name=$1 seconds=$2
	out=fuzz/out/$name
	log=$out/log
	mkdir -p "$out/corpus" "fuzz/corpus/$name"
	stamp=$out/.started
	: >"$stamp"
	start=$(date +%s)
	# shellcheck disable=SC2086
	"fuzz/bin/fuzz_$name" $limits $flags -max_len="$(max_len "$name")" \
		-max_total_time="$seconds" -print_final_stats=1 \
		-artifact_prefix="$out/" "$out/corpus" "fuzz/corpus/$name" \
		>"$log" 2>&1
	rc=$?
	end=$(date +%s)
	# Runs and coverage from the last status line ("#N: cov:" with -fork).
	last=$(grep -E '^#[0-9]+:?[[:space:]].*cov: ' "$log" | tail -n 1)
	runs=$(stat number_of_executed_units "$log")
	[ -n "$runs" ] || runs=$(echo "$last" | sed -n 's/^#\([0-9]*\).*/\1/p')
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	found=$(find "$out" -maxdepth 1 -newer "$stamp" \( -name 'crash-*' \
		-o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) |
		sort)
	rm -f "$stamp"
	if [ "$rc" -eq 0 ] && [ -z "$found" ]; then
		result=ok
	else
		what=$(grep -m 1 -o -E 'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer): [a-zA-Z_ -]+|runtime error: .*|check failed: .*' "$log")
		result="FAILED (${what:-exit $rc}): $(echo "$found" | grep -c .) finding(s) $(echo "$found" | head -n 1)"
	fi
	printf '%-10s runs=%-9s cov=%-5s ft=%-6s seconds=%-5s %s\n' "$name" \
		"${runs:-?}" "${cov:-?}" "${ft:-?}" "$((end - start))" \
		"$result"
	[ "$result" = ok ]
}

# Runs inputs through harness $1 once; the log is $2.
replay() {
	bin=fuzz/bin/fuzz_$1 replay_log=$2
	shift 2
	# shellcheck disable=SC2086
	"$bin" $limits "$@" >"$replay_log" 2>&1
}

# The seeds in one process, then each reproducer on its own, so that
# one that still crashes does not hide the others. (Shell variables are
# global: the main loop counts in "bad", the functions never use it.)
regress_one() {
	name=$1 ok=0 failed=0
	mkdir -p "fuzz/out/$name"
	set --
	for f in "fuzz/corpus/$name"/*; do
		[ -f "$f" ] && set -- "$@" "$f"
	done
	if [ $# -gt 0 ]; then
		if replay "$name" "fuzz/out/$name/regress.log" "$@"; then
			ok=$((ok + $#))
		else
			failed=$((failed + 1))
			printf '%-10s FAILED on %s (fuzz/out/%s/regress.log)\n' \
				"$name" "$(sed -n 's/^Running: //p' \
					"fuzz/out/$name/regress.log" | tail -n 1)" \
				"$name"
		fi
	fi
	for f in "fuzz/crashes/$name"-*; do
		[ -f "$f" ] || continue
		log=fuzz/out/$name/regress-${f##*/}.log
		if replay "$name" "$log" "$f"; then
			ok=$((ok + 1))
		else
			failed=$((failed + 1))
			printf '%-10s FAILED on %s (%s)\n' "$name" "$f" "$log"
		fi
	done
	printf '%-10s %s inputs ok, %s failed\n' "$name" "$ok" "$failed"
	[ "$failed" -eq 0 ]
}

mode=${1:-}
case $mode in
run)
	seconds=$2
	shift 2
	;;
regress)
	shift
	;;
*)
	echo "usage: fuzz/run.sh run SECONDS NAME... | regress NAME..." >&2
	exit 2
	;;
esac
bad=0
for name in "$@"; do
	rm -rf "$TMPDIR" && mkdir -p "$TMPDIR"
	if [ -z "$(max_len "$name")" ]; then
		echo "$name: not in fuzz/harnesses" >&2
		bad=$((bad + 1))
	elif [ "$mode" = run ]; then
		run_one "$name" "$seconds" || bad=$((bad + 1))
	else
		regress_one "$name" || bad=$((bad + 1))
	fi
done
rm -rf "$TMPDIR"
echo "fuzz $mode: $# harnesses, $bad failed"
[ "$bad" -eq 0 ]
