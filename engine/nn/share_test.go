package nn

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"gorgonia.org/tensor"
)

// rowsOfCopy returns a copy of examples [from, to) of t.
func rowsOfCopy(t *tensor.Dense, from, to int) *tensor.Dense {
	r := rowsOf(t, from, to)
	return tensor.New(tensor.WithShape(r.Shape()...), tensor.WithBacking(append([]float32(nil), floats(r)...)))
}

// TestDropoutShareMasks: a share of a batch drops the units the whole
// batch's pass drops in its rows, from the same generator state.
func TestDropoutShareMasks(t *testing.T) {
	x := randTensor(rand.New(rand.NewPCG(1, 2)), -1, 1, 8, 5)
	whole := newDropoutPCG(0.4, rand.NewPCG(7, 7))
	want := floats(whole.Forward(x, Training))
	for _, s := range []struct{ from, to int }{{0, 3}, {3, 8}, {5, 6}} {
		d := newDropoutPCG(0.4, rand.NewPCG(7, 7))
		d.setShare(&Share{Offset: s.from, Total: 8})
		got := floats(d.Forward(rowsOfCopy(x, s.from, s.to), Training))
		for i, v := range got {
			if v != want[s.from*5+i] {
				t.Fatalf("rows %d–%d: value %d is %v; the whole batch's pass gave %v", s.from, s.to, i, v, want[s.from*5+i])
			}
		}
	}
}

// pairSync is a Collective for two replicas in goroutines: each AllSum
// waits for the other's values and adds rank 0's and rank 1's in order.
type pairSync struct {
	mu    sync.Mutex
	cond  *sync.Cond
	vals  [2][]float64
	round [2]int
	done  int
}

func newPairSync() *pairSync {
	p := &pairSync{}
	p.cond = sync.NewCond(&p.mu)
	return p
}

type pairEnd struct {
	p    *pairSync
	rank int
}

func (e pairEnd) AllSum(v []float64) {
	p := e.p
	p.mu.Lock()
	defer p.mu.Unlock()
	p.vals[e.rank] = append([]float64(nil), v...)
	p.round[e.rank]++
	r := p.round[e.rank]
	p.cond.Broadcast()
	for p.round[1-e.rank] < r {
		p.cond.Wait()
	}
	for i := range v {
		v[i] = p.vals[0][i] + p.vals[1][i]
	}
	p.done++
	p.cond.Broadcast()
	for p.done < 2*r { // both read before either writes again
		p.cond.Wait()
	}
}

// TestBatchNormShares: two shares of a batch, summing their statistics,
// give the whole batch's outputs, input gradients and (added) parameter
// gradients and moving averages, within rounding.
func TestBatchNormShares(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := randTensor(rng, -2, 3, 6, 2, 2, 3) // 6 examples, 3 channels
	dy := randTensor(rng, -1, 1, 6, 2, 2, 3)
	whole := NewBatchNormalization(3, 0.9, 1e-3)
	y := floats(whole.Forward(x, Training))
	dx := floats(whole.Backward(dy))

	at := 4
	shares := [2]*BatchNormalization{NewBatchNormalization(3, 0.9, 1e-3), NewBatchNormalization(3, 0.9, 1e-3)}
	var got [2][2][]float32 // per share: y, dx
	p := newPairSync()
	var wg sync.WaitGroup
	for r, rows := range [2][2]int{{0, at}, {at, 6}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := shares[r]
			b.setShare(&Share{Offset: rows[0], Total: 6, Sync: pairEnd{p, r}})
			got[r][0] = append([]float32(nil), floats(b.Forward(rowsOfCopy(x, rows[0], rows[1]), Training))...)
			got[r][1] = append([]float32(nil), floats(b.Backward(rowsOfCopy(dy, rows[0], rows[1])))...)
		}()
	}
	wg.Wait()
	close := func(what string, got, want []float32) {
		t.Helper()
		for i := range want {
			if math.Abs(float64(got[i]-want[i])) > 1e-5*(1+math.Abs(float64(want[i]))) {
				t.Fatalf("%s %d: %v from the shares, %v from the whole batch", what, i, got[i], want[i])
			}
		}
	}
	close("y", append(got[0][0], got[1][0]...), y)
	close("dx", append(got[0][1], got[1][1]...), dx)
	sum := func(f func(*BatchNormalization) *Param, grad bool) []float32 {
		out := make([]float32, 3)
		for _, b := range shares {
			v := floats(f(b).Grad)
			if !grad {
				v = floats(f(b).Value)
			}
			for i := range out {
				out[i] += v[i]
			}
		}
		return out
	}
	close("dγ", sum(func(b *BatchNormalization) *Param { return b.Gamma }, true), floats(whole.Gamma.Grad))
	close("dβ", sum(func(b *BatchNormalization) *Param { return b.Beta }, true), floats(whole.Beta.Grad))
	for r, b := range shares {
		close("moving mean of share "+string(rune('0'+r)), floats(b.MovingMean.Value), floats(whole.MovingMean.Value))
		close("moving variance of share "+string(rune('0'+r)), floats(b.MovingVariance.Value), floats(whole.MovingVariance.Value))
	}
}
