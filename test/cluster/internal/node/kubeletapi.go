package node

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"

	"doppel.dev/testcluster/internal/runtime"
)

// The methods below answer the kubelet API (package kubeletapi) from the node's pod state.

// lookup finds a pod this node runs; needSandbox also requires its namespaces to still exist.
func (n *Node) lookup(namespace, pod string, needSandbox bool) (*v1.Pod, *podState, error) {
	object, err := n.pods.Pods(namespace).Get(pod)
	if err != nil {
		return nil, nil, fmt.Errorf("pod %s/%s is not on node %s: %w", namespace, pod, n.cfg.Name, err)
	}
	n.mu.Lock()
	state := n.state[namespace+"/"+pod]
	n.mu.Unlock()
	if state == nil || state.uid != object.UID || (needSandbox && state.torndown) {
		return nil, nil, fmt.Errorf("pod %s/%s is not running on node %s", namespace, pod, n.cfg.Name)
	}
	return object, state, nil
}

// Netns is the pod's network namespace path, "" for a host-network pod.
func (n *Node) Netns(namespace, pod string) (string, types.UID, error) {
	object, state, err := n.lookup(namespace, pod, true)
	if err != nil {
		return "", "", err
	}
	if state.network == nil {
		return "", object.UID, nil
	}
	return state.network.NetnsPath(), object.UID, nil
}

// Exec prepares argv to run in the container's namespaces, root, cgroups and environment.
func (n *Node) Exec(namespace, pod, container string, argv []string) (*exec.Cmd, error) {
	_, state, err := n.lookup(namespace, pod, true)
	if err != nil {
		return nil, err
	}
	n.mu.Lock()
	c := state.containers[container]
	var spec runtime.ContainerSpec
	if c != nil && c.running {
		spec = runtime.ContainerSpec{ID: c.id, Cgroups: c.process.Cgroups, Env: c.env, Argv: argv, Enter: c.process.MainPID()}
	}
	n.mu.Unlock()
	if spec.ID == "" {
		return nil, fmt.Errorf("container %q of pod %s/%s is not running", container, namespace, pod)
	}
	file, err := os.CreateTemp(state.dir, "exec-*.json")
	if err != nil {
		return nil, err
	}
	defer file.Close()
	if err := json.NewEncoder(file).Encode(spec); err != nil {
		return nil, err
	}
	cmd := exec.Command(n.cfg.Self, "container-enter", file.Name())
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	return cmd, nil
}

// LogPath is the log file of the container's current instance, or with previous its last one.
func (n *Node) LogPath(namespace, pod, container string, previous bool) (string, func() bool, error) {
	_, state, err := n.lookup(namespace, pod, false)
	if err != nil {
		return "", nil, err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	c := state.containers[container]
	if c == nil || c.logPath == "" {
		return "", nil, fmt.Errorf("container %q of pod %s/%s has not started", container, namespace, pod)
	}
	restart := c.restartCount
	if previous {
		if restart == 0 {
			return "", nil, fmt.Errorf("container %q of pod %s/%s has no previous instance", container, namespace, pod)
		}
		restart--
	}
	path := filepath.Join(filepath.Dir(c.logPath), fmt.Sprintf("%d.log", restart))
	running := func() bool {
		n.mu.Lock()
		defer n.mu.Unlock()
		return !previous && c.running
	}
	return path, running, nil
}
