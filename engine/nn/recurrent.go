package nn

import (
	"fmt"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/engine/spec"
)

// This file holds what SimpleRNN, LSTM and GRU share. Each reads x
// (N, T, F): N examples of T timesteps of F features, and keeps, as Keras
// does, k blocks of units side by side in its weights (k = 1, 4 or 3):
//
//	W (F, k·U)   the kernel, applied to the input x_t
//	U (U, k·U)   the recurrent kernel, applied to the last state h_{t−1}
//	b (k·U)      the bias (a GRU with reset_after has two rows, (2, 3·U))
//
// The input's part of every step, x_t·W + b, does not depend on the state,
// so it is computed for all N·T rows in one matrix product (project); only
// h_{t−1}·U runs step by step. Backward runs the steps in reverse
// (backpropagation through time), carrying dL/dh_{t−1} = dz_t·Uᵀ back,
// and then takes U's, W's and x's gradients for all steps at once
// (recurrentGrad, projectBackward). Buffers are (N, T, ·),
// row-major, so step t of example e starts at (e·T + t)·width and the
// step's rows are T·width apart, which Gemm's row strides express.

// recurrentCore is the config and weights every recurrent layer has, and
// the input of the last Forward.
type recurrentCore struct {
	Timesteps, Features, Units int
	// Activation and RecurrentActivation are the spec names as given (""
	// means tanh and sigmoid); Init is the kernel initializer.
	Activation, RecurrentActivation, Init string
	ReturnSequences                       bool
	FreezeFlag                            // frozen layers are not trained (see Freezer)

	Kernel          *Param // W (F, k·U), with weight decay
	RecurrentKernel *Param // U (U, k·U), orthogonal at first, with weight decay
	Bias            *Param // b, nil without use_bias

	typ       string
	k         int        // blocks of units: 1, 4 or 3
	act, gate activation // the activation and the recurrent (gate) activation
	x         *tensor.Dense
	n         int // examples in the last Forward
	out, dx   *tensor.Dense
	noDx      bool      // Backward leaves dL/dx out (see skipInputGradient)
	uT, prev  []float32 // Backward's Uᵀ and shifted states
}

// newRecurrentCore checks a validated spec layer against its input
// (T, F), and draws the kernels from rng: W Glorot-uniform with Keras'
// fans (F, k·U), then U orthogonal. The bias is zero (LSTM sets its
// forget block to one).
func newRecurrentCore(in []int, l spec.Layer, rng *rand.Rand) recurrentCore {
	k := spec.Gates(l.Type)
	if len(in) != 2 || l.Units < 1 || k == 0 {
		panic(fmt.Sprintf("nn: input %v, %d units: not a valid %s layer", in, l.Units, l.Type))
	}
	r := recurrentCore{
		Timesteps: in[0], Features: in[1], Units: l.Units,
		Activation: l.Activation, RecurrentActivation: l.RecurrentActivation, Init: l.KernelInitializer,
		ReturnSequences: l.ReturnSequences, FreezeFlag: FreezeFlag{Frozen: l.Frozen}, typ: l.Type, k: k,
		act: activationOf(l.Activation, actTanh), gate: activationOf(l.RecurrentActivation, actSigmoid),
	}
	f, u := in[1], l.Units
	w := newTensor(f, k*u)
	if err := initKernel(l.KernelInitializer, floats(w), f, k*u, rng); err != nil {
		panic("nn: " + err.Error())
	}
	rec := newTensor(u, k*u)
	Orthogonal(floats(rec), u, k*u, rng)
	r.Kernel = &Param{Name: "kernel", Value: w, Grad: newTensor(f, k*u), Decay: true}
	r.RecurrentKernel = &Param{Name: "recurrent_kernel", Value: rec, Grad: newTensor(u, k*u), Decay: true}
	if l.HasBias() {
		_, shapes := l.RecurrentWeights(f)
		r.Bias = &Param{Name: "bias", Value: newTensor(shapes[2]...), Grad: newTensor(shapes[2]...)}
	}
	return r
}

