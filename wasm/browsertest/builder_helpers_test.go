//go:build browser

package browsertest

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// Helpers for the layer builder's tests.

const (
	kbTab   = kb.Tab
	kbEnter = kb.Enter
)

// row is the selector of builder row i (0-based, as data-index).
func row(i int) string { return fmt.Sprintf(`#layers .layer-row[data-index="%d"]`, i) }

func (u *user) count(sel string) int {
	u.t.Helper()
	var n int
	u.js("count "+sel, fmt.Sprintf(`document.querySelectorAll(%q).length`, sel), &n)
	return n
}

func (u *user) rowCount() int { return u.count("#layers .layer-row") }

// setField types into (or chooses in) row i's setting named by data-field.
func (u *user) setField(i int, field, value string) {
	u.t.Helper()
	sel := fmt.Sprintf(`%s [data-field=%q]`, row(i), field)
	var tag string
	u.js("read the tag of "+sel, fmt.Sprintf(`(document.querySelector(%q) || {}).tagName || ""`, sel), &tag)
	switch tag {
	case "SELECT":
		u.choose(sel, value)
	case "INPUT":
		u.typeInto(sel, value)
	default:
		u.t.Fatalf("row %d has no field %q", i, field)
	}
	u.waitJS(sel+" = "+value, 2*time.Second, fmt.Sprintf(`document.querySelector(%q).value === %q`, sel, value))
}

// rowTypes is the layer types in order, space-separated.
func (u *user) rowTypes() string {
	u.t.Helper()
	var names []string
	u.js("read the layer names", `[...document.querySelectorAll("#layers .layer-row .layer-name > span:first-child")].map(e => e.textContent)`, &names)
	types := make([]string, len(names))
	for i, n := range names {
		types[i] = strings.TrimSuffix(n[strings.Index(n, "(")+1:], ")")
	}
	return strings.Join(types, " ")
}

// summaryRows is each row's "name (Type) | output shape | params".
func (u *user) summaryRows() []string {
	u.t.Helper()
	var rows []string
	u.js("read the summary rows", `[...document.querySelectorAll("#layers .layer-row")].map(r =>
		r.querySelector(".layer-name > span:first-child").textContent + " | " +
		r.querySelector(".layer-output").textContent + " | " + r.querySelector(".layer-params").textContent)`, &rows)
	return rows
}

// engineRows reads the same from engine/nn's Summary text.
func engineRows(t *testing.T, summary string) []string {
	t.Helper()
	re := regexp.MustCompile(`(?m)^(\S+ \(\w+\))\s+(\(None[^)]*\))\s+([\d,]+)`)
	var rows []string
	for _, m := range re.FindAllStringSubmatch(summary, -1) {
		rows = append(rows, m[1]+" | "+m[2]+" | "+m[3])
	}
	if len(rows) == 0 {
		t.Fatalf("no layer rows in the engine's summary:\n%s", summary)
	}
	return rows
}

// summaryState is everything the summary shows: the table's text, then
// every field's value and checkbox, and the input shape.
func (u *user) summaryState() string {
	u.t.Helper()
	var s string
	u.js("read the summary", `document.querySelector("#summary").innerText + "\n" +
		[...document.querySelectorAll("#summary input, #summary select")].map(e =>
			(e.dataset.field || e.className) + "=" + (e.type === "checkbox" ? e.checked : e.value)).join(" ") +
		"\ninput " + document.querySelector("#input-shape").value`, &s)
	return s
}

// waitSummary waits until summaryState is want.
func (u *user) waitSummary(what, want string) {
	u.t.Helper()
	deadline := time.Now().Add(2 * time.Second)
	for {
		got := u.summaryState()
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			u.t.Fatalf("after %s the summary is\n%s\nwant\n%s", what, got, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// dragRow drags row from by its handle with the mouse (real input events,
// which the browser turns into pointer events) and drops it just inside
// the top of row to, so it lands before that row.
func (u *user) dragRow(from, to int) {
	u.t.Helper()
	u.Run("scroll the rows into view", chromedp.ScrollIntoView(row(from)+" .drag-handle", chromedp.ByQuery))
	var r struct{ X, Y, TargetY float64 }
	u.js("measure the drag", fmt.Sprintf(`(() => {
		const h = document.querySelector(%q).getBoundingClientRect();
		const t = document.querySelector(%q).getBoundingClientRect();
		return {X: h.left + h.width / 2, Y: h.top + h.height / 2, TargetY: t.top + t.height / 4} })()`,
		row(from)+" .drag-handle", row(to)), &r)
	actions := []chromedp.Action{
		input.DispatchMouseEvent(input.MouseMoved, r.X, r.Y),
		input.DispatchMouseEvent(input.MousePressed, r.X, r.Y).WithButton(input.Left).WithButtons(1).WithClickCount(1),
	}
	const steps = 8
	for i := 1; i <= steps; i++ {
		y := r.Y + (r.TargetY-r.Y)*float64(i)/steps
		actions = append(actions, input.DispatchMouseEvent(input.MouseMoved, r.X, y).WithButton(input.Left).WithButtons(1))
	}
	actions = append(actions, input.DispatchMouseEvent(input.MouseReleased, r.X, r.TargetY).WithButton(input.Left).WithClickCount(1))
	u.Run(fmt.Sprintf("drag row %d to %d", from, to), actions...)
}
