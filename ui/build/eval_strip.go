//go:build js && wasm

package build

import (
	"fmt"
	"strconv"
	"syscall/js"

	"github.com/nnplay/nnplay/engine/data/drawing"
	"github.com/nnplay/nnplay/ui/draw"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"

	"honnef.co/go/js/dom/v2"
)

// MisclassifiedStrip shows the test digits the model got wrong, each on a
// small canvas with its predicted and true labels. It owns the children of
// its host element (created in Go, so Vugu's renders leave them alone).
type MisclassifiedStrip struct {
	host  js.Value
	drawn int
}

// Mount remembers the host element (idempotent).
func (s *MisclassifiedStrip) Mount(host js.Value) {
	if !s.host.IsUndefined() && s.host.Equal(host) {
		return
	}
	s.host = host
	s.drawn = -1
}

// stripChunk is how many figures one task makes: the strip is drawn a
// few canvases at a time, after the render's task, so that no task holds
// the page up for long.
const stripChunk = 16

// Draw rebuilds the strip when the evaluation changed: it replaces the
// figures with the first stripChunk new ones and appends the rest as many
// at a time, each chunk in a task of its own (session.Later). A newer
// evaluation or host stops an older drawing.
func (s *MisclassifiedStrip) Draw(ses *session.Session) {
	if s.host.IsUndefined() || s.drawn == ses.EvalVersion {
		return
	}
	s.drawn = ses.EvalVersion
	host, version := s.host, ses.EvalVersion
	current := func() bool { return host.Equal(s.host) && s.drawn == version && ses.EvalVersion == version }
	var chunk func(from int)
	chunk = func(from int) {
		if !current() {
			return
		}
		if ses.Eval == nil {
			host.Call("replaceChildren")
			return
		}
		ms := ses.Eval.Misclassified
		to := min(from+stripChunk, len(ms))
		items := make([]any, 0, to-from)
		for _, m := range ms[from:to] {
			items = append(items, s.figure(ses, m).Underlying())
		}
		if from == 0 {
			host.Call("replaceChildren", items...) // the old figures stay until the first new ones come
		} else {
			host.Call("append", items...)
		}
		if to < len(ms) {
			ses.Later(func() { chunk(to) })
		}
	}
	ses.Later(func() { chunk(0) })
}

// figure is one misclassified example with its predicted and true labels.
func (s *MisclassifiedStrip) figure(ses *session.Session, m protocol.Misclassified) dom.Element {
	if sh := ses.Eval.Shape; len(sh) == 3 { // another data set's images
		return exampleFigure(ses, m, sh)
	}
	fig := draw.New("figure")
	fig.SetAttribute("class", "digit")
	cv := draw.Canvas()
	cv.SetWidth(drawing.Side)
	cv.SetHeight(drawing.Side)
	label := fmt.Sprintf("predicted %d, true %d", m.Predicted, m.True)
	cv.SetAttribute("role", "img")
	cv.SetAttribute("aria-label", "test image "+strconv.Itoa(m.Index)+": "+label)
	img := make([]float32, len(m.Pixels))
	for i, b := range m.Pixels {
		img[i] = float32(b) / 255
	}
	draw.Digit(cv.GetContext2d(), img)
	cap := draw.New("figcaption")
	cap.SetInnerHTML(fmt.Sprintf(`<span class="pred">%d</span> <span class="true">true %d</span>`, m.Predicted, m.True))
	fig.AppendChild(cv)
	fig.AppendChild(cap)
	fig.SetAttribute("data-predicted", strconv.Itoa(m.Predicted))
	fig.SetAttribute("data-true", strconv.Itoa(m.True))
	return fig
}
