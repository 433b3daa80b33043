package node

import (
	"path/filepath"
	"strings"
)

// entrypoint is what an image would contribute when the pod spec leaves command or args out.
type entrypoint struct {
	Entrypoint []string
	Cmd        []string
	// Build is a file of this checkout the image stands for; while it is missing the image "cannot be pulled".
	Build string
}

// imageDefaults maps image repositories (the reference without tag or digest) to their default entrypoint. The
// test bed pulls no images: containers run host binaries, so each known image names the host program that
// plays its part. repoRoot is the doppel checkout.
func imageDefaults(repoRoot string) map[string]entrypoint {
	return map[string]entrypoint{
		"doppel/agent": {
			Entrypoint: []string{"node", filepath.Join(repoRoot, "agent/dist/agent.js")},
			Build:      filepath.Join(repoRoot, "agent/dist/agent.js"),
		},
		"doppel/sample-app": {Entrypoint: []string{"node", filepath.Join(repoRoot, "test/cluster/images/sample-app.mjs")}},
		"busybox":           {Cmd: []string{"sh"}},
		"alpine":            {Cmd: []string{"/bin/sh"}},
		"debian":            {Cmd: []string{"bash"}},
		"ubuntu":            {Cmd: []string{"bash"}},
		"node":              {Cmd: []string{"node"}},
		"python":            {Cmd: []string{"python3"}},
		"curlimages/curl":   {Entrypoint: []string{"curl"}},
	}
}

// imageRepository strips registry host, "library/", tag and digest: "docker.io/library/busybox:1.36" → "busybox".
func imageRepository(image string) string {
	name, _, _ := strings.Cut(image, "@")
	if slash := strings.LastIndex(name, "/"); strings.LastIndex(name, ":") > slash {
		name = name[:strings.LastIndex(name, ":")]
	}
	parts := strings.Split(name, "/")
	if len(parts) > 1 && (strings.ContainsAny(parts[0], ".:") || parts[0] == "localhost") {
		parts = parts[1:]
	}
	if len(parts) > 1 && parts[0] == "library" {
		parts = parts[1:]
	}
	return strings.Join(parts, "/")
}

// resolveArgv applies the runtime rule: command replaces the entrypoint, args replace the default cmd.
func resolveArgv(command, args []string, image entrypoint) []string {
	if len(command) > 0 {
		return append(append([]string{}, command...), args...)
	}
	if len(args) > 0 {
		return append(append([]string{}, image.Entrypoint...), args...)
	}
	return append(append([]string{}, image.Entrypoint...), image.Cmd...)
}
