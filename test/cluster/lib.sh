# Shared by up, down and selftest: where the cluster keeps its state, and how its processes are started/stopped.
cluster_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
state_dir="${DPL_CLUSTER_DIR:-/tmp/dpl-cluster}"
bin="$cluster_dir/.cache/bin/dplcluster"
host_ip=10.213.0.1
bridge=dplk8s0
prefix=dplk8s

log() { echo "[dpl-cluster] $*" >&2; }
die() { log "error: $*"; exit 1; }

# running PID: the process exists and is not a zombie (an orphan's zombie lingers until PID 1 reaps it).
running() {
	local state
	state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[[ -n $state && $state != Z ]]
}

# alive NAME: the component started under NAME is still running.
alive() {
	local pidfile="$state_dir/pids/$1.pid"
	[[ -f $pidfile ]] && running "$(cat "$pidfile")"
}

# start NAME ARGS...: runs the binary's NAME-like component in its own session, logging to logs/NAME.log.
start() {
	local name=$1
	shift
	alive "$name" && return 0
	setsid "$@" >"$state_dir/logs/$name.log" 2>&1 </dev/null &
	echo $! >"$state_dir/pids/$name.pid"
}

# stop NAME...: SIGTERM to each, then SIGKILL to whatever still runs after 10 s.
stop() {
	local name pid pids=()
	for name in "$@"; do
		[[ -f $state_dir/pids/$name.pid ]] || continue
		pid=$(cat "$state_dir/pids/$name.pid")
		running "$pid" && kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
		rm -f "$state_dir/pids/$name.pid"
	done
	for _ in $(seq 100); do
		any_running "${pids[@]}" || return 0
		sleep 0.1
	done
	for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}

any_running() {
	local pid
	for pid; do running "$pid" && return 0; done
	return 1
}

# wait_for WHAT SECONDS CMD...: polls CMD every 0.5 s; on timeout names WHAT and the log to read.
wait_for() {
	local what=$1 seconds=$2
	shift 2
	local deadline=$((SECONDS + seconds))
	until "$@" >/dev/null 2>&1; do
		((SECONDS < deadline)) || die "$what not ready after ${seconds}s; see $state_dir/logs/"
		sleep 0.5
	done
}
