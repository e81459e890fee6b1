//go:build js && wasm

package data

import (
	"strconv"
	"syscall/js"

	"github.com/nnplay/nnplay/ui/draw"
	"github.com/nnplay/nnplay/wasm/jsloop"
)

// attach reads My data from the browser when the place is made.
func (p *Place) attach() { p.listSaved() }

// readFiles waits for the bytes of picked or dropped files (call it
// outside JS callbacks) and gives them to the place under the event lock.
func (p *Place) readFiles(paths []string, files []js.Value) {
	p.Upload, p.Err = nil, "" // what was picked before is replaced
	p.Reading = true
	go func() {
		out := make([]File, 0, len(files))
		total := 0
		for i, f := range files {
			total += f.Get("size").Int()
			if total > MaxUploadBytes {
				p.S.Env.Lock()
				p.Reading = false
				p.Err = "the files are more than " + strconv.Itoa(MaxUploadBytes>>20) + " MiB together, the limit of one upload; choose fewer or smaller files"
				p.S.Env.UnlockRender()
				return
			}
			out = append(out, File{Path: paths[i], Data: readFile(f)})
		}
		p.S.Env.Lock()
		defer p.S.Env.UnlockRender()
		p.Reading = false
		p.SetUpload(out)
	}()
}

// fileList collects a FileList's files with their paths (a folder
// upload's relative path, else the name).
func fileList(list js.Value) (paths []string, files []js.Value) {
	if !list.Truthy() {
		return nil, nil
	}
	for i := 0; i < list.Get("length").Int(); i++ {
		f := list.Index(i)
		path := f.Get("webkitRelativePath").String()
		if f.Get("webkitRelativePath").IsUndefined() || path == "" {
			path = f.Get("name").String()
		}
		paths = append(paths, path)
		files = append(files, f)
	}
	return paths, files
}

// readFile waits for a File's bytes (nil when the browser cannot read it;
// call it outside JS callbacks).
func readFile(f js.Value) []byte {
	b, _ := jsloop.ArrayBuffer(f.Call("arrayBuffer"))
	return b
}

// pixelsCanvas draws an example's bytes (h × w × c, channels last) on a
// canvas of its size; CSS scales it up.
func pixelsCanvas(px []byte, h, w, c int, label string) js.Value {
	cv := draw.Canvas()
	cv.SetWidth(w)
	cv.SetHeight(h)
	cv.SetAttribute("role", "img")
	cv.SetAttribute("aria-label", label)
	cv.SetAttribute("class", "sample")
	rgba := make([]byte, 4*h*w)
	for i := range h * w {
		if c == 1 {
			rgba[4*i], rgba[4*i+1], rgba[4*i+2] = px[i], px[i], px[i]
		} else if 3*i+2 < len(px) {
			rgba[4*i], rgba[4*i+1], rgba[4*i+2] = px[3*i], px[3*i+1], px[3*i+2]
		}
		rgba[4*i+3] = 255
	}
	draw.PutPixels(draw.Context2D(cv), rgba, w, h)
	return cv.Underlying()
}
