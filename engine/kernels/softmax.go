package kernels

import (
	"fmt"
	"math"
)

// Softmax and its fusion with cross-entropy, on rows of k values (one row
// per example, one column per class). The exponentials, logs and sums run
// in float64 and are rounded once: plain Go on every backend, since
// WebAssembly has no exp or log instruction (and the rows are short: the
// number of classes).

// SoftmaxRow writes softmax(x) into y, y_j = e^(x_j − m) / Σ_i e^(x_i − m)
// with m = max_i x_i (subtracting m keeps e^· from overflowing), and
// returns log Σ_j e^(x_j) = m + log Σ_j e^(x_j − m), the log-sum-exp a
// cross-entropy needs. y may be x; both have k ≥ 1 values.
func SoftmaxRow(y, x []float32) (logSumExp float64) {
	sameLen("SoftmaxRow", "y", len(y), len(x))
	m := x[0]
	for _, v := range x[1:] {
		m = max(m, v)
	}
	var sum float64
	for j, v := range x {
		e := math.Exp(float64(v - m))
		y[j] = float32(e)
		sum += e
	}
	inv := 1 / sum
	for j := range y {
		y[j] = float32(float64(y[j]) * inv)
	}
	return float64(m) + math.Log(sum)
}

// Softmax applies SoftmaxRow to each row of k values of x, into y.
func Softmax(y, x []float32, k int) {
	sameLen("Softmax", "y", len(y), len(x))
	checkRows("Softmax", "x", len(x), "a row", k)
	for i := 0; i < len(x); i += k {
		SoftmaxRow(y[i:i+k], x[i:i+k])
	}
}

// SoftmaxGrad is softmax's backward pass, row by row, from its output y:
//
//	dx_j = y_j · (dy_j − Σ_i dy_i·y_i)
//
// the Jacobian ∂y_i/∂x_j = y_i(δ_ij − y_j) applied to dy without forming
// it; the dot product is summed in float64.
func SoftmaxGrad(dx, y, dy []float32, k int) {
	sameLen("SoftmaxGrad", "dx", len(dx), len(y))
	sameLen("SoftmaxGrad", "dy", len(dy), len(y))
	checkRows("SoftmaxGrad", "y", len(y), "a row", k)
	for i := 0; i < len(y); i += k {
		yi, gi, di := y[i:i+k], dy[i:i+k], dx[i:i+k]
		var dot float64
		for j, v := range yi {
			dot += float64(gi[j]) * float64(v)
		}
		for j, v := range yi {
			di[j] = float32(float64(v) * (float64(gi[j]) - dot))
		}
	}
}

// SoftmaxCrossEntropy is softmax followed by cross-entropy, from logits z
// (N rows of k) against targets t: class indices (N values) when sparse,
// else rows (N, k). It writes p = softmax(z) row by row and returns the
// summed loss (not the mean), in float64:
//
//	L = Σ_i [ (Σ_j t_ij)·lse(z_i) − Σ_j t_ij·z_ij ]     (sparse: lse(z_i) − z_{i,t_i})
//
// Computed from the log-sum-exp, nothing rounds to 0 before a log. Sparse
// targets must be valid class indices (the loss checks them first).
func SoftmaxCrossEntropy(p, z, t []float32, k int, sparse bool) (total float64) {
	n := checkSoftmaxCE("SoftmaxCrossEntropy", p, z, t, k, sparse)
	for i := 0; i < n; i++ {
		zi := z[i*k : (i+1)*k]
		lse := SoftmaxRow(p[i*k:(i+1)*k], zi)
		if sparse {
			total += lse - float64(zi[int(t[i])])
			continue
		}
		for j, tj := range t[i*k : (i+1)*k] {
			total += float64(tj) * (lse - float64(zi[j]))
		}
	}
	return total
}

// SoftmaxCrossEntropyGrad writes dL/dz for the softmax p of the logits
// and the targets t (as SoftmaxCrossEntropy takes them) into g, scaled by
// scale (1/N for the mean loss):
//
//	g_i = ((Σ_j t_ij)·p_i − t_i) · scale     (sparse: (p_i − onehot(t_i)) · scale)
//
// each value computed in float64 and rounded once.
func SoftmaxCrossEntropyGrad(g, p, t []float32, k int, sparse bool, scale float64) {
	n := checkSoftmaxCE("SoftmaxCrossEntropyGrad", g, p, t, k, sparse)
	for i := 0; i < n; i++ {
		pi, gi := p[i*k:(i+1)*k], g[i*k:(i+1)*k]
		if sparse {
			for j, v := range pi {
				gi[j] = float32(float64(v) * scale)
			}
			c := int(t[i])
			gi[c] = float32((float64(pi[c]) - 1) * scale)
			continue
		}
		ti := t[i*k : (i+1)*k]
		var sum float64
		for _, v := range ti {
			sum += float64(v)
		}
		for j, v := range pi {
			gi[j] = float32((sum*float64(v) - float64(ti[j])) * scale)
		}
	}
}

// checkSoftmaxCE checks the shapes and returns the number of rows N.
func checkSoftmaxCE(kernel string, out, in, t []float32, k int, sparse bool) int {
	sameLen(kernel, "the output", len(out), len(in))
	checkRows(kernel, "the logits", len(in), "a row", k)
	n := 0
	if k > 0 {
		n = len(in) / k
	}
	want := n * k
	if sparse {
		want = n
	}
	if len(t) != want {
		panic(fmt.Sprintf("kernels.%s: targets have %d values, want %d for %d rows of %d (sparse %v)", kernel, len(t), want, n, k, sparse))
	}
	return n
}
