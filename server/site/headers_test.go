package site

import (
	"bytes"
	"compress/gzip"
	"mime"
	"net/http"
	"strings"
	"testing"
)

func TestContentTypes(t *testing.T) {
	dir := t.TempDir()
	var idx bytes.Buffer // a small gzip file standing in for an MNIST idx.gz
	zw := gzip.NewWriter(&idx)
	zw.Write([]byte{0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1})
	zw.Close()
	files := map[string][]byte{
		"index.html":                           []byte("<!doctype html><title>nnplay</title>"),
		"app.js":                               []byte("console.log(1)"),
		"style.css":                            []byte("body{}"),
		"model.json":                           []byte(`{"a":1}`),
		"main.wasm":                            {0, 'a', 's', 'm', 1, 0, 0, 0},
		"data/mnist/t10k-labels-idx1-ubyte.gz": idx.Bytes(),
		"notes.unknownext":                     []byte("?"),
		"Logo.PNG":                             {0x89, 'P', 'N', 'G'},
	}
	for name, b := range files {
		writeFile(t, dir, name, b)
	}
	h := newHandler(t, dir)
	cases := []struct{ path, want string }{
		{"/", "text/html; charset=utf-8"},
		{"/index.html", "text/html; charset=utf-8"},
		{"/app.js", "text/javascript; charset=utf-8"},
		{"/style.css", "text/css; charset=utf-8"},
		{"/model.json", "application/json"},
		{"/main.wasm", "application/wasm"},
		{"/data/mnist/t10k-labels-idx1-ubyte.gz", "application/gzip"},
		{"/notes.unknownext", "application/octet-stream"},
		{"/Logo.PNG", "image/png"},
	}
	for _, c := range cases {
		// Every client offers gzip: the data file must still arrive as the gzip file it is.
		rec := do(h, "GET", c.path, "Accept-Encoding: gzip, deflate, br")
		if rec.Code != http.StatusOK {
			t.Errorf("%s: status %d, want 200", c.path, rec.Code)
			continue
		}
		if got := rec.Header().Get("Content-Type"); got != c.want {
			t.Errorf("%s: Content-Type %q, want %q", c.path, got, c.want)
		}
		if ce := rec.Header().Get("Content-Encoding"); ce != "" {
			t.Errorf("%s: Content-Encoding %q, want none", c.path, ce)
		}
		name := strings.TrimPrefix(c.path, "/")
		if name == "" {
			name = "index.html"
		}
		if !bytes.Equal(rec.Body.Bytes(), files[name]) {
			t.Errorf("%s: body differs from the file", c.path)
		}
	}
	// The media types parse, and the worker can gunzip the data file it received.
	for _, c := range cases {
		if _, _, err := mime.ParseMediaType(c.want); err != nil {
			t.Errorf("%q does not parse: %v", c.want, err)
		}
	}
	rec := do(h, "GET", "/data/mnist/t10k-labels-idx1-ubyte.gz", "Accept-Encoding: gzip")
	if got := decode(t, "gzip", rec.Body.Bytes()); !bytes.Equal(got, []byte{0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1}) {
		t.Errorf("data file gunzips to %v", got)
	}
}

// wantSecurity is what every response must carry, whatever its status.
var wantSecurity = map[string]string{
	"Content-Security-Policy":      DefaultCSP,
	"X-Content-Type-Options":       "nosniff",
	"Referrer-Policy":              "no-referrer",
	"Cross-Origin-Opener-Policy":   "same-origin",
	"Cross-Origin-Embedder-Policy": "require-corp",
	"Cross-Origin-Resource-Policy": "same-origin",
}

