//go:build js && wasm

package keep

import (
	"syscall/js"

	"github.com/nnplay/nnplay/wasm/jsloop"
)

// readTFJS reads the files chosen in an <input type=file multiple> (one
// model.json and its weight files) and imports them.
func (l *Library) readTFJS(input js.Value) {
	files := input.Get("files")
	n := 0
	if files.Truthy() {
		n = files.Get("length").Int()
	}
	if n == 0 {
		return
	}
	names := make([]string, n)
	picked := make([]js.Value, n)
	var total int64
	for i := range n {
		f := files.Index(i)
		names[i], picked[i] = f.Get("name").String(), f
		total += int64(f.Get("size").Int())
	}
	input.Set("value", "")
	at := l.pickTFJS(names, total)
	if at < 0 {
		return
	}
	// Read every file, then send them together.
	go func() {
		contents := make([][]byte, n)
		for i, f := range picked {
			contents[i] = readFile(f)
		}
		l.p.S.Env.Lock()
		defer l.p.S.Env.UnlockRender()
		l.importTFJS(names, contents, at)
	}()
}

// readFile waits for a File's bytes (nil when the browser cannot read it;
// call it outside JS callbacks).
func readFile(f js.Value) []byte {
	b, _ := jsloop.ArrayBuffer(f.Call("arrayBuffer"))
	return b
}
