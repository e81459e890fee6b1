//go:build browser

// Package browsertest runs nnplay in real headless Chromium (chromedp):
// the page as a user sees it and the training worker through its protocol.
//
// TestMain checks that static/ is built (make build), serves it with
// server/site on httptest, starts one Chromium and gives each test its own
// tab. Every tab records console errors, uncaught exceptions and Go panics
// (from the page and from its workers); a test that sees any fails.
package browsertest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/nnplay/nnplay/server/site"
)

// chromiumPath is Debian's real binary (/usr/bin/chromium is a shell wrapper).
const chromiumPath = "/usr/lib/chromium/chromium"

// blankPath serves an empty same-origin page for protocol-level worker tests.
const blankPath = "/__browsertest/blank.html"

var (
	repoRoot   string
	staticDir  string
	server     *httptest.Server // static/ as built, through server/site
	browserCtx context.Context  // the shared Chromium; tests open tabs in it
)

// needed are the files a test run needs in static/, made by make build.
var needed = []string{
	"index.html", "loader.js", "worker.js", "wasm_exec.js", "vugu-render.js",
	"page.wasm", "worker.wasm",
	"data/mnist/train-images-idx3-ubyte.gz", "data/mnist/train-labels-idx1-ubyte.gz",
	"data/mnist/t10k-images-idx3-ubyte.gz", "data/mnist/t10k-labels-idx1-ubyte.gz",
	"data/mnist/train-images-idx3-ubyte", "data/mnist/train-labels-idx1-ubyte",
	"data/mnist/t10k-images-idx3-ubyte", "data/mnist/t10k-labels-idx1-ubyte",
}

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	if repoRoot, err = findRepoRoot(); err != nil {
		fmt.Fprintln(os.Stderr, "browsertest:", err)
		return 1
	}
	staticDir = filepath.Join(repoRoot, "static")
	for _, f := range needed {
		if _, err := os.Stat(filepath.Join(staticDir, f)); err != nil {
			fmt.Fprintf(os.Stderr, "browsertest: static/%s is missing — run make build (make test-browser does)\n", f)
			return 1
		}
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		fmt.Fprintf(os.Stderr, "browsertest: %s is missing — install it: sudo apt-get update && sudo apt-get install -y chromium\n", chromiumPath)
		return 1
	}
	if server, err = serve(staticDir); err != nil {
		fmt.Fprintln(os.Stderr, "browsertest:", err)
		return 1
	}
	defer server.Close()

	profile, err := os.MkdirTemp("", "nnplay-chromium-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "browsertest:", err)
		return 1
	}
	defer os.RemoveAll(profile)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", "new"),
		chromedp.NoSandbox,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// WebGPU in headless Chromium without a GPU: SwiftShader, a software
		// adapter (webgpu_test.go). Pages that do not ask for it are unaffected.
		chromedp.Flag("enable-unsafe-webgpu", true),
		// The webcam (the Data place) through Chromium's fake camera, allowed without asking.
		chromedp.Flag("use-fake-device-for-media-stream", true),
		chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
	)
	defer cancelAlloc()
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()
	// The first Run starts the browser and binds it to the context it is
	// given: no timeout here, or the browser dies when it expires (the
	// go test -timeout bounds a hung start).
	if err := chromedp.Run(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "browsertest: cannot start %s: %v\n", chromiumPath, err)
		return 1
	}
	browserCtx = ctx
	return m.Run()
}

// serve returns an httptest server for dir through server/site, plus the
// blank page protocol tests run in.
func serve(dir string) (*httptest.Server, error) {
	h, err := site.New(dir)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc(blankPath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		// Cross-origin isolated as the app's pages are (server/site), so
		// its workers may share memory; ?plain: not, as a server that
		// sends no COOP/COEP.
		if !r.URL.Query().Has("plain") {
			w.Header().Set("Cross-Origin-Opener-Policy", "same-origin")
			w.Header().Set("Cross-Origin-Embedder-Policy", "require-corp")
		}
		fmt.Fprint(w, "<!doctype html><title>browsertest</title><p>blank</p>")
	})
	mux.Handle("/", h)
	return httptest.NewServer(mux), nil
}

func findRepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Tab is one browser tab with its recorded problems.
type Tab struct {
	Ctx context.Context
	t   testing.TB

	mu       sync.Mutex
	problems []string
	allowed  []string
}

// NewTab opens a tab, navigates to base+path and waits for the document to
// load. The tab (and everything done in it) is bounded by timeout; at the
// end of the test any console error, uncaught exception or Go panic seen
// in the page or its workers fails the test (or benchmark).
func NewTab(t testing.TB, base, path string, timeout time.Duration) *Tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browserCtx)
	tab := wireTab(t, ctx, cancel, timeout, nil)
	ctx = tab.Ctx
	// Each tab starts without the page's autosave (IndexedDB), so no test
	// opens on a model another test left behind.
	clear := storage.ClearDataForOrigin(base, "indexeddb")
	if err := chromedp.Run(ctx, clear, chromedp.Navigate(base+path)); err != nil {
		t.Fatalf("navigate to %s: %v", path, err)
	}
	return tab
}

