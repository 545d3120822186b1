#!/bin/sh
# Writes virt-matrix's own version into the header named by $1, as
# '#define VM_VERSION "RELEASE[+COMMIT[-dirty]]"': the release, and the
# commit when built from a git checkout (-dirty with uncommitted changes
# to tracked files). The file is rewritten only when the text changes, so
# that an unchanged checkout rebuilds nothing. The version is recorded
# with every run (runs.tool): the mapping report compares argv only
# between runs the same virt-matrix made.
set -eu
release=0.1.0
out=$1
v=$release
# Only virt-matrix's own checkout counts, not a repository that happens
# to hold an unpacked release somewhere below it.
top=$(cd "$(dirname "$0")/.." && pwd -P)
if [ "$(git -C "$top" rev-parse --show-toplevel 2>/dev/null)" = "$top" ] &&
   rev=$(git -C "$top" rev-parse --short=12 HEAD 2>/dev/null); then
	git -C "$top" diff --quiet HEAD -- 2>/dev/null || rev=$rev-dirty
	v=$release+$rev
fi
line="#define VM_VERSION \"$v\""
if [ -f "$out" ] && [ "$(cat "$out")" = "$line" ]; then
	exit 0
fi
printf '%s\n' "$line" > "$out.tmp"
mv "$out.tmp" "$out"
