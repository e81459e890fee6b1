package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestChooseEncoding(t *testing.T) {
	both := map[string]bool{"br": true, "gzip": true}
	gzOnly := map[string]bool{"gzip": true}
	cases := []struct {
		header    string
		available map[string]bool
		want      string
	}{
		{"", both, ""},
		{"gzip, deflate, br, zstd", both, "br"}, // what Chromium sends
		{"gzip, deflate, br", gzOnly, "gzip"},
		{"br", gzOnly, ""},
		{"gzip", both, "gzip"},
		{"br;q=0.5, gzip;q=0.8", both, "gzip"},
		{"br;q=0.8, gzip;q=0.8", both, "br"},
		{"br;q=0, gzip", both, "gzip"},
		{"br;q=0, gzip;q=0", both, ""},
		{"BR;Q=1.0", both, "br"},
		{"x-gzip", both, "gzip"},
		{"*", both, "br"},
		{"*;q=0.3, br;q=0", both, "gzip"},
		{"*;q=0", both, ""},
		{"identity", both, ""},
		{"br;q=0.5, identity", both, ""},
		{"br;q=0.5, identity;q=0.4", both, "br"},
		{"gzip;q=2", both, ""},         // malformed q: entry ignored
		{"gzip;q=abc, br", both, "br"}, // only the malformed entry is ignored
		{" gzip ; q=0.9 , , br;q=0.1", both, "gzip"},
		{"deflate, zstd", both, ""},
	}
	for _, c := range cases {
		if got := chooseEncoding(c.header, c.available); got != c.want {
			t.Errorf("chooseEncoding(%q, %v) = %q, want %q", c.header, c.available, got, c.want)
		}
	}
}

// precompressedSite holds app.js and the .br and .gz files Precompress makes of it.
func precompressedSite(t *testing.T) (dir string, original []byte) {
	t.Helper()
	dir = t.TempDir()
	original = textLike(20_000)
	writeFile(t, dir, "app.js", original)
	if _, err := Precompress(dir); err != nil {
		t.Fatal(err)
	}
	return dir, original
}

func strongETag(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:16]) + `"`
}

func TestPrecompressedVariants(t *testing.T) {
	dir, original := precompressedSite(t)
	h := newHandler(t, dir)
	etags := map[string]string{}
	for _, c := range []struct{ accept, want string }{
		{"gzip, deflate, br, zstd", "br"},
		{"gzip", "gzip"},
		{"br;q=0.1, gzip;q=0.9", "gzip"},
		{"br;q=0", ""},
		{"", ""},
	} {
		rec := do(h, "GET", "/app.js", "Accept-Encoding: "+c.accept)
		what := fmt.Sprintf("Accept-Encoding %q", c.accept)
		hdr := rec.Header()
		if rec.Code != 200 {
			t.Fatalf("%s: status %d", what, rec.Code)
		}
		if got := hdr.Get("Content-Encoding"); got != c.want {
			t.Errorf("%s: Content-Encoding %q, want %q", what, got, c.want)
		}
		if got := hdr.Get("Content-Type"); got != "text/javascript; charset=utf-8" {
			t.Errorf("%s: Content-Type %q (must be the original's)", what, got)
		}
		if got := hdr.Values("Vary"); len(got) != 1 || got[0] != "Accept-Encoding" {
			t.Errorf("%s: Vary %q, want [Accept-Encoding]", what, got)
		}
		if got := hdr.Get("Cache-Control"); got != "no-cache" {
			t.Errorf("%s: Cache-Control %q", what, got)
		}
		body := rec.Body.Bytes()
		if got := hdr.Get("Content-Length"); got != fmt.Sprint(len(body)) {
			t.Errorf("%s: Content-Length %s, body %d bytes", what, got, len(body))
		}
		if c.want != "" && len(body) >= len(original)/2 {
			t.Errorf("%s: %d bytes sent for a %d-byte text file", what, len(body), len(original))
		}
		if !bytes.Equal(decode(t, c.want, body), original) {
			t.Errorf("%s: body does not decode to the original", what)
		}
		etag := hdr.Get("ETag")
		if etag != strongETag(body) {
			t.Errorf("%s: ETag %s, want the hash of the bytes sent %s", what, etag, strongETag(body))
		}
		if prev, ok := etags[c.want]; ok && prev != etag {
			t.Errorf("%s: ETag %s differs from %s for the same encoding", what, etag, prev)
		}
		etags[c.want] = etag

		// Revalidation with the ETag of what was received: 304, no body, still Vary.
		rec = do(h, "GET", "/app.js", "Accept-Encoding: "+c.accept, "If-None-Match: "+etag)
		if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Errorf("%s: If-None-Match: status %d with %d bytes, want 304 and none", what, rec.Code, rec.Body.Len())
		}
		if rec.Header().Get("Vary") != "Accept-Encoding" || rec.Header().Get("ETag") != etag {
			t.Errorf("%s: 304 headers %v", what, rec.Header())
		}
	}
	if len(etags) != 3 || etags["br"] == etags["gzip"] || etags["br"] == etags[""] || etags["gzip"] == etags[""] {
		t.Errorf("each representation needs its own ETag: %v", etags)
	}
	// A validator of another representation does not match.
	rec := do(h, "GET", "/app.js", "Accept-Encoding: br", "If-None-Match: "+etags["gzip"])
	if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "br" {
		t.Errorf("gzip ETag on a br request: status %d, encoding %q", rec.Code, rec.Header().Get("Content-Encoding"))
	}
}

