//go:build js && wasm

package challenge

import (
	"strconv"
	"strings"
	sjs "syscall/js"

	"github.com/vugu/vugu"
	"github.com/vugu/vugu/js"

	"github.com/nnplay/nnplay/engine/challenge"
	"github.com/nnplay/nnplay/ui/store"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Shown reads a challenge link from the address (#c=…).
func (p *Place) Shown() {
	p.shown = true
	p.Open(sjs.Global().Get("location").Get("hash").String())
}

// Hidden is called when the place leaves the screen.
func (p *Place) Hidden() { p.shown = false }

func layerTypes() []string { return challenge.LayerTypes }

// RulesPanel shows an opened challenge to a student.
type RulesPanel struct{ P *Place }

func (c *RulesPanel) title() string {
	if c.P.Opened != nil {
		return "Challenge: " + c.P.Opened.Title
	}
	return "Challenge"
}

func (c *RulesPanel) checkText() string {
	if broken := c.P.ModelCheck(); len(broken) > 0 {
		return "The model in Build & train breaks " + strconv.Itoa(len(broken)) + " of the rules:"
	}
	return "The model in Build & train keeps to every rule."
}

// MakePanel is the teacher's challenge form.
type MakePanel struct {
	P *Place

	copied string // the link last copied
}

// ignore is a promise's rejection handler that does nothing.
var ignore = sjs.FuncOf(func(sjs.Value, []sjs.Value) any { return nil })

func (c *MakePanel) hash() string { return challenge.Hash(c.P.Link) }

// copy puts the link on the clipboard (where the browser allows it).
func (c *MakePanel) copy() {
	clip := sjs.Global().Get("navigator").Get("clipboard")
	if !clip.Truthy() {
		return
	}
	clip.Call("writeText", c.fullLink()).Call("catch", ignore) // refused: the field still shows it
	c.copied = c.P.Link
}

func (c *MakePanel) copyLabel() string {
	if c.copied != "" && c.copied == c.P.Link {
		return "Copied"
	}
	return "Copy the link"
}

func (c *MakePanel) set(ev vugu.DOMEvent, field string) {
	v := ev.PropString("target", "value")
	f := &c.P.Form
	switch field {
	case "title":
		f.Title = v
	case "notes":
		f.Notes = v
	case "classes":
		f.Classes = v
	case "seed":
		f.Seed = v
	case "params":
		f.MaxParams = v
	case "epochs":
		f.MaxEpochs = v
	case "deadline":
		f.Deadline = v
	}
}

func (c *MakePanel) toggle(t string) {
	if c.P.Form.Layers == nil {
		c.P.Form.Layers = map[string]bool{}
	}
	c.P.Form.Layers[t] = !c.P.Form.Layers[t]
}

// fullLink is the challenge link as an address of this page.
func (c *MakePanel) fullLink() string {
	loc := sjs.Global().Get("location")
	return loc.Get("origin").String() + loc.Get("pathname").String() + challenge.Hash(c.P.Link)
}

// BoardPanel is the teacher's leaderboard.
type BoardPanel struct {
	P *Place

	subs    sjs.Value // the submissions' textarea
	changed sjs.Func  // its listener
}

// mountSubs takes the submissions' textarea (made again each time the
// place is shown) and follows it with a listener of its own: a class's
// links run to megabytes, more than Vugu's events and renders carry.
func (c *BoardPanel) mountSubs(v js.Value) {
	el := sjs.Value(v)
	if c.subs.Equal(el) {
		return
	}
	if c.subs.Truthy() { // the place was shown again: the old box is gone
		c.subs.Call("removeEventListener", "input", c.changed)
		c.subs.Call("removeEventListener", "change", c.changed)
		c.changed.Release()
	}
	c.subs = el
	el.Set("value", c.P.Submissions)
	changed := sjs.FuncOf(func(this sjs.Value, _ []sjs.Value) any {
		text := this.Get("value").String()
		go func() {
			env := c.P.S.Env
			env.Lock()
			c.P.Submissions = text
			env.UnlockRender()
		}()
		return nil
	})
	c.changed = changed
	el.Call("addEventListener", "input", changed)
	el.Call("addEventListener", "change", changed)
}

// setLink reads the field itself: Vugu's copy of an event's properties
// is cut short.
func (c *BoardPanel) setLink(ev vugu.DOMEvent) { c.P.BoardLink = targetValue(ev) }
func (c *BoardPanel) total() int               { return max(1, c.P.Total) }

func targetValue(ev vugu.DOMEvent) string {
	if t := sjs.Value(ev.JSEventTarget()); t.Truthy() {
		return t.Get("value").String()
	}
	return ev.PropString("target", "value")
}

func (c *BoardPanel) acc(e protocol.LeaderboardEntry) string {
	if e.Accuracy == nil {
		return ""
	}
	return strconv.FormatFloat(*e.Accuracy, 'g', -1, 64)
}

func (c *BoardPanel) rowClass(e protocol.LeaderboardEntry) string {
	switch {
	case e.Rank > 0:
		return "board-row ranked"
	case e.Error != "":
		return "board-row failed"
	}
	return "board-row broken"
}

// readFile puts a chosen file's text into the submissions. FileReader
// calls back on the event loop, which must not block: a goroutine takes
// Vugu's lock.
func (c *BoardPanel) readFile(ev vugu.DOMEvent) {
	files := sjs.Value(ev.JSEventTarget()).Get("files")
	if !files.Truthy() || files.Length() == 0 {
		return
	}
	file := files.Index(0)
	if file.Get("size").Int() > protocol.MaxSubmissionsText {
		c.P.BoardErr = "The file is larger than " + strconv.Itoa(protocol.MaxSubmissionsText>>20) + " MiB; that is not a list of submissions."
		return
	}
	reader := sjs.Global().Get("FileReader").New()
	var done sjs.Func
	done = sjs.FuncOf(func(sjs.Value, []sjs.Value) any {
		done.Release()
		text := reader.Get("result").String()
		go func() {
			env := c.P.S.Env
			env.Lock()
			c.P.Submissions = strings.TrimSpace(text)
			if c.subs.Truthy() {
				c.subs.Set("value", c.P.Submissions)
			}
			env.UnlockRender()
		}()
		return nil
	})
	reader.Set("onload", done)
	reader.Call("readAsText", file)
}

// download saves the board as CSV.
func (c *BoardPanel) download() {
	if c.P.Board == nil {
		return
	}
	store.Download("leaderboard.csv", []byte(c.P.Board.CSV), "text/csv")
}

// okAttr is data-ok: "true" when the model keeps every rule.
func (c *RulesPanel) okAttr() string { return strconv.FormatBool(len(c.P.ModelCheck()) == 0) }
