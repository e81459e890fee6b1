package kernels

import "fmt"

// ConvGeometry describes a window of KH×KW sliding with strides (SH, SW)
// over an H×W image of C channels stored channels last, (H, W, C)
// row-major, padded with PadTop rows above and PadLeft columns to the left
// (and as many below and to the right as the last window needs). The
// output has OutH×OutW positions.
type ConvGeometry struct {
	H, W, C         int
	KH, KW          int
	SH, SW          int
	PadTop, PadLeft int
	OutH, OutW      int
}

// NewConvGeometry works out the output size and padding as TensorFlow
// does. Padding valid (same = false): no padding, OutH = ⌊(H − KH)/SH⌋ + 1.
// Padding same: OutH = ⌈H/SH⌉, padded by max((OutH − 1)·SH + KH − H, 0)
// rows, half of them (rounded down) above. Likewise for the width. It
// panics on sizes below 1 or a valid window larger than the image: specs
// are validated before layers are built.
func NewConvGeometry(h, w, c, kh, kw, sh, sw int, same bool) ConvGeometry {
	if h < 1 || w < 1 || c < 1 || kh < 1 || kw < 1 || sh < 1 || sw < 1 {
		panic(fmt.Sprintf("kernels.NewConvGeometry: sizes must be at least 1: image %d×%d×%d, window %d×%d, strides %d×%d", h, w, c, kh, kw, sh, sw))
	}
	g := ConvGeometry{H: h, W: w, C: c, KH: kh, KW: kw, SH: sh, SW: sw}
	if same {
		g.OutH, g.OutW = (h+sh-1)/sh, (w+sw-1)/sw
		g.PadTop = max((g.OutH-1)*sh+kh-h, 0) / 2
		g.PadLeft = max((g.OutW-1)*sw+kw-w, 0) / 2
		return g
	}
	if kh > h || kw > w {
		panic(fmt.Sprintf("kernels.NewConvGeometry: window %d×%d is larger than the image %d×%d with padding valid", kh, kw, h, w))
	}
	g.OutH, g.OutW = (h-kh)/sh+1, (w-kw)/sw+1
	return g
}

// ImageSize is the number of values in one input image, H·W·C.
func (g ConvGeometry) ImageSize() int { return g.H * g.W * g.C }

// Positions is the number of output positions, OutH·OutW.
func (g ConvGeometry) Positions() int { return g.OutH * g.OutW }

// ColWidth is the length of one im2col row, KH·KW·C: the window's values
// in (row, column, channel) order, the order of a Keras kernel's first
// three axes.
func (g ConvGeometry) ColWidth() int { return g.KH * g.KW * g.C }

// Im2Col unrolls n images x (n, H, W, C) into col (n·OutH·OutW, KH·KW·C):
// row (e, oy, ox) holds the window of image e whose top-left corner is at
// (oy·SH − PadTop, ox·SW − PadLeft), zero where it overlaps the padding.
// A convolution is then one matrix product, col · kernel.
func Im2Col(g ConvGeometry, n int, x, col []float32) {
	g.check("Im2Col", n, len(x), len(col))
	k, span, stride := g.ColWidth(), g.KW*g.C, g.W*g.C
	oxLo, oxHi := g.insideColumns()
	for e := 0; e < n; e++ {
		img := x[e*g.ImageSize() : (e+1)*g.ImageSize()]
		for oy := 0; oy < g.OutH; oy++ {
			top := oy*g.SH - g.PadTop
			kyLo, kyHi := max(0, -top), min(g.KH, g.H-top) // window rows inside the image
			for ox := 0; ox < g.OutW; ox++ {
				row := col[((e*g.OutH+oy)*g.OutW+ox)*k:][:k]
				left := ox*g.SW - g.PadLeft
				zero(row[:kyLo*span])
				zero(row[kyHi*span:])
				if ox >= oxLo && ox < oxHi {
					// The window's columns are all inside: channels last
					// makes each of its rows one contiguous run of the image.
					at := (top+kyLo)*stride + left*g.C
					for ky := kyLo; ky < kyHi; ky++ {
						move(row[ky*span:(ky+1)*span], img[at:])
						at += stride
					}
					continue
				}
				kx0, kx1 := max(0, -left), min(g.KW, g.W-left) // window columns inside
				for ky := kyLo; ky < kyHi; ky++ {
					seg := row[ky*span : (ky+1)*span]
					if kx0 >= kx1 {
						zero(seg)
						continue
					}
					zero(seg[:kx0*g.C])
					move(seg[kx0*g.C:kx1*g.C], img[((top+ky)*g.W+left+kx0)*g.C:])
					zero(seg[kx1*g.C:])
				}
			}
		}
	}
}

