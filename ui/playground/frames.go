package playground

import (
	"strings"
	"sync"

	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// The frame loop. One playground_frame request is in flight at a time, so
// frames never queue up, and requests go out at most once per screen
// refresh. A frame is drawn as soon as it arrives (canvases and a few
// texts, never a Vugu render).
//
// While training runs, the next request leaves the moment a frame's
// message arrives, before the page decodes and draws it: the worker
// computes frame N+1 while the page draws frame N. (Sending it only after
// the draw and the next animation frame would leave the worker idle
// meanwhile.) Otherwise — a single frame after a build, a step or a
// change — the request goes from a requestAnimationFrame callback.

// grid is the frame grid: grid² points of the plane.
const grid = 50

// frameGap is the least time between two requests, in milliseconds: a
// 60 Hz screen shows no more frames than this allows.
const frameGap = 1000.0/60 - 1

// frameLoop is the state of the frame requests. mu guards it because the
// worker's message callback reads it too, outside Vugu's lock; nothing
// blocks while holding mu.
type frameLoop struct {
	mu        sync.Mutex
	id, min   int     // the last request's id; frames below min are stale
	inflight  bool    // a request awaits its frame
	running   bool    // frames are wanted continuously (training, shown)
	lastSent  float64 // nowMS of the last request
	scheduled bool    // an animation frame callback is pending
	need      bool    // draw once more even when not training
	drawn     int     // frames drawn since the page opened
	times     []float64
}

// ask wants one more frame, even when not training.
func (l *frameLoop) ask() {
	l.mu.Lock()
	l.need = true
	l.mu.Unlock()
}

// drop makes every frame requested so far stale (after a build or reset)
// and asks for a new one.
func (l *frameLoop) drop() {
	l.mu.Lock()
	l.min, l.need = l.id+1, true
	l.mu.Unlock()
}

// failed forgets the request in flight when ev is its error (the worker
// refused it) or a fatal one, and says whether it did. Another error (a
// diverged batch) leaves it in flight: its frame is still to come.
func (l *frameLoop) failed(ev protocol.Event) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, ours := session.ErrorFor(ev, l.id); !ours || !l.inflight {
		return false
	}
	l.inflight = false
	return true
}

// send sends request id+1; the caller holds mu.
func (l *frameLoop) send(send func(protocol.Request)) {
	l.id++
	l.inflight, l.need, l.lastSent = true, false, nowMS()
	send(protocol.PlaygroundFrameRequest{ID: l.id, Grid: grid})
}

// early runs in the worker's message callback: when msg is a frame and
// training runs, the next request goes now (see above).
func (l *frameLoop) early(msg string, send func(protocol.Request)) {
	if send == nil || !strings.HasPrefix(msg, `{"type":"playground_frame"`) {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.running && l.inflight && nowMS()-l.lastSent >= frameGap {
		l.send(send) // the arriving frame's request is answered; this one is in flight
	}
}

// pump schedules the next frame request if one is wanted. Call it after
// anything that changes whether frames are wanted.
func (p *Place) pump() {
	l := &p.loop
	l.mu.Lock()
	defer l.mu.Unlock()
	ok := p.active && p.send != nil && p.State != "" && p.Worker != session.WorkerDead
	l.running = ok && p.State == protocol.StateRunning
	if !ok || l.inflight || l.scheduled || !l.need && !l.running {
		return
	}
	l.scheduled = true
	p.nextFrame()
}

// tick sends a frame request from an animation frame.
func (p *Place) tick() {
	env := p.s.Env
	env.Lock()
	defer env.UnlockOnly()
	l := &p.loop
	l.mu.Lock()
	defer l.mu.Unlock()
	l.scheduled = false
	if l.inflight || !p.active || p.State == "" || !l.need && p.State != protocol.StateRunning {
		return
	}
	l.send(p.request)
}

// onFrame draws a frame unless it is stale.
func (p *Place) onFrame(f protocol.PlaygroundFrame) {
	l := &p.loop
	l.mu.Lock()
	if f.ID == l.id {
		l.inflight = false
	}
	fresh := f.ID >= l.min
	l.mu.Unlock()
	if fresh {
		p.Frame = &f
		p.addCurves(f)
		p.drawFrame()
		now := nowMS()
		l.mu.Lock()
		l.drawn++
		l.times = append(l.times, now)
		for len(l.times) > 0 && now-l.times[0] > 2000 {
			l.times = l.times[1:]
		}
		l.mu.Unlock()
		p.liveTexts()
	}
	p.pump()
}

// FPS is the frame rate over the last two seconds: frames drawn in them
// over the time from the first of them to now (0 with fewer than two).
func (p *Place) FPS() float64 {
	l := &p.loop
	l.mu.Lock()
	defer l.mu.Unlock()
	now := nowMS()
	t := l.times
	for len(t) > 0 && now-t[0] > 2000 {
		t = t[1:]
	}
	if len(t) < 2 || now <= t[0] {
		return 0
	}
	return float64(len(t)-1) / (now - t[0]) * 1000
}

// framesDrawn is how many frames the page has drawn.
func (p *Place) framesDrawn() int {
	p.loop.mu.Lock()
	defer p.loop.mu.Unlock()
	return p.loop.drawn
}
