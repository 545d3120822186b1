#!/bin/sh
# Runs the libFuzzer harnesses listed in fuzz/harnesses, one at a time,
# for make fuzz-run and make fuzz-regress (which build them first).
#
#   fuzz/run.sh run SECONDS NAME...   fuzz each NAME for SECONDS
#   fuzz/run.sh regress NAME...       run every file of fuzz/corpus/NAME/
#                                     and fuzz/crashes/NAME-* once
#
# run reads the seeds of fuzz/corpus/NAME/ but writes what it adds to
# fuzz/out/NAME/corpus/, and crashes, leaks, timeouts and out-of-memory
# inputs to fuzz/out/NAME/ (libFuzzer's crash-*, leak-*, timeout-*,
# oom-* files); the whole output is fuzz/out/NAME/log. Both print one
# line per harness and exit non-zero when any harness failed.
set -u
cd "$(dirname "$0")/.." || exit 2

# The limits a finding is judged by: a run over 10 s, over 2 GiB.
limits="-timeout=10 -rss_limit_mb=2048 -close_fd_mask=2"

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
	start=$(date +%s)
	# shellcheck disable=SC2086
	"fuzz/bin/fuzz_$name" $limits -max_len="$(max_len "$name")" \
		-max_total_time="$seconds" -print_final_stats=1 \
		-artifact_prefix="$out/" "$out/corpus" "fuzz/corpus/$name" \
		>"$log" 2>&1
	rc=$?
	end=$(date +%s)
	runs=$(stat number_of_executed_units "$log")
	cov=$(sed -n 's/^#[0-9]*.* cov: \([0-9]*\) ft: \([0-9]*\).*/\1 \2/p' \
		"$log" | tail -n 1)
	artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" |
		tail -n 1)
	if [ "$rc" -eq 0 ]; then
		result=ok
	else
		what=$(grep -m 1 -o -E 'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer): [a-zA-Z_ -]+|runtime error: .*|check failed: .*' "$log")
		result="FAILED (${what:-exit $rc}) ${artifact:-}"
	fi
	printf '%-10s runs=%-9s cov=%-5s ft=%-6s seconds=%-5s %s\n' "$name" \
		"${runs:-?}" "${cov%% *}" "${cov##* }" "$((end - start))" \
		"$result"
	[ "$rc" -eq 0 ]
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
	if [ -z "$(max_len "$name")" ]; then
		echo "$name: not in fuzz/harnesses" >&2
		bad=$((bad + 1))
	elif [ "$mode" = run ]; then
		run_one "$name" "$seconds" || bad=$((bad + 1))
	else
		regress_one "$name" || bad=$((bad + 1))
	fi
done
echo "fuzz $mode: $# harnesses, $bad failed"
[ "$bad" -eq 0 ]
