//go:build browser

package browsertest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// removeBuilt deletes a built file from a copy of static/, with its
// precompressed variants, so the server answers 404 for it.
func removeBuilt(t *testing.T, dir, name string) {
	t.Helper()
	for _, f := range []string{name, name + ".br", name + ".gz"} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
}

// TestWorkerFailureShowsBanner serves static/ without worker.wasm: the page
// still renders, says the training worker stopped and how to recover, and
// keeps Train disabled.
func TestWorkerFailureShowsBanner(t *testing.T) {
	dir := copyStatic(t, "data")
	removeBuilt(t, dir, "worker.wasm")
	srv, err := serve(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	u := &user{NewTab(t, srv.URL, "/", time.Minute)}
	msg := u.WaitText("#error-banner", 30*time.Second, func(s string) bool { return strings.TrimSpace(s) != "" })
	if !strings.HasPrefix(strings.TrimSpace(msg), "The training worker stopped: ") || !strings.Contains(msg, "Reload the page to start again.") {
		t.Errorf("#error-banner = %q, want \"The training worker stopped: <reason>. Reload the page to start again.\"", msg)
	}
	if !strings.Contains(msg, "worker.wasm") {
		t.Errorf("#error-banner = %q, want the reason to name worker.wasm", msg)
	}
	var visible bool
	u.js("is the banner visible", `document.querySelector("#error-banner").offsetParent !== null`, &visible)
	if !visible {
		t.Errorf("#error-banner holds the message but is hidden")
	}
	if !u.disabled("#train") {
		t.Errorf("#train is enabled although the worker stopped")
	}
	if st := u.text("#status"); !strings.Contains(st, "stopped") {
		t.Errorf("#status = %q, want it to say the worker stopped", st)
	}
}

// TestMissingWorkerScriptShowsBanner serves static/ without worker.js:
// the Worker cannot start, and the banner says so.
func TestMissingWorkerScriptShowsBanner(t *testing.T) {
	dir := copyStatic(t, "data")
	removeBuilt(t, dir, "worker.js")
	srv, err := serve(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	u := &user{NewTab(t, srv.URL, "/", time.Minute)}
	msg := u.WaitText("#error-banner", 30*time.Second, func(s string) bool { return strings.TrimSpace(s) != "" })
	want := "The training worker stopped: worker.js could not be loaded (run make build). Reload the page to start again."
	if strings.TrimSpace(msg) != want {
		t.Errorf("#error-banner = %q, want %q", msg, want)
	}
	if !u.disabled("#train") {
		t.Errorf("#train is enabled although there is no worker")
	}
}

// TestMissingPageWasmShowsMessage serves static/ without page.wasm: instead
// of a blank page, loader.js says what failed and what to do.
func TestMissingPageWasmShowsMessage(t *testing.T) {
	dir := copyStatic(t, "data")
	removeBuilt(t, dir, "page.wasm")
	srv, err := serve(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	u := &user{NewTab(t, srv.URL, "/", time.Minute)}
	u.Allow("nnplay loader:") // loader.js logs the failure to the console too
	msg := u.WaitText("#boot-message", 20*time.Second, func(s string) bool { return strings.Contains(s, "could not start") })
	for _, want := range []string{"page.wasm", "404", "make build"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the loader's message %q does not mention %q", msg, want)
		}
	}
	var role string
	u.js("read the message's role", `document.querySelector("#boot-message").getAttribute("role")`, &role)
	if role != "alert" {
		t.Errorf("the loader's message has role %q, want alert", role)
	}
}

// TestUnreadableWorkerMessagesShowErrors serves a worker.js that posts
// text that is not the protocol's JSON, then an event of no known type:
// the page and the 2-D playground (each with its own worker) say they
// could not read a message from their worker, and the page goes on
// working (its tabs still switch).
func TestUnreadableWorkerMessagesShowErrors(t *testing.T) {
	dir := copyStatic(t, "data")
	removeBuilt(t, dir, "worker.js")
	script := `postMessage("not json"); postMessage('{"type":"no_such_event"}'); postMessage(42);`
	if err := os.WriteFile(filepath.Join(dir, "worker.js"), []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	srv, err := serve(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	u := &user{NewTab(t, srv.URL, "/", time.Minute)}
	// Each banner shows its latest error: the unknown event's (a number,
	// not text, is no protocol message and is ignored).
	readFailure := func(banner, worker string) {
		want := "The page could not read a message from the " + worker + ": "
		msg := u.WaitText(banner, 30*time.Second, func(s string) bool {
			return strings.Contains(s, want) && strings.Contains(s, "no_such_event")
		})
		if strings.Contains(msg, "stopped") {
			t.Errorf("%s = %q: an unreadable message is not a dead worker", banner, msg)
		}
	}
	readFailure("#error-banner", "worker")
	u.goTo("playground")
	readFailure("#pg-error", "playground's worker")
	u.goTo("build")
	u.waitJS("Build & train to show again", 10*time.Second, `!document.querySelector("#playground")`)
}
