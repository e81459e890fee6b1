//go:build js && wasm

package explain

import (
	sjs "syscall/js"
	"time"

	"github.com/nnplay/nnplay/engine/data/drawing"
	"github.com/nnplay/nnplay/ui/draw"
)

// The Why? place's own pad: draw here and the maps follow the pen.
const (
	padSize  = 280 // canvas pixels, as Build & train's pad
	penWidth = 22
	drawGap  = 250 * time.Millisecond // the least time between two live drawings sent
)

// livePad is the Why? place's drawing pad, made once and moved into the
// panel's new host each time the place is shown. The maps follow the pen,
// at most once per drawGap while drawing and when a stroke ends.
type livePad struct {
	p      *Place
	host   sjs.Value
	pen    *draw.Pen
	sentAt time.Time
}

// mount puts the pad into host (vg-js-create). Idempotent.
func (l *livePad) mount(host sjs.Value) {
	if l.pen != nil && l.host.Equal(host) {
		return
	}
	l.host = host
	if l.pen == nil {
		l.pen = draw.NewPen(padSize, penWidth, "Drawing pad: draw a digit and the maps follow")
		l.pen.OnInk = func() {
			if time.Since(l.sentAt) >= drawGap {
				l.send()
			}
		}
		l.pen.OnLift = l.send
	}
	host.Call("replaceChildren", l.pen.Canvas.Underlying())
}

// clear wipes the pad.
func (l *livePad) clear() {
	if l.pen != nil {
		l.pen.Clear()
	}
}

// send explains the drawing as it is. Event callbacks must not block, so
// a goroutine takes Vugu's lock.
func (l *livePad) send() {
	l.sentAt = time.Now()
	input := drawing.Preprocess(l.pen.Ink(), padSize, padSize)
	go func() {
		env := l.p.S.Env
		env.Lock()
		l.p.Draw(input)
		env.UnlockRender()
	}()
}
