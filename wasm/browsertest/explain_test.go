//go:build browser

package browsertest

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/nnplay/nnplay/engine/challenge/measure"
	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/modelio"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// Tests of the Why?, Runs and Challenges places (issue 17).

// trainEpochs sets the seed model's epochs and trains until it finishes.
func (u *user) trainEpochs(epochs int) {
	u.t.Helper()
	u.typeInto("#epochs", strconv.Itoa(epochs))
	u.waitEnabled("#train", 30*time.Second)
	u.click("#train")
	u.WaitText("#status", 6*time.Minute, func(s string) bool { return strings.Contains(s, "Training finished") })
}

// number reads an attribute as a number, failing the test on anything else.
func (u *user) number(sel, name string) float64 {
	u.t.Helper()
	s := u.attr(sel, name)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		u.t.Fatalf("%s[%s] = %q, want a number", sel, name, s)
	}
	return v
}

// drawOn drags the mouse over the canvas in sel from (fx0, fy0) to (fx1,
// fy1), fractions of its size, in steps: drawStroke for any pad.
func (u *user) drawOn(sel string, fx0, fy0, fx1, fy1 float64, steps int) {
	u.t.Helper()
	u.Run("scroll "+sel+" into view", chromedp.ScrollIntoView(sel, chromedp.ByQuery))
	var r struct{ X, Y, W, H float64 }
	u.js("measure "+sel, fmt.Sprintf(`(() => { const b = document.querySelector(%q).getBoundingClientRect();
		return {X: b.left, Y: b.top, W: b.width, H: b.height} })()`, sel), &r)
	at := func(i int) (float64, float64) {
		f := float64(i) / float64(steps)
		return r.X + r.W*(fx0+(fx1-fx0)*f), r.Y + r.H*(fy0+(fy1-fy0)*f)
	}
	x, y := at(0)
	actions := []chromedp.Action{
		input.DispatchMouseEvent(input.MouseMoved, x, y),
		input.DispatchMouseEvent(input.MousePressed, x, y).WithButton(input.Left).WithButtons(1).WithClickCount(1),
	}
	for i := 1; i <= steps; i++ {
		x, y = at(i)
		actions = append(actions, input.DispatchMouseEvent(input.MouseMoved, x, y).WithButton(input.Left).WithButtons(1))
	}
	actions = append(actions, input.DispatchMouseEvent(input.MouseReleased, x, y).WithButton(input.Left).WithClickCount(1))
	u.Run("draw on "+sel, actions...)
}

