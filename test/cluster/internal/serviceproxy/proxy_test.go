package serviceproxy

import (
	"reflect"
	"testing"

	v1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/utils/ptr"
)

func TestServiceRulesDNATClusterIPsToReadyEndpoints(t *testing.T) {
	services := []*v1.Service{
		{
			ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "web"},
			Spec: v1.ServiceSpec{ClusterIP: "10.214.0.10", Ports: []v1.ServicePort{
				{Name: "http", Port: 80, Protocol: v1.ProtocolTCP},
				{Name: "dns", Port: 53, Protocol: v1.ProtocolUDP},
			}},
		},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "headless"}, Spec: v1.ServiceSpec{ClusterIP: v1.ClusterIPNone}},
		{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "empty"}, Spec: v1.ServiceSpec{ClusterIP: "10.214.0.11", Ports: []v1.ServicePort{{Port: 80}}}},
	}
	slices := []*discoveryv1.EndpointSlice{{
		ObjectMeta:  metav1.ObjectMeta{Namespace: "shop", Name: "web-1", Labels: map[string]string{discoveryv1.LabelServiceName: "web"}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Ports: []discoveryv1.EndpointPort{
			{Name: ptr.To("http"), Port: ptr.To[int32](8080)},
			{Name: ptr.To("dns"), Port: ptr.To[int32](5353)},
		},
		Endpoints: []discoveryv1.Endpoint{
			{Addresses: []string{"10.213.1.3"}},
			{Addresses: []string{"10.213.1.2"}},
			{Addresses: []string{"10.213.1.4"}, Conditions: discoveryv1.EndpointConditions{Ready: ptr.To(false)}},
		},
	}}
	got := serviceRules(
		func(labels.Selector) ([]*v1.Service, error) { return services, nil },
		func(labels.Selector) ([]*discoveryv1.EndpointSlice, error) { return slices, nil },
	)
	want := []string{
		"ip daddr 10.214.0.10 tcp dport 80 dnat ip to numgen random mod 2 map { 0 : 10.213.1.2 . 8080, 1 : 10.213.1.3 . 8080 }",
		"ip daddr 10.214.0.10 udp dport 53 dnat ip to numgen random mod 2 map { 0 : 10.213.1.2 . 5353, 1 : 10.213.1.3 . 5353 }",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rules:\n%q\nwant:\n%q", got, want)
	}
}
