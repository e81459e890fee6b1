//go:build js && wasm

package build

import (
	"fmt"
	"strconv"

	"github.com/nnplay/nnplay/ui/draw"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
	"honnef.co/go/js/dom/v2"
)

// exampleFigure is a misclassified test image of a data set other than
// MNIST (shape [height, width, channels]) with its class names.
func exampleFigure(ses *session.Session, m protocol.Misclassified, shape []int) dom.Element {
	var names []string
	if d := ses.Model.Data(); d != nil {
		names = d.Classes
	}
	r := Results{Names: names}
	h, w, c := shape[0], shape[1], shape[2]
	rgba := make([]byte, 4*h*w)
	for i := range h * w {
		switch {
		case c == 1 && i < len(m.Pixels):
			rgba[4*i], rgba[4*i+1], rgba[4*i+2] = m.Pixels[i], m.Pixels[i], m.Pixels[i]
		case c == 3 && 3*i+2 < len(m.Pixels):
			copy(rgba[4*i:4*i+3], m.Pixels[3*i:3*i+3])
		}
		rgba[4*i+3] = 255
	}
	fig := draw.New("figure")
	fig.SetAttribute("class", "digit")
	cv := draw.Canvas()
	cv.SetWidth(w)
	cv.SetHeight(h)
	cv.SetAttribute("role", "img")
	cv.SetAttribute("aria-label", fmt.Sprintf("test image %d: predicted %s, true %s", m.Index, r.Name(m.Predicted), r.Name(m.True)))
	draw.PutPixels(draw.Context2D(cv), rgba, w, h)
	fig.AppendChild(cv)
	cap := draw.New("figcaption")
	cap.AppendChild(draw.El("span", "pred", r.Name(m.Predicted)))
	cap.AppendChild(draw.El("span", "true", " true "+r.Name(m.True)))
	fig.AppendChild(cap)
	fig.SetAttribute("data-predicted", strconv.Itoa(m.Predicted))
	fig.SetAttribute("data-true", strconv.Itoa(m.True))
	return fig
}
