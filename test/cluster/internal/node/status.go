package node

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/kubernetes/pkg/apis/core/v1/helper/qos"

	"doppel.dev/testcluster/internal/topology"
)

// phaseLocked applies the kubelet's rules: Pending until every container has started, Succeeded or Failed once
// all have stopped for good, Running otherwise. Called with n.mu held.
func phaseLocked(pod *v1.Pod, state *podState) v1.PodPhase {
	for _, spec := range pod.Spec.InitContainers {
		c := state.containers[spec.Name]
		if c.exited() && !c.succeeded() && pod.Spec.RestartPolicy == v1.RestartPolicyNever {
			return v1.PodFailed
		}
		if !c.succeeded() {
			return v1.PodPending
		}
	}
	running, stopped, failed := 0, 0, 0
	for _, spec := range pod.Spec.Containers {
		c := state.containers[spec.Name]
		switch {
		case c.running:
			running++
		case c.exited() && !shouldRestart(pod.Spec.RestartPolicy, c.exitCode):
			stopped++
			if c.exitCode != 0 {
				failed++
			}
		case c.exited():
			running++ // restarting
		}
	}
	switch {
	case stopped == len(pod.Spec.Containers) && failed > 0:
		return v1.PodFailed
	case stopped == len(pod.Spec.Containers):
		return v1.PodSucceeded
	case running+stopped == len(pod.Spec.Containers):
		return v1.PodRunning
	}
	return v1.PodPending
}

// pushStatus writes the pod's status when it changed and returns the phase it holds.
func (n *Node) pushStatus(ctx context.Context, pod *v1.Pod, state *podState) (v1.PodPhase, error) {
	status := n.status(pod, state)
	if equality.Semantic.DeepEqual(status, pod.Status) {
		return status.Phase, nil
	}
	updated := pod.DeepCopy()
	updated.Status = status
	_, err := n.client.CoreV1().Pods(pod.Namespace).UpdateStatus(ctx, updated, metav1.UpdateOptions{})
	if err != nil {
		return "", fmt.Errorf("update status of pod %s/%s: %w", pod.Namespace, pod.Name, err)
	}
	return status.Phase, nil
}

func (n *Node) status(pod *v1.Pod, state *podState) v1.PodStatus {
	n.mu.Lock()
	defer n.mu.Unlock()
	status := *pod.Status.DeepCopy()
	status.Phase = phaseLocked(pod, state)
	if pod.DeletionTimestamp != nil && status.Phase != v1.PodSucceeded && status.Phase != v1.PodFailed {
		// A deleted pod's containers do not restart: it ends Succeeded only if every container exited 0.
		status.Phase = v1.PodSucceeded
		for _, spec := range pod.Spec.Containers {
			if c := state.containers[spec.Name]; c.running || c.exitCode != 0 {
				status.Phase = v1.PodFailed
			}
		}
	}
	status.HostIP = topology.HostIP
	status.HostIPs = []v1.HostIP{{IP: topology.HostIP}}
	if state.ip != "" {
		status.PodIP = state.ip
		status.PodIPs = []v1.PodIP{{IP: state.ip}}
	}
	if status.StartTime == nil {
		status.StartTime = &state.startTime
	}
	status.QOSClass = qos.GetPodQOS(pod)

	initialized, allReady := true, true
	status.InitContainerStatuses = nil
	for _, spec := range pod.Spec.InitContainers {
		c := state.containers[spec.Name]
		initialized = initialized && c.succeeded()
		restarting := c.exited() && c.exitCode != 0 && pod.Spec.RestartPolicy != v1.RestartPolicyNever
		status.InitContainerStatuses = append(status.InitContainerStatuses, containerStatus(spec.Name, spec.Image, c, restarting, state.setupErr))
	}
	status.ContainerStatuses = nil
	for _, spec := range pod.Spec.Containers {
		c := state.containers[spec.Name]
		allReady = allReady && c.running && c.ready
		restarting := c.exited() && shouldRestart(pod.Spec.RestartPolicy, c.exitCode) && pod.DeletionTimestamp == nil
		status.ContainerStatuses = append(status.ContainerStatuses, containerStatus(spec.Name, spec.Image, c, restarting, state.setupErr))
	}
	status.EphemeralContainerStatuses = nil
	for _, ephemeral := range pod.Spec.EphemeralContainers {
		if c, ok := state.containers[ephemeral.Name]; ok {
			status.EphemeralContainerStatuses = append(status.EphemeralContainerStatuses, containerStatus(ephemeral.Name, ephemeral.Image, c, false, state.setupErr))
		}
	}
	sandboxReady := state.setupErr == "" && !state.torndown
	allReady = allReady && status.Phase == v1.PodRunning
	setCondition(&status, v1.PodReadyToStartContainers, sandboxReady, "")
	setCondition(&status, v1.PodInitialized, initialized, "ContainersNotInitialized")
	setCondition(&status, v1.ContainersReady, allReady, "ContainersNotReady")
	setCondition(&status, v1.PodReady, allReady, "ContainersNotReady")
	return status
}

