// Package shapes draws Shapes, nnplay's generated image set for teaching
// convolutions: a circle, square, triangle, star or cross at a random
// position, size, rotation and colour on a random background, with pixel
// noise. The same seed draws the same images on every platform. 32×32 RGB
// and 28×28 grey are the two variants the app offers.
//
// It holds no tensor code, so the page can draw examples with it.
package shapes

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Classes are the shapes, in label order.
var Classes = []string{"circle", "square", "triangle", "star", "cross"}

// Options say what to draw. Zero values take the defaults.
type Options struct {
	N        int     // images; 0 means 3000
	Side     int     // width and height in pixels, 8 to 128; 0 means 32
	Channels int     // 3 (RGB) or 1 (grey); 0 means 3
	Noise    float64 // the standard deviation of the pixel noise, in 0..1 of full scale; 0 means 0.04, below 0 none
	Seed     int64
}

// The two variants the app offers.
var (
	RGB32  = Options{Side: 32, Channels: 3}
	Grey28 = Options{Side: 28, Channels: 1}
)

// MaxImages caps Options.N.
const MaxImages = 100_000

// stream is the PCG stream constant ("SHAPES").
const stream = 0x534841504553

// Generate draws opt.N images, row-major height × width × channels bytes
// each, one after the other, and their labels (indices into Classes):
// image i shows class i mod len(Classes), so the classes are balanced.
//
// Each image: a background colour; a shape of radius r ∈ [0.28, 0.45]·side
// centred so that it stays inside the image, turned by a random angle, in
// a colour at least 0.3 (of full scale) away from the background in
// luminance; each pixel's coverage measured on a 3×3 grid of samples
// (anti-aliasing); then Gaussian noise per value. Grey images hold the
// luminance 0.299 R + 0.587 G + 0.114 B.
func Generate(opt Options) (pixels []byte, labels []int, err error) {
	if opt.N == 0 {
		opt.N = 3000
	}
	if opt.Side == 0 {
		opt.Side = 32
	}
	if opt.Channels == 0 {
		opt.Channels = 3
	}
	if opt.Noise == 0 {
		opt.Noise = 0.04
	}
	switch {
	case opt.N < 1 || opt.N > MaxImages:
		return nil, nil, fmt.Errorf("shapes: %d images; draw 1 to %d", opt.N, MaxImages)
	case opt.Side < 8 || opt.Side > 128:
		return nil, nil, fmt.Errorf("shapes: side %d; use 8 to 128 pixels", opt.Side)
	case opt.Channels != 1 && opt.Channels != 3:
		return nil, nil, fmt.Errorf("shapes: %d channels; use 1 (grey) or 3 (RGB)", opt.Channels)
	}
	rng := rand.New(rand.NewPCG(uint64(opt.Seed), stream))
	size := opt.Side * opt.Side * opt.Channels
	pixels = make([]byte, opt.N*size)
	labels = make([]int, opt.N)
	cover := make([]float64, opt.Side*opt.Side)
	for i := range opt.N {
		labels[i] = i % len(Classes)
		draw(pixels[i*size:(i+1)*size], cover, labels[i], opt, rng)
	}
	return pixels, labels, nil
}

// draw renders one image of class into img.
func draw(img []byte, cover []float64, class int, opt Options, rng *rand.Rand) {
	side := float64(opt.Side)
	r := (0.28 + 0.17*rng.Float64()) * side
	cx := r + rng.Float64()*(side-2*r)
	cy := r + rng.Float64()*(side-2*r)
	angle := rng.Float64() * 2 * math.Pi
	bg := randomColour(rng)
	fg := randomColour(rng)
	for math.Abs(luma(fg)-luma(bg)) < 0.3 {
		fg = randomColour(rng)
	}
	poly := outline(class, cx, cy, r, angle)
	const k = 3 // samples per pixel side
	for y := range opt.Side {
		for x := range opt.Side {
			hits := 0
			for sy := range k {
				for sx := range k {
					px := float64(x) + (float64(sx)+0.5)/k
					py := float64(y) + (float64(sy)+0.5)/k
					if inside(class, poly, px, py, cx, cy, r) {
						hits++
					}
				}
			}
			cover[y*opt.Side+x] = float64(hits) / (k * k)
		}
	}
	for p, c := range cover {
		col := [3]float64{}
		for ch := range 3 {
			col[ch] = bg[ch] + c*(fg[ch]-bg[ch])
		}
		if opt.Channels == 1 {
			img[p] = quantize(luma(col) + opt.noise(rng))
			continue
		}
		for ch := range 3 {
			img[p*3+ch] = quantize(col[ch] + opt.noise(rng))
		}
	}
}

func (o Options) noise(rng *rand.Rand) float64 {
	if o.Noise < 0 {
		return 0
	}
	return rng.NormFloat64() * o.Noise
}

func quantize(v float64) byte {
	return byte(math.Round(255 * max(0, min(1, v))))
}

func randomColour(rng *rand.Rand) [3]float64 {
	return [3]float64{rng.Float64(), rng.Float64(), rng.Float64()}
}

func luma(c [3]float64) float64 { return 0.299*c[0] + 0.587*c[1] + 0.114*c[2] }

// outline returns the polygon of a class (none for the circle), turned by
// angle about (cx, cy), with circumradius r.
func outline(class int, cx, cy, r, angle float64) [][2]float64 {
	var pts [][2]float64 // unit shape, centred on 0
	switch Classes[class] {
	case "circle":
		return nil
	case "square":
		s := 1 / math.Sqrt2
		pts = [][2]float64{{-s, -s}, {s, -s}, {s, s}, {-s, s}}
	case "triangle":
		for i := range 3 {
			a := 2*math.Pi*float64(i)/3 - math.Pi/2
			pts = append(pts, [2]float64{math.Cos(a), math.Sin(a)})
		}
	case "star":
		for i := range 10 {
			rad := 1.0
			if i%2 == 1 {
				rad = 0.4
			}
			a := 2*math.Pi*float64(i)/10 - math.Pi/2
			pts = append(pts, [2]float64{rad * math.Cos(a), rad * math.Sin(a)})
		}
	case "cross":
		w := 0.3
		pts = [][2]float64{{-w, -1}, {w, -1}, {w, -w}, {1, -w}, {1, w}, {w, w}, {w, 1}, {-w, 1}, {-w, w}, {-1, w}, {-1, -w}, {-w, -w}}
	}
	sin, cos := math.Sincos(angle)
	out := make([][2]float64, len(pts))
	for i, p := range pts {
		out[i] = [2]float64{cx + r*(p[0]*cos-p[1]*sin), cy + r*(p[0]*sin+p[1]*cos)}
	}
	return out
}

// inside says whether (x, y) is inside the shape: within r·0.85 of the
// centre for the circle (its area near the others'), else inside the
// polygon by the even-odd rule.
func inside(class int, poly [][2]float64, x, y, cx, cy, r float64) bool {
	if poly == nil {
		dx, dy := x-cx, y-cy
		return dx*dx+dy*dy <= 0.85*0.85*r*r
	}
	in := false
	for i, j := 0, len(poly)-1; i < len(poly); j, i = i, i+1 {
		a, b := poly[i], poly[j]
		if (a[1] > y) != (b[1] > y) && x < (b[0]-a[0])*(y-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}
