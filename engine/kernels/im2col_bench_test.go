package kernels

import (
	"fmt"
	"testing"
)

// BenchmarkIm2Col times Im2Col and Col2Im on the first and second
// convolutions of LeNet and of the small CNN (engine/spec's presets), and
// reports the values moved per second.
func BenchmarkIm2Col(b *testing.B) {
	for _, c := range []struct {
		name    string
		h, c, k int
		same    bool
	}{
		{"lenet1-28x28x1-k5-same", 28, 1, 5, true},
		{"lenet2-14x14x6-k5", 14, 6, 5, false},
		{"small1-28x28x1-k3", 28, 1, 3, false},
		{"small2-26x26x32-k3", 26, 32, 3, false},
	} {
		g := NewConvGeometry(c.h, c.h, c.c, c.k, c.k, 1, 1, c.same)
		n := max(1, (1<<19)/(g.Positions()*g.ColWidth()))
		x := make([]float32, n*g.ImageSize())
		for i := range x {
			x[i] = float32(i % 17)
		}
		col := make([]float32, n*g.Positions()*g.ColWidth())
		b.Run(fmt.Sprintf("%s/im2col", c.name), func(b *testing.B) {
			for range b.N {
				Im2Col(g, n, x, col)
			}
			b.ReportMetric(float64(b.N*len(col))/b.Elapsed().Seconds()/1e9, "Gvalues/s")
		})
		b.Run(fmt.Sprintf("%s/col2im", c.name), func(b *testing.B) {
			for range b.N {
				Col2Im(g, n, col, x)
			}
			b.ReportMetric(float64(b.N*len(col))/b.Elapsed().Seconds()/1e9, "Gvalues/s")
		})
	}
}