// insideColumns returns the output columns [lo, hi) whose windows lie
// wholly inside the image's width: left = ox·SW − PadLeft ≥ 0 and
// left + KW ≤ W.
func (g ConvGeometry) insideColumns() (lo, hi int) {
	lo = (g.PadLeft + g.SW - 1) / g.SW
	if g.W+g.PadLeft < g.KW {
		return lo, lo
	}
	hi = min(g.OutW, (g.W-g.KW+g.PadLeft)/g.SW+1)
	return lo, max(hi, lo)
}

// shortRun is the length below which move and zero use a plain loop:
// copy and clear call the runtime, which costs more than moving a few
// values, and a 3×3 kernel over one channel moves runs of 3. The
// threshold is BenchmarkIm2Col's under wasm (README: Performance).
const shortRun = 8

// move is copy(dst, src[:len(dst)]).
func move(dst, src []float32) {
	if len(dst) >= shortRun {
		copy(dst, src)
		return
	}
	src = src[:len(dst)]
	//lint:ignore S1001 a short run is faster as a loop than as copy's call (shortRun)
	for i, v := range src {
		dst[i] = v
	}
}

// zero is clear(dst).
func zero(dst []float32) {
	if len(dst) >= shortRun {
		clear(dst)
		return
	}
	for i := range dst {
		dst[i] = 0
	}
}

// Col2Im is Im2Col's adjoint: it adds every value of col (n·OutH·OutW,
// KH·KW·C) to the image position it was copied from, into dx (n, H, W, C),
// and drops the padding's. Backpropagation through Im2Col is exactly this:
// dL/dx = Col2Im(dL/dcol). dx is added to, not overwritten.
func Col2Im(g ConvGeometry, n int, col, dx []float32) {
	g.check("Col2Im", n, len(dx), len(col))
	k, span := g.ColWidth(), g.KW*g.C
	for e := 0; e < n; e++ {
		img := dx[e*g.ImageSize() : (e+1)*g.ImageSize()]
		for oy := 0; oy < g.OutH; oy++ {
			top := oy*g.SH - g.PadTop
			kyLo, kyHi := max(0, -top), min(g.KH, g.H-top)
			for ox := 0; ox < g.OutW; ox++ {
				row := col[((e*g.OutH+oy)*g.OutW+ox)*k:][:k]
				left := ox*g.SW - g.PadLeft
				kx0, kx1 := max(0, -left), min(g.KW, g.W-left)
				if kx0 >= kx1 {
					continue
				}
				for ky := kyLo; ky < kyHi; ky++ {
					src := row[ky*span+kx0*g.C : ky*span+kx1*g.C]
					dst := img[((top+ky)*g.W+left+kx0)*g.C:][:len(src)]
					for i, v := range src {
						dst[i] += v
					}
				}
			}
		}
	}
}

// check panics when the slices are too short for n images: a caller bug.
func (g ConvGeometry) check(name string, n, lenImages, lenCol int) {
	if n < 0 || lenImages < n*g.ImageSize() || lenCol < n*g.Positions()*g.ColWidth() {
		panic(fmt.Sprintf("kernels.%s: %d images need %d image values and %d col values, got %d and %d",
			name, n, n*g.ImageSize(), n*g.Positions()*g.ColWidth(), lenImages, lenCol))
	}
}
