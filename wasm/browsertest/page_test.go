//go:build browser

package browsertest

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestPageLoadsWithoutErrors opens the app: the Train button appears and no
// console error, uncaught exception or Go panic happens meanwhile.
func TestPageLoadsWithoutErrors(t *testing.T) {
	tab := NewTab(t, server.URL, "/", 2*time.Minute)
	tab.Run("wait for the Train button", chromedp.WaitVisible("#train", chromedp.ByQuery))
	// Give the worker time to start and load the data; problems are
	// checked when the test ends.
	time.Sleep(3 * time.Second)
	var banner string
	tab.Run("read #error-banner", chromedp.Evaluate(
		`(() => { const e = document.querySelector("#error-banner"); return e && e.offsetParent !== null ? e.textContent : "" })()`, &banner))
	if strings.TrimSpace(banner) != "" {
		t.Errorf("the page shows an error: %q", banner)
	}
}

// TestMissingDataSaysRunMakeData serves static/ without data/: the page
// says what is wrong and how to fix it, in #error-banner.
func TestMissingDataSaysRunMakeData(t *testing.T) {
	srv, err := serve(copyStatic(t, "data"))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	tab := NewTab(t, srv.URL, "/", 2*time.Minute)
	tab.WaitText("#error-banner", 90*time.Second, func(s string) bool {
		return strings.Contains(s, "MNIST files not found at /data/mnist") && strings.Contains(s, "run make data")
	})
	var visible bool
	tab.Run("check #error-banner is visible", chromedp.Evaluate(
		`document.querySelector("#error-banner").offsetParent !== null`, &visible))
	if !visible {
		t.Errorf("#error-banner holds the message but is hidden")
	}
}
