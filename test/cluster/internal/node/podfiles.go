package node

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	v1 "k8s.io/api/core/v1"

	"doppel.dev/testcluster/internal/runtime"
	"doppel.dev/testcluster/internal/topology"
)

// writePodFiles writes the pod's own /etc/hosts, /etc/resolv.conf and /etc/hostname and returns them as mounts.
func writePodFiles(pod *v1.Pod, podDir, podIP string) ([]runtime.Mount, error) {
	etc := filepath.Join(podDir, "etc")
	if err := os.MkdirAll(etc, 0o755); err != nil {
		return nil, err
	}
	resolv, err := resolvConf(pod)
	if err != nil {
		return nil, err
	}
	files := map[string]string{
		"hosts":       hostsFile(pod, podIP),
		"resolv.conf": resolv,
		"hostname":    podHostname(pod) + "\n",
	}
	var mounts []runtime.Mount
	for name, content := range files {
		path := filepath.Join(etc, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			return nil, err
		}
		mounts = append(mounts, runtime.Mount{Source: path, Target: "/etc/" + name})
	}
	return mounts, nil
}

func hostsFile(pod *v1.Pod, podIP string) string {
	if pod.Spec.HostNetwork {
		if content, err := os.ReadFile("/etc/hosts"); err == nil {
			return string(content)
		}
	}
	var b strings.Builder
	b.WriteString("# Kubernetes-managed hosts file (dpl test bed).\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n")
	names := podHostname(pod)
	if pod.Spec.Subdomain != "" {
		names = fmt.Sprintf("%s.%s.%s.svc.%s\t%s", podHostname(pod), pod.Spec.Subdomain, pod.Namespace, topology.ClusterDomain, podHostname(pod))
	}
	fmt.Fprintf(&b, "%s\t%s\n", podIP, names)
	for _, alias := range pod.Spec.HostAliases {
		fmt.Fprintf(&b, "%s\t%s\n", alias.IP, strings.Join(alias.Hostnames, "\t"))
	}
	return b.String()
}

// resolvConf follows the pod's dnsPolicy: ClusterFirst uses the cluster DNS on the bridge with the usual search
// domains; host-network pods (without ClusterFirstWithHostNet) and Default use the host's file.
func resolvConf(pod *v1.Pod) (string, error) {
	policy := pod.Spec.DNSPolicy
	if policy == "" {
		policy = v1.DNSClusterFirst
	}
	if policy == v1.DNSClusterFirst && pod.Spec.HostNetwork {
		policy = v1.DNSDefault
	}
	var nameservers, searches, options []string
	switch policy {
	case v1.DNSClusterFirst, v1.DNSClusterFirstWithHostNet:
		nameservers = []string{topology.HostIP}
		searches = []string{pod.Namespace + ".svc." + topology.ClusterDomain, "svc." + topology.ClusterDomain, topology.ClusterDomain}
		options = []string{"ndots:5"}
	case v1.DNSDefault:
		host, err := os.ReadFile("/etc/resolv.conf")
		if err != nil {
			return "", fmt.Errorf("read host /etc/resolv.conf: %w", err)
		}
		for _, line := range strings.Split(string(host), "\n") {
			fields := strings.Fields(line)
			if len(fields) < 2 {
				continue
			}
			switch fields[0] {
			case "nameserver":
				nameservers = append(nameservers, fields[1])
			case "search":
				searches = append(searches, fields[1:]...)
			case "options":
				options = append(options, fields[1:]...)
			}
		}
	}
	if config := pod.Spec.DNSConfig; config != nil {
		nameservers = append(nameservers, config.Nameservers...)
		searches = append(searches, config.Searches...)
		for _, option := range config.Options {
			if option.Value != nil {
				options = append(options, option.Name+":"+*option.Value)
			} else {
				options = append(options, option.Name)
			}
		}
	}
	var b strings.Builder
	for _, ns := range nameservers {
		fmt.Fprintf(&b, "nameserver %s\n", ns)
	}
	if len(searches) > 0 {
		fmt.Fprintf(&b, "search %s\n", strings.Join(searches, " "))
	}
	if len(options) > 0 {
		fmt.Fprintf(&b, "options %s\n", strings.Join(options, " "))
	}
	return b.String(), nil
}
