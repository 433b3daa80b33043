package node

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"

	"doppel.dev/testcluster/internal/runtime"
	"doppel.dev/testcluster/internal/topology"
)

type containerKind int

const (
	initContainer containerKind = iota
	regularContainer
	ephemeralContainer
)

// podState is what the node knows about one pod it runs.
type podState struct {
	uid        types.UID
	dir        string
	network    *runtime.PodNetwork // nil for hostNetwork pods
	sandbox    *runtime.Process    // PID 1 of the shared PID namespace, with shareProcessNamespace only
	ip         string
	mounts     []runtime.Mount   // /etc files
	volumes    map[string]string // volume name → host path
	containers map[string]*containerState
	startTime  metav1.Time
	setupErr   string
	killBy     time.Time // SIGKILL deadline once termination began
	termSent   bool      // SIGTERM went out (once, as from a kubelet)
	torndown   bool
}

// containerState is one container's current (or last) instance.
type containerState struct {
	kind         containerKind
	id           string
	process      *runtime.Process
	running      bool
	startedAt    time.Time
	finishedAt   time.Time
	exitCode     int32
	signaled     bool
	restartCount int32
	last         *v1.ContainerStateTerminated
	waiting      string // reason while not running
	message      string
	notBefore    time.Time // restart back-off
	ready        bool
	nextProbe    time.Time
	logPath      string
	env          []string
}

func (c *containerState) exited() bool { return c.id != "" && !c.running }

func (c *containerState) succeeded() bool { return c.exited() && c.exitCode == 0 }

// sync moves one pod towards its spec and reports its status. requeue > 0 asks for another look after that long.
func (n *Node) sync(ctx context.Context, key string) (requeue time.Duration, err error) {
	namespace, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return 0, err
	}
	pod, err := n.pods.Pods(namespace).Get(name)
	n.mu.Lock()
	state := n.state[key]
	n.mu.Unlock()
	if apierrors.IsNotFound(err) || (state != nil && pod != nil && state.uid != pod.UID) {
		if state != nil {
			n.teardown(key, state, true)
		}
		if pod == nil {
			return 0, nil
		}
		state = nil
	} else if err != nil {
		return 0, err
	}
	pod = pod.DeepCopy()

	if pod.DeletionTimestamp != nil {
		return n.terminate(ctx, key, pod, state)
	}
	if state == nil && (pod.Status.Phase == v1.PodSucceeded || pod.Status.Phase == v1.PodFailed) {
		return 0, nil
	}
	if state == nil {
		state = n.newPodState(pod)
		n.mu.Lock()
		n.state[key] = state
		n.mu.Unlock()
	}
	if state.torndown {
		return 0, nil
	}
	if state.network == nil && state.ip == "" || state.setupErr != "" {
		if err := n.setupSandbox(ctx, pod, state); err != nil {
			n.locked(func() { state.setupErr = err.Error() })
			n.log.Warn("pod sandbox setup failed", "pod", key, "err", err)
			_, _ = n.pushStatus(ctx, pod, state)
			return 5 * time.Second, nil
		}
		n.locked(func() { state.setupErr = "" })
	}
	requeue = n.runContainers(ctx, key, pod, state)
	phase, err := n.pushStatus(ctx, pod, state)
	if err != nil {
		return 0, err
	}
	// Judged on the status just published, not on a fresh look: a container that exits in between must
	// first be reported.
	if phase == v1.PodSucceeded || phase == v1.PodFailed {
		n.teardown(key, state, false)
		return 0, nil
	}
	return requeue, nil
}

func (n *Node) newPodState(pod *v1.Pod) *podState {
	state := &podState{
		uid:        pod.UID,
		dir:        filepath.Join(n.cfg.StateDir, "pods", string(pod.UID)),
		containers: map[string]*containerState{},
		startTime:  metav1.Now(),
	}
	add := func(kind containerKind, name string) {
		state.containers[name] = &containerState{kind: kind, waiting: "ContainerCreating"}
	}
	for _, c := range pod.Spec.InitContainers {
		add(initContainer, c.Name)
	}
	for _, c := range pod.Spec.Containers {
		add(regularContainer, c.Name)
	}
	return state
}

