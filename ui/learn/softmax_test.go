package learn

import (
	"math"
	"testing"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// naiveSoftmax is softmax written the textbook way, without the shift.
func naiveSoftmax(z []float64) []float64 {
	s := 0.0
	for _, v := range z {
		s += math.Exp(v)
	}
	p := make([]float64, len(z))
	for i, v := range z {
		p[i] = math.Exp(v) / s
	}
	return p
}

func TestExplainIsTheFormula(t *testing.T) {
	z := []float64{1.5, -2, 0.25, 3, -0.5}
	const y = 2
	v := explain(z, 1, 0, y)
	p := naiveSoftmax(z)
	sum := 0.0
	for i := range z {
		sum += v.P[i]
		if math.Abs(v.P[i]-p[i]) > 1e-15 {
			t.Errorf("p_%d = %v, want e^z_i/Σe^z_j = %v", i, v.P[i], p[i])
		}
		if want := math.Exp(z[i] - 3); math.Abs(v.Exp[i]-want) > 1e-15 {
			t.Errorf("exp_%d = %v, want e^(z_i − max z) = %v", i, v.Exp[i], want)
		}
		g := p[i]
		if i == y {
			g--
		}
		if math.Abs(v.Grad[i]-g) > 1e-15 {
			t.Errorf("grad_%d = %v, want p − onehot(y) = %v", i, v.Grad[i], g)
		}
	}
	if math.Abs(sum-1) > 1e-15 || v.Max != 3 {
		t.Errorf("Σp = %v, max = %v; want 1 and 3", sum, v.Max)
	}
	if want := -math.Log(p[y]); math.Abs(v.Loss-want) > 1e-14 {
		t.Errorf("loss = %v, want −log p_y = %v", v.Loss, want)
	}

	// + c changes only z; T divides z.
	shifted := explain(z, 1, 7.5, y)
	for i := range z {
		if math.Abs(shifted.P[i]-v.P[i]) > 1e-15 || shifted.Z[i] != z[i]+7.5 {
			t.Errorf("c = 7.5, class %d: p %v (was %v), z %v", i, shifted.P[i], v.P[i], shifted.Z[i])
		}
	}
	hot := explain(z, 2, 0, y)
	half := make([]float64, len(z))
	for i := range z {
		half[i] = z[i] / 2
	}
	for i, want := range naiveSoftmax(half) {
		if math.Abs(hot.P[i]-want) > 1e-15 {
			t.Errorf("T = 2, class %d: p = %v, want softmax(z/2) = %v", i, hot.P[i], want)
		}
	}
	if math.Abs(hot.P[3]-v.P[3]) < 0.05 {
		t.Errorf("T = 2 left the top probability at %v (T = 1: %v)", hot.P[3], v.P[3])
	}
}

func TestSoftmaxShowsTheWorkersNumbersAtT1(t *testing.T) {
	ss, p, sent := testPlace()
	s := p.Softmax
	s.Visible = true
	s.SetIndex(-1) // wraps to the last test image
	if len(*sent) != 1 {
		t.Fatalf("sent %d requests, want one trace", len(*sent))
	}
	req := (*sent)[0].(protocol.TraceRequest)
	if req.Index != 9999 || req.ID == 0 || req.Label != nil {
		t.Fatalf("trace request %+v; want test image 9999, its own label, an ID", req)
	}
	// Deliberately not the formula's numbers: the explorer must show the
	// worker's as they are, not recompute them.
	sm := &protocol.SoftmaxTrace{Logits: []float32{1, 2}, Shift: 2, Exp: []float64{0.25, 1}, Sum: 1.25,
		Probs: []float32{0.125, 0.875}, CrossEntropy: 0.5, Grad: []float32{0.125, -0.125}, Fused: true}
	ss.Handle(protocol.Trace{ID: req.ID + 100, Label: 1, Softmax: sm}) // someone else's
	if _, ok := s.Numbers(); ok {
		t.Fatalf("the explorer took an answer to another request")
	}
	ss.Handle(protocol.Trace{ID: req.ID, Label: 1, Softmax: sm})
	v, ok := s.Numbers()
	if !ok || !v.Worker || v.P[1] != 0.875 || v.Loss != 0.5 || v.Grad[0] != 0.125 || s.Label != 1 {
		t.Fatalf("view %+v (label %d); want the worker's numbers and label 1", v, s.Label)
	}
	s.T = 2
	if v, _ := s.Numbers(); v.Worker || math.Abs(v.P[1]-naiveSoftmax([]float64{0.5, 1})[1]) > 1e-12 {
		t.Errorf("T = 2: view %+v; want softmax(z/2) computed from the logits", v)
	}
	s.T = 1
	s.SetLabel(0)
	if last := (*sent)[len(*sent)-1].(protocol.TraceRequest); last.Label == nil || *last.Label != 0 {
		t.Errorf("picking label 0 sent %+v; want a trace for label 0", last)
	}
}
