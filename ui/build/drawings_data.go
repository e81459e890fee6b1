package build

import (
	"strconv"

	"github.com/nnplay/nnplay/engine/data/drawing"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Frames are the labelled drawings as 28×28 grey frames (RGBA, the digit
// as its class name), for the Data place: the pad's drawings as a data
// set of their own. Grey levels are kept as drawn (ink bright on black,
// as MNIST's).
func (h *Handwriting) Frames() []protocol.Frame {
	out := make([]protocol.Frame, 0, len(h.Drawings))
	for _, d := range h.Drawings {
		if len(d.Pixels) != drawingPixels {
			continue
		}
		rgba := make([]byte, 4*drawingPixels)
		for i, v := range d.Pixels {
			rgba[4*i], rgba[4*i+1], rgba[4*i+2], rgba[4*i+3] = v, v, v, 255
		}
		out = append(out, protocol.Frame{Class: strconv.Itoa(d.Label), Width: drawing.Side, Height: drawing.Side, RGBA: rgba})
	}
	return out
}
