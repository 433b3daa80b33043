# Sourced by the cluster scripts: Go caches live in the gitignored .cache/ so rebuilds are incremental, and
# builds stay polite on shared 2-core machines.
cluster_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export GOCACHE="$cluster_dir/.cache/go-build"
export GOMODCACHE="$cluster_dir/.cache/go-mod"
export GOFLAGS="-p=2 -trimpath"
export GOTOOLCHAIN=local
