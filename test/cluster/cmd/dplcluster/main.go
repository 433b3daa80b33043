// Command dplcluster is the one binary of the cluster test bed: each subcommand is one cluster component, so the
// heavy Kubernetes packages are compiled and linked once.
package main

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"k8s.io/component-base/cli"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
)

var components = map[string]func(args []string) int{
	"certs":           runCerts,
	"etcd":            runEtcd,
	"node":            runNode,
	"dns":             runDNS,
	"service-proxy":   runServiceProxy,
	"container-shim":  runContainerShim,
	"container-enter": runContainerEnter,
	"pause":           runPause,
	"kube-apiserver": func(args []string) int {
		cmd := apiserver.NewAPIServerCommand()
		cmd.SetArgs(args)
		return cli.Run(cmd)
	},
	"kube-controller-manager": func(args []string) int {
		cmd := controllermanager.NewControllerManagerCommand()
		cmd.SetArgs(args)
		return cli.Run(cmd)
	},
	"kube-scheduler": func(args []string) int {
		cmd := scheduler.NewSchedulerCommand()
		cmd.SetArgs(args)
		return cli.Run(cmd)
	},
}

func main() {
	names := make([]string, 0, len(components))
	for name := range components {
		names = append(names, name)
	}
	sort.Strings(names)
	if len(os.Args) < 2 || components[os.Args[1]] == nil {
		fmt.Fprintf(os.Stderr, "usage: dplcluster <%s> [flags]\n", strings.Join(names, "|"))
		os.Exit(2)
	}
	os.Exit(components[os.Args[1]](os.Args[2:]))
}
