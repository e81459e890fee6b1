// Package augment makes random variations of images while training: a
// shift, a rotation, a zoom, a horizontal flip and a brightness change,
// each switched on by a non-zero range. The worker applies it to every
// training batch; the page shows a preview grid with the same code. The
// variations depend only on (seed, epoch, batch), so a seed fixes them.
//
// It holds no tensor code.
package augment

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Config says which variations to draw, and how large they may be. A zero
// range switches that variation off; the zero Config changes nothing.
type Config struct {
	// Shift moves the image by up to this fraction of its width and of
	// its height, each drawn uniformly in [−Shift, Shift]. 0..0.5.
	Shift float64 `json:"shift,omitempty"`
	// Rotation turns the image by up to this many degrees either way. 0..180.
	Rotation float64 `json:"rotation,omitempty"`
	// Zoom scales the image by a factor drawn in [1 − Zoom, 1 + Zoom]. 0..0.9.
	Zoom float64 `json:"zoom,omitempty"`
	// Flip mirrors the image left to right with probability ½.
	Flip bool `json:"flip,omitempty"`
	// Brightness adds a value drawn in [−Brightness, Brightness] to every
	// pixel (values in [0, 1], clipped). 0..1.
	Brightness float64 `json:"brightness,omitempty"`
}

// On says whether c changes anything.
func (c Config) On() bool {
	return c.Shift != 0 || c.Rotation != 0 || c.Zoom != 0 || c.Flip || c.Brightness != 0
}

// Check says whether every range is within its bounds.
func (c Config) Check() error {
	for _, r := range []struct {
		name   string
		v, max float64
	}{{"shift", c.Shift, 0.5}, {"rotation", c.Rotation, 180}, {"zoom", c.Zoom, 0.9}, {"brightness", c.Brightness, 1}} {
		if !(r.v >= 0 && r.v <= r.max) {
			return fmt.Errorf("augmentation: %s must be between 0 and %g, got %g", r.name, r.max, r.v)
		}
	}
	return nil
}

// stream is the PCG stream constant ("AUGMENT").
const stream = 0x4155474d454e54

// Rand returns the generator for one batch: the same (seed, epoch, batch)
// always draws the same variations.
func Rand(seed int64, epoch, batch int) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed)^uint64(epoch)<<32, stream+uint64(batch)))
}

// Apply writes a varied copy of each of n images (h × w × ch values in
// [0, 1], channels last) from src into dst, drawing each image's
// variation from rng. dst and src must not overlap.
//
// Geometry is one affine map about the image centre: output pixel p takes
// the input at A⁻¹(p − centre − shift) + centre, where A = rotation ·
// zoom · flip, sampled bilinearly; a point outside the image takes the
// nearest edge pixel (Keras' fill_mode "nearest").
func Apply(dst, src []float32, n, h, w, ch int, c Config, rng *rand.Rand) {
	size := h * w * ch
	for i := range n {
		apply(dst[i*size:(i+1)*size], src[i*size:(i+1)*size], h, w, ch, c, rng)
	}
}

// variation is one image's drawn variation.
type variation struct {
	dx, dy     float64 // shift in pixels
	angle      float64 // radians
	zoom       float64 // scale factor
	flip       bool
	brightness float32
}

func apply(dst, src []float32, h, w, ch int, c Config, rng *rand.Rand) {
	uniform := func(r float64) float64 { return (2*rng.Float64() - 1) * r }
	// Draw every variation, used or not, so one toggle does not move the others'.
	v := variation{
		dx: uniform(c.Shift) * float64(w), dy: uniform(c.Shift) * float64(h),
		angle: uniform(c.Rotation) * math.Pi / 180,
		zoom:  1 + uniform(c.Zoom),
	}
	v.flip = rng.Float64() < 0.5 && c.Flip
	v.brightness = float32(uniform(c.Brightness))
	if !c.On() {
		copy(dst, src)
		return
	}
	v.render(dst, src, h, w, ch)
}

// render draws src under the variation into dst.
func (v variation) render(dst, src []float32, h, w, ch int) {
	sin, cos := math.Sincos(v.angle)
	fx := 1.0
	if v.flip {
		fx = -1
	}
	cx, cy := float64(w-1)/2, float64(h-1)/2
	for y := range h {
		for x := range w {
			// Inverse map: undo the shift, rotation, zoom, flip.
			px, py := float64(x)-cx-v.dx, float64(y)-cy-v.dy
			sx := (cos*px + sin*py) / v.zoom * fx
			sy := (-sin*px + cos*py) / v.zoom
			sample(dst[(y*w+x)*ch:(y*w+x+1)*ch], src, h, w, ch, sx+cx, sy+cy)
		}
	}
	if v.brightness != 0 {
		for i, p := range dst {
			dst[i] = max(0, min(1, p+v.brightness))
		}
	}
}

// sample writes the bilinear interpolation of src at (x, y) into out,
// clamping to the edges.
func sample(out, src []float32, h, w, ch int, x, y float64) {
	x = max(0, min(float64(w-1), x))
	y = max(0, min(float64(h-1), y))
	x0, y0 := int(x), int(y)
	x1, y1 := min(x0+1, w-1), min(y0+1, h-1)
	ax, ay := float32(x-float64(x0)), float32(y-float64(y0))
	for k := range ch {
		a := src[(y0*w+x0)*ch+k]
		b := src[(y0*w+x1)*ch+k]
		c := src[(y1*w+x0)*ch+k]
		d := src[(y1*w+x1)*ch+k]
		out[k] = (a*(1-ax)+b*ax)*(1-ay) + (c*(1-ax)+d*ax)*ay
	}
}