// setupSandbox gives the pod its network (or the host's), its /etc files and its volumes.
func (n *Node) setupSandbox(ctx context.Context, pod *v1.Pod, state *podState) error {
	if err := os.MkdirAll(state.dir, 0o755); err != nil {
		return err
	}
	// Fields are written under n.mu: the kubelet API reads them from its own goroutines.
	if pod.Spec.HostNetwork {
		n.locked(func() { state.ip = topology.HostIP })
	} else if state.network == nil {
		ip, err := n.ips.allocate(pod.UID)
		if err != nil {
			return err
		}
		network := runtime.PodNetworkFor(string(pod.UID), ip)
		if err := network.Create(); err != nil {
			n.ips.release(ip.String())
			return err
		}
		n.locked(func() { state.network, state.ip = &network, ip.String() })
	}
	if shareProcessNamespace(pod) && state.sandbox == nil {
		sandbox, err := runtime.StartSandbox(n.cfg.Self, newContainerID())
		if err != nil {
			return err
		}
		n.locked(func() { state.sandbox = sandbox })
	}
	mounts, err := writePodFiles(pod, state.dir, state.ip)
	if err != nil {
		return fmt.Errorf("pod /etc files: %w", err)
	}
	volumes, err := n.prepareVolumes(ctx, pod, state.dir, state.ip)
	if err != nil {
		return err
	}
	n.locked(func() { state.mounts, state.volumes = mounts, volumes })
	return nil
}

// runContainers starts init containers one by one, then the containers, then new ephemeral containers, and
// restarts exited ones as restartPolicy says. It returns how soon it wants to look again.
func (n *Node) runContainers(ctx context.Context, key string, pod *v1.Pod, state *podState) time.Duration {
	n.mu.Lock()
	defer n.mu.Unlock()
	wake := time.Duration(0)
	soonest := func(d time.Duration) {
		if d > 0 && (wake == 0 || d < wake) {
			wake = d
		}
	}
	now := time.Now()
	for i := range pod.Spec.InitContainers {
		spec := &pod.Spec.InitContainers[i]
		c := state.containers[spec.Name]
		if c.succeeded() {
			continue
		}
		if c.running {
			return wake
		}
		if c.exited() && pod.Spec.RestartPolicy == v1.RestartPolicyNever {
			return wake
		}
		if now.Before(c.notBefore) {
			soonest(c.notBefore.Sub(now))
			return wake
		}
		n.startContainer(ctx, key, pod, state, spec, "", c)
		return wake
	}
	for i := range pod.Spec.Containers {
		spec := &pod.Spec.Containers[i]
		c := state.containers[spec.Name]
		if c.running {
			soonest(n.probeReadiness(pod, state, spec, c))
			continue
		}
		if c.exited() && !shouldRestart(pod.Spec.RestartPolicy, c.exitCode) {
			continue
		}
		if now.Before(c.notBefore) {
			soonest(c.notBefore.Sub(now))
			continue
		}
		n.startContainer(ctx, key, pod, state, spec, "", c)
		if c.running {
			soonest(n.probeReadiness(pod, state, spec, c))
		}
	}
	for i := range pod.Spec.EphemeralContainers {
		ephemeral := &pod.Spec.EphemeralContainers[i]
		spec := (*v1.Container)(&ephemeral.EphemeralContainerCommon)
		if _, known := state.containers[spec.Name]; known {
			continue
		}
		c := &containerState{kind: ephemeralContainer}
		state.containers[spec.Name] = c
		n.startContainer(ctx, key, pod, state, spec, ephemeral.TargetContainerName, c)
	}
	return wake
}

func shouldRestart(policy v1.RestartPolicy, exitCode int32) bool {
	return policy == v1.RestartPolicyAlways || (policy == v1.RestartPolicyOnFailure && exitCode != 0)
}

// restartBackoff doubles from 1 s up to 20 s: shorter than the kubelet's so tests of crash loops stay quick.
func restartBackoff(restarts int32) time.Duration {
	delay := time.Second << min(restarts, 5)
	return min(delay, 20*time.Second)
}

// shareProcessNamespace: the pod's containers share one PID namespace (and not the host's).
func shareProcessNamespace(pod *v1.Pod) bool {
	return !pod.Spec.HostPID && pod.Spec.ShareProcessNamespace != nil && *pod.Spec.ShareProcessNamespace
}