func checkSecurity(t *testing.T, what string, h http.Header) {
	t.Helper()
	for name, want := range wantSecurity {
		if got := h.Values(name); len(got) != 1 || got[0] != want {
			t.Errorf("%s: %s = %q, want [%q]", what, name, got, want)
		}
	}
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "index.html", []byte("<p>hi</p>"))
	writeFile(t, dir, "docs/index.html", []byte("<p>docs</p>"))
	writeFile(t, dir, "app.js", textLike(3000))
	h := newHandler(t, dir)
	etag := do(h, "GET", "/app.js").Header().Get("ETag")
	cases := []struct {
		method, target string
		header         []string
		status         int
	}{
		{"GET", "/", nil, 200},
		{"HEAD", "/app.js", nil, 200},
		{"GET", "/app.js", []string{"Range: bytes=0-9"}, 206},
		{"GET", "/app.js", []string{"Range: bytes=9999-"}, 416},
		{"GET", "/app.js", []string{"If-None-Match: " + etag}, 304},
		{"GET", "/docs", nil, 301},
		{"GET", "/missing.js", nil, 404},
		{"GET", "/../etc/passwd", nil, 404},
		{"POST", "/", nil, 405},
	}
	for _, c := range cases {
		rec := do(h, c.method, c.target, c.header...)
		what := c.method + " " + c.target
		if rec.Code != c.status {
			t.Errorf("%s: status %d, want %d", what, rec.Code, c.status)
		}
		checkSecurity(t, what, rec.Header())
	}
}

func TestCSPAllowsOnlyWhatThePageNeeds(t *testing.T) {
	directives := map[string]string{}
	for _, d := range strings.Split(DefaultCSP, ";") {
		fields := strings.Fields(d)
		if len(fields) == 0 {
			t.Fatalf("empty directive in %q", DefaultCSP)
		}
		if _, dup := directives[fields[0]]; dup {
			t.Errorf("directive %s given twice", fields[0])
		}
		directives[fields[0]] = strings.Join(fields[1:], " ")
	}
	want := map[string]string{
		"default-src":     "'self'",
		"script-src":      "'self' 'wasm-unsafe-eval'",
		"worker-src":      "'self'",
		"style-src":       "'self'",
		"img-src":         "'self' data: blob:",
		"connect-src":     "'self'",
		"object-src":      "'none'",
		"base-uri":        "'none'",
		"frame-ancestors": "'none'",
	}
	for name, v := range want {
		if directives[name] != v {
			t.Errorf("%s = %q, want %q", name, directives[name], v)
		}
	}
	for name := range directives {
		if _, ok := want[name]; !ok {
			t.Errorf("unexpected directive %s", name)
		}
	}
}

func TestWithCSP(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "index.html", []byte("x"))
	policy := DefaultCSP + "; upgrade-insecure-requests"
	rec := do(newHandler(t, dir, WithCSP(policy)), "GET", "/")
	if got := rec.Header().Get("Content-Security-Policy"); got != policy {
		t.Errorf("CSP %q, want %q", got, policy)
	}
	if _, err := New(dir, WithCSP("")); err == nil || !strings.Contains(err.Error(), "policy is empty") {
		t.Errorf("empty CSP: err = %v", err)
	}
}

func TestNewRejectsBadDirectory(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "plain.txt", []byte("x"))
	cases := []struct{ dir, want string }{
		{dir + "/nope", "no such file or directory"},
		{file, "is not a directory"},
	}
	for _, c := range cases {
		if _, err := New(c.dir); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("New(%q): err = %v, want one containing %q", c.dir, err, c.want)
		}
	}
}

func TestOnlyGetAndHead(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "index.html", []byte("<p>hi</p>"))
	h := newHandler(t, dir)
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"} {
		rec := do(h, m, "/index.html")
		if rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("%s: status %d, want 405", m, rec.Code)
		}
		if got := rec.Header().Get("Allow"); got != "GET, HEAD" {
			t.Errorf("%s: Allow %q, want \"GET, HEAD\"", m, got)
		}
	}
	get, head := do(h, "GET", "/index.html"), do(h, "HEAD", "/index.html")
	if get.Code != 200 || head.Code != 200 {
		t.Fatalf("GET %d, HEAD %d, want 200 and 200", get.Code, head.Code)
	}
	if head.Body.Len() != 0 {
		t.Errorf("HEAD sent a body of %d bytes", head.Body.Len())
	}
	for _, name := range []string{"Content-Length", "Content-Type", "ETag", "Cache-Control"} {
		if get.Header().Get(name) != head.Header().Get(name) {
			t.Errorf("%s: GET %q, HEAD %q", name, get.Header().Get(name), head.Header().Get(name))
		}
	}
}
