// Package serviceproxy is the test bed's kube-proxy: one nft table (ip dplk8s) that DNATs each Service's
// ClusterIP:port to a random ready endpoint, and masquerades that traffic so replies between pods on the same
// bridge come back through the host.
package serviceproxy

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"time"

	v1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"sigs.k8s.io/knftables"

	"doppel.dev/testcluster/internal/topology"
)

const servicesChain = "services"

// Run keeps the nft table in step with Services and EndpointSlices until ctx ends, then deletes it.
func Run(ctx context.Context, client kubernetes.Interface, log *slog.Logger) error {
	nft, err := knftables.New(knftables.IPv4Family, topology.Prefix)
	if err != nil {
		return fmt.Errorf("service proxy: nft unavailable: %w", err)
	}
	factory := informers.NewSharedInformerFactory(client, 0)
	services := factory.Core().V1().Services()
	slices := factory.Discovery().V1().EndpointSlices()
	changed := make(chan struct{}, 1)
	notify := func(any) {
		select {
		case changed <- struct{}{}:
		default:
		}
	}
	handler := cache.ResourceEventHandlerFuncs{AddFunc: notify, UpdateFunc: func(_, o any) { notify(o) }, DeleteFunc: notify}
	if _, err := services.Informer().AddEventHandler(handler); err != nil {
		return err
	}
	if _, err := slices.Informer().AddEventHandler(handler); err != nil {
		return err
	}
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	defer func() {
		tx := nft.NewTransaction()
		tx.Delete(&knftables.Table{})
		if err := nft.Run(context.Background(), tx); err != nil {
			log.Warn("service proxy: delete nft table failed", "err", err)
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
		}
		// Coalesce bursts (a Deployment rollout touches many slices).
		time.Sleep(100 * time.Millisecond)
		rules := serviceRules(services.Lister().List, slices.Lister().List)
		if err := apply(ctx, nft, rules); err != nil {
			log.Warn("service proxy: nft update failed", "err", err)
		}
	}
}

func apply(ctx context.Context, nft knftables.Interface, rules []string) error {
	tx := nft.NewTransaction()
	tx.Add(&knftables.Table{Comment: knftables.PtrTo("dpl cluster test bed service proxy")})
	// The services chain must exist before the base chains' rules jump to it.
	tx.Add(&knftables.Chain{Name: servicesChain})
	tx.Flush(&knftables.Chain{Name: servicesChain})
	for _, rule := range rules {
		tx.Add(&knftables.Rule{Chain: servicesChain, Rule: rule})
	}
	for _, hook := range []struct {
		name     string
		hook     knftables.BaseChainHook
		priority knftables.BaseChainPriority
		rule     string
	}{
		{"prerouting", knftables.PreroutingHook, knftables.DNATPriority, "ip daddr " + topology.ServiceCIDR + " jump " + servicesChain},
		{"output", knftables.OutputHook, knftables.DNATPriority, "ip daddr " + topology.ServiceCIDR + " jump " + servicesChain},
		{"postrouting", knftables.PostroutingHook, knftables.SNATPriority, "ct status dnat ip saddr " + topology.PodCIDR + " masquerade"},
	} {
		chain := &knftables.Chain{Name: hook.name, Type: knftables.PtrTo(knftables.NATType), Hook: knftables.PtrTo(hook.hook), Priority: knftables.PtrTo(hook.priority)}
		tx.Add(chain)
		tx.Flush(chain)
		tx.Add(&knftables.Rule{Chain: hook.name, Rule: hook.rule})
	}
	return nft.Run(ctx, tx)
}

// serviceRules makes one DNAT rule per ClusterIP Service port with ready endpoints.
func serviceRules(listServices func(labels.Selector) ([]*v1.Service, error), listSlices func(labels.Selector) ([]*discoveryv1.EndpointSlice, error)) []string {
	services, _ := listServices(labels.Everything())
	slices, _ := listSlices(labels.Everything())
	var rules []string
	for _, svc := range services {
		if svc.Spec.ClusterIP == "" || svc.Spec.ClusterIP == v1.ClusterIPNone {
			continue
		}
		for _, port := range svc.Spec.Ports {
			targets := endpointsFor(svc, port, slices)
			if len(targets) == 0 {
				continue
			}
			var entries []string
			for i, target := range targets {
				entries = append(entries, fmt.Sprintf("%d : %s", i, target))
			}
			protocol := strings.ToLower(string(port.Protocol))
			if protocol == "" {
				protocol = "tcp"
			}
			rules = append(rules, fmt.Sprintf("ip daddr %s %s dport %d dnat ip to numgen random mod %d map { %s }",
				svc.Spec.ClusterIP, protocol, port.Port, len(targets), strings.Join(entries, ", ")))
		}
	}
	sort.Strings(rules)
	return rules
}

// endpointsFor lists "ip . port" of the ready endpoints behind one Service port.
func endpointsFor(svc *v1.Service, port v1.ServicePort, slices []*discoveryv1.EndpointSlice) []string {
	var targets []string
	for _, slice := range slices {
		if slice.Namespace != svc.Namespace || slice.Labels[discoveryv1.LabelServiceName] != svc.Name || slice.AddressType != discoveryv1.AddressTypeIPv4 {
			continue
		}
		for _, slicePort := range slice.Ports {
			if slicePort.Port == nil || (slicePort.Name != nil && *slicePort.Name != port.Name) {
				continue
			}
			for _, endpoint := range slice.Endpoints {
				if endpoint.Conditions.Ready != nil && !*endpoint.Conditions.Ready {
					continue
				}
				for _, address := range endpoint.Addresses {
					targets = append(targets, fmt.Sprintf("%s . %d", address, *slicePort.Port))
				}
			}
		}
	}
	sort.Strings(targets)
	return targets
}
