//go:build js && wasm

package data

import (
	"fmt"
	"strconv"
	sjs "syscall/js"
	"time"

	"github.com/nnplay/nnplay/engine/data/resize"
	"github.com/nnplay/nnplay/ui/draw"
	"github.com/nnplay/nnplay/wasm/protocol"
	"github.com/vugu/vugu"
	"github.com/vugu/vugu/js"
)

// WebcamPanel records webcam frames into named classes (getUserMedia in
// the page; the frames go to the worker as RGBA bytes).
type WebcamPanel struct {
	P *Place
}

// camera is the page's one camera: its video element and stream live as
// long as the page (the panel's DOM is rebuilt on every visit).
var camera struct {
	video, grab sjs.Value
	thumbs      sjs.Value
	preview     sjs.Value
	drawn       int
	funcs       []sjs.Func
	previewing  bool
}

func (c *WebcamPanel) start() {
	if camera.video.IsUndefined() {
		camera.video = draw.New("video").Underlying()
		camera.video.Set("muted", true)
		camera.video.Set("playsInline", true)
		camera.video.Set("autoplay", true)
		camera.video.Call("setAttribute", "aria-label", "the camera's picture")
	}
	draw.OpenCamera(map[string]any{"width": 320, "height": 240}, func(stream sjs.Value) {
		camera.video.Set("srcObject", stream)
		camera.video.Call("play")
		go func() {
			c.P.S.Env.Lock()
			c.P.Cam.On, c.P.Cam.Err = true, ""
			c.P.S.Env.UnlockRender()
			c.previewLoop()
		}()
	}, func(msg string) {
		go func() {
			c.P.S.Env.Lock()
			c.P.Cam.Err = msg
			c.P.S.Env.UnlockRender()
		}()
	})
}

func (c *WebcamPanel) mountVideo(v js.Value) {
	host := sjs.Value(v)
	if !camera.video.IsUndefined() && !host.Call("contains", camera.video).Bool() {
		host.Call("append", camera.video)
		camera.video.Call("play")
	}
}

func (c *WebcamPanel) mountPreview(v js.Value) { camera.preview = sjs.Value(v) }

func (c *WebcamPanel) mountThumbs(v js.Value) {
	if h := sjs.Value(v); camera.thumbs.IsUndefined() || !camera.thumbs.Equal(h) {
		camera.thumbs, camera.drawn = h, -1
	}
}

// grabFrame takes the centre square of the camera's picture as
// CaptureSide × CaptureSide RGBA bytes (nil before the first picture).
func grabFrame() []byte {
	v := camera.video
	if v.IsUndefined() || v.Get("videoWidth").Int() == 0 {
		return nil
	}
	if camera.grab.IsUndefined() {
		cv := draw.Canvas()
		cv.SetWidth(CaptureSide)
		cv.SetHeight(CaptureSide)
		camera.grab = cv.Underlying()
	}
	w, h := v.Get("videoWidth").Int(), v.Get("videoHeight").Int()
	s := min(w, h)
	ctx := camera.grab.Call("getContext", "2d", map[string]any{"willReadFrequently": true})
	ctx.Call("drawImage", v, (w-s)/2, (h-s)/2, s, s, 0, 0, CaptureSide, CaptureSide)
	data := ctx.Call("getImageData", 0, 0, CaptureSide, CaptureSide).Get("data")
	b := make([]byte, 4*CaptureSide*CaptureSide)
	sjs.CopyBytesToGo(b, sjs.Global().Get("Uint8Array").New(data.Get("buffer")))
	return b
}