// wireTab makes a Tab of ctx (a chromedp context for one tab; cancel ends
// it), bounded by timeout. It listens to the page's console and, through a
// session of its own, each worker's; onWorker (may be nil) hears each
// worker target as it attaches. At the end of the test, a console error,
// an uncaught exception or a Go panic seen anywhere fails it.
func wireTab(t testing.TB, ctx context.Context, cancel context.CancelFunc, timeout time.Duration, onWorker func(target.ID)) *Tab {
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	tab := &Tab{Ctx: ctx, t: t}
	tab.listen(ctx, "page")
	chromedp.ListenTarget(ctx, func(ev any) {
		if ev, ok := ev.(*target.EventAttachedToTarget); ok && strings.Contains(ev.TargetInfo.Type, "worker") {
			if onWorker != nil {
				onWorker(ev.TargetInfo.TargetID)
			}
			// Not inside the listener: it must not block.
			go func(id target.ID) {
				wctx, _ := chromedp.NewContext(ctx, chromedp.WithTargetID(id))
				tab.listen(wctx, "worker")
				_ = chromedp.Run(wctx)
			}(ev.TargetInfo.TargetID)
		}
	})
	t.Cleanup(func() {
		cancelTimeout()
		cancel()
		for _, p := range tab.Problems() {
			t.Errorf("browser: %s", p)
		}
	})
	return tab
}

// freshContext opens a tab in a new browser context (its own empty HTTP
// cache and storage, like a first visit or another browser), disposed at
// the end of the test, and returns a chromedp context for it. (chromedp's
// WithNewBrowserContext opens its tab without a window, which headless
// Chromium refuses: "no browser is open".)
func freshContext(t testing.TB) (context.Context, context.CancelFunc) {
	t.Helper()
	browser := cdp.WithExecutor(browserCtx, chromedp.FromContext(browserCtx).Browser)
	bc, err := target.CreateBrowserContext().Do(browser)
	if err != nil {
		t.Fatalf("create a browser context: %v", err)
	}
	id, err := target.CreateTarget("about:blank").WithBrowserContextID(bc).WithNewWindow(true).Do(browser)
	if err != nil {
		t.Fatalf("open a tab in a new browser context: %v", err)
	}
	t.Cleanup(func() {
		_ = target.CloseTarget(id).Do(browser)
		_ = target.DisposeBrowserContext(bc).Do(browser)
	})
	return chromedp.NewContext(browserCtx, chromedp.WithTargetID(id))
}

// Allow stops a console error containing substr from failing the test
// (for tests that provoke that error on purpose).
func (tab *Tab) Allow(substr string) {
	tab.mu.Lock()
	defer tab.mu.Unlock()
	tab.allowed = append(tab.allowed, substr)
	// The page may have said it before the test could allow it (a page that
	// fails at once, on a fast machine): forget those too.
	kept := tab.problems[:0]
	for _, p := range tab.problems {
		if !strings.Contains(p, substr) {
			kept = append(kept, p)
		}
	}
	tab.problems = kept
}
func (tab *Tab) listen(ctx context.Context, where string) {
	chromedp.ListenTarget(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			text := consoleText(ev.Args)
			if ev.Type == runtime.APITypeError || strings.Contains(text, "panic: ") || strings.Contains(text, "fatal error: ") {
				tab.problem(fmt.Sprintf("%s console.%s: %s", where, ev.Type, text))
			}
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			text := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				text += " " + d.Exception.Description
			}
			tab.problem(fmt.Sprintf("%s uncaught exception at %s:%d: %s", where, d.URL, d.LineNumber+1, text))
		}
	})
}

func (tab *Tab) problem(p string) {
	tab.mu.Lock()
	defer tab.mu.Unlock()
	for _, a := range tab.allowed {
		if strings.Contains(p, a) {
			return
		}
	}
	tab.problems = append(tab.problems, p)
}

// Problems returns what the tab has recorded so far.
func (tab *Tab) Problems() []string {
	tab.mu.Lock()
	defer tab.mu.Unlock()
	return append([]string(nil), tab.problems...)
}

func consoleText(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		switch {
		case a.Value != nil:
			parts = append(parts, strings.Trim(string(a.Value), `"`))
		case a.Description != "":
			parts = append(parts, a.Description)
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, " ")
}

// Run runs chromedp actions in the tab, failing the test on error.
func (tab *Tab) Run(what string, actions ...chromedp.Action) {
	tab.t.Helper()
	if err := chromedp.Run(tab.Ctx, actions...); err != nil {
		tab.t.Fatalf("%s: %v (browser problems so far: %q)", what, err, tab.Problems())
	}
}

// WaitText polls the text of the element sel until ok accepts it, or fails
// the test after timeout.
func (tab *Tab) WaitText(sel string, timeout time.Duration, ok func(string) bool) string {
	tab.t.Helper()
	deadline := time.Now().Add(timeout)
	var text string
	for {
		var nodes int
		err := chromedp.Run(tab.Ctx, chromedp.Evaluate(
			fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e ? 1 : 0 })()`, sel), &nodes))
		if err == nil && nodes == 1 {
			err = chromedp.Run(tab.Ctx, chromedp.Evaluate(
				fmt.Sprintf(`document.querySelector(%q).textContent`, sel), &text))
			if err == nil && ok(text) {
				return text
			}
		}
		if err != nil && tab.Ctx.Err() != nil {
			tab.t.Fatalf("waiting for %s: %v", sel, err)
		}
		if time.Now().After(deadline) {
			tab.t.Fatalf("waiting for %s: after %v its text is %q (present: %v; browser problems: %q)", sel, timeout, text, nodes == 1, tab.Problems())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// copyStatic copies static/ into a temporary folder, leaving out the
// top-level entries in skip (for example "data").
func copyStatic(t *testing.T, skip ...string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(staticDir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(staticDir, path)
		for _, s := range skip {
			if rel == s || strings.HasPrefix(rel, s+string(filepath.Separator)) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		out := filepath.Join(dst, rel)
		if err := os.WriteFile(out, b, 0o644); err != nil {
			return err
		}
		// Keep mtimes: site serves a .br/.gz only when it matches its source's.
		return os.Chtimes(out, info.ModTime(), info.ModTime())
	})
	if err != nil {
		t.Fatalf("copying static/: %v", err)
	}
	return dst
}
