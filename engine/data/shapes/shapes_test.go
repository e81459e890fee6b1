package shapes

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

func TestGenerateIsDeterministic(t *testing.T) {
	a, la, err := Generate(Options{N: 50, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	b, lb, _ := Generate(Options{N: 50, Seed: 3})
	c, _, _ := Generate(Options{N: 50, Seed: 4})
	if !bytes.Equal(a, b) || !slices.Equal(la, lb) {
		t.Error("the same seed drew other images")
	}
	if bytes.Equal(a, c) {
		t.Error("another seed drew the same images")
	}
	if len(a) != 50*32*32*3 {
		t.Errorf("%d bytes, want 50×32×32×3", len(a))
	}
	for i, l := range la {
		if l != i%len(Classes) {
			t.Fatalf("label %d is %d, want %d", i, l, i%len(Classes))
		}
	}
	g, _, _ := Generate(Options{N: 5, Side: 28, Channels: 1, Seed: 3})
	if len(g) != 5*28*28 {
		t.Errorf("grey: %d bytes, want 5×28×28", len(g))
	}
}

// TestShapesAreVisible: without noise, every image shows a shape that
// covers 4 % to 60 % of it, and the top-left pixel is background (a shape
// stays inside the image).
func TestShapesAreVisible(t *testing.T) {
	const side = 32
	pix, labels, err := Generate(Options{N: 200, Side: side, Channels: 1, Noise: -1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i := range labels {
		img := pix[i*side*side : (i+1)*side*side]
		bg := img[0] // the top-left corner is background: the shape stays inside
		changed := 0
		for _, p := range img {
			if d := int(p) - int(bg); d > 20 || d < -20 {
				changed++
			}
		}
		frac := float64(changed) / float64(len(img))
		if frac < 0.04 || frac > 0.6 {
			t.Errorf("image %d (%s): %.0f%% of the pixels differ from the background", i, Classes[labels[i]], 100*frac)
		}
	}
}

func TestGenerateRejects(t *testing.T) {
	for _, c := range []struct {
		opt  Options
		want string
	}{
		{Options{N: MaxImages + 1}, "draw 1 to 100000"},
		{Options{Side: 4}, "side 4; use 8 to 128"},
		{Options{Channels: 2}, "2 channels; use 1 (grey) or 3 (RGB)"},
	} {
		if _, _, err := Generate(c.opt); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.opt, err, c.want)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	for range b.N {
		Generate(Options{N: 100, Seed: 1})
	}
}