// previewLoop shows, a few times a second, what the network sees: the
// frame fitted to the chosen size and colour.
func (c *WebcamPanel) previewLoop() {
	if camera.previewing {
		return
	}
	camera.previewing = true
	for {
		time.Sleep(250 * time.Millisecond)
		c.P.S.Env.Lock()
		side, _ := strconv.Atoi(c.P.Form.Side)
		ch := 3
		if c.P.Form.Channels == "1" {
			ch = 1
		}
		fit := c.P.Form.Fit
		host := camera.preview
		c.P.S.Env.UnlockRender()
		if side < 8 || side > 128 || host.IsUndefined() || !host.Get("isConnected").Bool() {
			continue
		}
		rgba := grabFrame()
		if rgba == nil {
			continue
		}
		px, err := resize.Fit(rgba, CaptureSide, CaptureSide, side, ch, fit)
		if err != nil {
			continue
		}
		host.Call("replaceChildren", pixelsCanvas(px, side, side, ch, fmt.Sprintf("what the network sees: %d×%d", side, side)))
	}
}

// record starts recording into class i while its button is held.
func (c *WebcamPanel) record(i int, ev vugu.DOMEvent) {
	ev.PreventDefault()
	c.startRecording(i)
}

func (c *WebcamPanel) recordKey(i int, ev vugu.DOMEvent) {
	if k := ev.PropString("key"); k == " " || k == "Enter" {
		ev.PreventDefault()
		c.startRecording(i)
	}
}

func (c *WebcamPanel) startRecording(i int) {
	if !c.P.Cam.On || c.P.Cam.Recording == i {
		return
	}
	c.P.Cam.Recording = i
	go func() {
		for {
			c.P.S.Env.Lock()
			if c.P.Cam.Recording != i {
				c.P.S.Env.UnlockRender()
				return
			}
			if rgba := grabFrame(); rgba != nil {
				if !c.P.Cam.Add(i, protocol.Frame{Width: CaptureSide, Height: CaptureSide, RGBA: rgba}) {
					c.P.Cam.Recording = -1
				}
			}
			c.P.S.Env.UnlockRender()
			time.Sleep(100 * time.Millisecond)
		}
	}()
}

func (c *WebcamPanel) stop() { c.P.Cam.Recording = -1 }

func (c *WebcamPanel) rename(i int, ev vugu.DOMEvent) {
	c.P.Cam.Rename(i, ev.PropString("target", "value"))
}

func (c *WebcamPanel) clear(i int)       { c.P.Cam.Clear(i) }
func (c *WebcamPanel) removeClass(i int) { c.P.Cam.RemoveClass(i) }
func (c *WebcamPanel) addClass()         { c.P.Cam.AddClass() }

// load sends the recorded frames as a data set.
func (c *WebcamPanel) load() {
	r, err := c.P.Cam.Request()
	if err != nil {
		c.P.Err = err.Error()
		return
	}
	c.P.Resend(r, "image")
}

// drawThumbs shows each class's frames; a click deletes one.
func (c *WebcamPanel) drawThumbs() {
	if camera.thumbs.IsUndefined() || camera.drawn == c.P.Cam.Version {
		return
	}
	camera.drawn = c.P.Cam.Version
	for _, f := range camera.funcs {
		f.Release()
	}
	camera.funcs = nil
	var rows []any
	for i, cl := range c.P.Cam.Classes {
		row := draw.New("div")
		row.SetAttribute("class", "cam-thumb-row")
		row.SetAttribute("data-class", cl.Name)
		row.AppendChild(draw.El("span", "sample-class", cl.Name))
		for j, f := range cl.Frames {
			cv := pixelsCanvas(rgbOf(f.RGBA), f.Height, f.Width, 3, fmt.Sprintf("%s frame %d: click to delete", cl.Name, j+1))
			del := sjs.FuncOf(func(sjs.Value, []sjs.Value) any {
				go func() {
					c.P.S.Env.Lock()
					c.P.Cam.DeleteFrame(i, j)
					c.P.S.Env.UnlockRender()
				}()
				return nil
			})
			camera.funcs = append(camera.funcs, del)
			cv.Call("addEventListener", "click", del)
			row.Underlying().Call("append", cv)
		}
		rows = append(rows, row.Underlying())
	}
	camera.thumbs.Call("replaceChildren", rows...)
}

func rgbOf(rgba []byte) []byte {
	out := make([]byte, len(rgba)/4*3)
	for i := range len(rgba) / 4 {
		copy(out[3*i:3*i+3], rgba[4*i:4*i+3])
	}
	return out
}
