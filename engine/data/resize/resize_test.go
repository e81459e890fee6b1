package resize

import (
	"bytes"
	"strings"
	"testing"
)

// rgba makes a w×h image whose pixel is colour(x, y).
func rgba(w, h int, colour func(x, y int) [3]byte) []byte {
	b := make([]byte, 4*w*h)
	for y := range h {
		for x := range w {
			c := colour(x, y)
			copy(b[(y*w+x)*4:], []byte{c[0], c[1], c[2], 255})
		}
	}
	return b
}

func TestFitSameSizeIsExact(t *testing.T) {
	img := rgba(3, 3, func(x, y int) [3]byte { return [3]byte{byte(x * 100), byte(y * 100), 7} })
	out, err := Fit(img, 3, 3, 3, 3, Crop)
	if err != nil {
		t.Fatal(err)
	}
	for p := range 9 {
		if !bytes.Equal(out[p*3:p*3+3], img[p*4:p*4+3]) {
			t.Fatalf("pixel %d: %v, want %v", p, out[p*3:p*3+3], img[p*4:p*4+3])
		}
	}
}

// TestFitAveragesAndCrops: a 4×2 image with a white left half and black
// right half, cropped to its centre 2×2 square and scaled to 1×1, is the
// mean of the centre: half white.
func TestFitAveragesAndCrops(t *testing.T) {
	img := rgba(4, 2, func(x, y int) [3]byte {
		if x < 2 {
			return [3]byte{255, 255, 255}
		}
		return [3]byte{}
	})
	out, _ := Fit(img, 4, 2, 1, 1, Crop)
	if out[0] != 128 {
		t.Errorf("crop to 1×1 grey: %d, want 128", out[0])
	}
	// Padded: the 4×4 square has black bars above and below; 2×2 output:
	// each quarter is half bar, half image.
	out, _ = Fit(img, 4, 2, 2, 1, Pad)
	if want := []byte{128, 0, 128, 0}; !bytes.Equal(out, want) {
		t.Errorf("pad to 2×2: %v, want %v", out, want)
	}
	// Upscaling a 1×1 image gives its colour everywhere.
	out, _ = Fit(rgba(1, 1, func(int, int) [3]byte { return [3]byte{10, 20, 30} }), 1, 1, 4, 3, Crop)
	for p := range 16 {
		if !bytes.Equal(out[p*3:p*3+3], []byte{10, 20, 30}) {
			t.Fatalf("upscaled pixel %d: %v", p, out[p*3:p*3+3])
		}
	}
}

func TestFitRejects(t *testing.T) {
	for _, c := range []struct {
		w, h, side, ch int
		mode, want     string
		n              int
	}{
		{2, 2, 4, 3, Crop, "needs 16 RGBA bytes, got 15", 15},
		{2, 2, 0, 3, Crop, "output side 0", 16},
		{2, 2, 4, 2, Crop, "2 channels", 16},
		{2, 2, 4, 3, "stretch", `unknown mode "stretch"`, 16},
	} {
		if _, err := Fit(make([]byte, c.n), c.w, c.h, c.side, c.ch, c.mode); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v", c, err)
		}
	}
}
