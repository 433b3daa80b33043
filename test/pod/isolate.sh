#!/bin/sh
# Last step before a test-bed process runs, so that the process the bed spawned *is* the app (same pid, every step
# execs): joins the cgroup, enters the network namespace with a private mount namespace (`ip netns exec`), and for a
# pod also a new UTS namespace with its hostname and the pod's own root, then execs the command.
#
# Usage: isolate.sh CGROUP_PROCS_FILE NETNS HOSTNAME ROOTFS_DIR COMMAND [ARG...]
#   NETNS       named network namespace to enter; empty: stay (pod.exec uses this, nsenter does the entering)
#   HOSTNAME    set in a new UTS namespace; empty: keep the host's
#   ROOTFS_DIR  holds upper/ (the pod's own files) and work/; the pod's root becomes an overlay of the host's / with
#               upper/ on top, mounted at ROOTFS_DIR/root in the private mount namespace only. Empty: host's root.
set -eu

if [ "$1" != --inside ]; then
  cgroup_procs=$1 netns=$2
  shift 2
  # Join the cgroup while /sys/fs/cgroup is still visible (ip netns exec remounts /sys).
  echo $$ >"$cgroup_procs"
  if [ -z "$netns" ]; then
    shift 2
    exec "$@"
  fi
  if [ -n "$1" ]; then
    exec ip netns exec "$netns" unshare --uts sh "$0" --inside "$@"
  fi
  exec ip netns exec "$netns" sh "$0" --inside "$@"
fi

hostname=$2 rootfs=$3
shift 3
if [ -n "$hostname" ]; then
  echo "$hostname" >/proc/sys/kernel/hostname
fi
if [ -z "$rootfs" ]; then
  exec "$@"
fi
root=$rootfs/root
mount -t overlay dpl-pod-root -o "lowerdir=/,upperdir=$rootfs/upper,workdir=$rootfs/work" "$root"
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
mount --rbind /sys "$root/sys"
exec chroot "$root" "$@"
