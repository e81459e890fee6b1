package learn

import (
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// The formulas the backprop step-through shows beside the worker's
// numbers: for each layer type its forward pass and the chain rule of its
// backward pass (for one example; with a batch, dW and db also sum over
// the examples).

// layerMaths returns a layer's forward formula and its backward formulas.
// fused says the layer is the last one and its softmax is trained
// together with the cross-entropy.
func layerMaths(l protocol.TraceLayer, fused bool) (forward string, backward []string) {
	act := l.Activation
	switch l.Type {
	case spec.TypeDense:
		if noBias(l) {
			forward = "z = x·W   (no bias: use_bias off),   y = " + actName(act, "z")
			backward = append(activationBack(act, fused), "dW = xᵀ·δ", "dx = δ·Wᵀ")
			break
		}
		forward = "z = x·W + b,   y = " + actName(act, "z")
		backward = append(activationBack(act, fused), "dW = xᵀ·δ", "db = Σ δ  (summed over the batch; here one example)", "dx = δ·Wᵀ")
	case spec.TypeConv2D:
		db := []string{"db_f = Σ_{i,j} δ[i,j,f]"}
		forward = "z[i,j,f] = b_f + Σ_{u,v,c} x[s·i+u, s·j+v, c]·K[u,v,c,f],   y = "
		if noBias(l) {
			forward, db = "z[i,j,f] = Σ_{u,v,c} x[s·i+u, s·j+v, c]·K[u,v,c,f]   (no bias),   y = ", nil
		}
		forward += actName(act, "z")
		backward = append(activationBack(act, fused), "dK[u,v,c,f] = Σ_{i,j} x[s·i+u, s·j+v, c]·δ[i,j,f]")
		backward = append(append(backward, db...),
			"dx = δ convolved with the flipped kernel: each input pixel collects δ·K from every window it was in")
	case spec.TypeMaxPool2D:
		forward = "y[i,j,c] = max of x over window (i, j)"
		backward = []string{"dx = dy at the position that won each window, 0 everywhere else"}
	case spec.TypeAveragePooling2D:
		forward = "y[i,j,c] = mean of x over window (i, j)"
		backward = []string{"dx = dy / (window size), spread evenly over the window"}
	case spec.TypeGlobalAveragePooling2D:
		forward = "y_c = (1 / H·W) Σ_{i,j} x[i,j,c]"
		backward = []string{"dx[i,j,c] = dy_c / (H·W)"}
	case spec.TypeBatchNormalization:
		forward = "x̂ = (x − μ) / √(σ² + ε),   y = γ·x̂ + β   (μ, σ²: the moving averages, as at prediction time)"
		backward = []string{"dγ = Σ dy ⊙ x̂", "dβ = Σ dy", "dx = dy ⊙ γ / √(σ² + ε)   (μ and σ² are constants here)"}
	case spec.TypeReLU:
		forward = "y = max(0, x)"
		backward = []string{"dx = dy ⊙ [x > 0]   (the gradient passes where the unit is on, stops where it is off)"}
	case spec.TypeLeakyReLU:
		forward = "y = x if x > 0, else α·x"
		backward = []string{"dx = dy ⊙ (1 if x > 0, else α)"}
	case spec.TypeSigmoid:
		forward = "y = σ(x) = 1 / (1 + e^(−x))"
		backward = []string{"dx = dy ⊙ y·(1 − y)"}
	case spec.TypeTanh:
		forward = "y = tanh(x)"
		backward = []string{"dx = dy ⊙ (1 − y²)"}
	case spec.TypeSoftmax:
		forward = "p = softmax(x),   p_k = e^(x_k) / Σ_j e^(x_j)"
		backward = []string{"dx = p ⊙ (dy − Σ_j dy_j · p_j)"}
		if fused {
			backward = []string{"dx = p − onehot(y)   (softmax and cross-entropy differentiated together)"}
		}
	case spec.TypeDropout:
		forward = "y = x   (Dropout only drops while training: then y = x ⊙ mask / (1 − rate))"
		backward = []string{"dx = dy   (while training: dx = dy ⊙ mask / (1 − rate))"}
	case spec.TypeFlatten, spec.TypeReshape:
		forward = "y = the same values in a new shape"
		backward = []string{"dx = dy put back in x's shape"}
	case spec.TypeSimpleRNN, spec.TypeLSTM, spec.TypeGRU:
		forward, backward = recurrentMaths(l.Type)
	default:
		forward = "y = " + l.Type + "(x)"
		backward = []string{"dx = dy · ∂y/∂x"}
	}
	return forward, backward
}

// noBias reports whether a traced Dense or Conv2D layer has weights but
// no bias among them (use_bias off).
func noBias(l protocol.TraceLayer) bool {
	for _, p := range l.Params {
		if p.Name == "bias" {
			return false
		}
	}
	return len(l.Params) > 0
}

// actName is "relu(z)", or z itself for a linear layer.
func actName(act, z string) string {
	switch act {
	case "", spec.ActLinear:
		return z
	case spec.ActSoftmax:
		return "p = softmax(" + z + ")"
	}
	return act + "(" + z + ")"
}

// activationBack is the step from dL/dy to δ = dL/dz through the
// activation.
func activationBack(act string, fused bool) []string {
	switch act {
	case spec.ActReLU:
		return []string{"δ = dL/dz = dL/dy ⊙ [z > 0]"}
	case spec.ActLeakyReLU:
		return []string{"δ = dL/dy ⊙ (1 if z > 0, else α)"}
	case spec.ActSigmoid:
		return []string{"δ = dL/dy ⊙ y·(1 − y)"}
	case spec.ActTanh:
		return []string{"δ = dL/dy ⊙ (1 − y²)"}
	case spec.ActSoftmax:
		if fused {
			return []string{"δ = dL/dz = p − onehot(y)   (softmax and cross-entropy differentiated together)"}
		}
		return []string{"δ = p ⊙ (dL/dp − Σ_j dL/dp_j · p_j)"}
	}
	return []string{"δ = dL/dy   (no activation)"}
}

// optimizerMaths is the update rule of an optimizer, by its spec name.
func optimizerMaths(name string, o spec.Optimizer) []string {
	switch name {
	case spec.OptAdam:
		return []string{
			"m ← β₁·m + (1 − β₁)·g,   v ← β₂·v + (1 − β₂)·g²   (running averages of g and g²)",
			"Δw = −η · m̂ / (√v̂ + ε),   m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)",
		}
	case spec.OptRMSProp:
		return []string{"s ← ρ·s + (1 − ρ)·g²", "Δw = −η · g / (√s + ε)"}
	case spec.OptAdagrad:
		return []string{"s ← s + g²", "Δw = −η · g / (√s + ε)"}
	}
	if o.Name == spec.OptSGD && o.Momentum > 0 {
		return []string{"v ← μ·v − η·g   (momentum μ)", "Δw = v"}
	}
	return []string{"Δw = −η · g"}
}

// recurrentMaths is a recurrent layer's step and its backpropagation
// through time (the "Read a digit row by row" panel shows the steps).
func recurrentMaths(typ string) (forward string, backward []string) {
	bptt := []string{
		"backpropagation through time: from the last step back to the first, δ_t = dL/dz_t collects dL/dh_t from the output and from step t+1",
		"dW = Σ_t x_tᵀ·δ_t,   dU = Σ_t h_{t−1}ᵀ·δ_t,   db = Σ_t δ_t",
		"dx_t = δ_t·Wᵀ,   dL/dh_{t−1} += δ_t·Uᵀ",
	}
	switch typ {
	case spec.TypeLSTM:
		forward = "for t = 1…T from h_0 = c_0 = 0:  i, f, o = σ(x_t·W + h_{t−1}·U + b) (three blocks),  g = tanh(…),  c_t = f ⊙ c_{t−1} + i ⊙ g,  h_t = o ⊙ tanh(c_t)"
		backward = append([]string{"dc_t = dL/dc_t + dL/dh_t ⊙ o ⊙ (1 − tanh²(c_t)),   dc_{t−1} = dc_t ⊙ f  (the cell's path: no squashing, so gradients travel far)"}, bptt...)
	case spec.TypeGRU:
		forward = "for t = 1…T from h_0 = 0:  z, r = σ(x_t·W + h_{t−1}·U + b),  ĥ = tanh(x_t·W_h + r ⊙ (h_{t−1}·U_h)),  h_t = z ⊙ h_{t−1} + (1 − z) ⊙ ĥ"
		backward = append([]string{"dL/dh_{t−1} gains dL/dh_t ⊙ z directly: the update gate lets gradients skip steps"}, bptt...)
	default:
		forward = "for t = 1…T from h_0 = 0:  h_t = tanh(x_t·W + h_{t−1}·U + b)"
		backward = append([]string{"δ_t = (dL/dh_t + δ_{t+1}·Uᵀ) ⊙ (1 − h_t²)   (repeated products of U and tanh' make long-range gradients vanish)"}, bptt...)
	}
	return forward, backward
}
