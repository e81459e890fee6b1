package site

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const secret = "TOP-SECRET-OUTSIDE-THE-SITE"

// escapeSite makes parent/{secret.txt, site/...} and returns parent/site. The site holds
// symlinks that point out of it, dotfiles, and directories with and without an index.
func escapeSite(t *testing.T) string {
	t.Helper()
	parent := t.TempDir()
	writeFile(t, parent, "secret.txt", []byte(secret))
	writeFile(t, parent, "outside/index.html", []byte(secret))
	site := filepath.Join(parent, "site")
	writeFile(t, site, "index.html", []byte("<p>home</p>"))
	writeFile(t, site, "docs/index.html", []byte("<p>docs</p>"))
	writeFile(t, site, "docs/.hidden", []byte(secret))
	writeFile(t, site, "empty/a.txt", []byte("a"))
	writeFile(t, site, ".env", []byte(secret))
	writeFile(t, site, ".git/config", []byte(secret))
	for link, target := range map[string]string{
		"escape":    "../secret.txt",
		"escdir":    "..",
		"outlink":   "../outside",
		"absolute":  filepath.Join(parent, "secret.txt"),
		"home.html": "index.html", // inside the site: allowed
	} {
		if err := os.Symlink(target, filepath.Join(site, link)); err != nil {
			t.Fatal(err)
		}
	}
	return site
}

// notFound lists request targets that must all be 404, as sent on the wire.
var notFound = []string{
	"/../secret.txt",
	"/docs/../../secret.txt",
	"/%2e%2e/secret.txt",
	"/%2E%2E/secret.txt",
	"/docs/%2e%2e/%2e%2e/secret.txt",
	"/..%2fsecret.txt",
	"/docs%2findex.html",
	"/docs%2Findex.html",
	"/..%5csecret.txt",
	"/..\\secret.txt",
	"/docs\\index.html",
	"/escape",
	"/escdir/secret.txt",
	"/escdir/site/index.html",
	"/outlink/",
	"/outlink/index.html",
	"/absolute",
	"/.env",
	"/.git/config",
	"/.git/",
	"/docs/.hidden",
	"/./index.html",
	"//index.html",
	"/docs//index.html",
	"/index.html%00",
	"/empty/",
	"/empty",
	"/empty/a.txt/",
	"/missing",
}

func TestPathsThatMustNotResolve(t *testing.T) {
	h := newHandler(t, escapeSite(t))
	for _, target := range notFound {
		rec := do(h, "GET", target)
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", target, rec.Code)
		}
		if strings.Contains(rec.Body.String(), secret) {
			t.Errorf("GET %s: leaked the secret", target)
		}
	}
}

func TestPathsThatResolve(t *testing.T) {
	h := newHandler(t, escapeSite(t))
	for _, c := range []struct{ target, body string }{
		{"/", "<p>home</p>"},
		{"/?v=2", "<p>home</p>"},
		{"/?next=%2Fdocs%2F&p=..%5c", "<p>home</p>"}, // a query is not a path
		{"/index.html", "<p>home</p>"},
		{"/docs/", "<p>docs</p>"},
		{"/docs/index.html", "<p>docs</p>"},
		{"/home.html", "<p>home</p>"},
		{"/empty/a.txt", "a"},
	} {
		rec := do(h, "GET", c.target)
		if rec.Code != 200 || rec.Body.String() != c.body {
			t.Errorf("GET %s: status %d, body %q; want 200, %q", c.target, rec.Code, rec.Body.String(), c.body)
		}
	}
	// A directory with an index, named without the slash, redirects so relative links work.
	for target, want := range map[string]string{"/docs": "/docs/", "/docs?x=1": "/docs/?x=1"} {
		rec := do(h, "GET", target)
		if rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != want {
			t.Errorf("GET %s: status %d, Location %q; want 301 to %s", target, rec.Code, rec.Header().Get("Location"), want)
		}
	}
}

// The same paths through a real server, written raw on the socket, so that nothing between the
// wire and the handler (URL parsing, cleaning, redirects) can hide or open a hole.
func TestPathsOnTheWire(t *testing.T) {
	srv := httptest.NewServer(newHandler(t, escapeSite(t)))
	defer srv.Close()
	status := func(target string) (int, string) {
		conn, err := net.Dial("tcp", srv.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(conn, "GET "+target+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("GET %s: %v", target, err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	for _, target := range notFound {
		code, body := status(target)
		if code != http.StatusNotFound {
			t.Errorf("GET %s on the wire: status %d, want 404", target, code)
		}
		if strings.Contains(body, secret) {
			t.Errorf("GET %s on the wire: leaked the secret", target)
		}
	}
	for _, target := range []string{"/", "/?next=%2Fdocs%2F", "/docs/index.html"} {
		if code, body := status(target); code != 200 || !strings.HasPrefix(body, "<p>") {
			t.Errorf("GET %s on the wire: %d %q", target, code, body)
		}
	}
}
