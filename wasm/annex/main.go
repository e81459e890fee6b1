//go:build js && wasm

// Command annex is the annex: the page's places that page.wasm leaves out
// (Data, Learn, Inside the model, the 2-D playground, Why?, Challenges), a
// second Go program that static/annex.js loads into the page the first
// time one of them is shown. It draws the place on screen into the page's
// #annex element with a Vugu renderer of its own, keeps a follower
// session in step with the page's (wasm/page/annex.go is the page's end),
// and posts its places' requests to the training worker itself.
package main

import (
	"encoding/json"
	"log"
	"syscall/js"

	"github.com/vugu/vugu"

	"github.com/nnplay/nnplay/ui/annex"
	"github.com/nnplay/nnplay/ui/challenge"
	"github.com/nnplay/nnplay/ui/data"
	"github.com/nnplay/nnplay/ui/explain"
	"github.com/nnplay/nnplay/ui/inside"
	"github.com/nnplay/nnplay/ui/learn"
	"github.com/nnplay/nnplay/ui/playground"
	"github.com/nnplay/nnplay/ui/route"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/ui/shell"
	"github.com/nnplay/nnplay/wasm/pageloop"
	"github.com/nnplay/nnplay/wasm/protocol"
	"github.com/nnplay/nnplay/wasm/protocol/jswire"
	"github.com/nnplay/nnplay/wasm/workerlink"
)

// ids is where the annex's request IDs start, clear of the page's.
const ids = 1 << 22

func main() {
	page := js.Global().Get("nnplayPage")
	if !page.Truthy() {
		log.Fatal("annex: there is no page to attach to")
	}
	doc := js.Global().Get("document")
	if doc.Call("getElementById", "annex-root").IsNull() {
		el := doc.Call("createElement", "div")
		el.Set("id", "annex-root")
		doc.Call("getElementById", "annex").Call("appendChild", el)
	}
	prog := pageloop.Mount("annex", "#annex-root")

	var s *session.Session
	s = session.New(func(r protocol.Request) {
		worker := page.Call("worker")
		w, err := protocol.EncodeWire(r)
		switch {
		case err != nil:
			pageloop.Refuse(s, r, err.Error())
		case !worker.Truthy():
			pageloop.Refuse(s, r, "there is no training worker")
		default:
			jswire.Post(worker, w) // the files it carries are transferred, not copied
		}
	})
	s.Env = prog.Env()
	s.SetScheduler(pageloop.Scheduler(s.Env))
	s.Pad = pad{page}
	s.Drawings = func() []protocol.Frame {
		var frames []protocol.Frame
		if err := json.Unmarshal([]byte(page.Call("drawings").String()), &frames); err != nil {
			log.Printf("annex: the pad's drawings: %v", err)
		}
		return frames
	}
	root := annex.NewRoot(s, makePlace(s))
	inbox := workerlink.NewInbox()

	api := map[string]any{
		"show": js.FuncOf(func(_ js.Value, args []js.Value) any {
			at, shared := route.Place(args[0].String()), args[1].String()
			go func() {
				s.Env.Lock()
				var sh session.Shared
				if json.Unmarshal([]byte(shared), &sh) == nil {
					s.UseModel(sh) // edited in Build & train meanwhile
				}
				root.Show(at)
				s.Env.UnlockRender()
			}()
			return nil
		}),
		"hide": js.FuncOf(func(js.Value, []js.Value) any {
			go func() {
				s.Env.Lock()
				root.Hide()
				s.Env.UnlockRender()
			}()
			return nil
		}),
		"deliver": js.FuncOf(func(_ js.Value, args []js.Value) any {
			ev, err := protocol.DecodeEvent(args[0].String())
			if err != nil {
				ev = protocol.Error{Message: "The annex could not read a message from the page: " + err.Error()}
			}
			inbox.Push(ev)
			return nil
		}),
		"died": js.FuncOf(func(_ js.Value, args []js.Value) any {
			inbox.Died(args[0].String())
			return nil
		}),
	}
	var at session.Attachment
	if err := json.Unmarshal([]byte(page.Call("attach", js.ValueOf(api)).String()), &at); err != nil {
		log.Fatalf("annex: the page's state: %v", err)
	}
	s.Follow(at.Shared, ids, leader{page})
	if at.Place != "" {
		root.Show(at.Place)
	}
	go pageloop.Deliver(inbox, s, nil)
	prog.Run(root)
}

// makePlace makes the annex's places.
func makePlace(s *session.Session) func(route.Place) shell.Place {
	return func(at route.Place) shell.Place {
		switch at {
		case route.Data:
			return data.New(s)
		case route.Learn:
			return learn.New(s)
		case route.Inside:
			return inside.New(s)
		case route.Playground:
			return playground.New(s)
		case route.Explain:
			return explain.New(s)
		case route.Challenge:
			return challenge.New(s)
		}
		log.Printf("annex: %q is not one of the annex's places", at)
		return nothing{}
	}
}

// nothing is what a place the annex does not have shows.
type nothing struct{}

func (nothing) Build(*vugu.BuildIn) *vugu.BuildOut { return &vugu.BuildOut{} }

// leader is the page's session, as the annex's follows it.
type leader struct{ page js.Value }

var _ session.Leader = leader{}

func (l leader) UseMNIST() { l.page.Call("useMNIST") }

// pad is the digit pad of Build & train, read through the page
// (nnplayPage.pad), as session.Drawing.
type pad struct{ page js.Value }

var _ session.Drawing = pad{}

func (p pad) Inked() bool { return p.page.Call("pad").Get("inked").Truthy() }

func (p pad) Input() []float32 { return floats(p.page.Call("pad").Get("input")) }

func (p pad) Prediction() ([]float32, int) {
	v := p.page.Call("pad")
	if !v.Get("probs").Truthy() {
		return nil, 0
	}
	return floats(v.Get("probs")), v.Get("top").Int()
}

// floats reads a Uint8Array of float32 bytes (nil for anything else).
func floats(v js.Value) []float32 {
	if !v.Truthy() {
		return nil
	}
	b := make([]byte, v.Length())
	js.CopyBytesToGo(b, v)
	f, err := protocol.BytesToFloats(b)
	if err != nil {
		return nil
	}
	return f
}
