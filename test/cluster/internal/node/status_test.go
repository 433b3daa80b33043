package node

import (
	"testing"

	v1 "k8s.io/api/core/v1"
)

func TestPhaseFollowsContainersAndRestartPolicy(t *testing.T) {
	running := &containerState{id: "a", running: true}
	exited := func(code int32) *containerState { return &containerState{id: "b", exitCode: code} }
	notStarted := &containerState{}
	cases := []struct {
		name   string
		policy v1.RestartPolicy
		init   *containerState
		main   *containerState
		want   v1.PodPhase
	}{
		{"not started yet", v1.RestartPolicyAlways, nil, notStarted, v1.PodPending},
		{"running", v1.RestartPolicyAlways, nil, running, v1.PodRunning},
		{"Always: exited means restarting", v1.RestartPolicyAlways, nil, exited(0), v1.PodRunning},
		{"OnFailure: exit 0 succeeds", v1.RestartPolicyOnFailure, nil, exited(0), v1.PodSucceeded},
		{"OnFailure: exit 1 restarts", v1.RestartPolicyOnFailure, nil, exited(1), v1.PodRunning},
		{"Never: exit 1 fails", v1.RestartPolicyNever, nil, exited(1), v1.PodFailed},
		{"init still running", v1.RestartPolicyAlways, running, notStarted, v1.PodPending},
		{"Never: failed init fails the pod", v1.RestartPolicyNever, exited(2), notStarted, v1.PodFailed},
		{"init done, main running", v1.RestartPolicyNever, exited(0), running, v1.PodRunning},
	}
	for _, c := range cases {
		pod := &v1.Pod{Spec: v1.PodSpec{RestartPolicy: c.policy, Containers: []v1.Container{{Name: "main"}}}}
		state := &podState{containers: map[string]*containerState{"main": c.main}}
		if c.init != nil {
			pod.Spec.InitContainers = []v1.Container{{Name: "init"}}
			state.containers["init"] = c.init
		}
		if got := phaseLocked(pod, state); got != c.want {
			t.Errorf("%s: phase %s, want %s", c.name, got, c.want)
		}
	}
}
