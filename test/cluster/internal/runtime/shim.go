package runtime

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"time"

	securejoin "github.com/cyphar/filepath-securejoin"
	"golang.org/x/sys/unix"
)

// RunShim is the container-shim subcommand: it arrives in fresh mount (and UTS) namespaces, joins the cgroups
// and the pod's network namespace, builds the overlay root, then execs the container's command. It only
// returns on failure.
func RunShim(specPath string) error {
	// setns and exec act on the calling thread: keep all of it on one.
	goruntime.LockOSThread()
	// The report pipe must not outlive the exec: the container's command does not know about it.
	unix.CloseOnExec(reportFD)
	report := os.NewFile(reportFD, "shim report")
	err := setUpContainer(specPath, report)
	if err != nil {
		fmt.Fprintln(report, err)
	}
	return err
}

// reportFD is where Start listens for the shim's outcome (exec.Cmd.ExtraFiles[0]).
const reportFD = 3

// setUpContainer does the shim's work; on success it reports ready and execs, so it only returns errors.
func setUpContainer(specPath string, report *os.File) error {
	data, err := os.ReadFile(specPath)
	if err != nil {
		return err
	}
	var spec ContainerSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		return fmt.Errorf("parse %s: %w", specPath, err)
	}
	if err := JoinScope(spec.Cgroups); err != nil {
		return err
	}
	if spec.NetnsPath != "" {
		if err := setnsPath(spec.NetnsPath, unix.CLONE_NEWNET); err != nil {
			return err
		}
	}
	if spec.Hostname != "" {
		if err := unix.Sethostname([]byte(spec.Hostname)); err != nil {
			return fmt.Errorf("sethostname: %w", err)
		}
	}
	root := filepath.Join(spec.Dir, "merged")
	if err := buildRoot(spec, root); err != nil {
		return err
	}
	if err := unix.Chroot(root); err != nil {
		return fmt.Errorf("chroot %s: %w", root, err)
	}
	return execIn(spec, func() { fmt.Fprintln(report, shimReady) })
}

// RunEnter is the exec path: join the container's cgroups, then let nsenter (single-threaded, unlike a Go
// process, which the kernel refuses to move into another mount namespace) enter its namespaces, root and
// working directory and exec the command with the container's environment.
func RunEnter(specPath string) error {
	data, err := os.ReadFile(specPath)
	if err != nil {
		return err
	}
	_ = os.Remove(specPath)
	var spec ContainerSpec
	if err := json.Unmarshal(data, &spec); err != nil {
		return fmt.Errorf("parse %s: %w", specPath, err)
	}
	if err := JoinScope(spec.Cgroups); err != nil {
		return err
	}
	nsenter, err := exec.LookPath("nsenter")
	if err != nil {
		return fmt.Errorf("exec needs nsenter (util-linux): %w", err)
	}
	argv := append([]string{"nsenter", "--target", fmt.Sprint(spec.Enter), "--net", "--uts", "--pid", "--mount", "--root", "--wd", "--"}, spec.Argv...)
	return unix.Exec(nsenter, argv, spec.Env)
}

func setnsPath(path string, nstype int) error {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer unix.Close(fd)
	if err := unix.Setns(fd, nstype); err != nil {
		return fmt.Errorf("setns %s: %w", path, err)
	}
	return nil
}