// Params returns the kernel, the recurrent kernel and the bias, Keras' order.
func (r *recurrentCore) Params() []*Param {
	if r.Bias == nil {
		return []*Param{r.Kernel, r.RecurrentKernel}
	}
	return []*Param{r.Kernel, r.RecurrentKernel, r.Bias}
}

// Spec returns the layer's config.
func (r *recurrentCore) Spec() spec.Layer {
	l := spec.Layer{Type: r.typ, Units: r.Units, Activation: r.Activation, RecurrentActivation: r.RecurrentActivation,
		KernelInitializer: r.Init, ReturnSequences: r.ReturnSequences, Frozen: r.Frozen}
	if r.Bias == nil {
		l.UseBias = spec.Bool(false)
	}
	return l
}

// begin checks the input x (N, T, F) and remembers it.
func (r *recurrentCore) begin(x *tensor.Dense) int {
	if s := x.Shape(); len(s) != 3 || s[1] != r.Timesteps || s[2] != r.Features {
		panic(fmt.Sprintf("nn.%s: input has shape %v, want (N, %d, %d)", r.typ, x.Shape(), r.Timesteps, r.Features))
	}
	r.x, r.n = x, x.Shape()[0]
	return r.n
}

// project computes z = x·W + b for every example and step at once: x read
// as (N·T, F) times W (F, k·U), with the first k·U values of the bias.
func (r *recurrentCore) project(z []float32) {
	rows, width := r.n*r.Timesteps, r.k*r.Units
	if r.Bias != nil {
		b := floats(r.Bias.Value)[:width]
		for i := 0; i < rows; i++ {
			copy(z[i*width:(i+1)*width], b)
		}
	} else {
		clear(z[:rows*width])
	}
	kernels.Gemm(kernels.NoTrans, kernels.NoTrans, rows, width, r.Features, 1, floats(r.x), r.Features, floats(r.Kernel.Value), width, 1, z, width)
}

// projectBackward is project's backward for dL/dz (N·T, k·U):
// dW += xᵀ·dz, db += Σ_rows dz (the first k·U bias values), dx = dz·Wᵀ.
func (r *recurrentCore) projectBackward(dz []float32) *tensor.Dense {
	rows, width := r.n*r.Timesteps, r.k*r.Units
	kernels.Gemm(kernels.Trans, kernels.NoTrans, r.Features, width, rows, 1, floats(r.x), r.Features, dz, width, 1, floats(r.Kernel.Grad), width)
	if r.Bias != nil {
		addRowSums(floats(r.Bias.Grad)[:width], dz, rows, width, width)
	}
	if r.noDx {
		return nil
	}
	r.dx = reuse(r.dx, r.n, r.Timesteps, r.Features)
	kernels.Gemm(kernels.NoTrans, kernels.Trans, rows, r.Features, width, 1, dz, width, floats(r.Kernel.Value), width, 0, floats(r.dx), r.Features)
	return r.dx
}

// skipInputGradient makes Backward return nil instead of dL/dx, for the
// first layer a training step trains: nothing reads its dL/dx.
func (r *recurrentCore) skipInputGradient(skip bool) { r.noDx = skip }

// recurrent adds h_{t−1}·U to step t's rows of z: h holds the states
// (N, T, U), z the steps' values (N, T, k·U); cols picks U's first cols
// columns (and z's), from column from.
func (r *recurrentCore) recurrent(t int, h []float32, z []float32, from, cols int) {
	u, width := r.Units, r.k*r.Units
	kernels.Gemm(kernels.NoTrans, kernels.NoTrans, r.n, cols, u, 1, h[(t-1)*u:], r.Timesteps*u,
		floats(r.RecurrentKernel.Value)[from:], width, 1, z[t*width+from:], r.Timesteps*width)
}

// The backward pass splits recurrent's product in two. Per step, only
// dL/dh_{t−1} = dz_t·Uᵀ is needed before the step before can go on; it
// reads Uᵀ, copied once per Backward (beginBackward) so that each step's
// product runs in the plain (not transposed) form. U's own gradient,
// dU = Σ_t h_{t−1}ᵀ·dz_t, waits for the end and runs as one product over
// all N·T rows (recurrentGrad), with the states shifted by one step.

