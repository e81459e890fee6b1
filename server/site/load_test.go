package site

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// 200 clients at once each download a 4 MiB wasm file through a real server on loopback; every
// response must be 200, complete and byte-identical to the file. Half the clients accept gzip
// and get the precompressed variant, which must decode to the same bytes. The run is bounded:
// one request per client, a 30 s client timeout, and the time is logged, not asserted.
func TestConcurrentDownloadsOfALargeWasm(t *testing.T) {
	if testing.Short() {
		t.Skip("a long cross-check or training run: make test runs it (make check is -short)")
	}
	const clients = 200
	const size = 4 << 20
	dir := t.TempDir()
	// Half random (incompressible), half text: a real wasm file compresses to about a third.
	wasm := append(randomBytes(size/2, 3), textLike(size/2)...)
	original := writeFile(t, dir, "main.wasm", wasm)
	var gz bytes.Buffer
	if err := compress(&gz, wasm, "gzip"); err != nil {
		t.Fatal(err)
	}
	setSameMtime(t, writeFile(t, dir, "main.wasm.gz", gz.Bytes()), original)
	want := sha256.Sum256(wasm)

	srv := httptest.NewServer(newHandler(t, dir))
	defer srv.Close()
	client := &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConnsPerHost: clients,
			DisableCompression:  true, // we ask for gzip ourselves and check the raw body
		},
	}
	defer client.CloseIdleConnections()

	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	encodings := make(chan string, clients)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("GET", srv.URL+"/main.wasm", nil)
			if i%2 == 1 {
				req.Header.Set("Accept-Encoding", "gzip")
			}
			resp, err := client.Do(req)
			if err != nil {
				errs <- fmt.Errorf("client %d: %v", i, err)
				return
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(resp.Body)
			if err != nil {
				errs <- fmt.Errorf("client %d: reading body: %v", i, err)
				return
			}
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/wasm" {
				errs <- fmt.Errorf("client %d: status %d, type %q", i, resp.StatusCode, resp.Header.Get("Content-Type"))
				return
			}
			if resp.ContentLength != int64(len(body)) {
				errs <- fmt.Errorf("client %d: Content-Length %d, got %d bytes", i, resp.ContentLength, len(body))
				return
			}
			enc := resp.Header.Get("Content-Encoding")
			encodings <- enc
			if enc == "gzip" {
				if !bytes.Equal(body, gz.Bytes()) {
					errs <- fmt.Errorf("client %d: gzip body differs from main.wasm.gz", i)
				}
				return
			}
			if sha256.Sum256(body) != want {
				errs <- fmt.Errorf("client %d: body differs from main.wasm (%d bytes)", i, len(body))
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(errs)
	close(encodings)
	for err := range errs {
		t.Error(err)
	}
	count := map[string]int{}
	for e := range encodings {
		count[e]++
	}
	if count[""] != clients/2 || count["gzip"] != clients/2 {
		t.Errorf("encodings served: %v, want %d identity and %d gzip", count, clients/2, clients/2)
	}
	// The variant decodes to the file (checked once, not 100 times).
	if !bytes.Equal(decode(t, "gzip", gz.Bytes()), wasm) {
		t.Error("main.wasm.gz does not decode to main.wasm")
	}
	mb := float64(clients/2*len(wasm)+clients/2*gz.Len()) / (1 << 20)
	t.Logf("%d clients, %.0f MiB in %v (%.0f MiB/s)", clients, mb, elapsed.Round(time.Millisecond), mb/elapsed.Seconds())
}