// containerStatus reports one container; restarting marks an exited container waiting out its back-off, shown
// as the kubelet does: waiting in CrashLoopBackOff, the exit as its last state.
func containerStatus(name, image string, c *containerState, restarting bool, setupErr string) v1.ContainerStatus {
	status := v1.ContainerStatus{
		Name:         name,
		Image:        image,
		ImageID:      "docker.io/" + imageRepository(image) + "@sha256:" + fmt.Sprintf("%064x", 0),
		RestartCount: c.restartCount,
		Ready:        c.running && c.ready,
		Started:      ptrBool(c.running),
	}
	if c.id != "" {
		status.ContainerID = "containerd://" + c.id
	}
	if c.last != nil {
		status.LastTerminationState.Terminated = c.last
	}
	switch {
	case c.running:
		status.State.Running = &v1.ContainerStateRunning{StartedAt: metav1.NewTime(c.startedAt)}
	case restarting:
		status.LastTerminationState.Terminated = c.terminated()
		status.State.Waiting = &v1.ContainerStateWaiting{
			Reason:  "CrashLoopBackOff",
			Message: fmt.Sprintf("back-off %s restarting failed container=%s", restartBackoff(c.restartCount), name),
		}
	case c.exited():
		status.State.Terminated = c.terminated()
	default:
		reason, message := c.waiting, c.message
		if setupErr != "" {
			reason, message = "ContainerCreating", setupErr
		}
		status.State.Waiting = &v1.ContainerStateWaiting{Reason: reason, Message: message}
	}
	return status
}

func ptrBool(b bool) *bool { return &b }

// setCondition updates a condition in place, moving its transition time only when its status changes.
func setCondition(status *v1.PodStatus, kind v1.PodConditionType, ok bool, falseReason string) {
	value, reason := v1.ConditionTrue, ""
	if !ok {
		value, reason = v1.ConditionFalse, falseReason
	}
	for i := range status.Conditions {
		if status.Conditions[i].Type == kind {
			if status.Conditions[i].Status != value {
				status.Conditions[i].Status = value
				status.Conditions[i].Reason = reason
				status.Conditions[i].LastTransitionTime = metav1.Now()
			}
			return
		}
	}
	status.Conditions = append(status.Conditions, v1.PodCondition{Type: kind, Status: value, Reason: reason, LastTransitionTime: metav1.Now()})
}

// probeReadiness runs a due readiness probe (httpGet or tcpSocket, from the host to the pod IP; exec and grpc
// probes count as passing) and returns when the next one is due. Called with n.mu held.
func (n *Node) probeReadiness(pod *v1.Pod, state *podState, spec *v1.Container, c *containerState) time.Duration {
	probe := spec.ReadinessProbe
	if probe == nil {
		return 0
	}
	period := time.Duration(max(probe.PeriodSeconds, 1)) * time.Second
	now := time.Now()
	if c.nextProbe.IsZero() {
		c.nextProbe = c.startedAt.Add(time.Duration(probe.InitialDelaySeconds) * time.Second)
	}
	if now.Before(c.nextProbe) {
		return c.nextProbe.Sub(now)
	}
	c.nextProbe = now.Add(period)
	timeout := time.Duration(max(probe.TimeoutSeconds, 1)) * time.Second
	switch {
	case probe.HTTPGet != nil:
		port := resolvePort(probe.HTTPGet.Port, spec)
		client := http.Client{Timeout: timeout}
		response, err := client.Get(fmt.Sprintf("http://%s/%s", net.JoinHostPort(state.ip, fmt.Sprint(port)), trimSlash(probe.HTTPGet.Path)))
		c.ready = err == nil && response.StatusCode >= 200 && response.StatusCode < 400
		if err == nil {
			response.Body.Close()
		}
	case probe.TCPSocket != nil:
		conn, err := net.DialTimeout("tcp", net.JoinHostPort(state.ip, fmt.Sprint(resolvePort(probe.TCPSocket.Port, spec))), timeout)
		c.ready = err == nil
		if err == nil {
			conn.Close()
		}
	default:
		c.ready = true
	}
	return period
}

func resolvePort(port intstr.IntOrString, spec *v1.Container) int32 {
	if port.Type == intstr.Int {
		return port.IntVal
	}
	for _, p := range spec.Ports {
		if p.Name == port.StrVal {
			return p.ContainerPort
		}
	}
	return 0
}

func trimSlash(path string) string {
	for len(path) > 0 && path[0] == '/' {
		path = path[1:]
	}
	return path
}
