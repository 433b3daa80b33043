#!/usr/bin/env bash
# Instructions the layer adds per local operation, counted by valgrind (callgrind), so the answer does not depend
# on how busy the machine is: the difference between two iteration counts removes start-up, and the difference
# between runs without and with the layer is the layer's share. Reports, never asserts.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/bench-local-io
lib=$PWD/build/libdoppel_layer.so
rounds=15 # bench/local_io.c repeats each measurement this many times
small=1000 large=3000
count() { # iterations operation env...
  local iterations=$1 operation=$2 out
  shift 2
  out=$(mktemp /tmp/dpl-callgrind-XXXXXX)
  env "$@" valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" /tmp/dpl-bench-file-$$ "$iterations" "$operation" >/dev/null 2>&1
  awk '/^summary:/ { print $2 }' "$out"
  rm -f "$out"
}
per_op() { # operation env...
  local operation=$1
  shift
  local a b
  a=$(count "$small" "$operation" "$@")
  b=$(count "$large" "$operation" "$@")
  echo $(((b - a) / ((large - small) * rounds)))
}
printf '%-18s %14s %16s %14s\n' "operation" "no layer" "pass-through" "session"
for operation in open+read+close stat "pread(fd)"; do
  plain=$(per_op "$operation")
  passthrough=$(per_op "$operation" LD_PRELOAD="$lib")
  session=$(per_op "$operation" LD_PRELOAD="$lib" DOPPEL_PROXY_SOCKET=/tmp/dpl-bench-no-proxy.sock)
  printf '%-18s %14s %16s %14s   (instructions per operation, user space)\n' "$operation" "$plain" "$passthrough" "$session"
done
