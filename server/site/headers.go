package site

import (
	"net/http"
	"path"
	"strings"
)

// DefaultCSP is the Content-Security-Policy sent with every response. It allows only what the page
// needs: its own scripts, wasm compilation ('wasm-unsafe-eval' permits WebAssembly.instantiate but
// not JavaScript eval), workers and styles from this origin, images drawn into data:/blob: URLs
// (canvas exports), and fetches back to this origin. If Vugu ever needs inline style attributes,
// add 'unsafe-inline' to style-src here (and only here); New's WithCSP overrides it per handler.
const DefaultCSP = "default-src 'self'; " +
	"script-src 'self' 'wasm-unsafe-eval'; " +
	"worker-src 'self'; " +
	"style-src 'self'; " +
	"img-src 'self' data: blob:; " +
	"connect-src 'self'; " +
	"object-src 'none'; " +
	"base-uri 'none'; " +
	"frame-ancestors 'none'"

// setSecurityHeaders writes the headers every response carries, errors and redirects included.
// COOP + COEP make the page cross-origin isolated (SharedArrayBuffer and precise timers become
// available to the workers); CORP same-origin keeps other sites from embedding our files.
func setSecurityHeaders(h http.Header, csp string) {
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Embedder-Policy", "require-corp")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
}

// contentTypes maps a file extension to its Content-Type. The table is ours, not the system's
// mime.types, so the answer is the same on every machine; browsers insist on application/wasm for
// WebAssembly.instantiateStreaming and, with nosniff, on a script type for .js.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".mjs":  "text/javascript; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".json": "application/json",
	".map":  "application/json",
	".wasm": "application/wasm",
	// MNIST idx files are served as the gzip files they are (no Content-Encoding):
	// the worker decompresses them itself.
	".gz":    "application/gzip",
	".br":    "application/octet-stream",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".jpg":   "image/jpeg",
	".ico":   "image/x-icon",
	".txt":   "text/plain; charset=utf-8",
	".wat":   "text/plain; charset=utf-8",
	".woff2": "font/woff2",
}

// contentType returns the Content-Type for a file name; unknown extensions are plain bytes
// (with nosniff the browser will not guess otherwise).
func contentType(name string) string {
	if t, ok := contentTypes[strings.ToLower(path.Ext(name))]; ok {
		return t
	}
	return "application/octet-stream"
}

// cacheControl is the same for every file. No file name carries a content hash, so a rebuilt
// app.wasm keeps its URL: any max-age would let a browser run yesterday's wasm against today's
// index.html. "no-cache" means "store it, but revalidate before use"; with the strong ETag the
// revalidation is a 304 with no body, so a reload costs one round trip per file, not a download.
const cacheControl = "no-cache"
