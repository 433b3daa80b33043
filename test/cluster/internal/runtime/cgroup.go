package runtime

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"doppel.dev/testcluster/internal/topology"
)

// skippedControllers are cgroup v1 hierarchies a container is not moved into: cpuset needs cpus/mems configured
// before it accepts tasks, and memory would take the process out of the machine's own memory accounting.
var skippedControllers = map[string]bool{"cpuset": true, "memory": true}

// cgroupMounts lists the mounted cgroup hierarchies a container joins (the unified one and v1 ones alike), so
// /proc/<pid>/cgroup shows the container's scope on every line a runtime would put it on.
func cgroupMounts() ([]string, error) {
	file, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil, err
	}
	defer file.Close()
	var mounts []string
	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		// mountinfo: id parent major:minor root mountpoint options [optional...] - fstype source superoptions
		fields := strings.Fields(scanner.Text())
		sep := -1
		for i, field := range fields {
			if field == "-" {
				sep = i
				break
			}
		}
		if sep < 0 || sep+3 > len(fields) {
			continue
		}
		switch fields[sep+1] {
		case "cgroup2":
			mounts = append(mounts, fields[4])
		case "cgroup":
			skip := false
			for _, option := range strings.Split(fields[sep+3], ",") {
				skip = skip || skippedControllers[option]
			}
			if !skip {
				mounts = append(mounts, fields[4])
			}
		}
	}
	return mounts, scanner.Err()
}

// ScopeDirs names <hierarchy>/dplk8s.slice/cri-containerd-<id>.scope in every hierarchy.
func ScopeDirs(containerID string) ([]string, error) {
	mounts, err := cgroupMounts()
	if err != nil {
		return nil, fmt.Errorf("list cgroup mounts: %w", err)
	}
	var dirs []string
	for _, mount := range mounts {
		dirs = append(dirs, filepath.Join(mount, topology.CgroupParent, "cri-containerd-"+containerID+".scope"))
	}
	return dirs, nil
}

// CreateScope makes the container's cgroup in every hierarchy and returns the dirs.
func CreateScope(containerID string) ([]string, error) {
	dirs, err := ScopeDirs(containerID)
	if err != nil {
		return nil, err
	}
	for i, dir := range dirs {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return dirs[:i], fmt.Errorf("create cgroup %s: %w", dir, err)
		}
	}
	return dirs, nil
}

// RemoveScope kills whatever is still in the container's cgroups and removes them.
func RemoveScope(dirs []string) error {
	var firstErr error
	for _, dir := range dirs {
		if procs, err := os.ReadFile(filepath.Join(dir, "cgroup.procs")); err == nil {
			for _, pid := range strings.Fields(string(procs)) {
				killPid(pid)
			}
		}
		if err := os.Remove(dir); err != nil && !os.IsNotExist(err) && firstErr == nil {
			firstErr = fmt.Errorf("remove cgroup %s: %w", dir, err)
		}
	}
	return firstErr
}

// JoinScope moves the calling process into the given cgroups.
func JoinScope(dirs []string) error {
	pid := fmt.Sprint(os.Getpid())
	for _, dir := range dirs {
		if err := os.WriteFile(filepath.Join(dir, "cgroup.procs"), []byte(pid), 0o644); err != nil {
			return fmt.Errorf("join cgroup %s: %w", dir, err)
		}
	}
	return nil
}
