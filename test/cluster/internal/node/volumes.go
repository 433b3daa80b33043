package node

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	authenticationv1 "k8s.io/api/authentication/v1"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"doppel.dev/testcluster/internal/runtime"
)

// prepareVolumes materialises each pod volume as a host directory (or path) under the pod's directory and
// returns volume name → source path. Contents are written once, at pod start.
func (n *Node) prepareVolumes(ctx context.Context, pod *v1.Pod, podDir, podIP string) (map[string]string, error) {
	sources := map[string]string{}
	for _, volume := range pod.Spec.Volumes {
		dir := filepath.Join(podDir, "volumes", volume.Name)
		var err error
		switch {
		case volume.HostPath != nil:
			dir = volume.HostPath.Path
			if t := volume.HostPath.Type; t != nil && *t == v1.HostPathDirectoryOrCreate {
				err = os.MkdirAll(dir, 0o755)
			}
		case volume.EmptyDir != nil:
			err = os.MkdirAll(dir, 0o777)
		case volume.ConfigMap != nil:
			err = n.writeConfigMap(ctx, pod.Namespace, dir, v1.ConfigMapProjection{LocalObjectReference: volume.ConfigMap.LocalObjectReference, Items: volume.ConfigMap.Items, Optional: volume.ConfigMap.Optional})
		case volume.Secret != nil:
			err = n.writeSecret(ctx, pod.Namespace, dir, v1.SecretProjection{LocalObjectReference: v1.LocalObjectReference{Name: volume.Secret.SecretName}, Items: volume.Secret.Items, Optional: volume.Secret.Optional})
		case volume.DownwardAPI != nil:
			err = writeDownwardAPI(pod, dir, volume.DownwardAPI.Items, podIP)
		case volume.Projected != nil:
			err = n.writeProjected(ctx, pod, dir, volume.Projected.Sources, podIP)
		default:
			err = fmt.Errorf("volume type not supported by the test bed (use emptyDir, hostPath, configMap, secret, downwardAPI or projected)")
		}
		if err != nil {
			return nil, fmt.Errorf("volume %q: %w", volume.Name, err)
		}
		sources[volume.Name] = dir
	}
	return sources, nil
}

// volumeMounts turns a container's volumeMounts into bind mounts.
func volumeMounts(container *v1.Container, sources map[string]string) ([]runtime.Mount, error) {
	var mounts []runtime.Mount
	for _, mount := range container.VolumeMounts {
		source, ok := sources[mount.Name]
		if !ok {
			return nil, fmt.Errorf("volumeMount %q names no volume of the pod", mount.Name)
		}
		if mount.SubPath != "" {
			source = filepath.Join(source, mount.SubPath)
			if err := os.MkdirAll(source, 0o755); err != nil {
				return nil, err
			}
		}
		mounts = append(mounts, runtime.Mount{Source: source, Target: mount.MountPath, ReadOnly: mount.ReadOnly})
	}
	return mounts, nil
}

func (n *Node) writeProjected(ctx context.Context, pod *v1.Pod, dir string, sources []v1.VolumeProjection, podIP string) error {
	for _, source := range sources {
		var err error
		switch {
		case source.ServiceAccountToken != nil:
			err = n.writeServiceAccountToken(ctx, pod, dir, source.ServiceAccountToken)
		case source.ConfigMap != nil:
			err = n.writeConfigMap(ctx, pod.Namespace, dir, *source.ConfigMap)
		case source.Secret != nil:
			err = n.writeSecret(ctx, pod.Namespace, dir, *source.Secret)
		case source.DownwardAPI != nil:
			err = writeDownwardAPI(pod, dir, source.DownwardAPI.Items, podIP)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// writeServiceAccountToken asks the API for a token bound to this pod, as the kubelet does for kube-api-access.
func (n *Node) writeServiceAccountToken(ctx context.Context, pod *v1.Pod, dir string, projection *v1.ServiceAccountTokenProjection) error {
	account := pod.Spec.ServiceAccountName
	if account == "" {
		account = "default"
	}
	request := &authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{
		ExpirationSeconds: projection.ExpirationSeconds,
		BoundObjectRef:    &authenticationv1.BoundObjectReference{Kind: "Pod", APIVersion: "v1", Name: pod.Name, UID: pod.UID},
	}}
	if projection.Audience != "" {
		request.Spec.Audiences = []string{projection.Audience}
	}
	token, err := n.client.CoreV1().ServiceAccounts(pod.Namespace).CreateToken(ctx, account, request, metav1.CreateOptions{})
	if err != nil {
		return fmt.Errorf("token for service account %s/%s: %w", pod.Namespace, account, err)
	}
	return writeFiles(dir, map[string][]byte{projection.Path: []byte(token.Status.Token)})
}

func (n *Node) writeConfigMap(ctx context.Context, namespace, dir string, projection v1.ConfigMapProjection) error {
	cm, err := n.client.CoreV1().ConfigMaps(namespace).Get(ctx, projection.Name, metav1.GetOptions{})
	if err != nil {
		if projection.Optional != nil && *projection.Optional {
			return os.MkdirAll(dir, 0o755)
		}
		return fmt.Errorf("ConfigMap %s/%s: %w", namespace, projection.Name, err)
	}
	data := map[string][]byte{}
	for key, value := range cm.Data {
		data[key] = []byte(value)
	}
	for key, value := range cm.BinaryData {
		data[key] = value
	}
	return writeFiles(dir, selectItems(data, projection.Items))
}

func (n *Node) writeSecret(ctx context.Context, namespace, dir string, projection v1.SecretProjection) error {
	secret, err := n.client.CoreV1().Secrets(namespace).Get(ctx, projection.Name, metav1.GetOptions{})
	if err != nil {
		if projection.Optional != nil && *projection.Optional {
			return os.MkdirAll(dir, 0o755)
		}
		return fmt.Errorf("Secret %s/%s: %w", namespace, projection.Name, err)
	}
	return writeFiles(dir, selectItems(secret.Data, projection.Items))
}

func writeDownwardAPI(pod *v1.Pod, dir string, items []v1.DownwardAPIVolumeFile, podIP string) error {
	files := map[string][]byte{}
	for _, item := range items {
		if item.FieldRef == nil {
			continue
		}
		value, err := podFieldValue(pod, item.FieldRef.FieldPath, podIP)
		if err != nil {
			return fmt.Errorf("downwardAPI %s: %w", item.Path, err)
		}
		files[item.Path] = []byte(value)
	}
	return writeFiles(dir, files)
}

// selectItems keeps every key as a file, or only the listed keys under their given paths.
func selectItems(data map[string][]byte, items []v1.KeyToPath) map[string][]byte {
	if len(items) == 0 {
		return data
	}
	files := map[string][]byte{}
	for _, item := range items {
		if value, ok := data[item.Key]; ok {
			files[item.Path] = value
		}
	}
	return files
}

func writeFiles(dir string, files map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for path, content := range files {
		target := filepath.Join(dir, path)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}
