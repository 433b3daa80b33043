package runtime

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"path/filepath"
	goruntime "runtime"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"

	"doppel.dev/testcluster/internal/topology"
)

// PodNetwork is one pod's network namespace, attached to the bridge by a veth pair.
type PodNetwork struct {
	Name string // named netns, /run/netns/<Name>
	IP   net.IP
}

// NetnsPath is where `ip netns` and the container shim find the namespace.
func (n PodNetwork) NetnsPath() string { return filepath.Join("/run/netns", n.Name) }

// hostVeth is the host end's link name: the prefix plus a hash of the pod, within the 15-byte IFNAMSIZ limit.
func (n PodNetwork) hostVeth() string { return topology.Prefix + n.Name[len(topology.Prefix)+1:][:8] }

// PodNetworkFor names the namespace after the pod UID so a restarted node finds it again.
func PodNetworkFor(podUID string, ip net.IP) PodNetwork {
	sum := sha256.Sum256([]byte(podUID))
	return PodNetwork{Name: topology.Prefix + "-" + hex.EncodeToString(sum[:])[:12], IP: ip}
}

// Create makes the namespace, the veth pair (eth0 inside, on the bridge outside), the address and the default
// route via the host. Leftovers of an earlier attempt are removed first.
func (n PodNetwork) Create() error {
	_ = n.Delete()
	return onThrowawayThread(n.create)
}

func (n PodNetwork) create() (err error) {
	hostNS, err := netns.Get()
	if err != nil {
		return fmt.Errorf("open host netns: %w", err)
	}
	defer hostNS.Close()
	podNS, err := netns.NewNamed(n.Name) // also switches this thread into it
	if err != nil {
		return fmt.Errorf("create netns %s: %w", n.Name, err)
	}
	defer podNS.Close()
	if err := netns.Set(hostNS); err != nil {
		return fmt.Errorf("return to host netns: %w", err)
	}
	defer func() {
		if err != nil {
			_ = n.Delete()
		}
	}()

	bridge, err := netlink.LinkByName(topology.Bridge)
	if err != nil {
		return fmt.Errorf("bridge %s missing (run test/cluster/up): %w", topology.Bridge, err)
	}
	veth := &netlink.Veth{
		LinkAttrs: netlink.LinkAttrs{Name: n.hostVeth(), MasterIndex: bridge.Attrs().Index},
		PeerName:  "eth0",
	}
	veth.PeerNamespace = netlink.NsFd(podNS)
	if err := netlink.LinkAdd(veth); err != nil {
		return fmt.Errorf("create veth %s: %w", veth.Name, err)
	}
	if err := netlink.LinkSetUp(veth); err != nil {
		return fmt.Errorf("set %s up: %w", veth.Name, err)
	}

	handle, err := netlink.NewHandleAt(podNS)
	if err != nil {
		return fmt.Errorf("netlink in %s: %w", n.Name, err)
	}
	defer handle.Close()
	for _, name := range []string{"lo", "eth0"} {
		link, err := handle.LinkByName(name)
		if err != nil {
			return fmt.Errorf("%s in %s: %w", name, n.Name, err)
		}
		if err := handle.LinkSetUp(link); err != nil {
			return fmt.Errorf("set %s up in %s: %w", name, n.Name, err)
		}
		if name == "eth0" {
			addr := &netlink.Addr{IPNet: &net.IPNet{IP: n.IP, Mask: net.CIDRMask(topology.PodNetmask, 32)}}
			if err := handle.AddrAdd(link, addr); err != nil {
				return fmt.Errorf("address %s in %s: %w", n.IP, n.Name, err)
			}
			route := &netlink.Route{LinkIndex: link.Attrs().Index, Gw: net.ParseIP(topology.HostIP)}
			if err := handle.RouteAdd(route); err != nil {
				return fmt.Errorf("default route in %s: %w", n.Name, err)
			}
		}
	}
	return nil
}

// Delete removes the namespace and the host end of the veth (the pod end goes with the namespace).
func (n PodNetwork) Delete() error {
	if link, err := netlink.LinkByName(n.hostVeth()); err == nil {
		_ = netlink.LinkDel(link)
	}
	if err := netns.DeleteNamed(n.Name); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("delete netns %s: %w", n.Name, err)
	}
	return nil
}

// DialTCP connects to 127.0.0.1:port inside the namespace at nsPath (the host's when empty), as a kubelet does
// for port-forward: the socket is made inside the pod and keeps that namespace after the thread leaves it.
func DialTCP(nsPath string, port int32) (net.Conn, error) {
	address := fmt.Sprintf("127.0.0.1:%d", port)
	if nsPath == "" {
		return net.Dial("tcp", address)
	}
	var conn net.Conn
	err := onThrowawayThread(func() error {
		podNS, err := netns.GetFromPath(nsPath)
		if err != nil {
			return fmt.Errorf("open %s: %w", nsPath, err)
		}
		defer podNS.Close()
		if err := netns.Set(podNS); err != nil {
			return fmt.Errorf("enter %s: %w", nsPath, err)
		}
		conn, err = net.Dial("tcp", address)
		return err
	})
	return conn, err
}

// onThrowawayThread runs fn on an OS thread that is never unlocked, so Go discards the thread afterwards instead
// of handing other goroutines a thread that fn switched into another network namespace.
func onThrowawayThread(fn func() error) error {
	done := make(chan error, 1)
	go func() {
		goruntime.LockOSThread()
		done <- fn()
	}()
	return <-done
}