// pidNamespace picks the container's PID namespace as a runtime does: the host's for hostPID, the pod's shared
// one, an ephemeral container's target's, or else its own. Called with n.mu held.
func pidNamespace(pod *v1.Pod, state *podState, target string) runtime.PIDNamespace {
	switch {
	case pod.Spec.HostPID:
		return runtime.PIDNamespace{Host: true}
	case state.sandbox != nil:
		return runtime.PIDNamespace{JoinPID: state.sandbox.Cmd.Process.Pid}
	case target != "" && state.containers[target] != nil && state.containers[target].running:
		return runtime.PIDNamespace{JoinPID: state.containers[target].process.MainPID()}
	}
	return runtime.PIDNamespace{}
}

// startContainer builds the container's command, environment and mounts and starts it; target is an ephemeral
// container's targetContainerName. Failures become the container's waiting reason, as a runtime reports them.
// Called with n.mu held.
func (n *Node) startContainer(ctx context.Context, key string, pod *v1.Pod, state *podState, spec *v1.Container, target string, c *containerState) {
	if c.exited() {
		c.last = c.terminated()
		c.restartCount++
	}
	// A failure leaves the container waiting with the runtime's reason; the next attempt comes a bit later.
	fail := func(reason, message string) {
		c.waiting, c.message, c.notBefore = reason, message, time.Now().Add(5*time.Second)
	}
	image, known := n.images[imageRepository(spec.Image)]
	if !known {
		// The test bed pulls nothing: an image outside its table is one no registry would serve.
		fail("ErrImagePull", fmt.Sprintf("failed to pull image %q: pull access denied, repository does not exist or may require authorization (the test bed's images are listed in test/cluster/internal/node/images.go)", spec.Image))
		return
	}
	if _, err := os.Stat(image.Build); image.Build != "" && err != nil {
		fail("ErrImagePull", fmt.Sprintf("image %q stands for %s, which is not built: run `npm run build`", spec.Image, image.Build))
		return
	}
	argv := resolveArgv(spec.Command, spec.Args, image)
	if len(argv) == 0 {
		fail("CreateContainerError", fmt.Sprintf("image %q has no default entrypoint in the test bed's image table (test/cluster/internal/node/images.go); give the container a command", spec.Image))
		return
	}
	env, err := n.containerEnv(ctx, pod, spec, state.ip)
	if err != nil {
		fail("CreateContainerConfigError", err.Error())
		return
	}
	mounts, err := volumeMounts(spec, state.volumes)
	if err != nil {
		fail("CreateContainerConfigError", err.Error())
		return
	}
	id := newContainerID()
	logDir := filepath.Join(state.dir, "logs", spec.Name)
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		fail("CreateContainerError", err.Error())
		return
	}
	logPath := filepath.Join(logDir, fmt.Sprintf("%d.log", c.restartCount))
	logFile, err := os.Create(logPath)
	if err != nil {
		fail("CreateContainerError", err.Error())
		return
	}
	defer logFile.Close()
	containerSpec := runtime.ContainerSpec{
		ID:         id,
		Dir:        filepath.Join(state.dir, "containers", id),
		Mounts:     append(append([]runtime.Mount{}, state.mounts...), mounts...),
		Argv:       argv,
		Env:        env,
		WorkingDir: spec.WorkingDir,
	}
	if state.network != nil {
		containerSpec.NetnsPath = state.network.NetnsPath()
		containerSpec.Hostname = podHostname(pod)
	}
	process, err := runtime.Start(n.cfg.Self, containerSpec, pidNamespace(pod, state, target), logFile, logFile)
	if err != nil {
		fail("RunContainerError", err.Error())
		return
	}
	*c = containerState{
		kind: c.kind, id: id, process: process, running: true, startedAt: time.Now(),
		restartCount: c.restartCount, last: c.last, logPath: logPath, env: env,
		ready: spec.ReadinessProbe == nil && c.kind != ephemeralContainer,
	}
	n.log.Info("container started", "pod", key, "container", spec.Name, "id", id[:12], "pid", process.Cmd.Process.Pid, "argv", argv)
	go n.awaitExit(key, state, c, process, containerSpec.Dir)
}