func TestHeadOfPrecompressedVariant(t *testing.T) {
	dir, _ := precompressedSite(t)
	h := newHandler(t, dir)
	get := do(h, "GET", "/app.js", "Accept-Encoding: br")
	head := do(h, "HEAD", "/app.js", "Accept-Encoding: br")
	if head.Code != 200 || head.Body.Len() != 0 {
		t.Fatalf("HEAD: status %d, %d body bytes", head.Code, head.Body.Len())
	}
	for _, name := range []string{"Content-Encoding", "Content-Length", "Content-Type", "ETag", "Vary"} {
		if get.Header().Get(name) != head.Header().Get(name) {
			t.Errorf("%s: GET %q, HEAD %q", name, get.Header().Get(name), head.Header().Get(name))
		}
	}
}

// Range requests get the identity form, so offsets mean the same whatever the client accepts.
func TestRangeServesIdentity(t *testing.T) {
	dir, original := precompressedSite(t)
	h := newHandler(t, dir)
	rec := do(h, "GET", "/app.js", "Accept-Encoding: br, gzip", "Range: bytes=100-199")
	if rec.Code != http.StatusPartialContent {
		t.Fatalf("status %d, want 206", rec.Code)
	}
	if ce := rec.Header().Get("Content-Encoding"); ce != "" {
		t.Errorf("Content-Encoding %q on a range response", ce)
	}
	if !bytes.Equal(rec.Body.Bytes(), original[100:200]) {
		t.Errorf("range body differs from bytes 100-199 of the original")
	}
	if got, want := rec.Header().Get("Content-Range"), fmt.Sprintf("bytes 100-199/%d", len(original)); got != want {
		t.Errorf("Content-Range %q, want %q", got, want)
	}
	if rec.Header().Get("Vary") != "Accept-Encoding" {
		t.Errorf("Vary missing on a range response")
	}
	// If-Range with the identity ETag: the range is honoured.
	full := do(h, "GET", "/app.js")
	rec = do(h, "GET", "/app.js", "Accept-Encoding: br", "Range: bytes=0-9", "If-Range: "+full.Header().Get("ETag"))
	if rec.Code != 206 || !bytes.Equal(rec.Body.Bytes(), original[:10]) {
		t.Errorf("If-Range with the identity ETag: status %d", rec.Code)
	}
	// If-Range with the br ETag (a client resuming a br download): the full identity body.
	br := do(h, "GET", "/app.js", "Accept-Encoding: br")
	rec = do(h, "GET", "/app.js", "Accept-Encoding: br", "Range: bytes=0-9", "If-Range: "+br.Header().Get("ETag"))
	if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), original) || rec.Header().Get("Content-Encoding") != "" {
		t.Errorf("If-Range with the br ETag: status %d, encoding %q, %d bytes; want the whole identity body",
			rec.Code, rec.Header().Get("Content-Encoding"), rec.Body.Len())
	}
}

