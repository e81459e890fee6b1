//go:build js && wasm

package main

import (
	"encoding/json"
	"syscall/js"

	"github.com/vugu/vugu"

	"github.com/nnplay/nnplay/ui/route"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/ui/shell"
	"github.com/nnplay/nnplay/wasm/protocol"
	"github.com/nnplay/nnplay/wasm/workerlink"
)

// annexed are the places the annex (wasm/annex) draws: page.wasm, which
// every visit downloads before anything shows, leaves them out.
var annexed = map[route.Place]bool{route.Data: true, route.Learn: true, route.Inside: true, route.Playground: true,
	route.Explain: true, route.Challenge: true}

// annex is the page's end of the annex, a second Go program in the page
// (static/annex.wasm). static/annex.js loads it the first time one of its
// places is shown. It then attaches (nnplayPage.attach): it takes a copy
// of the session (session.Shared) and follows the page's, which forwards
// it every worker event it applies. Its places post their requests to the
// training worker themselves (nnplayPage.worker); what lives in Build &
// train — the digit pad, its labelled drawings — is read through the page
// (nnplayPage.pad, nnplayPage.drawings), and what only the page's session
// may do is asked of it (nnplayPage.useMNIST).
type annex struct {
	s       *session.Session
	link    *workerlink.Link // nil while there is no worker
	api     js.Value         // the annex's end once attached: show, hide, deliver, died
	want    route.Place
	loading bool
	failed  string // why it could not be loaded ("": it was not)
}

func newAnnex(s *session.Session) *annex {
	a := &annex{s: s, api: js.Undefined()}
	js.Global().Set("nnplayPage", map[string]any{
		"attach":   js.FuncOf(a.attach),
		"worker":   js.FuncOf(a.worker),
		"pad":      js.FuncOf(a.pad),
		"drawings": js.FuncOf(a.drawings),
		"useMNIST": js.FuncOf(a.useMNIST),
	})
	return a
}

// place is the page's stand-in for an annexed place.
func (a *annex) place(at route.Place) shell.Place { return &elsewhere{a: a, at: at} }

func (a *annex) show(at route.Place) {
	a.want = at
	switch {
	case a.api.Truthy():
		b, _ := json.Marshal(a.s.Shared())
		a.api.Call("show", string(at), string(b))
	case !a.loading:
		a.load()
	}
}

func (a *annex) hide() {
	a.want = ""
	if a.api.Truthy() {
		a.api.Call("hide")
	}
}

// load asks annex.js for the annex; a failure is shown in the place's
// stead, and the next visit to one of its places tries again.
func (a *annex) load() {
	loader := js.Global().Get("nnplayAnnex")
	if !loader.Truthy() {
		a.failed = "annex.js did not load"
		return
	}
	a.loading, a.failed = true, ""
	fail := js.FuncOf(func(_ js.Value, args []js.Value) any {
		reason := "unknown error"
		if len(args) > 0 {
			reason = args[0].String()
		}
		// What a stopped annex drew goes with it (its handlers are dead);
		// the next one mounts afresh.
		if root := js.Global().Get("document").Call("getElementById", "annex-root"); !root.IsNull() {
			root.Call("remove")
		}
		go func() {
			a.s.Env.Lock()
			a.loading, a.failed, a.api = false, reason, js.Undefined()
			a.s.Env.UnlockRender()
		}()
		return nil
	})
	loader.Call("load", fail)
}

// attach is nnplayPage.attach(api): the annex started. It returns the
// session.Attachment's JSON; from now on the annex hears every event the page
// applies (forward). It runs in a JS callback, between two of the page's
// tasks, so the session is not changing under it.
func (a *annex) attach(_ js.Value, args []js.Value) any {
	a.api, a.loading = args[0], false
	b, _ := json.Marshal(session.Attachment{Shared: a.s.Shared(), Place: a.want})
	go func() { // the note goes
		a.s.Env.Lock()
		a.s.Env.UnlockRender()
	}()
	return string(b)
}

// forward passes the events the page just applied to the annex, in order
// (pageloop.Deliver's then). Events that carry files (exports, run
// snapshots) answer places of the page only and stay here.
func (a *annex) forward(events []protocol.Event, died string) {
	if !a.api.Truthy() {
		return
	}
	for _, ev := range events {
		if w, err := protocol.EncodeWire(ev); err == nil && w.Parts == nil {
			a.api.Call("deliver", w.Text)
		}
	}
	if died != "" {
		a.api.Call("died", died)
	}
}

// worker is nnplayPage.worker(): the training worker, for the annex's
// places to post to (undefined when there is none).
func (a *annex) worker(js.Value, []js.Value) any {
	if a.link == nil {
		return js.Undefined()
	}
	return a.link.Worker()
}

// drawings is nnplayPage.drawings(): the pad's labelled drawings
// (session.Drawings) as JSON, "null" for none.
func (a *annex) drawings(js.Value, []js.Value) any {
	var frames []protocol.Frame
	if a.s.Drawings != nil {
		frames = a.s.Drawings()
	}
	b, _ := json.Marshal(frames)
	return string(b)
}

// useMNIST is nnplayPage.useMNIST(): the Data place chose MNIST again
// (session.Leader). It runs once the page's tasks let go of the lock.
func (a *annex) useMNIST(js.Value, []js.Value) any {
	go func() {
		a.s.Env.Lock()
		a.s.UseMNIST()
		a.s.Env.UnlockRender()
	}()
	return nil
}

// pad is nnplayPage.pad(): the digit pad as session.Drawing says it,
// {inked, input, probs, top}, the numbers as the bytes of float32s.
func (a *annex) pad(js.Value, []js.Value) any {
	p := a.s.Pad
	if p == nil || !p.Inked() {
		return map[string]any{"inked": false}
	}
	probs, top := p.Prediction()
	out := map[string]any{"inked": true, "input": bytesJS(protocol.FloatsToBytes(p.Input())), "probs": nil, "top": top}
	if probs != nil {
		out["probs"] = bytesJS(protocol.FloatsToBytes(probs))
	}
	return out
}

func bytesJS(b []byte) js.Value {
	arr := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(arr, b)
	return arr
}

// elsewhere stands in the page for an annexed place: it shows the annex's
// place in #annex, and a note in its stead until it can.
type elsewhere struct {
	a  *annex
	at route.Place
}

var _ shell.Elsewhere = (*elsewhere)(nil)

func (e *elsewhere) Build(*vugu.BuildIn) *vugu.BuildOut { return &vugu.BuildOut{} }
func (e *elsewhere) Shown()                             { e.a.show(e.at) }
func (e *elsewhere) Hidden()                            { e.a.hide() }

func (e *elsewhere) Note() string {
	switch {
	case e.a.failed != "":
		return e.at.Label() + " could not be loaded (" + e.a.failed + "). The rest of the page works; check that the server is running, then open " + e.at.Label() + " again or reload the page."
	case !e.a.api.Truthy():
		return "Loading " + e.at.Label() + "…"
	}
	return ""
}

func (e *elsewhere) NoteClass() string {
	if e.a.failed != "" {
		return "annex-note failed"
	}
	return "annex-note"
}
