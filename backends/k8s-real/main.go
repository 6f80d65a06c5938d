// Command k8s-real runs an upstream kube-apiserver (k8s.io/kubernetes, built
// from source at the version pinned in go.mod) together with an embedded etcd
// in a single process, bound to 127.0.0.1 only. It is the "real upstream"
// backend of the update-conformance suite.
//
// Everything it needs (CA, serving certificate, service-account signing key,
// static bearer token) is generated fresh into --state-dir at every start, and
// etcd starts from an empty data directory, so every run is a clean cluster.
//
// When the server answers /readyz and the "default" namespace exists, it
// writes <state-dir>/ready.env with the client configuration
// (K8S_SERVER, K8S_TOKEN, K8S_CA_FILE). start.sh waits for that file.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"go.etcd.io/etcd/server/v3/embed"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

// Admission plugins switched off on top of the upstream defaults. See README.md.
const disabledAdmission = "ServiceAccount"

func main() {
	stateDir := flag.String("state-dir", "", "directory for generated certs, keys, token file and etcd data (required)")
	port := flag.Int("port", 0, "secure port of the apiserver on 127.0.0.1 (0 = pick a free port)")
	readyTimeout := flag.Duration("ready-timeout", 180*time.Second, "give up if the apiserver is not ready within this time")
	verbosity := flag.Int("v", 0, "kube-apiserver log verbosity")
	flag.Parse()
	if *stateDir == "" {
		fmt.Fprintln(os.Stderr, "k8s-real: --state-dir is required")
		os.Exit(2)
	}
	code, err := run(*stateDir, *port, *readyTimeout, *verbosity)
	if err != nil {
		fmt.Fprintln(os.Stderr, "k8s-real: "+err.Error())
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

func run(stateDir string, port int, readyTimeout time.Duration, verbosity int) (int, error) {
	abs, err := filepath.Abs(stateDir)
	if err != nil {
		return 1, err
	}
	stateDir = abs
	// Start from a clean slate every time: fresh etcd, fresh credentials.
	for _, name := range []string{"etcd", "pki", "ready.env"} {
		if err := os.RemoveAll(filepath.Join(stateDir, name)); err != nil {
			return 1, err
		}
	}
	pkiDir := filepath.Join(stateDir, "pki")
	if err := os.MkdirAll(pkiDir, 0o700); err != nil {
		return 1, err
	}

	if port == 0 {
		if port, err = freePort(); err != nil {
			return 1, err
		}
	}
	etcdClientPort, err := freePort()
	if err != nil {
		return 1, err
	}
	etcdPeerPort, err := freePort()
	if err != nil {
		return 1, err
	}

	files, err := writeCredentials(pkiDir)
	if err != nil {
		return 1, fmt.Errorf("generating credentials: %w", err)
	}

	etcd, err := startEtcd(filepath.Join(stateDir, "etcd"), etcdClientPort, etcdPeerPort)
	if err != nil {
		return 1, fmt.Errorf("starting embedded etcd: %w", err)
	}
	defer func() {
		etcd.Close()
		fmt.Fprintln(os.Stderr, "k8s-real: embedded etcd stopped")
	}()

	server := fmt.Sprintf("https://127.0.0.1:%d", port)
	args := []string{
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(port),
		"--tls-cert-file=" + files.servingCert,
		"--tls-private-key-file=" + files.servingKey,
		"--etcd-servers=" + fmt.Sprintf("http://127.0.0.1:%d", etcdClientPort),
		"--token-auth-file=" + files.tokenFile,
		"--authorization-mode=Node,RBAC",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + files.saKey,
		"--service-account-signing-key-file=" + files.saKey,
		"--service-cluster-ip-range=10.0.0.0/24",
		// The "kubernetes" Service endpoints would point at 127.0.0.1, which
		// EndpointSlice validation rejects; nothing here needs them.
		"--endpoint-reconciler-type=none",
		"--disable-admission-plugins=" + disabledAdmission,
		"--profiling=false",
		"--v=" + strconv.Itoa(verbosity),
	}
	fmt.Fprintf(os.Stderr, "k8s-real: starting kube-apiserver on %s (etcd on 127.0.0.1:%d)\n", server, etcdClientPort)
	fmt.Fprintf(os.Stderr, "k8s-real: kube-apiserver args: %s\n", strings.Join(args, " "))

	// Readiness watcher: writes ready.env once /readyz is ok and the default
	// namespace exists; aborts the process if that takes too long.
	go func() {
		if err := waitReady(server, files, readyTimeout); err != nil {
			fmt.Fprintln(os.Stderr, "k8s-real: "+err.Error())
			os.Exit(1)
		}
		env := fmt.Sprintf("K8S_SERVER=%s\nK8S_TOKEN=%s\nK8S_CA_FILE=%s\n", server, files.token, files.caCert)
		tmp := filepath.Join(stateDir, "ready.env.tmp")
		if err := os.WriteFile(tmp, []byte(env), 0o600); err == nil {
			_ = os.Rename(tmp, filepath.Join(stateDir, "ready.env"))
		}
		fmt.Fprintln(os.Stderr, "k8s-real: ready")
	}()

	// NewAPIServerCommand installs the SIGTERM/SIGINT handler; on the first
	// signal the apiserver shuts down gracefully and the command returns.
	cmd := app.NewAPIServerCommand()
	cmd.SetArgs(args)
	code := cli.Run(cmd)
	fmt.Fprintf(os.Stderr, "k8s-real: kube-apiserver exited with code %d\n", code)
	return code, nil
}

type credFiles struct {
	caCert, servingCert, servingKey, saKey, tokenFile, token string
}

func writeCredentials(dir string) (credFiles, error) {
	f := credFiles{
		caCert:      filepath.Join(dir, "ca.crt"),
		servingCert: filepath.Join(dir, "apiserver.crt"),
		servingKey:  filepath.Join(dir, "apiserver.key"),
		saKey:       filepath.Join(dir, "sa.key"),
		tokenFile:   filepath.Join(dir, "tokens.csv"),
	}
	now := time.Now()

	// Self-signed CA.
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return f, err
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "update-conformance k8s-real CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return f, err
	}
	caParsed, err := x509.ParseCertificate(caDER)
	if err != nil {
		return f, err
	}

	// Serving certificate for 127.0.0.1 / localhost, signed by the CA.
	srvKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return f, err
	}
	srvTmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: "kube-apiserver"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("10.0.0.1")},
		DNSNames:     []string{"localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"},
	}
	srvDER, err := x509.CreateCertificate(rand.Reader, srvTmpl, caParsed, &srvKey.PublicKey, caKey)
	if err != nil {
		return f, err
	}

	// Service-account token signing key.
	saKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return f, err
	}

	// Static bearer token for a cluster admin (group system:masters).
	tok := make([]byte, 24)
	if _, err := rand.Read(tok); err != nil {
		return f, err
	}
	f.token = hex.EncodeToString(tok)

	if err := writePEM(f.caCert, 0o644, "CERTIFICATE", caDER); err != nil {
		return f, err
	}
	if err := writePEM(f.servingCert, 0o644, "CERTIFICATE", srvDER); err != nil {
		return f, err
	}
	if err := writeECKey(f.servingKey, srvKey); err != nil {
		return f, err
	}
	if err := writeECKey(f.saKey, saKey); err != nil {
		return f, err
	}
	line := fmt.Sprintf("%s,conformance-admin,conformance-admin,\"system:masters\"\n", f.token)
	if err := os.WriteFile(f.tokenFile, []byte(line), 0o600); err != nil {
		return f, err
	}
	return f, nil
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return big.NewInt(time.Now().UnixNano())
	}
	return n
}

