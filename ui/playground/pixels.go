package playground

import (
	"math"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// The colours of the drawings, as RGBA pixels: the decision regions, the
// network's node maps. Plain Go, tested natively.

// ClassColors are the classes' colours (TensorFlow Playground's blue and
// orange first) as RGB and as CSS.
var (
	ClassColors    = [MaxClasses][3]uint8{{8, 119, 189}, {245, 147, 34}, {46, 160, 67}, {148, 103, 189}, {214, 39, 40}}
	ClassColorsCSS = [MaxClasses]string{"#0877bd", "#f59322", "#2ea043", "#9467bd", "#d62728"}
)

// The network's colours: blue for positive values and weights, orange
// for negative ones.
const (
	netPosR, netPosG, netPosB = 8, 119, 189
	netNegR, netNegG, netNegB = 245, 147, 34
)

// regionLight is how much of a class colour the background keeps (the
// rest is white), so that the points stand out on it.
const regionLight = 0.55

// regionColors are the class colours of the decision regions.
var regionColors = func() (out [MaxClasses][3]uint8) {
	for k := range out {
		out[k] = lighten(ClassColors[k], regionLight)
	}
	return out
}()

// lighten mixes c with white, keeping share f of the colour.
func lighten(c [3]uint8, f float64) [3]uint8 {
	var out [3]uint8
	for i, v := range c {
		out[i] = uint8(math.Round(255 - (255-float64(v))*f))
	}
	return out
}

// regionPixels fills rgba from point-major probability bytes.
func regionPixels(rgba, probs []byte, k int, colors [][3]uint8, discretize bool) {
	for i := 0; i*k < len(probs) && 4*i < len(rgba); i++ {
		ps := probs[i*k : i*k+k]
		px := rgba[4*i : 4*i+4]
		px[3] = 255
		if discretize {
			best := 0
			for j, q := range ps {
				if q > ps[best] {
					best = j
				}
			}
			px[0], px[1], px[2] = colors[best][0], colors[best][1], colors[best][2]
			continue
		}
		var r, g, b, sum int
		for j, q := range ps {
			w := int(q)
			r += w * int(colors[j][0])
			g += w * int(colors[j][1])
			b += w * int(colors[j][2])
			sum += w
		}
		if sum == 0 {
			px[0], px[1], px[2] = 255, 255, 255
			continue
		}
		px[0], px[1], px[2] = byte(r/sum), byte(g/sum), byte(b/sum)
	}
}

// unitPixels colours a hidden unit's map on a scale symmetric about 0:
// white at 0, blue for the largest positive value, orange for the most
// negative, so a ReLU unit shows white where it is off.
func unitPixels(img []byte, m protocol.UnitMap) {
	lo, hi := float64(m.Lo), float64(m.Hi)
	peak := math.Max(math.Abs(lo), math.Abs(hi))
	var lut [256][4]byte
	for b := range lut {
		t := 0.0
		if peak > 0 {
			t = (lo + float64(b)/255*(hi-lo)) / peak
		}
		diverging(lut[b][:], t)
	}
	for i, b := range m.Values {
		copy(img[4*i:4*i+4], lut[b][:])
	}
}

// diverging writes the colour of t in [-1, 1] (RGBA).
func diverging(px []byte, t float64) {
	if t >= 0 {
		shade(px, [3]uint8{netPosR, netPosG, netPosB}, t)
	} else {
		shade(px, [3]uint8{netNegR, netNegG, netNegB}, -t)
	}
}

// shade writes white mixed with share t of colour c (RGBA).
func shade(px []byte, c [3]uint8, t float64) {
	t = math.Min(math.Max(t, 0), 1)
	for i := 0; i < 3; i++ {
		px[i] = byte(255 - (255-float64(c[i]))*t + 0.5)
	}
	px[3] = 255
}
