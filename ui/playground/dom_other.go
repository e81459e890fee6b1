//go:build !(js && wasm)

package playground

import (
	"time"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// Outside a browser (the native tests) the place has no page: nothing is
// drawn, no worker starts (the tests send the requests themselves), no
// animation frame comes and the address is empty.

// view stands in for the canvases (draw.go).
type view struct{}

func (p *Place) liveTexts()    {}
func (p *Place) redrawStatic() {}
func (p *Place) drawFrame()    {}
func (p *Place) nextFrame()    {}
func (p *Place) writeHash()    {}
func locationHash() string     { return "" }

func startWorker(*Place) func(protocol.Request) { return nil }

var start = time.Now()

// nowMS is the time since the program started, in milliseconds.
func nowMS() float64 { return float64(time.Since(start)) / float64(time.Millisecond) }
