package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer that run (in one goroutine) and the test (in another) can share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func siteDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

var servingLine = regexp.MustCompile(`^nnplay: serving (.+) at (http://127\.0\.0\.1:\d+/)\n`)

// startRun runs the server in the background and returns its page URL once it prints it.
func startRun(t *testing.T, ctx context.Context, args ...string) (url string, stdout, stderr *syncBuffer, done <-chan int) {
	t.Helper()
	stdout, stderr = &syncBuffer{}, &syncBuffer{}
	codes := make(chan int, 1)
	go func() { codes <- run(ctx, args, stdout, stderr) }()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := servingLine.FindStringSubmatch(stdout.String()); m != nil {
			return m[2], stdout, stderr, codes
		}
		select {
		case code := <-codes:
			t.Fatalf("run exited with %d before serving; stderr: %s", code, stderr)
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("no serving line after 10 s; stdout %q stderr %q", stdout, stderr)
	return
}

func TestServeAndStopCleanly(t *testing.T) {
	dir := siteDir(t, map[string]string{"index.html": "<p>nnplay</p>"})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url, stdout, stderr, done := startRun(t, ctx, "-addr", "127.0.0.1:0", "-dir", dir)
	if m := servingLine.FindStringSubmatch(stdout.String()); m[1] != dir {
		t.Errorf("serving line names %q, want %q", m[1], dir)
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "<p>nnplay</p>" || resp.Header.Get("Cross-Origin-Embedder-Policy") != "require-corp" {
		t.Errorf("GET %s: %d %q %v", url, resp.StatusCode, body, resp.Header)
	}
	cancel() // what SIGINT/SIGTERM do in main
	select {
	case code := <-done:
		if code != 0 || stderr.String() != "" {
			t.Errorf("exit %d, stderr %q; want 0 and nothing", code, stderr)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return after cancel")
	}
	if !strings.HasSuffix(stdout.String(), "nnplay: stopped\n") {
		t.Errorf("stdout %q does not end with the stop line", stdout)
	}
	if _, err := http.Get(url); err == nil {
		t.Errorf("still serving after stop")
	}
}

// A download in flight when the stop comes is finished, not cut.
func TestShutdownFinishesDownloadsInFlight(t *testing.T) {
	big := strings.Repeat("0123456789abcdef", 1<<18) // 4 MiB, more than the socket buffers hold
	dir := siteDir(t, map[string]string{"main.wasm": big})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	url, _, stderr, done := startRun(t, ctx, "-addr", "127.0.0.1:0", "-dir", dir)
	resp, err := http.Get(url + "main.wasm")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	first := make([]byte, 1024)
	if _, err := io.ReadFull(resp.Body, first); err != nil {
		t.Fatal(err)
	}
	cancel()
	time.Sleep(100 * time.Millisecond) // let Shutdown start while the body is still being sent
	rest, err := io.ReadAll(resp.Body)
	if err != nil || string(first)+string(rest) != big {
		t.Errorf("download cut by shutdown: err %v, got %d of %d bytes", err, len(first)+len(rest), len(big))
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d, stderr %q", code, stderr)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("run did not return")
	}
}

func TestPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-addr", addr, "-dir", t.TempDir()}, &stdout, &stderr)
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	want := fmt.Sprintf("nnplay: cannot listen on %s: address already in use (another server running? pick another port with -addr)\n", addr)
	if stderr.String() != want {
		t.Errorf("stderr %q, want the one line %q", stderr.String(), want)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout %q, want nothing", stdout.String())
	}
}

func TestStartupErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f.txt")
	os.WriteFile(file, []byte("x"), 0o644)
	cases := []struct {
		args []string
		code int
		want string // the first line of stderr
	}{
		{[]string{"-dir", filepath.Join(dir, "nope"), "-addr", "127.0.0.1:0"}, 1,
			"nnplay: cannot serve -dir " + filepath.Join(dir, "nope") + ": no such file or directory"},
		{[]string{"-dir", file, "-addr", "127.0.0.1:0"}, 1,
			fmt.Sprintf("nnplay: cannot serve -dir %s: site: %q is not a directory", file, file)},
		{[]string{"-dir", dir, "-addr", "no-port-here"}, 1,
			"nnplay: cannot listen on no-port-here: listen tcp: address no-port-here: missing port in address"},
		{[]string{"-nope"}, 2, "nnplay: flag provided but not defined: -nope"},
		{[]string{"-addr"}, 2, "nnplay: flag needs an argument: -addr"},
		{[]string{"static"}, 2, `nnplay: unexpected argument "static" (flags come before it? see -h)`},
		{[]string{"-precompress", filepath.Join(dir, "nope")}, 1,
			"nnplay: precompress " + filepath.Join(dir, "nope") + ": lstat " + filepath.Join(dir, "nope") + ": no such file or directory"},
	}
	for _, c := range cases {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), c.args, &stdout, &stderr)
		first, _, _ := strings.Cut(stderr.String(), "\n")
		if code != c.code || first != c.want {
			t.Errorf("run %q: exit %d, stderr %q; want %d, %q", c.args, code, stderr.String(), c.code, c.want)
		}
		if code == 1 && strings.Count(stderr.String(), "\n") != 1 {
			t.Errorf("run %q: stderr %q is not one line", c.args, stderr.String())
		}
		if stdout.Len() != 0 {
			t.Errorf("run %q: stdout %q", c.args, stdout.String())
		}
	}
}

