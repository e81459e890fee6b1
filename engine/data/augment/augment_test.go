package augment

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// ramp is a 1-channel h×w image whose pixel (x, y) is (x + 10y)/100.
func ramp(h, w int) []float32 {
	img := make([]float32, h*w)
	for y := range h {
		for x := range w {
			img[y*w+x] = float32(x+10*y) / 100
		}
	}
	return img
}

func TestOffChangesNothing(t *testing.T) {
	src := ramp(5, 6)
	dst := make([]float32, len(src))
	Apply(dst, src, 1, 5, 6, 1, Config{}, Rand(1, 0, 0))
	if !slices.Equal(dst, src) {
		t.Errorf("the zero Config changed the image")
	}
}

// TestFlipAndShiftExactly: a flip mirrors the rows; with every other
// variation off, the result is exact.
func TestFlipExactly(t *testing.T) {
	src := ramp(3, 4)
	dst := make([]float32, len(src))
	flipped := 0
	for b := range 20 {
		Apply(dst, src, 1, 3, 4, 1, Config{Flip: true}, Rand(1, 0, b))
		switch {
		case slices.Equal(dst, src):
		case dst[0] == src[3] && dst[3] == src[0] && dst[5] == src[6]:
			flipped++
		default:
			t.Fatalf("batch %d: neither the image nor its mirror: %v", b, dst)
		}
	}
	if flipped < 5 || flipped > 15 {
		t.Errorf("%d of 20 flipped, want about half", flipped)
	}
}

// TestRender: exact cases of the affine map. A turn by 180° maps (x, y)
// to (w−1−x, h−1−y); a whole-pixel shift moves the image and repeats the
// edge; a zoom of 2 about the centre of a 2-channel image keeps the centre.
func TestRender(t *testing.T) {
	src := ramp(3, 4)
	dst := make([]float32, len(src))
	variation{angle: math.Pi, zoom: 1}.render(dst, src, 3, 4, 1)
	for y := range 3 {
		for x := range 4 {
			if d := dst[y*4+x] - src[(2-y)*4+3-x]; d > 1e-6 || d < -1e-6 {
				t.Fatalf("180°: pixel (%d, %d) = %v, want %v", x, y, dst[y*4+x], src[(2-y)*4+3-x])
			}
		}
	}
	variation{dx: 1, zoom: 1}.render(dst, src, 3, 4, 1)
	if want := []float32{0, 0, 0.01, 0.02}; !slices.Equal(dst[:4], want) {
		t.Errorf("shift by 1: first row %v, want %v", dst[:4], want)
	}
	two := []float32{0, 1, 0, 1, 0, 1, 0, 1, 0.5, 0.25, 0, 1, 0, 1, 0, 1, 0, 1} // 3×3×2
	out := make([]float32, len(two))
	variation{zoom: 2}.render(out, two, 3, 3, 2)
	if out[8] != 0.5 || out[9] != 0.25 {
		t.Errorf("zoom 2: centre (%v, %v), want (0.5, 0.25)", out[8], out[9])
	}
}

// TestRandomShifts: random shifts keep rows in order and values in range.
func TestRandomShifts(t *testing.T) {
	src := ramp(4, 4)
	dst := make([]float32, len(src))
	// A shift of a whole number of pixels moves the image exactly.
	c := Config{Shift: 0.25}
	for b := range 50 {
		Apply(dst, src, 1, 4, 4, 1, c, Rand(3, 1, b))
		// Every output value is a value of the input (edges repeat), and
		// rows keep their order: nothing is scrambled.
		for y := range 4 {
			for x := 1; x < 4; x++ {
				if dst[y*4+x] < dst[y*4+x-1]-1e-6 {
					t.Fatalf("batch %d: a shift reversed a row: %v", b, dst)
				}
			}
		}
	}
	// Brightness moves every pixel by the same amount, within range, clipped.
	Apply(dst, src, 1, 4, 4, 1, Config{Brightness: 0.2}, Rand(3, 1, 7))
	d := dst[5] - src[5]
	if d < -0.2 || d > 0.2 || d == 0 {
		t.Errorf("brightness moved a pixel by %v", d)
	}
	for i := range dst {
		if want := max(0, min(1, src[i]+d)); dst[i]-want > 1e-6 || want-dst[i] > 1e-6 {
			t.Fatalf("brightness: pixel %d is %v, want %v", i, dst[i], want)
		}
	}
}

// TestDeterministic: the same (seed, epoch, batch) gives the same images;
// another batch gives others.
func TestDeterministic(t *testing.T) {
	c := Config{Shift: 0.1, Rotation: 20, Zoom: 0.2, Flip: true, Brightness: 0.1}
	src := ramp(8, 8)
	src = append(src, ramp(8, 8)...)
	a, b, o := make([]float32, len(src)), make([]float32, len(src)), make([]float32, len(src))
	Apply(a, src, 2, 8, 8, 1, c, Rand(5, 2, 3))
	Apply(b, src, 2, 8, 8, 1, c, Rand(5, 2, 3))
	Apply(o, src, 2, 8, 8, 1, c, Rand(5, 2, 4))
	if !slices.Equal(a, b) || slices.Equal(a, o) {
		t.Error("not deterministic per (seed, epoch, batch)")
	}
	if slices.Equal(a[:64], a[64:]) {
		t.Error("two images of a batch got the same variation")
	}
}

func TestCheck(t *testing.T) {
	if err := (Config{Shift: 0.5, Rotation: 180, Zoom: 0.9, Brightness: 1, Flip: true}).Check(); err != nil {
		t.Error(err)
	}
	if err := (Config{Rotation: 200}).Check(); err == nil || !strings.Contains(err.Error(), "rotation must be between 0 and 180, got 200") {
		t.Errorf("rotation 200: %v", err)
	}
}
