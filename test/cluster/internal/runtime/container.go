// Package runtime runs pod containers the way a CRI runtime would, with plain kernel features: a network
// namespace per pod, a mount namespace and overlay root per container, a cgroup named after the container ID.
package runtime

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
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

// PIDNamespace says which PID namespace a container gets. The zero value is a new one of its own (the
// container's command is PID 1), as for a container of a pod without shareProcessNamespace.
type PIDNamespace struct {
	Host    bool // hostPID pods
	JoinPID int  // join the PID namespace of this host PID: the pod's sandbox, or an ephemeral container's target
}

// Start writes the spec next to the container's files and starts the shim (this binary's container-shim
// subcommand) in fresh mount and UTS namespaces and the chosen PID namespace; the shim becomes the container
// process.
func Start(self string, spec ContainerSpec, pid PIDNamespace, stdout, stderr *os.File) (*Process, error) {
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
	flags := uintptr(syscall.CLONE_NEWNS)
	if spec.Hostname != "" {
		flags |= syscall.CLONE_NEWUTS
	}
	cmd := exec.Command(self, "container-shim", specPath)
	switch {
	case pid.JoinPID > 0:
		// A new process can only be created inside an existing PID namespace by a parent that entered it;
		// nsenter does that and forks the shim there.
		cmd = exec.Command("nsenter", "--target", fmt.Sprint(pid.JoinPID), "--pid", "--", self, "container-shim", specPath)
	case !pid.Host:
		flags |= syscall.CLONE_NEWPID
	}
	report, reportWriter, err := os.Pipe()
	if err != nil {
		_ = RemoveScope(cgroups)
		return nil, err
	}
	defer report.Close()
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.ExtraFiles = []*os.File{reportWriter} // the shim's reportFD
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Cloneflags: flags}
	err = cmd.Start()
	reportWriter.Close()
	if err != nil {
		_ = RemoveScope(cgroups)
		return nil, fmt.Errorf("start container %s: %w", spec.ID, err)
	}
	// Running means the command is about to be exec'd inside the finished container, not merely that the
	// shim was forked: until then an exec or port-forward could land outside the pod.
	if err := awaitShimReport(report); err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		_ = RemoveScope(cgroups)
		return nil, fmt.Errorf("start container %s: %w", spec.ID, err)
	}
	return &Process{Cmd: cmd, Cgroups: cgroups}, nil
}

// shimReady is the line the shim writes on reportFD right before it execs the container's command; anything
// else is its error.
const shimReady = "ready"

// shimSetupTimeout bounds the shim's set-up (overlay mount, namespaces) on a busy machine.
const shimSetupTimeout = 30 * time.Second

func awaitShimReport(report *os.File) error {
	_ = report.SetReadDeadline(time.Now().Add(shimSetupTimeout))
	line, err := bufio.NewReader(report).ReadString('\n')
	line = strings.TrimSpace(line)
	switch {
	case line == shimReady:
		return nil
	case line != "":
		return errors.New(line)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Errorf("container set-up took longer than %s", shimSetupTimeout)
	}
	return fmt.Errorf("container process exited during set-up without a report")
}

// StartSandbox starts the pod's sandbox process (this binary's pause subcommand) in a new PID namespace, for
// pods whose containers share one (shareProcessNamespace). It sits in the cgroup of sandbox ID id.
func StartSandbox(self, id string) (*Process, error) {
	cgroups, err := CreateScope(id)
	if err != nil {
		_ = RemoveScope(cgroups)
		return nil, err
	}
	cmd := exec.Command(self, "pause", id)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Cloneflags: syscall.CLONE_NEWPID}
	if err := cmd.Start(); err != nil {
		_ = RemoveScope(cgroups)
		return nil, fmt.Errorf("start pod sandbox %s: %w", id, err)
	}
	go func() { _ = cmd.Wait() }()
	return &Process{Cmd: cmd, Cgroups: cgroups}, nil
}

// MainPID is the host PID of the container's first process: the lowest PID in its cgroup (the started
// process itself, unless nsenter stood in between).
func (p *Process) MainPID() int {
	lowest := p.Cmd.Process.Pid
	if len(p.Cgroups) == 0 {
		return lowest
	}
	procs, err := os.ReadFile(filepath.Join(p.Cgroups[0], "cgroup.procs"))
	if err != nil {
		return lowest
	}
	first := 0
	for _, field := range fieldsOf(procs) {
		var n int
		if _, err := fmt.Sscan(field, &n); err == nil && (first == 0 || n < first) {
			first = n
		}
	}
	if first == 0 {
		return lowest
	}
	return first
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