func TestHelp(t *testing.T) {
	for _, arg := range []string{"-h", "-help", "--help"} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), []string{arg}, &stdout, &stderr); code != 0 {
			t.Errorf("%s: exit %d, want 0", arg, code)
		}
		out := stdout.String()
		for _, want := range []string{"-addr HOST:PORT", `(default "127.0.0.1:8080")`, "-dir DIR", `(default "static")`, "-precompress DIR", "SIGTERM"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: usage lacks %q:\n%s", arg, want, out)
			}
		}
		if stderr.Len() != 0 {
			t.Errorf("%s: stderr %q", arg, stderr.String())
		}
	}
}

func TestPrecompressFlag(t *testing.T) {
	dir := siteDir(t, map[string]string{"main.wasm": strings.Repeat("wasm ", 1000), "tiny.js": "x"})
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"-precompress", dir}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr.String())
	}
	if !regexp.MustCompile(`^nnplay: precompressed .+: 1 files, 2 variants written, 0 up to date; 5000 B → br \d+ B, gz \d+ B \(files of 1 MiB or more: (brotli -q 11|Go brotli library).*\)\n$`).MatchString(stdout.String()) {
		t.Errorf("stdout %q", stdout.String())
	}
	for _, name := range []string{"main.wasm.br", "main.wasm.gz"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
}

// The real binary: exit status 1 and one line when the port is taken; exit 0 on SIGTERM and on
// SIGINT, after printing the URL.
func TestBinary(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "nnplay-server")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dir := siteDir(t, map[string]string{"index.html": "<p>hi</p>"})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-addr", ln.Addr().String(), "-dir", dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	ln.Close()
	if cmd.ProcessState.ExitCode() != 1 || strings.Count(stderr.String(), "\n") != 1 ||
		!strings.Contains(stderr.String(), "address already in use") {
		t.Errorf("port taken: %v, stderr %q; want exit status 1 and one line", err, stderr.String())
	}

	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		cmd := exec.Command(bin, "-addr", "127.0.0.1:0", "-dir", dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		line, err := bufio.NewReader(out).ReadString('\n')
		if m := servingLine.FindStringSubmatch(line); err != nil || m == nil {
			cmd.Process.Kill()
			t.Fatalf("first line %q, %v", line, err)
		}
		cmd.Process.Signal(sig)
		waited := make(chan error, 1)
		go func() { io.Copy(io.Discard, out); waited <- cmd.Wait() }()
		select {
		case err := <-waited:
			if err != nil {
				t.Errorf("%v: %v, want exit status 0", sig, err)
			}
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("%v: still running after 10 s", sig)
		}
	}
}
