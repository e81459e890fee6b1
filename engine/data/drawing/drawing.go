// Package drawing turns a hand-drawn digit into an MNIST-like 28×28 input.
//
// It is separate from engine/data, and imports nothing but the standard
// library, because the page (main thread) uses it for the draw-a-digit pad:
// engine/data imports the tensor library, which would multiply the size of
// the page's wasm. engine/data re-exports it as data.PreprocessDrawing.
package drawing

import "math"

// MNIST's geometry: each digit was scaled to fit a 20×20 box, keeping its
// aspect ratio, and placed in a 28×28 field so that its centre of mass sits
// at the field's centre.
const (
	Side = 28 // the output is Side × Side
	Box  = 20 // the ink's longer side is scaled to this
)

// Preprocess turns a hand drawing into an MNIST-like input, the way
// the MNIST digits themselves were prepared:
//
//  1. crop to the bounding box of the ink (pixels > 0);
//  2. scale the box so its longer side is 20 pixels, keeping the aspect
//     ratio; each output pixel is the area-weighted mean of the source
//     pixels it covers (a box filter, so thin strokes fade instead of
//     vanishing when shrunk);
//  3. place it in a 28×28 field, shifted by whole pixels so that its centre
//     of mass (Σ v·(x+½) / Σ v) lands as near as possible to (14, 14).
//
// gray holds w×h ink intensities, row-major, 0 = background and 1 = full
// ink; values are clamped to [0,1] and NaN counts as 0. The result holds
// 784 values in [0,1]. A drawing with no ink, or a gray whose length is not
// w×h, gives all zeros: the pad calls this on every stroke, so bad input
// must not panic.
func Preprocess(gray []float32, w, h int) []float32 {
	out := make([]float32, Side*Side)
	if w <= 0 || h <= 0 || len(gray) != w*h {
		return out
	}
	ink := func(x, y int) float64 { return clamp01(gray[y*w+x]) }

	// 1. Bounding box of the ink.
	x0, y0, x1, y1 := w, h, -1, -1 // inclusive corners
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if ink(x, y) > 0 {
				x0, x1 = min(x0, x), max(x1, x)
				y0, y1 = min(y0, y), max(y1, y)
			}
		}
	}
	if x1 < 0 {
		return out
	}
	bw, bh := x1-x0+1, y1-y0+1

	// 2. Scale the box so its longer side is Box pixels, keeping the aspect ratio.
	scale := float64(Box) / float64(max(bw, bh))
	nw := max(1, min(Box, int(math.Round(float64(bw)*scale))))
	nh := max(1, min(Box, int(math.Round(float64(bh)*scale))))
	sx, sy := float64(bw)/float64(nw), float64(bh)/float64(nh) // source pixels per output pixel
	small := make([]float64, nw*nh)
	for ty := 0; ty < nh; ty++ {
		for tx := 0; tx < nw; tx++ {
			small[ty*nw+tx] = boxMean(ink, x0, y0, float64(tx)*sx, float64(ty)*sy, sx, sy, bw, bh)
		}
	}

	// 3. Centre of mass of the scaled digit, then a whole-pixel shift that
	// puts it at the field's centre.
	var mass, mx, my float64
	for ty := 0; ty < nh; ty++ {
		for tx := 0; tx < nw; tx++ {
			v := small[ty*nw+tx]
			mass += v
			mx += v * (float64(tx) + 0.5)
			my += v * (float64(ty) + 0.5)
		}
	}
	if mass == 0 {
		return out
	}
	centre := float64(Side) / 2
	dx := int(math.Round(centre - mx/mass))
	dy := int(math.Round(centre - my/mass))
	for ty := 0; ty < nh; ty++ {
		for tx := 0; tx < nw; tx++ {
			ox, oy := tx+dx, ty+dy
			// A lopsided digit may shift partly out of the field; what
			// falls outside is dropped, as a 28×28 image cannot hold it.
			if ox >= 0 && ox < Side && oy >= 0 && oy < Side {
				out[oy*Side+ox] = float32(small[ty*nw+tx])
			}
		}
	}
	return out
}

// boxMean is the mean ink over the source rectangle [fx, fx+sw) × [fy,
// fy+sh), in coordinates relative to the box corner (x0, y0), weighting each
// source pixel by how much of it the rectangle covers.
func boxMean(ink func(x, y int) float64, x0, y0 int, fx, fy, sw, sh float64, bw, bh int) float64 {
	var sum, area float64
	for y := int(fy); y < bh && float64(y) < fy+sh; y++ {
		cy := math.Min(float64(y+1), fy+sh) - math.Max(float64(y), fy)
		for x := int(fx); x < bw && float64(x) < fx+sw; x++ {
			cx := math.Min(float64(x+1), fx+sw) - math.Max(float64(x), fx)
			if cx <= 0 || cy <= 0 {
				continue
			}
			sum += cx * cy * ink(x0+x, y0+y)
			area += cx * cy
		}
	}
	if area == 0 {
		return 0
	}
	return math.Min(1, sum/area)
}

func clamp01(v float32) float64 {
	switch {
	case v > 1:
		return 1
	case v > 0:
		return float64(v)
	default: // negative or NaN
		return 0
	}
}
