#!/usr/bin/env bash
# Local-work overhead of the layer: the same loop without the layer, with the layer and no session (pass-through),
# and with an active session (every path classified; the proxy is absent, which local work never notices).
# The three runs alternate, 3 times, and each cell keeps its best time, to damp a shared machine.
# Reports, never asserts. Usage: bench/run.sh [iterations]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/bench-local-io
lib=$PWD/build/libdoppel_layer.so
iterations=${1:-100000}
file=/tmp/dpl-bench-file-$$
declare -A best
measure() { # label, then env assignments
  local label=$1
  shift
  while read -r name ns; do
    local key="$label/$name"
    if [[ -z ${best[$key]:-} || $ns -lt ${best[$key]} ]]; then best[$key]=$ns; fi
  done < <(env "$@" "$bin" "$file" "$iterations" 2>/dev/null)
}
for _ in 1 2 3; do
  measure plain
  measure passthrough LD_PRELOAD="$lib"
  measure session LD_PRELOAD="$lib" DOPPEL_PROXY_SOCKET=/tmp/dpl-bench-no-proxy.sock
done
printf '%-18s %12s %15s %12s %10s\n' "operation" "no layer ns" "pass-through ns" "session ns" "overhead"
for name in open+read+close stat "pread(fd)"; do
  plain=${best[plain/$name]} session=${best[session/$name]}
  overhead=$(awk -v a="$plain" -v b="$session" 'BEGIN { printf "%+.1f%%", (b - a) * 100 / a }')
  printf '%-18s %12s %15s %12s %10s\n' "$name" "$plain" "${best[passthrough/$name]}" "$session" "$overhead"
done
