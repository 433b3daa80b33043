package node

import (
	"context"
	"fmt"
	"strings"

	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/kubernetes/pkg/api/v1/resource"
	"k8s.io/kubernetes/pkg/fieldpath"
	"k8s.io/kubernetes/pkg/kubelet/envvars"
	"k8s.io/kubernetes/third_party/forked/golang/expansion"

	"doppel.dev/testcluster/internal/topology"
)

const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// containerEnv builds a container's environment as the kubelet does: PATH and HOSTNAME, Service links, envFrom,
// then env in order with $(VAR) expansion, valueFrom resolved against the API.
func (n *Node) containerEnv(ctx context.Context, pod *v1.Pod, container *v1.Container, podIP string) ([]string, error) {
	values := map[string]string{"PATH": defaultPath, "HOSTNAME": podHostname(pod)}
	order := []string{"PATH", "HOSTNAME"}
	set := func(name, value string) {
		if _, seen := values[name]; !seen {
			order = append(order, name)
		}
		values[name] = value
	}
	for _, env := range n.serviceEnv(pod) {
		set(env.Name, env.Value)
	}
	for _, from := range container.EnvFrom {
		data, err := n.envFromSource(ctx, pod.Namespace, from)
		if err != nil {
			return nil, err
		}
		for key, value := range data {
			set(from.Prefix+key, value)
		}
	}
	for _, env := range container.Env {
		if env.ValueFrom == nil {
			set(env.Name, expansion.Expand(env.Value, expansion.MappingFuncFor(values)))
			continue
		}
		value, ok, err := n.envValueFrom(ctx, pod, container, env, podIP)
		if err != nil {
			return nil, fmt.Errorf("env %s of container %s: %w", env.Name, container.Name, err)
		}
		if ok {
			set(env.Name, value)
		}
	}
	result := make([]string, 0, len(order))
	for _, name := range order {
		result = append(result, name+"="+values[name])
	}
	return result, nil
}

// serviceEnv is the kubernetes Service's variables plus, unless disabled, links to the pod's namespace Services.
func (n *Node) serviceEnv(pod *v1.Pod) []v1.EnvVar {
	var services []*v1.Service
	all, _ := n.services.List(labels.Everything())
	for _, svc := range all {
		if !v1HasClusterIP(svc) {
			continue
		}
		linked := pod.Spec.EnableServiceLinks == nil || *pod.Spec.EnableServiceLinks
		if (svc.Namespace == metav1.NamespaceDefault && svc.Name == "kubernetes") || (linked && svc.Namespace == pod.Namespace) {
			services = append(services, svc)
		}
	}
	return envvars.FromServices(services)
}

func v1HasClusterIP(svc *v1.Service) bool {
	return svc.Spec.ClusterIP != "" && svc.Spec.ClusterIP != v1.ClusterIPNone
}

func (n *Node) envFromSource(ctx context.Context, namespace string, from v1.EnvFromSource) (map[string]string, error) {
	switch {
	case from.ConfigMapRef != nil:
		cm, err := n.client.CoreV1().ConfigMaps(namespace).Get(ctx, from.ConfigMapRef.Name, metav1.GetOptions{})
		if err != nil {
			if from.ConfigMapRef.Optional != nil && *from.ConfigMapRef.Optional {
				return nil, nil
			}
			return nil, fmt.Errorf("envFrom ConfigMap %s/%s: %w", namespace, from.ConfigMapRef.Name, err)
		}
		return cm.Data, nil
	case from.SecretRef != nil:
		secret, err := n.client.CoreV1().Secrets(namespace).Get(ctx, from.SecretRef.Name, metav1.GetOptions{})
		if err != nil {
			if from.SecretRef.Optional != nil && *from.SecretRef.Optional {
				return nil, nil
			}
			return nil, fmt.Errorf("envFrom Secret %s/%s: %w", namespace, from.SecretRef.Name, err)
		}
		data := map[string]string{}
		for key, value := range secret.Data {
			data[key] = string(value)
		}
		return data, nil
	}
	return nil, nil
}

// envValueFrom resolves one valueFrom; ok is false when an optional source is missing (the variable is unset).
func (n *Node) envValueFrom(ctx context.Context, pod *v1.Pod, container *v1.Container, env v1.EnvVar, podIP string) (string, bool, error) {
	from := env.ValueFrom
	switch {
	case from.FieldRef != nil:
		value, err := podFieldValue(pod, from.FieldRef.FieldPath, podIP)
		return value, err == nil, err
	case from.ResourceFieldRef != nil:
		value, err := resource.ExtractContainerResourceValue(from.ResourceFieldRef, container)
		return value, err == nil, err
	case from.ConfigMapKeyRef != nil:
		ref := from.ConfigMapKeyRef
		optional := ref.Optional != nil && *ref.Optional
		cm, err := n.client.CoreV1().ConfigMaps(pod.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
		if err != nil {
			return "", false, optionalMissing(optional, fmt.Errorf("ConfigMap %s/%s: %w", pod.Namespace, ref.Name, err))
		}
		value, found := cm.Data[ref.Key]
		if !found {
			return "", false, optionalMissing(optional, fmt.Errorf("key %q not in ConfigMap %s/%s", ref.Key, pod.Namespace, ref.Name))
		}
		return value, true, nil
	case from.SecretKeyRef != nil:
		ref := from.SecretKeyRef
		optional := ref.Optional != nil && *ref.Optional
		secret, err := n.client.CoreV1().Secrets(pod.Namespace).Get(ctx, ref.Name, metav1.GetOptions{})
		if err != nil {
			return "", false, optionalMissing(optional, fmt.Errorf("Secret %s/%s: %w", pod.Namespace, ref.Name, err))
		}
		value, found := secret.Data[ref.Key]
		if !found {
			return "", false, optionalMissing(optional, fmt.Errorf("key %q not in Secret %s/%s", ref.Key, pod.Namespace, ref.Name))
		}
		return string(value), true, nil
	}
	return "", false, fmt.Errorf("valueFrom has no source")
}

func optionalMissing(optional bool, err error) error {
	if optional {
		return nil
	}
	return err
}

// podFieldValue answers the fieldRef paths only the kubelet knows (node, IPs) and leaves metadata.* to fieldpath.
func podFieldValue(pod *v1.Pod, path, podIP string) (string, error) {
	switch path {
	case "spec.nodeName":
		return pod.Spec.NodeName, nil
	case "spec.serviceAccountName":
		return pod.Spec.ServiceAccountName, nil
	case "status.hostIP", "status.hostIPs":
		return topology.HostIP, nil
	case "status.podIP", "status.podIPs":
		return podIP, nil
	}
	return fieldpath.ExtractFieldPathAsString(pod, path)
}

// podHostname is the pod's hostname as the kubelet sets it (spec.hostname, else the name, at most 63 bytes).
func podHostname(pod *v1.Pod) string {
	name := pod.Name
	if pod.Spec.Hostname != "" {
		name = pod.Spec.Hostname
	}
	if len(name) > 63 {
		name = strings.TrimRight(name[:63], "-.")
	}
	return name
}
