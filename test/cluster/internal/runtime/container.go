// Package runtime runs pod containers the way a CRI runtime would, with plain kernel features: a network
// namespace per pod, a mount namespace and overlay root per container, a cgroup named after the container ID.
package runtime

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
)

// Mount is a bind mount into the container's root (volumes, the pod's /etc files).
type Mount struct {
	Source   string `json:"source"`
	Target   string `json:"target"`
	ReadOnly bool   `json:"readOnly,omitempty"`
}

// ContainerSpec is everything the shim needs to turn itself into the container's process.
type ContainerSpec struct {
	ID         string   `json:"id"`
	Dir        string   `json:"dir"`             // holds upper/, work/, merged/ of the overlay root
	NetnsPath  string   `json:"netnsPath"`       // empty: host network
	Hostname   string   `json:"hostname"`        // empty: host UTS namespace
	Cgroups    []string `json:"cgroups"`         // cgroup dirs to join before anything else
	Mounts     []Mount  `json:"mounts"`          // bind mounts, applied in order
	Argv       []string `json:"argv"`            // command + args, exactly as the pod spec gives them
	Env        []string `json:"env"`             // KEY=value
	WorkingDir string   `json:"workingDir"`      // default /
	Enter      int      `json:"enter,omitempty"` // exec: join the namespaces and root of this running container process
}

// Process is a running container.
type Process struct {
	Cmd     *exec.Cmd
	Cgroups []string
}

// Start writes the spec next to the container's files and starts the shim (this binary's container-shim
// subcommand) in fresh mount and UTS namespaces; the shim becomes the container process.
func Start(self string, spec ContainerSpec, stdout, stderr *os.File) (*Process, error) {
	for _, dir := range []string{"upper", "work", "merged"} {
		if err := os.MkdirAll(filepath.Join(spec.Dir, dir), 0o755); err != nil {
			return nil, err
		}
	}
	cgroups, err := CreateScope(spec.ID)
	if err != nil {
		_ = RemoveScope(cgroups)
		return nil, err
	}
	spec.Cgroups = cgroups
	specPath := filepath.Join(spec.Dir, "spec.json")
	data, err := json.Marshal(spec)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(specPath, data, 0o600); err != nil {
		return nil, err
	}
	cmd := exec.Command(self, "container-shim", specPath)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	flags := uintptr(syscall.CLONE_NEWNS)
	if spec.Hostname != "" {
		flags |= syscall.CLONE_NEWUTS
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Cloneflags: flags, Pdeathsig: 0}
	if err := cmd.Start(); err != nil {
		_ = RemoveScope(cgroups)
		return nil, fmt.Errorf("start container %s: %w", spec.ID, err)
	}
	return &Process{Cmd: cmd, Cgroups: cgroups}, nil
}

// Signal sends sig to every process in the container's cgroups (the main process and anything it forked).
func (p *Process) Signal(sig syscall.Signal) {
	_ = p.Cmd.Process.Signal(sig)
	for _, dir := range p.Cgroups {
		if procs, err := os.ReadFile(filepath.Join(dir, "cgroup.procs")); err == nil {
			for _, pid := range fieldsOf(procs) {
				var n int
				if _, err := fmt.Sscan(pid, &n); err == nil {
					_ = syscall.Kill(n, sig)
				}
			}
		}
	}
}

func killPid(pid string) {
	var n int
	if _, err := fmt.Sscan(pid, &n); err == nil {
		_ = syscall.Kill(n, syscall.SIGKILL)
	}
}
