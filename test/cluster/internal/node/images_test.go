package node

import (
	"reflect"
	"testing"
)

func TestImageRepositoryStripsRegistryLibraryTagAndDigest(t *testing.T) {
	for image, want := range map[string]string{
		"busybox":                               "busybox",
		"busybox:1.36":                          "busybox",
		"docker.io/library/busybox:1.36":        "busybox",
		"localhost:5000/doppel/agent:0.1.0":     "doppel/agent",
		"ghcr.io/doppel/agent@sha256:abc":       "doppel/agent",
		"doppel/sample-app:1":                   "doppel/sample-app",
		"registry.example.com:443/team/app:dev": "team/app",
	} {
		if got := imageRepository(image); got != want {
			t.Errorf("imageRepository(%q) = %q, want %q", image, got, want)
		}
	}
}

func TestResolveArgvFollowsTheRuntimeRule(t *testing.T) {
	image := entrypoint{Entrypoint: []string{"node", "app.js"}, Cmd: []string{"--serve"}}
	cases := []struct {
		name          string
		command, args []string
		want          []string
	}{
		{"neither: entrypoint and cmd", nil, nil, []string{"node", "app.js", "--serve"}},
		{"args replace cmd", nil, []string{"--once"}, []string{"node", "app.js", "--once"}},
		{"command replaces entrypoint and drops cmd", []string{"sh"}, nil, []string{"sh"}},
		{"command and args exactly as given", []string{"sh", "-c"}, []string{"echo hi"}, []string{"sh", "-c", "echo hi"}},
	}
	for _, c := range cases {
		if got := resolveArgv(c.command, c.args, image); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
	if got := resolveArgv(nil, nil, entrypoint{}); len(got) != 0 {
		t.Errorf("unknown image without command: got %q, want nothing (CreateContainerError)", got)
	}
}
