//go:build js && wasm

package data

import (
	sjs "syscall/js"

	"github.com/vugu/vugu"
	"github.com/vugu/vugu/js"
)

// SourcePanel chooses the data set: the built-in ones, or files the user
// picks or drops, with the options to read, split and scale them.
type SourcePanel struct {
	P *Place

	drop      sjs.Value
	dropFuncs []sjs.Func
}

func (c *SourcePanel) set(key string, ev vugu.DOMEvent) {
	c.P.Form.Set(key, ev.PropString("target", "value"))
}

// setTable sets a reading option of the uploaded table and reads it again.
func (c *SourcePanel) setTable(key string, ev vugu.DOMEvent) {
	c.P.Form.Set(key, ev.PropString("target", "value"))
	c.P.TableChanged()
}

func (c *SourcePanel) setKind(col string, ev vugu.DOMEvent) {
	c.P.Form.SetKind(col, ev.PropString("target", "value"))
}

// pick reads the files chosen in a file input.
func (c *SourcePanel) pick(ev vugu.DOMEvent) {
	input := sjs.Value(ev.JSEventTarget())
	paths, files := fileList(input.Get("files"))
	input.Set("value", "")
	if len(files) > 0 {
		c.P.readFiles(paths, files)
	}
}

// mountDrop makes the drop zone take dropped files.
func (c *SourcePanel) mountDrop(v js.Value) {
	host := sjs.Value(v)
	if !c.drop.IsUndefined() && c.drop.Equal(host) {
		return
	}
	for _, f := range c.dropFuncs {
		f.Release()
	}
	c.drop = host
	over := sjs.FuncOf(func(_ sjs.Value, args []sjs.Value) any {
		args[0].Call("preventDefault")
		host.Get("classList").Call("add", "over")
		return nil
	})
	leave := sjs.FuncOf(func(_ sjs.Value, args []sjs.Value) any {
		host.Get("classList").Call("remove", "over")
		return nil
	})
	drop := sjs.FuncOf(func(_ sjs.Value, args []sjs.Value) any {
		args[0].Call("preventDefault")
		host.Get("classList").Call("remove", "over")
		paths, files := fileList(args[0].Get("dataTransfer").Get("files"))
		if len(files) > 0 {
			c.P.readFiles(paths, files)
		}
		return nil
	})
	c.dropFuncs = []sjs.Func{over, leave, drop}
	host.Call("addEventListener", "dragover", over)
	host.Call("addEventListener", "dragleave", leave)
	host.Call("addEventListener", "drop", drop)
}
