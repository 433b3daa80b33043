package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"doppel.dev/testcluster/internal/pki"
	"doppel.dev/testcluster/internal/topology"
)

// kubeconfigUsers are the identities that get a kubeconfig: the file name, the certificate subject.
var kubeconfigUsers = []struct {
	file string
	leaf pki.Leaf
}{
	{"admin", pki.Leaf{CommonName: "dpl-admin", Organizations: []string{"system:masters"}}},
	{"viewer", pki.Leaf{CommonName: "dpl-viewer"}},
	{"controller-manager", pki.Leaf{CommonName: "system:kube-controller-manager"}},
	{"scheduler", pki.Leaf{CommonName: "system:kube-scheduler"}},
}

// runCerts makes (once) the CA, serving and client certificates, the service-account key and the kubeconfigs.
func runCerts(args []string) int {
	flags := flag.NewFlagSet("certs", flag.ExitOnError)
	dir := flags.String("dir", "", "state directory; pki/ and *.kubeconfig are written there")
	_ = flags.Parse(args)
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "certs: --dir is required")
		return 2
	}
	if err := writeCerts(*dir); err != nil {
		fmt.Fprintf(os.Stderr, "certs: %v\n", err)
		return 1
	}
	return 0
}

func writeCerts(dir string) error {
	pkiDir := filepath.Join(dir, "pki")
	if err := os.MkdirAll(pkiDir, 0o700); err != nil {
		return err
	}
	ca, err := pki.LoadOrCreateAuthority(pkiDir)
	if err != nil {
		return err
	}
	hostIPs := []net.IP{net.ParseIP(topology.HostIP), net.ParseIP("127.0.0.1")}
	serving := map[string]pki.Leaf{
		"apiserver": {
			CommonName: "kube-apiserver",
			Hosts:      []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc." + topology.ClusterDomain},
			IPs:        append(hostIPs, net.ParseIP(topology.APIServiceIP)),
		},
		"kubelet":                  {CommonName: "dpl-kubelet", Hosts: []string{"localhost"}, IPs: hostIPs},
		"apiserver-kubelet-client": {CommonName: "kube-apiserver-kubelet-client", Organizations: []string{"system:masters"}},
	}
	for name, leaf := range serving {
		if err := ca.Issue(pkiDir, name, leaf); err != nil {
			return err
		}
	}
	if err := pki.WriteSigningKey(pkiDir, "service-account"); err != nil {
		return err
	}
	for _, user := range kubeconfigUsers {
		if err := ca.Issue(pkiDir, user.file, user.leaf); err != nil {
			return err
		}
		if err := writeKubeconfig(dir, user.file, user.leaf.CommonName); err != nil {
			return err
		}
	}
	return nil
}

func writeKubeconfig(dir, name, user string) error {
	pkiDir := filepath.Join(dir, "pki")
	read := func(file string) ([]byte, error) { return os.ReadFile(filepath.Join(pkiDir, file)) }
	caPEM, err := read("ca.crt")
	if err != nil {
		return err
	}
	certPEM, err := read(name + ".crt")
	if err != nil {
		return err
	}
	keyPEM, err := read(name + ".key")
	if err != nil {
		return err
	}
	config := clientcmdapi.NewConfig()
	config.Clusters["dpl"] = &clientcmdapi.Cluster{Server: topology.APIServerURL(), CertificateAuthorityData: caPEM}
	config.AuthInfos[user] = &clientcmdapi.AuthInfo{ClientCertificateData: certPEM, ClientKeyData: keyPEM}
	config.Contexts["dpl-"+name] = &clientcmdapi.Context{Cluster: "dpl", AuthInfo: user, Namespace: "default"}
	config.CurrentContext = "dpl-" + name
	return clientcmd.WriteToFile(*config, filepath.Join(dir, name+".kubeconfig"))
}
