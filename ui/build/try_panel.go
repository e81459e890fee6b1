//go:build js && wasm

package build

import (
	"fmt"
	"strconv"
	sjs "syscall/js"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/ui/draw"
	"github.com/vugu/vugu"
	"github.com/vugu/vugu/js"
)

// TryPanel is Try it for a model of a table or of images.
type TryPanel struct {
	P *Place

	seen  sjs.Value
	drawn int
	drop  sjs.Value
	funcs []sjs.Func
}

// mountDrop makes the image area take a dropped image.
func (c *TryPanel) mountDrop(v js.Value) {
	host := sjs.Value(v)
	if !c.drop.IsUndefined() && c.drop.Equal(host) {
		return
	}
	for _, f := range c.funcs {
		f.Release()
	}
	c.drop = host
	over := sjs.FuncOf(func(_ sjs.Value, args []sjs.Value) any {
		args[0].Call("preventDefault")
		return nil
	})
	drop := sjs.FuncOf(func(_ sjs.Value, args []sjs.Value) any {
		args[0].Call("preventDefault")
		files := args[0].Get("dataTransfer").Get("files")
		if files.Truthy() && files.Length() > 0 && c.P.Try.Blocked() == "" {
			c.predictFile(files.Index(0))
		}
		return nil
	})
	c.funcs = []sjs.Func{over, drop}
	host.Call("addEventListener", "dragover", over)
	host.Call("addEventListener", "drop", drop)
}

func (c *TryPanel) images() bool {
	d := c.P.Try.Data()
	return d != nil && d.Kind == spec.KindImage
}

func (c *TryPanel) setCell(col string, ev vugu.DOMEvent) {
	c.P.Try.Row[col] = ev.PropString("target", "value")
}

func (c *TryPanel) resultClass() string {
	if r := c.P.Try.Result; r != nil && len(r.Probs) > 0 {
		return strconv.Itoa(r.Class)
	}
	return ""
}

func (c *TryPanel) resultValue() string {
	if r := c.P.Try.Result; r != nil && len(r.Probs) == 0 {
		return strconv.FormatFloat(r.Value, 'g', -1, 64)
	}
	return ""
}

// pickImage decodes the chosen image in the page (createImageBitmap) and
// asks the worker for its prediction.
func (c *TryPanel) pickImage(ev vugu.DOMEvent) {
	input := sjs.Value(ev.JSEventTarget())
	files := input.Get("files")
	if !files.Truthy() || files.Length() == 0 {
		return
	}
	f := files.Index(0)
	input.Set("value", "")
	c.predictFile(f)
}

// predictFile decodes an image File and predicts it.
func (c *TryPanel) predictFile(f sjs.Value) {
	var ok, fail sjs.Func
	ok = sjs.FuncOf(func(_ sjs.Value, args []sjs.Value) any {
		rgba, w, h := bitmapRGBA(args[0])
		go c.predict(rgba, w, h)
		ok.Release()
		fail.Release()
		return nil
	})
	fail = sjs.FuncOf(func(_ sjs.Value, args []sjs.Value) any {
		name := f.Get("name").String()
		go func() {
			c.P.S.Env.Lock()
			c.P.Try.Err = name + " could not be decoded as an image"
			c.P.Try.Result = nil
			c.P.S.Env.UnlockRender()
		}()
		ok.Release()
		fail.Release()
		return nil
	})
	sjs.Global().Call("createImageBitmap", f).Call("then", ok, fail)
}

func (c *TryPanel) predict(rgba []byte, w, h int) {
	c.P.S.Env.Lock()
	defer c.P.S.Env.UnlockRender()
	c.P.Try.PredictImage(rgba, w, h)
}

// bitmapRGBA draws an ImageBitmap (or video frame source of w × h) on a
// canvas and reads its RGBA bytes.
func bitmapRGBA(src sjs.Value) ([]byte, int, int) {
	w, h := src.Get("width").Int(), src.Get("height").Int()
	if vw := src.Get("videoWidth"); vw.Truthy() {
		w, h = vw.Int(), src.Get("videoHeight").Int()
	}
	cv := draw.Canvas()
	cv.SetWidth(w)
	cv.SetHeight(h)
	ctx := cv.Call("getContext", "2d", map[string]any{"willReadFrequently": true})
	ctx.Call("drawImage", src, 0, 0)
	data := ctx.Call("getImageData", 0, 0, w, h).Get("data")
	b := make([]byte, 4*w*h)
	sjs.CopyBytesToGo(b, sjs.Global().Get("Uint8Array").New(data.Get("buffer")))
	return b, w, h
}

// webcamFrame takes one frame from the camera and predicts it.
func (c *TryPanel) webcamFrame() {
	draw.OpenCamera(true, func(stream sjs.Value) {
		video := draw.New("video").Underlying()
		video.Set("muted", true)
		video.Set("srcObject", stream)
		var playing sjs.Func
		playing = sjs.FuncOf(func(sjs.Value, []sjs.Value) any {
			rgba, w, h := bitmapRGBA(video)
			stream.Call("getTracks").Call("forEach", sjs.FuncOf(func(_ sjs.Value, a []sjs.Value) any { a[0].Call("stop"); return nil }))
			playing.Release()
			go c.predict(rgba, w, h)
			return nil
		})
		video.Call("addEventListener", "playing", playing)
		video.Call("play")
	}, func(msg string) {
		go func() {
			c.P.S.Env.Lock()
			c.P.Try.Err = msg
			c.P.S.Env.UnlockRender()
		}()
	})
}

func (c *TryPanel) mountSeen(v js.Value) {
	if h := sjs.Value(v); c.seen.IsUndefined() || !c.seen.Equal(h) {
		c.seen, c.drawn = h, -1
	}
}

// drawSeen shows the example as the network saw it.
func (c *TryPanel) drawSeen() {
	if c.seen.IsUndefined() || c.drawn == c.P.Try.Version {
		return
	}
	c.drawn = c.P.Try.Version
	r, d := c.P.Try.Result, c.P.Try.Data()
	if r == nil || d == nil || len(r.Pixels) != d.Features() || len(d.Shape) != 3 {
		c.seen.Call("replaceChildren")
		return
	}
	h, w, ch := d.Shape[0], d.Shape[1], d.Shape[2]
	rgba := make([]byte, 4*h*w)
	for i := range h * w {
		if ch == 1 {
			rgba[4*i], rgba[4*i+1], rgba[4*i+2] = r.Pixels[i], r.Pixels[i], r.Pixels[i]
		} else {
			copy(rgba[4*i:4*i+3], r.Pixels[3*i:3*i+3])
		}
		rgba[4*i+3] = 255
	}
	cv := draw.Canvas()
	cv.SetWidth(w)
	cv.SetHeight(h)
	cv.SetAttribute("role", "img")
	cv.SetAttribute("aria-label", fmt.Sprintf("what the network sees: %d×%d", h, w))
	draw.PutPixels(draw.Context2D(cv), rgba, w, h)
	c.seen.Call("replaceChildren", cv.Underlying())
}