// awaitExit records how the container ended, removes its cgroups and writable layer, and wakes the pod's sync.
func (n *Node) awaitExit(key string, state *podState, c *containerState, process *runtime.Process, dir string) {
	err := process.Cmd.Wait()
	var exitCode int32
	signaled := false
	if exitErr := (*exec.ExitError)(nil); errors.As(err, &exitErr) {
		if status, ok := exitErr.Sys().(syscall.WaitStatus); ok && status.Signaled() {
			exitCode, signaled = 128+int32(status.Signal()), true
		} else {
			exitCode = int32(exitErr.ExitCode())
		}
	} else if err != nil {
		exitCode = 128
	}
	_ = runtime.RemoveScope(process.Cgroups)
	_ = os.RemoveAll(dir)
	n.mu.Lock()
	if c.process == process {
		c.running, c.ready, c.finishedAt, c.exitCode, c.signaled = false, false, time.Now(), exitCode, signaled
		c.notBefore = c.finishedAt.Add(restartBackoff(c.restartCount))
	}
	n.mu.Unlock()
	n.log.Info("container exited", "pod", key, "id", c.id[:12], "exitCode", exitCode)
	n.queue.Add(key)
}

func (c *containerState) terminated() *v1.ContainerStateTerminated {
	reason := "Completed"
	if c.exitCode != 0 {
		reason = "Error"
	}
	return &v1.ContainerStateTerminated{
		ExitCode:    c.exitCode,
		Reason:      reason,
		StartedAt:   metav1.NewTime(c.startedAt),
		FinishedAt:  metav1.NewTime(c.finishedAt),
		ContainerID: "containerd://" + c.id,
	}
}

// terminate stops a deleted pod's containers (SIGTERM, SIGKILL after the grace period), releases its sandbox
// and removes the API object for good, as the kubelet does.
func (n *Node) terminate(ctx context.Context, key string, pod *v1.Pod, state *podState) (time.Duration, error) {
	if state != nil && !state.torndown {
		n.mu.Lock()
		grace := 30 * time.Second
		if pod.DeletionGracePeriodSeconds != nil {
			grace = time.Duration(*pod.DeletionGracePeriodSeconds) * time.Second
		}
		if state.killBy.IsZero() {
			state.killBy = time.Now().Add(grace)
		}
		running := 0
		kill := time.Now().After(state.killBy)
		for _, c := range state.containers {
			if !c.running {
				continue
			}
			running++
			switch {
			case kill:
				c.process.Signal(syscall.SIGKILL)
			case !state.termSent:
				c.process.Signal(syscall.SIGTERM)
			}
		}
		state.termSent = true
		n.mu.Unlock()
		if running > 0 {
			return min(time.Until(state.killBy)+100*time.Millisecond, time.Second), nil
		}
		_, _ = n.pushStatus(ctx, pod, state)
		n.teardown(key, state, false)
	}
	err := n.client.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, metav1.DeleteOptions{
		GracePeriodSeconds: new(int64),
		Preconditions:      &metav1.Preconditions{UID: &pod.UID},
	})
	if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
		return 0, fmt.Errorf("final delete of pod %s: %w", key, err)
	}
	return 0, nil
}

// teardown kills what still runs and removes the pod's network and files. forget also drops the pod's state.
func (n *Node) teardown(key string, state *podState, forget bool) {
	n.mu.Lock()
	var processes []*runtime.Process
	for _, c := range state.containers {
		if c.running {
			processes = append(processes, c.process)
		}
	}
	already := state.torndown
	state.torndown = true
	if forget {
		delete(n.state, key)
	}
	n.mu.Unlock()
	if state.sandbox != nil {
		processes = append(processes, state.sandbox)
	}
	for _, p := range processes {
		p.Signal(syscall.SIGKILL)
		_ = runtime.RemoveScope(p.Cgroups)
	}
	if already {
		if forget {
			_ = os.RemoveAll(state.dir)
		}
		return
	}
	if state.network != nil {
		if err := state.network.Delete(); err != nil {
			n.log.Warn("pod network cleanup failed", "pod", key, "err", err)
		}
		n.ips.release(state.ip)
	}
	leftover := filepath.Join(state.dir, "containers")
	if forget {
		leftover = state.dir
	}
	if err := os.RemoveAll(leftover); err != nil {
		n.log.Warn("pod files cleanup failed", "pod", key, "err", err)
	}
}

// stopAll kills every container and removes every pod sandbox: the node is going away.
func (n *Node) stopAll() {
	n.mu.Lock()
	states := make(map[string]*podState, len(n.state))
	for key, state := range n.state {
		states[key] = state
	}
	n.mu.Unlock()
	for key, state := range states {
		n.teardown(key, state, true)
	}
}

// locked runs fn with n.mu held.
func (n *Node) locked(fn func()) {
	n.mu.Lock()
	defer n.mu.Unlock()
	fn()
}

func newContainerID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
