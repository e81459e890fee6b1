//go:build js && wasm

package keep

import (
	"syscall/js"
)

// readWeights reads the file chosen in Import weights' <input type=file>
// (a weights.npz or the project zip) and imports it.
func (f *Frameworks) readWeights(input js.Value) {
	files := input.Get("files")
	if !files.Truthy() || files.Get("length").Int() == 0 {
		return
	}
	file := files.Index(0)
	name := file.Get("name").String()
	if !f.checkWeightsSize(name, int64(file.Get("size").Float())) {
		input.Set("value", "")
		return
	}
	go func() {
		b := readFile(file)
		f.p.S.Env.Lock()
		defer f.p.S.Env.UnlockRender()
		input.Set("value", "")
		f.ImportWeights(name, b)
	}()
}
