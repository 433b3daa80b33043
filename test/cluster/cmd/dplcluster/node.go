package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"doppel.dev/testcluster/internal/kubeletapi"
	"doppel.dev/testcluster/internal/node"
	"doppel.dev/testcluster/internal/runtime"
	"doppel.dev/testcluster/internal/topology"
)

// runNode runs simulated node number --index until SIGTERM, then stops its containers.
func runNode(args []string) int {
	flags := flag.NewFlagSet("node", flag.ExitOnError)
	index := flags.Int("index", 1, "node number (1-based): name dpl-node-N, pods from 10.213.N.0/24")
	stateDir := flags.String("state-dir", "", "cluster state directory (kubeconfigs, pki/, pods/)")
	repoRoot := flags.String("repo-root", "", "doppel checkout, for image entrypoints")
	_ = flags.Parse(args)
	if *stateDir == "" || *repoRoot == "" {
		fmt.Fprintln(os.Stderr, "node: --state-dir and --repo-root are required")
		return 2
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintf(os.Stderr, "node: locate own binary: %v\n", err)
		return 1
	}
	config, err := clientcmd.BuildConfigFromFlags("", filepath.Join(*stateDir, "admin.kubeconfig"))
	if err != nil {
		fmt.Fprintf(os.Stderr, "node: %v\n", err)
		return 1
	}
	config.QPS, config.Burst = 50, 100
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		fmt.Fprintf(os.Stderr, "node: %v\n", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	cfg := node.Config{
		Name:        topology.NodeName(*index),
		PodCIDR:     topology.NodePodCIDR(*index),
		KubeletPort: topology.KubeletBasePort + *index - 1,
		StateDir:    filepath.Join(*stateDir, "nodes", topology.NodeName(*index)),
		RepoRoot:    *repoRoot,
		Self:        self,
	}
	n := node.New(cfg, client)
	pki := filepath.Join(*stateDir, "pki")
	errs := make(chan error, 2)
	go func() {
		errs <- kubeletapi.Serve(ctx, fmt.Sprintf("%s:%d", topology.HostIP, cfg.KubeletPort),
			filepath.Join(pki, "kubelet.crt"), filepath.Join(pki, "kubelet.key"), filepath.Join(pki, "ca.crt"), n)
	}()
	go func() { errs <- n.Run(ctx) }()
	if err := <-errs; err != nil {
		fmt.Fprintf(os.Stderr, "node %s: %v\n", cfg.Name, err)
		stop()
		<-errs
		return 1
	}
	stop()
	<-errs
	return 0
}

// runContainerShim becomes a container's process (see runtime.RunShim); it only returns on failure.
func runContainerShim(args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "container-shim: expects the spec file path")
		return 2
	}
	err := runtime.RunShim(args[0])
	fmt.Fprintf(os.Stderr, "dpl container runtime: %v\n", err)
	return 128
}

// runContainerEnter becomes a process inside a running container (exec); it only returns on failure.
func runContainerEnter(args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "container-enter: expects the spec file path")
		return 2
	}
	err := runtime.RunEnter(args[0])
	fmt.Fprintf(os.Stderr, "dpl container runtime: %v\n", err)
	return 126
}

// runPause is a pod sandbox holding a shared PID namespace (see runtime.RunPause).
func runPause(args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "pause: expects the sandbox ID")
		return 2
	}
	if err := runtime.RunPause(args[0]); err != nil {
		fmt.Fprintf(os.Stderr, "dpl pod sandbox: %v\n", err)
		return 1
	}
	return 0
}