// TestExplainWhyAndErrors trains the seed model one epoch, draws a 1 and
// opens "Why?" from Try it: covering the strokes of the 1 lowers p(1) (the
// occlusion map's numbers on the page), the three maps and six nearest
// training examples are drawn, and the flip search changes pixels. Then a
// confusion-matrix cell clicked in Evaluate lists exactly its count of
// test examples, each opening in "Why?"; and PCA projects 2,000 of them.
func TestExplainWhyAndErrors(t *testing.T) {
	u, _ := openApp(t, 12*time.Minute)
	u.trainEpochs(1)

	u.drawStroke(0.5, 0.15, 0.5, 0.85, 12)
	u.waitJS("probability bars", 30*time.Second, `document.querySelectorAll("#probs .prob").length === 10`)
	u.padReads("a vertical stroke", "1")
	// (scrolled by script: the pad panel re-renders as predictions come,
	// and a node the browser handed out may be gone when chromedp uses it)
	u.js("scroll to #pad-why", `document.querySelector("#pad-why").scrollIntoView({block: "center"})`, nil)
	u.click("#pad-why")
	u.waitJS("the Why? place", 30*time.Second, `!!document.getElementById("place-explain")`)
	u.waitAttr("#why-subject", "data-pad", "true", 30*time.Second)
	for _, m := range []string{"gradient_x_input", "integrated_gradients", "occlusion"} {
		u.waitJS(m+"'s map", 2*time.Minute, fmt.Sprintf(`!!document.querySelector("#map-%s canvas") && document.querySelector("#text-%s").dataset.output !== ""`, m, m))
	}
	if c := u.attr("#text-occlusion", "data-class"); c != "1" {
		t.Fatalf("occlusion explains class %q, want 1", c)
	}
	p1 := u.number("#text-occlusion", "data-output")
	covered := u.number("#text-occlusion", "data-baseline")
	stroke := u.number("#text-occlusion", "data-stroke")
	t.Logf("p(1) = %.4f as drawn, %.4f with everything covered; a patch on the strokes lowers it by %.4f on average (%s)", p1, covered, stroke, u.text("#text-occlusion"))
	if !(stroke > 0) || !(covered < p1) || p1 < 0.5 {
		t.Errorf("occluding the strokes of a drawn 1: p(1) %.4f, mean change on the strokes %.4f, all covered %.4f; want the strokes to hold p(1) up", p1, stroke, covered)
	}
	if !strings.Contains(u.text("#text-occlusion"), "lowers it by") {
		t.Errorf("the occlusion text does not say covering the strokes lowers p(1): %q", u.text("#text-occlusion"))
	}
	// Integrated gradients with 256 steps: the map sums to p's logit
	// difference from a blank input within 1 % (the page's own numbers).
	u.typeInto("#ig-steps", "256")
	u.Run("apply the steps", chromedp.KeyEvent("\r"))
	u.waitAttr("#text-integrated_gradients", "data-setting", "256", 2*time.Minute)
	igText := u.text("#text-integrated_gradients")
	var off float64
	if i := strings.Index(igText, "off by "); i < 0 {
		t.Fatalf("integrated gradients' text %q", igText)
	} else if _, err := fmt.Sscanf(igText[i:], "off by %f%%", &off); err != nil || off > 1 {
		t.Errorf("integrated gradients, 256 steps: %q; want the sum within 1 %% of the difference", igText)
	}
	t.Logf("integrated gradients: %s", igText)
	// Why not a 7? The maps explain another class on request.
	u.choose("#why-class", "7")
	u.waitJS("the maps of class 7", time.Minute, `["gradient_x_input", "integrated_gradients", "occlusion"].every(m => document.querySelector("#text-" + m).dataset.class === "7")`)
	t.Logf("class 7: %s", u.text("#text-occlusion"))
	u.choose("#why-class", "-1")
	u.waitJS("the maps of class 1 again", time.Minute, `document.querySelector("#text-occlusion").dataset.class === "1"`)
	u.waitJS("six nearest training examples", time.Minute, `document.querySelectorAll("#neighbours .neighbour").length === 6`)

	u.choose("#flip-target", "7")
	u.click("#flip-go")
	u.waitJS("the flip search", 2*time.Minute, `document.querySelector("#flip-result").dataset.flipped !== ""`)
	if changed := u.number("#flip-result", "data-changed"); changed < 1 {
		t.Errorf("the flip search changed %v pixels", changed)
	}
	t.Logf("flip: %s", u.text("#flip-result"))

	// The place's own pad: a 7 drawn there is explained as the pen moves.
	u.click(".why-pad summary")
	u.waitJS("the Why? pad", 10*time.Second, `!!document.querySelector("#why-draw canvas") && document.querySelector("#why-draw canvas").getBoundingClientRect().width > 50`)
	u.drawOn("#why-draw canvas", 0.25, 0.22, 0.75, 0.22, 8)
	u.drawOn("#why-draw canvas", 0.75, 0.22, 0.45, 0.85, 10)
	u.WaitText("#why-subject", time.Minute, func(s string) bool { return strings.HasPrefix(s, "Explaining your drawing: predicted 7") })
	u.waitJS("the maps of the 7", time.Minute, `document.querySelector("#text-occlusion").dataset.class === "7"`)
	t.Logf("drawn on Why?'s pad: %s", u.text("#why-subject"))

	// A confusion cell off the diagonal with a few examples.
	u.goTo("build")
	u.waitJS("the confusion matrix", 30*time.Second, `document.querySelectorAll("#confusion a.cell-link").length === 100`)
	var cell struct {
		ID    string
		Count int
	}
	u.js("pick a cell", `(() => { for (const a of document.querySelectorAll("#confusion a.cell-link")) {
		const [_, t, p] = a.id.split("-"); const n = +a.textContent;
		if (t !== p && n >= 2 && n <= 100) return {ID: a.id, Count: n}; }
		return {ID: "", Count: 0} })()`, &cell)
	if cell.ID == "" {
		t.Fatalf("no off-diagonal confusion cell holds 2 to 100 examples")
	}
	u.js("scroll to the cell", fmt.Sprintf(`document.getElementById(%q).scrollIntoView({block: "center"})`, cell.ID), nil)
	u.click("#" + cell.ID)
	u.waitAttr("#cell-h", "data-count", strconv.Itoa(cell.Count), time.Minute)
	u.waitJS("the cell's examples", 30*time.Second, fmt.Sprintf(`document.querySelectorAll("#cell-examples .cell-example").length === %d`, cell.Count))
	t.Logf("%s: %s", cell.ID, u.text("#cell-h"))
	var first string
	u.js("the first example", `document.querySelector("#cell-examples .cell-example").dataset.index`, &first)
	u.click("#cell-examples .cell-example a.cell-why")
	u.WaitText("#why-subject", time.Minute, func(s string) bool { return strings.Contains(s, "test example "+first+":") })

	u.click("#embed-pca")
	u.WaitText("#embed-text", 2*time.Minute, func(s string) bool { return strings.HasPrefix(s, "PCA of 2000 test examples") })
	t.Logf("embedding: %s", u.text("#embed-text"))

	// t-SNE runs in the worker with a progress bar, then draws.
	u.click("#embed-tsne")
	u.waitJS("t-SNE's progress", time.Minute, `!!document.querySelector("#embed-progress") && +document.querySelector("#embed-progress").value > 0`)
	u.WaitText("#embed-text", 5*time.Minute, func(s string) bool { return strings.HasPrefix(s, "t-SNE of 2000 test examples") })
	// The pointer on a dot shows its example.
	var dot struct{ X, Y float64 }
	u.js("find a dot", `(() => { const c = document.querySelector("#embed-plot canvas"); const b = c.getBoundingClientRect();
		const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data; const k = b.width / c.width;
		for (let y = 0; y < c.height; y++) for (let x = 0; x < c.width; x++) { const i = 4 * (y * c.width + x);
			if (d[i] < 200 && d[i] !== d[i + 1]) return {X: b.left + (x + 1) * k, Y: b.top + (y + 1) * k}; }
		return {X: 0, Y: 0} })()`, &dot)
	if dot.X == 0 {
		t.Fatalf("the t-SNE plot shows no coloured dot")
	}
	u.Run("point at a dot", input.DispatchMouseEvent(input.MouseMoved, dot.X, dot.Y))
	u.WaitText("#embed-hover", 30*time.Second, func(s string) bool { return strings.HasPrefix(s, "Test example ") })
	u.waitJS("the example under the pointer", 30*time.Second, `!!document.querySelector("#embed-example canvas")`)
	t.Logf("hover: %s", u.text("#embed-hover"))
}

