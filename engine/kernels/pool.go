package kernels

import "fmt"

// Pooling over channels-last images, each channel on its own: g's window
// (KH×KW, strides SH×SW, padding as NewConvGeometry works it out) over n
// images x (n, H, W, C) gives y (n, OutH, OutW, C). With padding same the
// windows at the edges hang over the image; they pool only the image
// values they cover, as TensorFlow does (the padding is never a maximum
// and does not count in an average).

// Window returns the image rows [y0, y1) and columns [x0, x1) that output
// position (oy, ox) pools: its window less the padding (never empty for a
// window no larger than the padded image).
func (g ConvGeometry) Window(oy, ox int) (y0, y1, x0, x1 int) {
	top, left := oy*g.SH-g.PadTop, ox*g.SW-g.PadLeft
	return max(top, 0), min(top+g.KH, g.H), max(left, 0), min(left+g.KW, g.W)
}

// MaxPool keeps the largest value of each window, channel by channel,
// and where it was:
//
//	y[e,i,j,c] = max over the window at (i, j) of x[e, ·, ·, c]
//	argmax[e,i,j,c] = the index in image e's (H, W, C) values of that max
//
// scanning the window in row-major order and replacing only on a strictly
// larger value, so a tie keeps the first (and a NaN wins only if first).
func MaxPool(g ConvGeometry, n int, x, y []float32, argmax []int32) {
	g.checkPool("MaxPool", n, len(x), len(y))
	if len(argmax) < n*g.Positions()*g.C {
		panic(fmt.Sprintf("kernels.MaxPool: argmax has %d values, want %d", len(argmax), n*g.Positions()*g.C))
	}
	if n == 0 {
		return
	}
	if forceGo.Load() {
		maxPoolGo(g, n, x, y, argmax)
		return
	}
	maxPool(g, n, x, y, argmax)
}

func maxPoolGo(g ConvGeometry, n int, x, y []float32, argmax []int32) {
	out := 0 // the first channel of the current output position
	for e := 0; e < n; e++ {
		img := x[e*g.ImageSize() : (e+1)*g.ImageSize()]
		for oy := 0; oy < g.OutH; oy++ {
			for ox := 0; ox < g.OutW; ox++ {
				y0, y1, x0, x1 := g.Window(oy, ox)
				best, where := y[out:out+g.C], argmax[out:out+g.C]
				first := (y0*g.W + x0) * g.C
				copy(best, img[first:first+g.C])
				for c := range where {
					where[c] = int32(first + c)
				}
				for iy := y0; iy < y1; iy++ {
					for ix := x0; ix < x1; ix++ {
						at := (iy*g.W + ix) * g.C
						for c, v := range img[at : at+g.C] {
							if v > best[c] {
								best[c], where[c] = v, int32(at+c)
							}
						}
					}
				}
				out += g.C
			}
		}
	}
}

// MaxPoolGrad is MaxPool's backward pass: each dy goes to where its
// window's max was, and the rest of dx is 0:
//
//	dx = 0;  dx[e, argmax[e,i,j,c]] += dy[e,i,j,c]   for every (i, j, c) in order
//
// dx is overwritten.
func MaxPoolGrad(g ConvGeometry, n int, dy []float32, argmax []int32, dx []float32) {
	g.checkPool("MaxPoolGrad", n, len(dx), len(dy))
	if len(argmax) < n*g.Positions()*g.C {
		panic(fmt.Sprintf("kernels.MaxPoolGrad: argmax has %d values, want %d", len(argmax), n*g.Positions()*g.C))
	}
	clear(dx[:n*g.ImageSize()])
	if n == 0 {
		return
	}
	if forceGo.Load() {
		maxPoolGradGo(g, n, dy, argmax, dx)
		return
	}
	maxPoolGrad(g, n, dy, argmax, dx)
}

// maxPoolGradGo adds dy into dx, which the caller has cleared.
func maxPoolGradGo(g ConvGeometry, n int, dy []float32, argmax []int32, dx []float32) {
	perExample := g.Positions() * g.C
	for e := 0; e < n; e++ {
		img := dx[e*g.ImageSize() : (e+1)*g.ImageSize()]
		for i, v := range dy[e*perExample : (e+1)*perExample] {
			img[argmax[e*perExample+i]] += v
		}
	}
}

// AvgPool averages each window, channel by channel, over the image values
// it covers (count), so padding same does not dilute the edges:
//
//	y[e,i,j,c] = (Σ over the window at (i, j) of x[e, ·, ·, c]) · (1/count)
//
// summing in row-major window order from 0, and 1/count rounded to
// float32 first. Plain Go on every backend.
func AvgPool(g ConvGeometry, n int, x, y []float32) {
	g.checkPool("AvgPool", n, len(x), len(y))
	out := 0
	for e := 0; e < n; e++ {
		img := x[e*g.ImageSize() : (e+1)*g.ImageSize()]
		for oy := 0; oy < g.OutH; oy++ {
			for ox := 0; ox < g.OutW; ox++ {
				y0, y1, x0, x1 := g.Window(oy, ox)
				sum := y[out : out+g.C]
				clear(sum)
				for iy := y0; iy < y1; iy++ {
					for ix := x0; ix < x1; ix++ {
						at := (iy*g.W + ix) * g.C
						for c, v := range img[at : at+g.C] {
							sum[c] += v
						}
					}
				}
				inv := 1 / float32((y1-y0)*(x1-x0))
				for c := range sum {
					sum[c] *= inv
				}
				out += g.C
			}
		}
	}
}

// AvgPoolGrad is AvgPool's backward pass: every value a window covers
// gets dy[window]·(1/count), the products rounded before they are added,
// windows in output order. dx is overwritten.
func AvgPoolGrad(g ConvGeometry, n int, dy, dx []float32) {
	g.checkPool("AvgPoolGrad", n, len(dx), len(dy))
	clear(dx[:n*g.ImageSize()])
	out := 0
	for e := 0; e < n; e++ {
		img := dx[e*g.ImageSize() : (e+1)*g.ImageSize()]
		for oy := 0; oy < g.OutH; oy++ {
			for ox := 0; ox < g.OutW; ox++ {
				y0, y1, x0, x1 := g.Window(oy, ox)
				inv := 1 / float32((y1-y0)*(x1-x0))
				grad := dy[out : out+g.C]
				for iy := y0; iy < y1; iy++ {
					for ix := x0; ix < x1; ix++ {
						at := (iy*g.W + ix) * g.C
						for c, v := range grad {
							img[at+c] += float32(v * inv)
						}
					}
				}
				out += g.C
			}
		}
	}
}

// checkPool panics when the slices are too short for n images: a caller
// bug.
func (g ConvGeometry) checkPool(name string, n, lenImages, lenOut int) {
	if n < 0 || lenImages < n*g.ImageSize() || lenOut < n*g.Positions()*g.C {
		panic(fmt.Sprintf("kernels.%s: %d images need %d image values and %d pooled values, got %d and %d",
			name, n, n*g.ImageSize(), n*g.Positions()*g.C, lenImages, lenOut))
	}
}
