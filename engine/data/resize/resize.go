// Package resize fits a decoded image (RGBA bytes, as a browser's canvas
// or createImageBitmap gives them) into a side × side example of 1 (grey)
// or 3 (RGB) channels: cropped to a centred square, or padded with black
// to one, keeping the aspect ratio, then scaled by area averaging. Webcam
// frames and uploaded photos go through it in the worker.
//
// It holds no tensor code.
package resize

import (
	"fmt"
	"math"
)

// Modes of making an image square.
const (
	Crop = "crop" // cut the longer side's ends (the default)
	Pad  = "pad"  // add black bars on the shorter side's ends
)

// MaxSide caps the output side; MaxInput caps the input's pixels.
const (
	MaxSide  = 256
	MaxInput = 8192 * 8192
)

// Fit returns the side × side × channels bytes of the w × h RGBA image
// (row-major, 4 bytes a pixel, alpha composited over black), cropped or
// padded to a square as mode says. Grey is the luminance 0.299 R + 0.587 G
// + 0.114 B. Each output pixel averages the input over its footprint, with
// partial pixels weighted by their covered area; upscaling repeats pixels
// smoothly the same way.
func Fit(rgba []byte, w, h, side, channels int, mode string) ([]byte, error) {
	switch {
	case w < 1 || h < 1 || w*h > MaxInput:
		return nil, fmt.Errorf("image of %d×%d pixels; images must have 1 to %d pixels", w, h, MaxInput)
	case len(rgba) != 4*w*h:
		return nil, fmt.Errorf("image of %d×%d pixels needs %d RGBA bytes, got %d", w, h, 4*w*h, len(rgba))
	case side < 1 || side > MaxSide:
		return nil, fmt.Errorf("output side %d; use 1 to %d pixels", side, MaxSide)
	case channels != 1 && channels != 3:
		return nil, fmt.Errorf("%d channels; use 1 (grey) or 3 (RGB)", channels)
	}
	// The square window in input coordinates: [x0, x0+s) × [y0, y0+s).
	var s, x0, y0 float64
	switch mode {
	case Crop, "":
		s = float64(min(w, h))
	case Pad:
		s = float64(max(w, h))
	default:
		return nil, fmt.Errorf("unknown mode %q; use %s or %s", mode, Crop, Pad)
	}
	x0, y0 = (float64(w)-s)/2, (float64(h)-s)/2
	step := s / float64(side)
	out := make([]byte, side*side*channels)
	var acc [3]float64
	for oy := range side {
		for ox := range side {
			acc = [3]float64{}
			// Footprint [fx0, fx1) × [fy0, fy1); outside the image is black.
			fx0, fy0 := x0+float64(ox)*step, y0+float64(oy)*step
			fx1, fy1 := fx0+step, fy0+step
			if step < 1 { // upscaling: a one-pixel footprint about the sample, kept inside the image
				fx0, fy0 = unit((fx0+fx1)/2, w), unit((fy0+fy1)/2, h)
				fx1, fy1 = fx0+1, fy0+1
			}
			area := (fx1 - fx0) * (fy1 - fy0)
			for iy := int(math.Floor(fy0)); float64(iy) < fy1; iy++ {
				if iy < 0 || iy >= h {
					continue
				}
				wy := math.Min(fy1, float64(iy+1)) - math.Max(fy0, float64(iy))
				for ix := int(math.Floor(fx0)); float64(ix) < fx1; ix++ {
					if ix < 0 || ix >= w {
						continue
					}
					wgt := wy * (math.Min(fx1, float64(ix+1)) - math.Max(fx0, float64(ix)))
					p := rgba[(iy*w+ix)*4:]
					a := float64(p[3]) / 255
					for c := range 3 {
						acc[c] += wgt * a * float64(p[c])
					}
				}
			}
			o := (oy*side + ox) * channels
			if channels == 1 {
				out[o] = round((0.299*acc[0] + 0.587*acc[1] + 0.114*acc[2]) / area)
				continue
			}
			for c := range 3 {
				out[o+c] = round(acc[c] / area)
			}
		}
	}
	return out, nil
}

// unit is where a one-pixel footprint about c starts: c − ½, moved inside
// [0, n] when c is inside the image (outside, it stays over the black).
func unit(c float64, n int) float64 {
	if c < 0 || c >= float64(n) {
		return c - 0.5
	}
	return max(0, min(float64(n-1), c-0.5))
}

func round(v float64) byte {
	return byte(max(0, min(255, math.Round(v))))
}
