//go:build browser

package browsertest

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nnplay/nnplay/engine/modelio"
	"github.com/nnplay/nnplay/engine/share"
)

// TestFineTuneLessonFreezesAndRaisesAccuracy clicks through the lesson
// "Fine-tune: 0–4 → 5–9": train on 0–4, a new head (accuracy at chance),
// fine-tune (accuracy on 5–9 above 95%), then from scratch for the time
// comparison. The frozen layers' weights are read twice — the page's
// CRC-32 of the worker's snapshots, and model files downloaded before
// and after fine-tuning, decoded here — and must be bit for bit the same;
// after the scratch run the fine-tuned model is back.
func TestFineTuneLessonFreezesAndRaisesAccuracy(t *testing.T) {
	u, _ := openApp(t, 6*time.Minute)
	u.catchDownloads()
	u.goTo("finetune")
	u.scrollTo("#lesson-base")
	u.click("#lesson-base")
	u.waitJS("step 1 done", 150*time.Second, `document.querySelector("#lesson-base-result").dataset.accuracy !== ""`)
	t.Logf("step 1: %s", u.text("#lesson-base-result"))
	if acc := u.accuracyAttr("#lesson-base-result"); acc < 0.9 {
		t.Errorf("after step 1 the accuracy on 0–4 is %.3f; want at least 0.9", acc)
	}

	u.waitEnabled("#lesson-head", 30*time.Second)
	u.click("#lesson-head")
	u.waitJS("step 2 done", 60*time.Second, `document.querySelector("#lesson-before").dataset.accuracy !== "" && document.querySelector("#lesson-frozen").dataset.before !== ""`)
	t.Logf("step 2: %s %s", u.text("#lesson-before"), u.text("#lesson-frozen"))
	if acc := u.accuracyAttr("#lesson-before"); acc > 0.4 {
		t.Errorf("with the new head the accuracy on 5–9 is %.3f; want about chance (0.2)", acc)
	}
	u.goTo("build")
	if s := u.text("#summary"); !strings.Contains(s, "Frozen") {
		t.Errorf("the model panel does not show frozen layers after step 2:\n%s", s)
	}
	before := u.modelFile(t)

	u.waitEnabled("#lesson-tune", 30*time.Second)
	u.click("#lesson-tune")
	u.waitJS("step 3 done", 120*time.Second, `document.querySelector("#lesson-after").dataset.accuracy !== "" && document.querySelector("#lesson-frozen").dataset.after !== ""`)
	t.Logf("step 3: %s %s", u.text("#lesson-after"), u.text("#lesson-frozen"))
	if acc := u.accuracyAttr("#lesson-after"); acc <= 0.95 {
		t.Errorf("after fine-tuning the accuracy on 5–9 is %.3f; want above 0.95", acc)
	}
	if b, a := u.attr("#lesson-frozen", "data-before"), u.attr("#lesson-frozen", "data-after"); a != b {
		t.Errorf("the frozen layers' CRC-32 went from %s to %s; want unchanged", b, a)
	}
	after := u.modelFile(t)
	frozen := frozenLayers(before)
	if len(frozen) == 0 || !slices.Equal(frozen, []int{0, 1, 2, 3, 4}) {
		t.Fatalf("the downloaded model freezes layers %v; want 0–4 (the convolutions, pooling, flatten)", frozen)
	}
	for i, w := range before.Weights {
		same := slices.Equal(w.Values, after.Weights[i].Values) // float32 files: exact values
		layer := layerOf(t, before, i)
		if slices.Contains(frozen, layer) != same {
			t.Errorf("weight tensor %d (%s, layer %d, frozen %v): unchanged %v", i, w.Name, layer, slices.Contains(frozen, layer), same)
		}
	}

	u.waitEnabled("#lesson-scratch", 30*time.Second)
	u.click("#lesson-scratch")
	u.waitJS("step 4 done", 150*time.Second, `(() => { const s = document.querySelector("#lesson-scratch-result").textContent; return s !== "" && !s.includes("…") })()`)
	t.Logf("step 4: %s | %s", u.text("#lesson-scratch-result"), u.text("#lesson-saved"))
	if !strings.Contains(u.text("#lesson-saved"), "measured now in this tab") {
		t.Errorf("#lesson-saved says %q; want both times compared", u.text("#lesson-saved"))
	}
	back := u.modelFile(t)
	for i, w := range after.Weights {
		if !slices.Equal(w.Values, back.Weights[i].Values) {
			t.Errorf("after the scratch run weight tensor %d (%s) differs from the fine-tuned model's", i, w.Name)
		}
	}
}

// accuracyAttr reads an element's data-accuracy.
func (u *user) accuracyAttr(sel string) float64 {
	u.t.Helper()
	v, err := strconv.ParseFloat(u.attr(sel, "data-accuracy"), 64)
	if err != nil {
		u.t.Fatalf("%s has data-accuracy %q", sel, u.attr(sel, "data-accuracy"))
	}
	return v
}

// modelFile downloads the model (Share panel, float32) and decodes it.
func (u *user) modelFile(t *testing.T) share.Payload {
	t.Helper()
	u.goTo("keep")
	u.waitEnabled("#share-download", 30*time.Second)
	u.click("#share-download")
	files := u.downloads(1, 60*time.Second)
	u.goTo("finetune")
	p, err := modelio.DecodeFile(files[0].Data)
	if err != nil {
		t.Fatalf("the downloaded model file does not decode: %v", err)
	}
	return p
}

// frozenLayers lists the payload's frozen layers.
func frozenLayers(p share.Payload) []int {
	var out []int
	for i, l := range p.Spec.Layers {
		if l.Frozen {
			out = append(out, i)
		}
	}
	return out
}

// layerOf is the layer weight tensor i belongs to.
func layerOf(t *testing.T, p share.Payload, i int) int {
	t.Helper()
	want, err := share.ExpectedWeights(p.Spec)
	if err != nil || i >= len(want) {
		t.Fatalf("weights of %v: %v", p.Spec.Layers, err)
	}
	return want[i].Layer
}