func writePEM(path string, mode os.FileMode, typ string, der []byte) error {
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), mode)
}

func writeECKey(path string, key *ecdsa.PrivateKey) error {
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return err
	}
	return writePEM(path, 0o600, "EC PRIVATE KEY", der)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func startEtcd(dataDir string, clientPort, peerPort int) (*embed.Etcd, error) {
	cfg := embed.NewConfig()
	cfg.Name = "k8s-real"
	cfg.Dir = dataDir
	clientURL := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", clientPort)}
	peerURL := url.URL{Scheme: "http", Host: fmt.Sprintf("127.0.0.1:%d", peerPort)}
	cfg.ListenClientUrls = []url.URL{clientURL}
	cfg.AdvertiseClientUrls = []url.URL{clientURL}
	cfg.ListenPeerUrls = []url.URL{peerURL}
	cfg.AdvertisePeerUrls = []url.URL{peerURL}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.LogLevel = "warn"
	setSlowRequestWarnings(cfg)
	// Throw-away test data: skip fsync for speed.
	cfg.UnsafeNoFsync = true

	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, err
	}
	select {
	case <-e.Server.ReadyNotify():
		fmt.Fprintf(os.Stderr, "k8s-real: embedded etcd ready on %s\n", clientURL.String())
		return e, nil
	case err := <-e.Err():
		e.Close()
		return nil, err
	case <-time.After(60 * time.Second):
		e.Server.Stop()
		e.Close()
		return nil, errors.New("embedded etcd did not become ready within 60s")
	}
}

func waitReady(server string, files credFiles, timeout time.Duration) error {
	caPEM, err := os.ReadFile(files.caCert)
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	client := &http.Client{
		Timeout:   5 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
	}
	get := func(path string) int {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, server+path, nil)
		req.Header.Set("Authorization", "Bearer "+files.token)
		resp, err := client.Do(req)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if get("/readyz") == http.StatusOK && get("/api/v1/namespaces/default") == http.StatusOK {
			return nil
		}
		time.Sleep(250 * time.Millisecond)
	}
	return fmt.Errorf("kube-apiserver was not ready (readyz ok + namespace default) within %s", timeout)
}
