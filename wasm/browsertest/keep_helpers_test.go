//go:build browser

package browsertest

import (
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
)

// Helpers for the tests of My models, TensorFlow.js files, fine-tuning
// and handwriting examples.

// download is a file the page saved.
type download struct {
	Name string
	Data []byte
}

// catchDownloads makes the page's downloads land in window.__dls instead
// of the disk: the Blob behind each download link is read as it is
// clicked. (The CSP keeps fetch off blob: URLs, so the Blob itself is read.)
func (u *user) catchDownloads() {
	u.t.Helper()
	u.js("catch downloads", `(() => { window.__dls = [];
		const make = URL.createObjectURL;
		URL.createObjectURL = (b) => { window.__blob = b; return make(b); };
		HTMLAnchorElement.prototype.click = function () {
			const entry = {name: this.download, b64: null};
			window.__dls.push(entry);
			window.__blob.arrayBuffer().then(b => {
				const bytes = new Uint8Array(b); let s = "";
				for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192));
				entry.b64 = btoa(s); });
		}; return true })()`, nil)
}

// downloads waits for n caught downloads and returns them (and forgets
// them, so the next call waits for new ones).
func (u *user) downloads(n int, timeout time.Duration) []download {
	u.t.Helper()
	u.waitJS(fmt.Sprintf("%d downloads", n), timeout, fmt.Sprintf(`window.__dls.length >= %d && window.__dls.every(d => d.b64 !== null)`, n))
	var raw []struct{ Name, B64 string }
	u.js("read the downloads", `(() => { const d = window.__dls.map(e => ({Name: e.name, B64: e.b64})); window.__dls = []; return d })()`, &raw)
	var out []download
	for _, r := range raw {
		b, err := base64.StdEncoding.DecodeString(r.B64)
		if err != nil {
			u.t.Fatalf("download %s: %v", r.Name, err)
		}
		out = append(out, download{r.Name, b})
	}
	return out
}

// modelRow is the selector of the My models row named name.
func modelRow(name string) string { return fmt.Sprintf(`#models-list .model-row[data-name=%q]`, name) }

// modelNames reads the names in My models, in order.
func (u *user) modelNames() []string {
	u.t.Helper()
	var names []string
	u.js("read My models", `[...document.querySelectorAll("#models-list .model-row")].map(r => r.dataset.name)`, &names)
	return names
}

// openFresh opens path in a new browser context (a fresh profile: no
// storage shared with other tabs), with the same checks as NewTab.
func openFresh(t *testing.T, path string, timeout time.Duration) *user {
	t.Helper()
	ctx, cancel := freshContext(t)
	tab := wireTab(t, ctx, cancel, timeout, nil)
	ctx = tab.Ctx
	if err := chromedp.Run(ctx, storage.ClearDataForOrigin(server.URL, "indexeddb"), chromedp.Navigate(server.URL+path)); err != nil {
		t.Fatalf("navigate to %s in a fresh context: %v", path, err)
	}
	return &user{tab}
}

// check100 clicks "Check on 100 test images" and returns the predicted
// digits, their CRC of the probabilities and how many are right.
func (u *user) check100() (digits []string, crc string, right string) {
	u.t.Helper()
	u.goTo("keep")
	u.js("forget the last check", `document.querySelector("#share-check-result").dataset.predicted = ""`, nil)
	u.waitEnabled("#share-check", 30*time.Second)
	u.click("#share-check")
	u.waitJS("the check on 100 test images", 60*time.Second, `document.querySelector("#share-check-result").dataset.predicted.split(",").length === 100`)
	return strings.Split(u.attr("#share-check-result", "data-predicted"), ","), u.attr("#share-check-result", "data-crc"), u.attr("#share-check-result", "data-right")
}
