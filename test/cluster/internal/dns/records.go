// Package dns is the cluster DNS: it answers <svc>.<ns>.svc.cluster.local, <pod-hostname>.<subdomain>.<ns>.svc
// and <a-b-c-d>.<ns>.pod names from the API, and forwards every other name to the host's resolvers.
package dns

import (
	"net"
	"strings"

	v1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/labels"
	corelisters "k8s.io/client-go/listers/core/v1"
	discoverylisters "k8s.io/client-go/listers/discovery/v1"
)

// Records looks names up in the informers' caches.
type Records struct {
	Domain   string // cluster.local
	Services corelisters.ServiceLister
	Slices   discoverylisters.EndpointSliceLister
	Pods     corelisters.PodLister
}

// Lookup returns the IPv4 addresses of a cluster name; inCluster says whether the name is in the cluster
// domain at all (a missing cluster name is NXDOMAIN, not something to forward).
func (r Records) Lookup(name string) (ips []net.IP, inCluster bool) {
	name = strings.ToLower(strings.TrimSuffix(name, "."))
	suffix := "." + r.Domain
	if !strings.HasSuffix(name, suffix) {
		return nil, false
	}
	labels := strings.Split(strings.TrimSuffix(name, suffix), ".")
	switch {
	case len(labels) == 3 && labels[2] == "svc":
		return r.service(labels[1], labels[0]), true
	case len(labels) == 4 && labels[3] == "svc":
		return r.podByHostname(labels[2], labels[1], labels[0]), true
	case len(labels) == 3 && labels[2] == "pod":
		if ip := net.ParseIP(strings.ReplaceAll(labels[0], "-", ".")).To4(); ip != nil {
			return []net.IP{ip}, true
		}
	}
	return nil, true
}

// service answers a Service's ClusterIP, or for a headless one its ready endpoints.
func (r Records) service(namespace, name string) []net.IP {
	svc, err := r.Services.Services(namespace).Get(name)
	if err != nil {
		return nil
	}
	if svc.Spec.Type == v1.ServiceTypeExternalName {
		return nil
	}
	if svc.Spec.ClusterIP != "" && svc.Spec.ClusterIP != v1.ClusterIPNone {
		return []net.IP{net.ParseIP(svc.Spec.ClusterIP).To4()}
	}
	var ips []net.IP
	for _, endpoint := range r.endpoints(namespace, name) {
		for _, address := range endpoint.Addresses {
			ips = append(ips, net.ParseIP(address).To4())
		}
	}
	return ips
}

// podByHostname answers <hostname>.<subdomain>.<ns>.svc from endpoint hostnames or pods' hostname+subdomain.
func (r Records) podByHostname(namespace, subdomain, hostname string) []net.IP {
	for _, endpoint := range r.endpoints(namespace, subdomain) {
		if endpoint.Hostname != nil && *endpoint.Hostname == hostname {
			var ips []net.IP
			for _, address := range endpoint.Addresses {
				ips = append(ips, net.ParseIP(address).To4())
			}
			return ips
		}
	}
	pods, _ := r.Pods.Pods(namespace).List(labels.Everything())
	for _, pod := range pods {
		if pod.Spec.Hostname == hostname && pod.Spec.Subdomain == subdomain && pod.Status.PodIP != "" {
			return []net.IP{net.ParseIP(pod.Status.PodIP).To4()}
		}
	}
	return nil
}

func (r Records) endpoints(namespace, service string) []discoveryv1.Endpoint {
	selector := labels.SelectorFromSet(labels.Set{discoveryv1.LabelServiceName: service})
	slices, _ := r.Slices.EndpointSlices(namespace).List(selector)
	var ready []discoveryv1.Endpoint
	for _, slice := range slices {
		for _, endpoint := range slice.Endpoints {
			if endpoint.Conditions.Ready == nil || *endpoint.Conditions.Ready {
				ready = append(ready, endpoint)
			}
		}
	}
	return ready
}