// beginBackward copies Uᵀ (k·U, U) for stateGrads.
func (r *recurrentCore) beginBackward() {
	u, width := r.Units, r.k*r.Units
	r.uT = grow(r.uT, width*u)
	rec := floats(r.RecurrentKernel.Value)
	for i := 0; i < u; i++ {
		for j, v := range rec[i*width : (i+1)*width] {
			r.uT[j*u+i] = v
		}
	}
}

// stateGrads sets dh = dz_t·Uᵀ (beta 0) or adds it to dh (beta 1), for
// step t's rows of dz (N, T, k·U) and U's columns from … from+cols.
func (r *recurrentCore) stateGrads(t int, dz []float32, from, cols int, dh []float32, beta float32) {
	u, width := r.Units, r.k*r.Units
	kernels.Gemm(kernels.NoTrans, kernels.NoTrans, r.n, u, cols, 1, dz[t*width+from:], r.Timesteps*width, r.uT[from*u:], u, beta, dh, u)
}

// recurrentGrad adds dU += Σ_t h_{t−1}ᵀ·dz_t for U's columns from …
// from+cols, all steps in one product: states holds every step's
// h_{t−1} (N, T, U), zero at t = 0 (see shifted).
func (r *recurrentCore) recurrentGrad(states, dz []float32, from, cols int) {
	u, width := r.Units, r.k*r.Units
	kernels.Gemm(kernels.Trans, kernels.NoTrans, u, cols, r.n*r.Timesteps, 1, states, u, dz[from:], width, 1, floats(r.RecurrentKernel.Grad)[from:], width)
}

// shifted returns the states h (N, T, U) moved one step later: step t
// holds h_{t−1}, step 0 zeros.
func (r *recurrentCore) shifted(h []float32) []float32 {
	u, T := r.Units, r.Timesteps
	r.prev = grow(r.prev, r.n*T*u)
	for e := 0; e < r.n; e++ {
		row := r.prev[e*T*u : (e+1)*T*u]
		clear(row[:u])
		copy(row[u:], h[e*T*u:(e+1)*T*u-u])
	}
	return r.prev
}

// output returns what the layer outputs for the states h (N, T, U): all of
// them with return_sequences, else the last step's, (N, U).
func (r *recurrentCore) output(h *tensor.Dense) *tensor.Dense {
	if r.ReturnSequences {
		return h
	}
	u, T := r.Units, r.Timesteps
	r.out = reuse(r.out, r.n, u)
	hs, out := floats(h), floats(r.out)
	for e := 0; e < r.n; e++ {
		copy(out[e*u:(e+1)*u], hs[(e*T+T-1)*u:(e*T+T)*u])
	}
	return r.out
}

// stateGrad returns dL/dh_t for example e from dy, what Backward was
// given: (N, T, U) with return_sequences, else (N, U) for the last step
// only (nil for the others).
func (r *recurrentCore) stateGrad(dy []float32, e, t int) []float32 {
	u, T := r.Units, r.Timesteps
	switch {
	case r.ReturnSequences:
		return dy[(e*T+t)*u : (e*T+t+1)*u]
	case t == T-1:
		return dy[e*u : (e+1)*u]
	}
	return nil
}

// checkGrad checks the shape of dy against the last Forward's output.
func (r *recurrentCore) checkGrad(dy *tensor.Dense) {
	if r.x == nil {
		panic("nn." + r.typ + ": Backward before Forward")
	}
	want := tensor.Shape{r.n, r.Units}
	if r.ReturnSequences {
		want = tensor.Shape{r.n, r.Timesteps, r.Units}
	}
	mustMatch(r.typ, "dy", dy.Shape(), want)
}

// addRowSums adds the sums over rows of m (rows × cols, row stride ld) to s.
func addRowSums(s, m []float32, rows, cols, ld int) {
	for i := 0; i < rows; i++ {
		for j, v := range m[i*ld : i*ld+cols] {
			s[j] += v
		}
	}
}

// grow returns buf with length n, reallocating only when it is too small.
// The caller overwrites it.
func grow(buf []float32, n int) []float32 {
	if cap(buf) < n {
		return make([]float32, n)
	}
	return buf[:n]
}
