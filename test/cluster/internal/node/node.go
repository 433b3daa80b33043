// Package node is the node simulator: a kubelet stand-in that registers a Node, keeps it Ready and runs the pods
// bound to it with package runtime.
package node

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/utils/ptr"

	"doppel.dev/testcluster/internal/topology"
)

// heartbeat is how often the lease is renewed and the Ready condition refreshed; the node lifecycle controller
// gives up on a node after 40 s without either.
const heartbeat = 10 * time.Second

// Config names the node and where it keeps pod files.
type Config struct {
	Name        string
	PodCIDR     *net.IPNet
	KubeletPort int
	StateDir    string // per-pod directories go under StateDir/pods
	RepoRoot    string // the doppel checkout, for image entrypoints
	Self        string // this binary, started as the container shim
}

// Node runs the pods the scheduler binds to Config.Name.
type Node struct {
	cfg      Config
	client   kubernetes.Interface
	pods     corelisters.PodLister
	services corelisters.ServiceLister
	queue    workqueue.TypedRateLimitingInterface[string]
	images   map[string]entrypoint
	log      *slog.Logger

	mu    sync.Mutex
	state map[string]*podState // by namespace/name
	ips   *ipPool
}

// New wires a node to the API.
func New(cfg Config, client kubernetes.Interface) *Node {
	return &Node{
		cfg:    cfg,
		client: client,
		queue:  workqueue.NewTypedRateLimitingQueue(workqueue.DefaultTypedControllerRateLimiter[string]()),
		images: imageDefaults(cfg.RepoRoot),
		log:    slog.New(slog.NewTextHandler(os.Stderr, nil)).With("node", cfg.Name),
		state:  map[string]*podState{},
		ips:    newIPPool(cfg.PodCIDR),
	}
}

// Run registers the node, then syncs pods until ctx ends; on the way out every container is stopped.
func (n *Node) Run(ctx context.Context) error {
	if err := n.register(ctx); err != nil {
		return err
	}
	podFactory := informers.NewSharedInformerFactoryWithOptions(n.client, 30*time.Second,
		informers.WithTweakListOptions(func(options *metav1.ListOptions) {
			options.FieldSelector = fields.OneTermEqualSelector("spec.nodeName", n.cfg.Name).String()
		}))
	podInformer := podFactory.Core().V1().Pods()
	n.pods = podInformer.Lister()
	enqueue := func(obj any) {
		if key, err := cache.DeletionHandlingMetaNamespaceKeyFunc(obj); err == nil {
			n.queue.Add(key)
		}
	}
	if _, err := podInformer.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    enqueue,
		UpdateFunc: func(_, obj any) { enqueue(obj) },
		DeleteFunc: enqueue,
	}); err != nil {
		return err
	}
	serviceFactory := informers.NewSharedInformerFactory(n.client, 0)
	n.services = serviceFactory.Core().V1().Services().Lister()
	podFactory.Start(ctx.Done())
	serviceFactory.Start(ctx.Done())
	podFactory.WaitForCacheSync(ctx.Done())
	serviceFactory.WaitForCacheSync(ctx.Done())

	go n.heartbeat(ctx)
	var workers sync.WaitGroup
	for range 4 {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for n.processNext(ctx) {
			}
		}()
	}
	n.log.Info("node ready", "pods", n.cfg.PodCIDR.String())
	<-ctx.Done()
	n.queue.ShutDown()
	workers.Wait()
	n.stopAll()
	return nil
}

func (n *Node) processNext(ctx context.Context) bool {
	key, quit := n.queue.Get()
	if quit {
		return false
	}
	defer n.queue.Done(key)
	requeue, err := n.sync(ctx, key)
	switch {
	case err != nil:
		n.log.Warn("pod sync failed, retrying", "pod", key, "err", err)
		n.queue.AddRateLimited(key)
	case requeue > 0:
		n.queue.Forget(key)
		n.queue.AddAfter(key, requeue)
	default:
		n.queue.Forget(key)
	}
	return true
}

