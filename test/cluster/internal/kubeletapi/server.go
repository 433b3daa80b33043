// Package kubeletapi serves the part of the kubelet's HTTPS API the API server proxies to: port-forward, exec
// and container logs. The streaming protocols (SPDY and WebSocket) come from k8s.io/kubelet's own handlers.
package kubeletapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"time"

	"k8s.io/apimachinery/pkg/types"
	remotecommandconsts "k8s.io/apimachinery/pkg/util/remotecommand"
	"k8s.io/client-go/tools/remotecommand"
	"k8s.io/kubelet/pkg/cri/streaming/portforward"
	streamingexec "k8s.io/kubelet/pkg/cri/streaming/remotecommand"
	utilexec "k8s.io/utils/exec"

	"doppel.dev/testcluster/internal/runtime"
)

// Pods is what the server needs from the node.
type Pods interface {
	// Netns is the pod's network namespace path ("" for host network).
	Netns(namespace, pod string) (string, types.UID, error)
	// Exec prepares a command in a running container; the result is started by the server.
	Exec(namespace, pod, container string, argv []string) (*exec.Cmd, error)
	// LogPath is the log file of the container's current (or, with previous, last) instance.
	LogPath(namespace, pod, container string, previous bool) (path string, running func() bool, err error)
}

const (
	idleTimeout           = 4 * time.Hour
	streamCreationTimeout = remotecommandconsts.DefaultStreamCreationTimeout
)

// Serve listens on address with the kubelet's serving certificate and requires client certificates signed by
// the cluster CA (the API server's kubelet client certificate).
func Serve(ctx context.Context, address, certFile, keyFile, caFile string, pods Pods) error {
	caPEM, err := os.ReadFile(caFile)
	if err != nil {
		return fmt.Errorf("kubelet API: read CA %s: %w", caFile, err)
	}
	clientCAs := x509.NewCertPool()
	clientCAs.AppendCertsFromPEM(caPEM)
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return fmt.Errorf("kubelet API: load serving certificate: %w", err)
	}
	mux := http.NewServeMux()
	h := handlers{pods: pods}
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	mux.HandleFunc("/portForward/{namespace}/{pod}", h.portForward)
	mux.HandleFunc("/portForward/{namespace}/{pod}/{uid}", h.portForward)
	mux.HandleFunc("/exec/{namespace}/{pod}/{container}", h.exec)
	mux.HandleFunc("/exec/{namespace}/{pod}/{uid}/{container}", h.exec)
	mux.HandleFunc("/containerLogs/{namespace}/{pod}/{container}", h.logs)
	server := &http.Server{
		Addr:    address,
		Handler: mux,
		TLSConfig: &tls.Config{
			Certificates: []tls.Certificate{cert},
			ClientCAs:    clientCAs,
			ClientAuth:   tls.RequireAndVerifyClientCert,
			MinVersion:   tls.VersionTLS12,
		},
	}
	listener, err := net.Listen("tcp", address)
	if err != nil {
		return fmt.Errorf("kubelet API: listen on %s: %w", address, err)
	}
	go func() {
		<-ctx.Done()
		_ = server.Close()
	}()
	if err := server.ServeTLS(listener, "", ""); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("kubelet API on %s: %w", address, err)
	}
	return nil
}

type handlers struct{ pods Pods }

func (h handlers) portForward(w http.ResponseWriter, r *http.Request) {
	namespace, pod := r.PathValue("namespace"), r.PathValue("pod")
	nsPath, uid, err := h.pods.Netns(namespace, pod)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	options, err := portforward.NewV4Options(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	portforward.ServePortForward(w, r, forwarder{nsPath: nsPath}, pod, uid, options, idleTimeout, streamCreationTimeout, portforward.SupportedProtocols)
}

// forwarder connects each forwarded stream to 127.0.0.1:port inside the pod, as the kubelet does.
type forwarder struct{ nsPath string }

func (f forwarder) PortForward(ctx context.Context, _ string, _ types.UID, port int32, stream io.ReadWriteCloser) error {
	conn, err := runtime.DialTCP(f.nsPath, port)
	if err != nil {
		return fmt.Errorf("port-forward to port %d: %w", port, err)
	}
	defer conn.Close()
	done := make(chan struct{}, 2)
	go func() {
		_, _ = io.Copy(conn, stream)
		if tcp, ok := conn.(*net.TCPConn); ok {
			_ = tcp.CloseWrite()
		}
		done <- struct{}{}
	}()
	go func() {
		_, _ = io.Copy(stream, conn)
		done <- struct{}{}
	}()
	select {
	case <-done:
	case <-ctx.Done():
	}
	return nil
}

func (h handlers) exec(w http.ResponseWriter, r *http.Request) {
	namespace, pod, container := r.PathValue("namespace"), r.PathValue("pod"), r.PathValue("container")
	_, uid, err := h.pods.Netns(namespace, pod)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	options, err := streamingexec.NewOptions(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	executor := executor{pods: h.pods, namespace: namespace}
	streamingexec.ServeExec(w, r, executor, pod, uid, container, r.URL.Query()["command"], options, idleTimeout, streamCreationTimeout, remotecommandconsts.SupportedStreamingProtocols)
}

type executor struct {
	pods      Pods
	namespace string
}

func (e executor) ExecInContainer(ctx context.Context, pod string, _ types.UID, container string, argv []string, in io.Reader, out, errOut io.WriteCloser, tty bool, _ <-chan remotecommand.TerminalSize, _ time.Duration) error {
	if tty {
		return fmt.Errorf("the dpl test bed does not allocate terminals; run exec without -t")
	}
	cmd, err := e.pods.Exec(e.namespace, pod, container, argv)
	if err != nil {
		return err
	}
	if in != nil {
		cmd.Stdin = in
	}
	cmd.Stdout, cmd.Stderr = out, errOut
	if cmd.Stdout == nil {
		cmd.Stdout = io.Discard
	}
	if cmd.Stderr == nil {
		cmd.Stderr = io.Discard
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("exec in %s/%s/%s: %w", e.namespace, pod, container, err)
	}
	go func() {
		<-ctx.Done()
		_ = cmd.Process.Kill()
	}()
	err = cmd.Wait()
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		return utilexec.CodeExitError{Err: err, Code: exitErr.ExitCode()}
	}
	return err
}