// TestRunsTimelineMovesTheFilterView records a 2-epoch run at float32,
// then moves the model along its timeline: Inside the model's first-layer
// images change with the snapshot, and the last snapshot draws exactly the
// live weights' pixels.
func TestRunsTimelineMovesTheFilterView(t *testing.T) {
	u, _ := openApp(t, 12*time.Minute)
	u.goTo("runs")
	u.choose("#runs-precision", "float32")
	u.goTo("build")
	u.trainEpochs(2)

	u.goTo("runs")
	u.waitJS("the run with 3 snapshots", time.Minute, `!!document.querySelector('#runs-list .run-row.selected[data-snapshots="3"]')`)
	t.Logf("run: %s · %s", strings.Join(strings.Fields(u.text("#runs-list .run-row.selected")), " "), u.text("#run-timeline-label"))

	pixels := func() string {
		u.goTo("inside")
		u.scrollTo("#inside-panel")
		u.waitJS("64 weight images", time.Minute, `document.querySelectorAll("#weights-grid canvas").length === 64`)
		var px []int
		u.js("read unit 5's pixels", `[...document.querySelector('#weights-grid canvas[data-unit="5"]').getContext("2d").getImageData(0, 0, 28, 28).data]`, &px)
		return fmt.Sprint(px)
	}
	// view moves the timeline to snapshot pos (after epoch pos) and opens
	// Inside the model, which asks for the weights as it comes on screen;
	// until their answer it may show the images it drew before, so it
	// waits up to 20 s for images that until accepts.
	view := func(pos int, until func(px string) bool) string {
		u.goTo("runs")
		u.waitEnabled("#run-timeline", 30*time.Second)
		u.choose("#run-timeline", strconv.Itoa(pos))
		u.waitAttr("#run-viewing", "data-epoch", strconv.Itoa(pos), time.Minute)
		px := pixels()
		for deadline := time.Now().Add(20 * time.Second); !until(px) && time.Now().Before(deadline); {
			time.Sleep(300 * time.Millisecond)
			u.goTo("runs")
			px = pixels()
		}
		return px
	}
	live := pixels()
	first := view(0, func(px string) bool { return px != live })
	if first == live {
		t.Fatalf("the timeline at epoch 0 left the filter images as the live weights drew them")
	}
	if st := u.text("#status"); !strings.Contains(st, "Showing Run 1 before training") {
		t.Errorf("#status = %q while the views show epoch 0", st)
	}
	mid := view(1, func(px string) bool { return px != first })
	if mid == first || mid == live {
		t.Errorf("epoch 1's filter images equal those of epoch 0 (%v) or of the live weights (%v)", mid == first, mid == live)
	}
	last := view(2, func(px string) bool { return px != mid })
	if last != live {
		t.Errorf("the last snapshot (float32) draws other pixels than the live weights")
	}
	u.goTo("runs")
	u.click("#run-live")
	u.waitAttr("#run-viewing", "data-epoch", "live", time.Minute)
	if st := u.text("#status"); strings.Contains(st, "Showing") {
		t.Errorf("#status = %q with the live weights back", st)
	}

	// The run is kept in IndexedDB: a reload finds it, snapshots and all.
	var id string
	u.js("the run's id", `document.querySelector("#runs-list .run-row.selected").dataset.id`, &id)
	u.Run("reload", chromedp.Reload())
	u.WaitText("#status", 90*time.Second, func(s string) bool { return strings.Contains(s, "Ready to train") })
	u.goTo("runs")
	u.waitJS("the stored run", 30*time.Second, fmt.Sprintf(`!!document.querySelector('#runs-list .run-row[data-id=%q][data-snapshots="3"]')`, id))
	if st := u.text(fmt.Sprintf(`#runs-list .run-row[data-id=%q] .run-status`, id)); st != "finished" {
		t.Errorf("the stored run's status is %q, want finished", st)
	}
	if got := view(0, func(px string) bool { return px == first }); got != first {
		t.Error("after the reload, the snapshot at epoch 0 draws other filter images than before it")
	}

	// A run as an older page stored it ({run}: one JSON with the snapshots
	// in base64; this page keeps them beside the JSON) still reads: a copy
	// of the run in that form, under another id, after a reload.
	var copied bool
	u.Run("store a copy of the run as an older page did", chromedp.Evaluate(fmt.Sprintf(`new Promise((resolve, reject) => {
		const open = indexedDB.open("nnplay");
		open.onerror = () => reject(open.error);
		open.onsuccess = () => {
			const db = open.result;
			const get = db.transaction("runs").objectStore("runs").get(%q);
			get.onsuccess = () => {
				const rec = get.result;
				const run = JSON.parse(new TextDecoder().decode(rec.run));
				run.snapshots.forEach((s, i) => {
					let bin = "";
					for (const b of rec.snapshots[i]) bin += String.fromCharCode(b);
					s.data = btoa(bin);
				});
				run.id = "older"; run.name = "Older run";
				// Resolved once committed: a reload right after a put that
				// has only succeeded can abort its transaction.
				const tx = db.transaction("runs", "readwrite");
				tx.objectStore("runs").put({run: new TextEncoder().encode(JSON.stringify(run))}, "older");
				tx.oncomplete = () => { db.close(); resolve(Array.isArray(rec.snapshots) && rec.snapshots.length === 3); };
				tx.onerror = tx.onabort = () => reject(tx.error);
			};
			get.onerror = () => reject(get.error);
		};
	})`, id), &copied, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if !copied {
		t.Fatal("the run's record does not hold its 3 snapshots beside its JSON")
	}
	u.Run("reload", chromedp.Reload())
	u.WaitText("#status", 90*time.Second, func(s string) bool { return strings.Contains(s, "Ready to train") })
	u.goTo("runs")
	u.waitJS("the older run", 30*time.Second, `!!document.querySelector('#runs-list .run-row[data-id="older"][data-snapshots="3"]')`)
	u.click(`#runs-list .run-row[data-id="older"] .run-show`)
	if got := view(0, func(px string) bool { return px == first }); got != first {
		t.Error("the run stored as an older page did draws other filter images at epoch 0")
	}
}

// submissionLink trains a Dense(units) → Dense(10) model natively on the
// first n training images for one epoch and returns its model link (int8
// weights) and its accuracy on the test set, as the worker measures it.
func submissionLink(t *testing.T, train, test *data.Set, units, n int) (string, float64) {
	t.Helper()
	s := spec.Seed()
	s.Epochs = 1
	s.Layers = []spec.Layer{spec.Dense(units, spec.ActReLU), spec.Dense(10, spec.ActSoftmax)}
	m, err := nn.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	x, y := train.Slice(0, n).Tensors()
	if _, err := m.Fit(x, y, nn.FitConfig{Epochs: 1, BatchSize: 32, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	p := modelio.ToPayload(m, 1, (n+31)/32)
	v, err := share.Encode(p, share.Options{Precision: share.Int8})
	if err != nil {
		t.Fatal(err)
	}
	back, err := share.Decode(v)
	if err != nil {
		t.Fatal(err)
	}
	acc, err := measure.OnSet(test)(back)
	if err != nil {
		t.Fatal(err)
	}
	return share.Hash(v), acc
}

// TestChallengeLeaderboard: a teacher makes a challenge (at most 30,000
// parameters), a student's page opening the link sees the rules, and the
// teacher's board ranks three submissions made here — one within the
// rules, one with too many parameters, one whose line claims 99 % — by
// the accuracy the page measures, names the broken rule, ignores the
// claim and exports CSV.
func TestChallengeLeaderboard(t *testing.T) {
	train, test, err := data.LoadMNIST(filepath.Join(staticDir, "data", "mnist"))
	if err != nil {
		t.Fatalf("MNIST: %v", err)
	}
	ada, adaAcc := submissionLink(t, train, test, 16, 6000)
	bo, _ := submissionLink(t, train, test, 64, 6000)
	cy, cyAcc := submissionLink(t, train, test, 16, 300)
	if !(adaAcc > cyAcc) {
		t.Fatalf("the submissions' accuracies: Ada %.4f, Cy %.4f; want Ada's above", adaAcc, cyAcc)
	}
	t.Logf("made here: Ada %.4f, Cy %.4f (claims 0.99), Bo with 50,890 parameters", adaAcc, cyAcc)

	u, _ := openApp(t, 8*time.Minute)
	u.goTo("challenge")
	u.typeInto("#ch-title", "Small digits")
	u.typeInto("#ch-params", "30000")
	u.click("#ch-make")
	u.waitJS("the challenge link", 10*time.Second, `(document.querySelector("#ch-link") || {}).value?.includes("#c=")`)
	var link string
	u.js("read the link", `document.querySelector("#ch-link").value`, &link)

	// A student opens the link in another tab: the rules, and the seed
	// model (109,386 parameters) breaking one of them.
	student := &user{NewTab(t, server.URL, link[strings.Index(link, "/#"):], 3*time.Minute)}
	student.WaitText("#rules-h", time.Minute, func(s string) bool { return s == "Challenge: Small digits" })
	if r := student.text("#challenge-rules"); !strings.Contains(r, "At most 30,000 parameters") {
		t.Errorf("the student sees the rules %q", r)
	}
	student.WaitText("#challenge-check", time.Minute, func(s string) bool { return strings.Contains(s, "breaks 1 of the rules") })

	subs := fmt.Sprintf("name,link,claimed\nAda: %s\nBo: %s\nCy: %s 99%%\n", ada, bo, cy)
	// The submissions come as a file (the paste box takes the same text).
	file := filepath.Join(t.TempDir(), "submissions.csv")
	if err := os.WriteFile(file, []byte(subs), 0o644); err != nil {
		t.Fatal(err)
	}
	u.Run("choose the submissions file", chromedp.SetUploadFiles("#board-file", []string{file}, chromedp.ByQuery))
	u.waitJS("the file in the box", 30*time.Second, fmt.Sprintf(`document.querySelector("#board-submissions").value.length === %d`, len(strings.TrimSpace(subs))))
	u.waitEnabled("#board-go", 30*time.Second)
	u.click("#board-go")
	u.waitJS("the board", 3*time.Minute, `document.querySelectorAll("#board .board-row").length === 3`)
	var rows []struct{ Name, Rank, Acc, Claimed, Problem string }
	u.js("read the board", `[...document.querySelectorAll("#board .board-row")].map(r => ({Name: r.dataset.name, Rank: r.dataset.rank,
		Acc: r.dataset.accuracy, Claimed: r.querySelector(".claimed").textContent, Problem: r.querySelector(".problem").textContent}))`, &rows)
	t.Logf("board: %+v", rows)
	if len(rows) != 3 || rows[0].Name != "Ada" || rows[1].Name != "Cy" || rows[2].Name != "Bo" {
		t.Fatalf("board order %+v; want Ada, Cy (ranked by measure, not by Cy's claim), then Bo (broken rule)", rows)
	}
	for i, want := range []float64{adaAcc, cyAcc} {
		got, err := strconv.ParseFloat(rows[i].Acc, 64)
		if err != nil || math.Abs(got-want) > 0.0005 || rows[i].Rank != strconv.Itoa(i+1) {
			t.Errorf("%s: rank %s, accuracy %q; want rank %d at %.4f (measured here)", rows[i].Name, rows[i].Rank, rows[i].Acc, i+1, want)
		}
	}
	if !strings.Contains(rows[1].Claimed, "ignored") || !strings.Contains(rows[1].Claimed, "claims 99.00 %") {
		t.Errorf("Cy's claim is shown as %q; want it noted and ignored", rows[1].Claimed)
	}
	if rows[2].Rank != "0" || !strings.HasPrefix(rows[2].Problem, "max parameters: the model has 50,890, the limit is 30,000") {
		t.Errorf("Bo: rank %s, problem %q; want unranked for its parameters", rows[2].Rank, rows[2].Problem)
	}

	u.catchDownloads()
	u.click("#board-csv")
	dl := u.downloads(1, 10*time.Second)
	if dl[0].Name != "leaderboard.csv" || !strings.HasPrefix(string(dl[0].Data), "rank,name,accuracy") || strings.Count(string(dl[0].Data), "\n") != 4 {
		t.Errorf("CSV %s:\n%s", dl[0].Name, dl[0].Data)
	}
}
