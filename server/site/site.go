// Package site is nnplay's static file handler: the files of one directory, with the right
// Content-Type for wasm and scripts, build-time precompressed .br/.gz variants, strong ETags,
// strict security headers, and nothing outside the directory ever reachable.
//
// Mount it anywhere an http.Handler goes; tests use httptest.NewServer(h).
package site

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// An Option changes how New's handler behaves.
type Option func(*handler)

// WithCSP replaces DefaultCSP as the Content-Security-Policy header.
func WithCSP(policy string) Option {
	return func(h *handler) { h.csp = policy }
}

type handler struct {
	dir   string // absolute path of the site's root directory
	csp   string
	etags *etagCache
}

// New returns a handler serving the files under dir. It fails if dir is not a readable directory.
//
// Rules, for every request:
//   - Only GET and HEAD; anything else is 405 with "Allow: GET, HEAD".
//   - A path that could leave dir (a ".." segment, encoded or not, "%2f" or "%5c", a backslash, a
//     symlink pointing outside), names a dotfile, or names a directory without index.html is 404.
//     "/" and "/sub/" serve the index.html inside; "/sub" redirects to "/sub/".
//   - If NAME.br or NAME.gz lies beside NAME with the same modification time (see Precompress)
//     and the Accept-Encoding header allows, that file is sent with Content-Encoding and NAME's Content-Type. Range requests
//     always get NAME itself, so byte offsets never depend on the encoding negotiated.
//   - Each response carries a strong ETag (hash of the bytes sent), Cache-Control: no-cache, and
//     the security headers (CSP, nosniff, no-referrer, COOP/COEP/CORP) — errors included.
func New(dir string, opts ...Option) (http.Handler, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("site: directory %q: %w", dir, err)
	}
	info, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("site: directory %q: %w", dir, err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("site: %q is not a directory", dir)
	}
	root, err := os.OpenRoot(abs)
	if err != nil {
		return nil, fmt.Errorf("site: directory %q: %w", dir, err)
	}
	root.Close()
	h := &handler{dir: abs, csp: DefaultCSP, etags: &etagCache{entries: map[string]*etagEntry{}}}
	for _, opt := range opts {
		opt(h)
	}
	if h.csp == "" {
		return nil, errors.New("site: WithCSP: the policy is empty")
	}
	return h, nil
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setSecurityHeaders(w.Header(), h.csp)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}
	rel, ok := sitePath(r)
	if !ok {
		http.NotFound(w, r)
		return
	}
	// os.Root resolves names (and symlinks) without ever leaving the directory: the guard behind
	// the textual checks of sitePath. Opening it per request costs one open(2), and a directory
	// that a build deleted and made anew is picked up.
	root, err := os.OpenRoot(h.dir)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer root.Close()

	info, err := root.Stat(rel)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	if info.IsDir() {
		rel = path.Join(rel, "index.html")
		if info, err = root.Stat(rel); err != nil {
			http.NotFound(w, r) // no directory listings
			return
		}
		if !strings.HasSuffix(r.URL.Path, "/") {
			// Relative URLs inside the index need the trailing slash.
			target := path.Base(r.URL.Path) + "/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return
		}
	} else if strings.HasSuffix(r.URL.Path, "/") {
		http.NotFound(w, r) // "/app.js/" names a directory that does not exist
		return
	}
	if !info.Mode().IsRegular() {
		http.NotFound(w, r) // never open a FIFO or device: open(2) could block or have effects
		return
	}
	h.serveFile(w, r, root, rel)
}

// sitePath turns the request path into a name inside the site ("." for the root), or reports
// false for a path that must be 404: one with a segment starting with "." (dotfiles, "." and
// ".."), an empty segment ("//"), a backslash or NUL, or an encoded slash or backslash. The
// decoded r.URL.Path already turned "%2e%2e" into "..".
func sitePath(r *http.Request) (string, bool) {
	p := r.URL.Path
	if !strings.HasPrefix(p, "/") {
		return "", false
	}
	rawURI, _, _ := strings.Cut(r.RequestURI, "?") // the query may hold %2F; that is fine
	raw := strings.ToLower(r.URL.RawPath + " " + rawURI)
	if strings.Contains(raw, "%2f") || strings.Contains(raw, "%5c") {
		return "", false
	}
	if strings.ContainsAny(p, "\\\x00") {
		return "", false
	}
	segments := strings.Split(p[1:], "/")
	for i, s := range segments {
		if s == "" && i != len(segments)-1 {
			return "", false
		}
		if strings.HasPrefix(s, ".") {
			return "", false
		}
	}
	rel := strings.TrimSuffix(p[1:], "/")
	if rel == "" {
		rel = "."
	}
	return rel, true
}

// serveFile sends the regular file rel, or its best precompressed variant.
func (h *handler) serveFile(w http.ResponseWriter, r *http.Request, root *os.Root, rel string) {
	f, err := root.Open(rel)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}

	// A variant counts only if its modification time equals the original's, as Precompress
	// (and gzip -k, brotli -k) leave it; any other time means one of the two changed since, and
	// a stale variant would be the wrong content, so the original is sent instead.
	available := map[string]bool{}
	for _, v := range variants {
		vi, err := root.Stat(rel + v.suffix)
		if err == nil && vi.Mode().IsRegular() && vi.ModTime().Equal(info.ModTime()) {
			available[v.encoding] = true
		}
	}
	hdr := w.Header()
	if len(available) > 0 {
		hdr.Add("Vary", "Accept-Encoding")
	}
	servedName, served, servedInfo, encoding := rel, f, info, ""
	if len(available) > 0 && r.Header.Get("Range") == "" {
		if enc := chooseEncoding(r.Header.Get("Accept-Encoding"), available); enc != "" {
			name := rel + suffixOf(enc)
			if vf, err := root.Open(name); err == nil {
				defer vf.Close()
				if vi, err := vf.Stat(); err == nil && vi.Mode().IsRegular() {
					servedName, served, servedInfo, encoding = name, vf, vi, enc
				}
			}
		}
	}

	etag, err := h.etags.get(servedName, served, servedInfo)
	if err != nil {
		http.Error(w, "500 cannot read file", http.StatusInternalServerError)
		return
	}
	hdr.Set("Content-Type", contentType(rel))
	hdr.Set("Cache-Control", cacheControl)
	hdr.Set("ETag", etag)
	if encoding != "" {
		hdr.Set("Content-Encoding", encoding)
		// ServeContent leaves Content-Length out when Content-Encoding is set (it cannot know a
		// range of encoded bytes); we serve variants whole, so the length is the file's, and the
		// browser can show download progress. 304 and error replies drop it again.
		hdr.Set("Content-Length", strconv.FormatInt(servedInfo.Size(), 10))
	}
	// ServeContent answers HEAD, If-None-Match (304), If-Range and Range for us.
	http.ServeContent(w, r, "", servedInfo.ModTime(), served)
}

func suffixOf(encoding string) string {
	for _, v := range variants {
		if v.encoding == encoding {
			return v.suffix
		}
	}
	return ""
}
