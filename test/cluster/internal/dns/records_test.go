package dns

import (
	"testing"

	v1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	corelisters "k8s.io/client-go/listers/core/v1"
	discoverylisters "k8s.io/client-go/listers/discovery/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/ptr"
)

func testRecords(t *testing.T) Records {
	t.Helper()
	index := func(objects ...any) cache.Indexer {
		indexer := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
		for _, object := range objects {
			if err := indexer.Add(object); err != nil {
				t.Fatal(err)
			}
		}
		return indexer
	}
	meta := func(namespace, name string, labels map[string]string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Namespace: namespace, Name: name, Labels: labels}
	}
	return Records{
		Domain: "cluster.local",
		Services: corelisters.NewServiceLister(index(
			&v1.Service{ObjectMeta: meta("shop", "web", nil), Spec: v1.ServiceSpec{ClusterIP: "10.214.0.10"}},
			&v1.Service{ObjectMeta: meta("shop", "db", nil), Spec: v1.ServiceSpec{ClusterIP: v1.ClusterIPNone}},
		)),
		Slices: discoverylisters.NewEndpointSliceLister(index(&discoveryv1.EndpointSlice{
			ObjectMeta: meta("shop", "db-1", map[string]string{discoveryv1.LabelServiceName: "db"}),
			Endpoints: []discoveryv1.Endpoint{
				{Addresses: []string{"10.213.1.5"}, Hostname: ptr.To("db-0")},
				{Addresses: []string{"10.213.1.6"}, Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(false)}},
			},
		})),
		Pods: corelisters.NewPodLister(index(&v1.Pod{
			ObjectMeta: meta("shop", "worker", nil),
			Spec:       v1.PodSpec{Hostname: "w1", Subdomain: "workers"},
			Status:     v1.PodStatus{PodIP: "10.213.1.7"},
		})),
	}
}

func TestLookupAnswersClusterNames(t *testing.T) {
	records := testRecords(t)
	cases := []struct {
		name      string
		want      string // "" for no address
		inCluster bool
	}{
		{"web.shop.svc.cluster.local.", "10.214.0.10", true},
		{"WEB.Shop.svc.cluster.local", "10.214.0.10", true},
		{"db.shop.svc.cluster.local.", "10.213.1.5", true}, // headless: ready endpoints only
		{"db-0.db.shop.svc.cluster.local.", "10.213.1.5", true},
		{"w1.workers.shop.svc.cluster.local.", "10.213.1.7", true},
		{"10-213-1-9.shop.pod.cluster.local.", "10.213.1.9", true},
		{"missing.shop.svc.cluster.local.", "", true},
		{"web.shop.svc.cluster.local.shop.svc.cluster.local.", "", true},
		{"example.com.", "", false},
	}
	for _, c := range cases {
		ips, inCluster := records.Lookup(c.name)
		if inCluster != c.inCluster {
			t.Errorf("%s: inCluster %v, want %v", c.name, inCluster, c.inCluster)
		}
		got := ""
		if len(ips) > 0 {
			got = ips[0].String()
		}
		if got != c.want || len(ips) > 1 {
			t.Errorf("%s: answered %v, want %s", c.name, ips, c.want)
		}
	}
}