func (n *Node) nodeObject() *v1.Node {
	capacity := v1.ResourceList{
		v1.ResourceCPU:              resource.MustParse("8"),
		v1.ResourceMemory:           resource.MustParse("16Gi"),
		v1.ResourcePods:             resource.MustParse("110"),
		v1.ResourceEphemeralStorage: resource.MustParse("50Gi"),
	}
	hostname, _ := os.Hostname()
	return &v1.Node{
		ObjectMeta: metav1.ObjectMeta{
			Name: n.cfg.Name,
			Labels: map[string]string{
				"kubernetes.io/hostname": n.cfg.Name,
				"kubernetes.io/os":       "linux",
				"kubernetes.io/arch":     "amd64",
				"dpl.doppel.dev/node":    "simulated",
			},
		},
		Spec: v1.NodeSpec{PodCIDR: n.cfg.PodCIDR.String(), PodCIDRs: []string{n.cfg.PodCIDR.String()}},
		Status: v1.NodeStatus{
			Capacity:    capacity,
			Allocatable: capacity,
			Addresses: []v1.NodeAddress{
				{Type: v1.NodeInternalIP, Address: topology.HostIP},
				{Type: v1.NodeHostName, Address: hostname},
			},
			DaemonEndpoints: v1.NodeDaemonEndpoints{KubeletEndpoint: v1.DaemonEndpoint{Port: int32(n.cfg.KubeletPort)}},
			NodeInfo: v1.NodeSystemInfo{
				KubeletVersion:          "v1.34.4",
				KubeProxyVersion:        "v1.34.4",
				ContainerRuntimeVersion: "containerd://dpl-test-bed",
				OperatingSystem:         "linux",
				Architecture:            "amd64",
				OSImage:                 "dpl test bed (host processes)",
			},
			Conditions: n.conditions(),
		},
	}
}

func (n *Node) conditions() []v1.NodeCondition {
	now := metav1.Now()
	condition := func(kind v1.NodeConditionType, status v1.ConditionStatus, reason string) v1.NodeCondition {
		return v1.NodeCondition{Type: kind, Status: status, Reason: reason, LastHeartbeatTime: now, LastTransitionTime: now}
	}
	return []v1.NodeCondition{
		condition(v1.NodeMemoryPressure, v1.ConditionFalse, "KubeletHasSufficientMemory"),
		condition(v1.NodeDiskPressure, v1.ConditionFalse, "KubeletHasNoDiskPressure"),
		condition(v1.NodePIDPressure, v1.ConditionFalse, "KubeletHasSufficientPID"),
		condition(v1.NodeReady, v1.ConditionTrue, "KubeletReady"),
	}
}

// register creates the Node (or takes over an existing one) and publishes its Ready status.
func (n *Node) register(ctx context.Context) error {
	desired := n.nodeObject()
	existing, err := n.client.CoreV1().Nodes().Create(ctx, desired, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		existing, err = n.client.CoreV1().Nodes().Get(ctx, n.cfg.Name, metav1.GetOptions{})
	}
	if err != nil {
		return fmt.Errorf("register node %s: %w", n.cfg.Name, err)
	}
	existing.Status = desired.Status
	if _, err := n.client.CoreV1().Nodes().UpdateStatus(ctx, existing, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("publish status of node %s: %w", n.cfg.Name, err)
	}
	return nil
}

// heartbeat renews the node lease and the Ready condition until ctx ends.
func (n *Node) heartbeat(ctx context.Context) {
	ticker := time.NewTicker(heartbeat)
	defer ticker.Stop()
	for {
		if err := n.renewLease(ctx); err != nil && ctx.Err() == nil {
			n.log.Warn("lease renewal failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
		if err := n.register(ctx); err != nil && ctx.Err() == nil {
			n.log.Warn("node status update failed", "err", err)
		}
	}
}

func (n *Node) renewLease(ctx context.Context) error {
	leases := n.client.CoordinationV1().Leases(v1.NamespaceNodeLease)
	now := metav1.NewMicroTime(time.Now())
	lease, err := leases.Get(ctx, n.cfg.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		node, err := n.client.CoreV1().Nodes().Get(ctx, n.cfg.Name, metav1.GetOptions{})
		if err != nil {
			return err
		}
		_, err = leases.Create(ctx, &coordinationv1.Lease{
			ObjectMeta: metav1.ObjectMeta{
				Name:            n.cfg.Name,
				OwnerReferences: []metav1.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: node.Name, UID: node.UID}},
			},
			Spec: coordinationv1.LeaseSpec{HolderIdentity: ptr.To(n.cfg.Name), LeaseDurationSeconds: ptr.To[int32](40), RenewTime: &now},
		}, metav1.CreateOptions{})
		return err
	}
	if err != nil {
		return err
	}
	lease.Spec.RenewTime = &now
	_, err = leases.Update(ctx, lease, metav1.UpdateOptions{})
	return err
}

// ipPool hands out the node's pod addresses (.2 to .254 of its /24).
type ipPool struct {
	mu     sync.Mutex
	subnet *net.IPNet
	used   map[string]types.UID
}

func newIPPool(subnet *net.IPNet) *ipPool {
	return &ipPool{subnet: subnet, used: map[string]types.UID{}}
}

func (p *ipPool) allocate(uid types.UID) (net.IP, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for host := 2; host < 255; host++ {
		ip := net.IPv4(p.subnet.IP[0], p.subnet.IP[1], p.subnet.IP[2], byte(host)).To4()
		if owner, taken := p.used[ip.String()]; !taken || owner == uid {
			p.used[ip.String()] = uid
			return ip, nil
		}
	}
	return nil, fmt.Errorf("no free pod address in %s", p.subnet)
}

func (p *ipPool) release(ip string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	delete(p.used, ip)
}
