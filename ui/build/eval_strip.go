//go:build js && wasm

package build

import (
	"fmt"
	"strconv"
	"syscall/js"

	"github.com/nnplay/nnplay/engine/data/drawing"
	"github.com/nnplay/nnplay/ui/draw"
	"github.com/nnplay/nnplay/ui/session"
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

// Draw rebuilds the strip when the evaluation changed, in a task of its
// own after the render's (a hundred small canvases).
func (s *MisclassifiedStrip) Draw(ses *session.Session) {
	if s.host.IsUndefined() || s.drawn == ses.EvalVersion {
		return
	}
	s.drawn = ses.EvalVersion
	host := s.host
	ses.Later(func() {
		if host.Equal(s.host) {
			s.build(ses)
		}
	})
}

// build makes the strip's figures.
func (s *MisclassifiedStrip) build(ses *session.Session) {
	var items []any
	if ses.Eval != nil {
		for _, m := range ses.Eval.Misclassified {
			if sh := ses.Eval.Shape; len(sh) == 3 { // another data set's images
				items = append(items, exampleFigure(ses, m, sh).Underlying())
				continue
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
			items = append(items, fig.Underlying())
		}
	}
	s.host.Call("replaceChildren", items...)
}
