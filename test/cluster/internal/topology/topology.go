// Package topology holds the addresses and names every part of the test bed agrees on. Every kernel object the
// test bed creates starts with Prefix so `down` (and other people's cleanups) can tell it apart.
package topology

import (
	"fmt"
	"net"
)

const (
	// Prefix starts every network namespace, link, nft table, cgroup and mount source name.
	Prefix = "dplk8s"
	// Bridge joins every pod's veth; the host's end carries HostIP.
	Bridge = "dplk8s0"
	// HostIP is the host's address on the bridge: pods' gateway, DNS server, API server and kubelet address.
	HostIP = "10.213.0.1"
	// PodCIDR is the pod network; node n hands out addresses from 10.213.n.0/24.
	PodCIDR = "10.213.0.0/16"
	// ServiceCIDR is the ClusterIP range; the service proxy DNATs it to endpoints.
	ServiceCIDR = "10.214.0.0/16"
	// APIServiceIP is the first ClusterIP, taken by the `kubernetes` Service.
	APIServiceIP = "10.214.0.1"
	// APIServerPort is the API server's secure port on HostIP.
	APIServerPort = 6443
	// KubeletBasePort is node 1's kubelet port; node n listens on KubeletBasePort+n-1.
	KubeletBasePort = 10350
	// ClusterDomain is the DNS suffix of Services and pods.
	ClusterDomain = "cluster.local"
	// CgroupParent is the cgroup directory (in every hierarchy) holding one cri-containerd-<id>.scope per container.
	CgroupParent = "dplk8s.slice"
)

// APIServerURL is the URL every client uses.
func APIServerURL() string { return fmt.Sprintf("https://%s:%d", HostIP, APIServerPort) }

// NodeName is the name of node n (1-based).
func NodeName(n int) string { return fmt.Sprintf("dpl-node-%d", n) }

// NodePodCIDR is the /24 node n allocates pod IPs from.
func NodePodCIDR(n int) *net.IPNet {
	return &net.IPNet{IP: net.IPv4(10, 213, byte(n), 0).To4(), Mask: net.CIDRMask(24, 32)}
}

// PodNetmask is the prefix length pods use on eth0: the whole pod network is one L2 segment on the bridge.
const PodNetmask = 16
