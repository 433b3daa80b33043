#!/usr/bin/env bash
# Local-work overhead of the layer: the same loop without the layer, with the layer and no session (pass-through),
# and with an active session (every path classified; the proxy is absent, which local work never notices).
# Reports, never asserts. Usage: bench/run.sh [iterations]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/bench-local-io
lib=$PWD/build/libdoppel_layer.so
iterations=${1:-100000}
file=/tmp/dpl-bench-file-$$
declare -A plain passthrough session
while read -r name ns; do plain[$name]=$ns; done < <("$bin" "$file" "$iterations")
while read -r name ns; do passthrough[$name]=$ns; done < <(LD_PRELOAD=$lib "$bin" "$file" "$iterations")
while read -r name ns; do session[$name]=$ns; done < <(LD_PRELOAD=$lib DOPPEL_PROXY_SOCKET=/tmp/dpl-bench-no-proxy.sock "$bin" "$file" "$iterations" 2>/dev/null)
printf '%-18s %12s %14s %14s %10s\n' "operation" "no layer ns" "pass-through" "session ns" "overhead"
for name in open+read+close stat "pread(fd)"; do
  overhead=$(awk -v a="${plain[$name]}" -v b="${session[$name]}" 'BEGIN { printf "%+.1f%%", (b - a) * 100 / a }')
  printf '%-18s %12s %14s %14s %10s\n' "$name" "${plain[$name]}" "${passthrough[$name]}" "${session[$name]}" "$overhead"
done