func TestStaleVariantIsNotServed(t *testing.T) {
	// The original is rebuilt after precompressing, with a later or (copied with its time kept)
	// an earlier modification time: either way its variants no longer match it.
	for _, shift := range []time.Duration{time.Minute, -time.Hour} {
		dir, _ := precompressedSite(t)
		rebuilt := []byte(strings.Repeat("console.log('new build');\n", 200))
		p := writeFile(t, dir, "app.js", rebuilt)
		stamp := time.Now().Add(shift)
		if err := os.Chtimes(p, stamp, stamp); err != nil {
			t.Fatal(err)
		}
		h := newHandler(t, dir)
		rec := do(h, "GET", "/app.js", "Accept-Encoding: br, gzip")
		if ce := rec.Header().Get("Content-Encoding"); ce != "" {
			t.Errorf("mtime %v: stale variant served with Content-Encoding %q", shift, ce)
		}
		if !bytes.Equal(rec.Body.Bytes(), rebuilt) {
			t.Errorf("mtime %v: body is not the rebuilt file", shift)
		}
		// Precompressing again makes them fresh, and they are served.
		if _, err := Precompress(dir); err != nil {
			t.Fatal(err)
		}
		rec = do(h, "GET", "/app.js", "Accept-Encoding: br, gzip")
		if rec.Header().Get("Content-Encoding") != "br" || !bytes.Equal(decode(t, "br", rec.Body.Bytes()), rebuilt) {
			t.Errorf("mtime %v: after re-precompress: encoding %q", shift, rec.Header().Get("Content-Encoding"))
		}
	}
}

// The ETag is computed once per path+mtime+size: a same-size rewrite that keeps the mtime keeps
// the old ETag (proving it was cached), and a new mtime brings the new content's hash.
func TestETagCachedByPathMtimeSize(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "model.json", []byte(`{"units":128}`))
	stamp := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(p, stamp, stamp); err != nil {
		t.Fatal(err)
	}
	h := newHandler(t, dir)
	first := do(h, "GET", "/model.json").Header().Get("ETag")
	if first != strongETag([]byte(`{"units":128}`)) {
		t.Fatalf("ETag %s is not the content hash", first)
	}
	os.WriteFile(p, []byte(`{"units":256}`), 0o644)
	if err := os.Chtimes(p, stamp, stamp); err != nil {
		t.Fatal(err)
	}
	if got := do(h, "GET", "/model.json").Header().Get("ETag"); got != first {
		t.Errorf("same path+mtime+size: ETag %s, want the cached %s", got, first)
	}
	if err := os.Chtimes(p, stamp.Add(time.Second), stamp.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if got, want := do(h, "GET", "/model.json").Header().Get("ETag"), strongETag([]byte(`{"units":256}`)); got != want {
		t.Errorf("new mtime: ETag %s, want %s", got, want)
	}
	// Another handler has its own cache and sees the file as it is.
	if got, want := do(newHandler(t, dir), "GET", "/model.json").Header().Get("ETag"), strongETag([]byte(`{"units":256}`)); got != want {
		t.Errorf("fresh handler: ETag %s, want %s", got, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "model.json.br")); !os.IsNotExist(err) {
		t.Errorf("no variant expected: %v", err)
	}
}
