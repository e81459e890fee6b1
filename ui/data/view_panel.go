//go:build js && wasm

package data

import (
	"fmt"
	sjs "syscall/js"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/ui/draw"
	"github.com/vugu/vugu"
	"github.com/vugu/vugu/js"
)

// ViewPanel shows the active data set: scaling, the table's columns, the
// class balance, samples per class and the augmentation preview.
type ViewPanel struct {
	P *Place

	samples, preview           sjs.Value
	samplesDrawn, previewDrawn int
}

func (c *ViewPanel) images() bool {
	return c.P.S.Dataset != nil && c.P.S.Dataset.Data.Kind == spec.KindImage
}

// set and setOn change the augmentation: training uses it from the next
// batch, and the preview grid follows at once.
func (c *ViewPanel) set(key string, ev vugu.DOMEvent) {
	c.P.Form.Set(key, ev.PropString("target", "value"))
	c.P.AugmentPreview()
}

func (c *ViewPanel) setOn(key string, ev vugu.DOMEvent) {
	c.P.Form.SetOn(key, ev.PropBool("target", "checked"))
	c.P.AugmentPreview()
}

func (c *ViewPanel) mountSamples(v js.Value) {
	if h := sjs.Value(v); c.samples.IsUndefined() || !c.samples.Equal(h) {
		c.samples, c.samplesDrawn = h, -1
	}
}

func (c *ViewPanel) mountPreview(v js.Value) {
	if h := sjs.Value(v); c.preview.IsUndefined() || !c.preview.Equal(h) {
		c.preview, c.previewDrawn = h, -1
	}
}

// drawSamples draws up to protocol.SamplesPerClass images of each class.
func (c *ViewPanel) drawSamples() {
	if c.samples.IsUndefined() || c.samplesDrawn == c.P.samplesVersion {
		return
	}
	c.samplesDrawn = c.P.samplesVersion
	var rows []any
	if d := c.P.S.Dataset; d != nil && d.Data.Kind == spec.KindImage {
		sh := d.Data.Shape
		for k, name := range d.Data.Classes {
			row := draw.New("div")
			row.SetAttribute("class", "sample-row")
			row.SetAttribute("data-class", name)
			row.AppendChild(draw.El("span", "sample-class", name))
			for _, s := range d.Samples {
				if s.Class == k {
					row.Underlying().Call("append", pixelsCanvas(s.Pixels, sh[0], sh[1], sh[2], name+" example"))
				}
			}
			rows = append(rows, row.Underlying())
		}
	}
	c.samples.Call("replaceChildren", rows...)
}

// drawPreview draws the augmentation preview: each original beside its
// varied copy.
func (c *ViewPanel) drawPreview() {
	if c.preview.IsUndefined() || c.previewDrawn == c.P.samplesVersion {
		return
	}
	c.previewDrawn = c.P.samplesVersion
	var items []any
	if pr := c.P.Preview; pr != nil && len(pr.Shape) == 3 {
		for i := range pr.Images {
			pair := draw.New("div")
			pair.SetAttribute("class", "aug-pair")
			pair.Underlying().Call("append",
				pixelsCanvas(pr.Originals[i], pr.Shape[0], pr.Shape[1], pr.Shape[2], fmt.Sprintf("training image %d", i+1)),
				pixelsCanvas(pr.Images[i], pr.Shape[0], pr.Shape[1], pr.Shape[2], fmt.Sprintf("training image %d augmented", i+1)))
			items = append(items, pair.Underlying())
		}
	}
	c.preview.Call("replaceChildren", items...)
}
