package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"doppel.dev/testcluster/internal/dns"
	"doppel.dev/testcluster/internal/serviceproxy"
	"doppel.dev/testcluster/internal/topology"
)

// adminClient connects with the state dir's admin kubeconfig.
func adminClient(component string, args []string) (kubernetes.Interface, error) {
	flags := flag.NewFlagSet(component, flag.ExitOnError)
	stateDir := flags.String("state-dir", "", "cluster state directory")
	_ = flags.Parse(args)
	if *stateDir == "" {
		return nil, fmt.Errorf("--state-dir is required")
	}
	config, err := clientcmd.BuildConfigFromFlags("", filepath.Join(*stateDir, "admin.kubeconfig"))
	if err != nil {
		return nil, err
	}
	return kubernetes.NewForConfig(config)
}

func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
}

// runDNS serves cluster DNS on the bridge address until SIGTERM.
func runDNS(args []string) int {
	client, err := adminClient("dns", args)
	if err != nil {
		fmt.Fprintf(os.Stderr, "dns: %v\n", err)
		return 2
	}
	ctx, stop := signalContext()
	defer stop()
	factory := informers.NewSharedInformerFactory(client, 0)
	records := dns.Records{
		Domain:   topology.ClusterDomain,
		Services: factory.Core().V1().Services().Lister(),
		Slices:   factory.Discovery().V1().EndpointSlices().Lister(),
		Pods:     factory.Core().V1().Pods().Lister(),
	}
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	server := &dns.Server{
		Address:   net.JoinHostPort(topology.HostIP, "53"),
		Records:   records,
		Upstreams: hostResolvers(),
		Log:       slog.New(slog.NewTextHandler(os.Stderr, nil)),
	}
	if err := server.Serve(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// hostResolvers reads the host's nameservers, the upstreams for names outside the cluster.
func hostResolvers() []string {
	file, err := os.Open("/etc/resolv.conf")
	if err != nil {
		return nil
	}
	defer file.Close()
	var upstreams []string
	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		fields := strings.Fields(scanner.Text())
		if len(fields) >= 2 && fields[0] == "nameserver" && fields[1] != topology.HostIP {
			upstreams = append(upstreams, net.JoinHostPort(fields[1], "53"))
		}
	}
	return upstreams
}

// runServiceProxy keeps the Service DNAT table current until SIGTERM, then removes it.
func runServiceProxy(args []string) int {
	client, err := adminClient("service-proxy", args)
	if err != nil {
		fmt.Fprintf(os.Stderr, "service-proxy: %v\n", err)
		return 2
	}
	ctx, stop := signalContext()
	defer stop()
	if err := serviceproxy.Run(ctx, client, slog.New(slog.NewTextHandler(os.Stderr, nil))); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}