// buildRoot mounts the overlay (lower: the host's /, upper: this container's own), then /proc, /sys, /dev and
// the bind mounts on top. Everything happens in the shim's private mount namespace.
func buildRoot(spec ContainerSpec, root string) error {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fmt.Errorf("make mounts private: %w", err)
	}
	options := fmt.Sprintf("lowerdir=/,upperdir=%s,workdir=%s", filepath.Join(spec.Dir, "upper"), filepath.Join(spec.Dir, "work"))
	if err := unix.Mount("dplk8s-"+spec.ID[:12], root, "overlay", 0, options); err != nil {
		return fmt.Errorf("mount overlay root at %s: %w", root, err)
	}
	// Pods share the host's PID namespace (see README), so this /proc lists every process, as hostPID would.
	if err := unix.Mount("proc", filepath.Join(root, "proc"), "proc", 0, ""); err != nil {
		return fmt.Errorf("mount proc: %w", err)
	}
	// A sysfs mounted after joining the pod's netns shows the pod's interfaces, as in a real container.
	if err := unix.Mount("sysfs", filepath.Join(root, "sys"), "sysfs", 0, ""); err != nil {
		return fmt.Errorf("mount sysfs: %w", err)
	}
	if err := unix.Mount("/sys/fs/cgroup", filepath.Join(root, "sys/fs/cgroup"), "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("bind /sys/fs/cgroup: %w", err)
	}
	if err := unix.Mount("/dev", filepath.Join(root, "dev"), "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("bind /dev: %w", err)
	}
	for _, mount := range spec.Mounts {
		if err := bindInto(root, mount); err != nil {
			return err
		}
	}
	return nil
}

// bindInto bind-mounts mount.Source at mount.Target inside root. The target is resolved with root as "/", so
// symlinks in the host's tree (/var/run → /run, /etc/resolv.conf → …) land inside the container's root
// instead of on the host.
func bindInto(root string, mount Mount) error {
	target, err := securejoin.SecureJoin(root, mount.Target)
	if err != nil {
		return fmt.Errorf("resolve mount point %s: %w", mount.Target, err)
	}
	source, err := os.Stat(mount.Source)
	if err != nil {
		return fmt.Errorf("volume source %s: %w", mount.Source, err)
	}
	if source.IsDir() {
		if err := os.MkdirAll(target, 0o755); err != nil {
			return fmt.Errorf("create mount point %s: %w", mount.Target, err)
		}
	} else if _, err := os.Stat(target); err != nil {
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return fmt.Errorf("create mount point %s: %w", mount.Target, err)
		}
		if err := os.WriteFile(target, nil, 0o644); err != nil {
			return fmt.Errorf("create mount point %s: %w", mount.Target, err)
		}
	}
	if err := unix.Mount(mount.Source, target, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("bind %s at %s: %w", mount.Source, mount.Target, err)
	}
	if mount.ReadOnly {
		if err := unix.Mount("", target, "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
			return fmt.Errorf("make %s read-only: %w", mount.Target, err)
		}
	}
	return nil
}

// execIn resolves argv[0] with the container's PATH inside its root, as a runtime does, calls ready, and execs.
func execIn(spec ContainerSpec, ready func()) error {
	dir := spec.WorkingDir
	if dir == "" {
		dir = "/"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("working dir %s: %w", dir, err)
	}
	if err := os.Chdir(dir); err != nil {
		return fmt.Errorf("working dir %s: %w", dir, err)
	}
	if len(spec.Argv) == 0 {
		return fmt.Errorf("container %s has no command", spec.ID)
	}
	for _, kv := range spec.Env {
		if path, ok := strings.CutPrefix(kv, "PATH="); ok {
			_ = os.Setenv("PATH", path)
		}
	}
	program, err := exec.LookPath(spec.Argv[0])
	if err != nil {
		return fmt.Errorf("executable %q not found in the container's PATH: %w", spec.Argv[0], err)
	}
	ready()
	return unix.Exec(program, spec.Argv, spec.Env)
}

func fieldsOf(data []byte) []string {
	return strings.Fields(string(bytes.TrimSpace(data)))
}

// RunPause is a pod sandbox: PID 1 of the pod's shared PID namespace. It joins the cgroups of sandbox ID id,
// reaps the orphans that namespace hands it, and exits on SIGTERM.
func RunPause(id string) error {
	cgroups, err := ScopeDirs(id)
	if err != nil {
		return err
	}
	if err := JoinScope(cgroups); err != nil {
		return err
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, unix.SIGTERM, unix.SIGINT)
	go func() {
		for {
			var status unix.WaitStatus
			if _, err := unix.Wait4(-1, &status, 0, nil); err == unix.ECHILD {
				time.Sleep(time.Second)
			}
		}
	}()
	<-stop
	return nil
}
