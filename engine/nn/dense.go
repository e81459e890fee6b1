package nn

import (
	"fmt"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/engine/spec"
)

// Dense is a fully connected layer: y = act(x·W + b), with x (N, in),
// W (in, units) and b (units), or y = act(x·W) without a bias (Keras'
// use_bias=False; see WithoutBias). The activation is optional (Keras'
// Dense(units, activation=...)) and is one of the activation layers of this
// package, run right after the affine step.
type Dense struct {
	In, Units int
	// Activation and Init are the spec names given to NewDense ("" kept as
	// given, meaning linear and glorot_uniform).
	Activation string
	Init       string
	// Alpha is the negative slope of a leaky_relu activation; 0 means
	// DenseLeakyReLUAlpha.
	Alpha      float64
	FreezeFlag // frozen layers are not trained (see Freezer)

	Kernel *Param // W, (in, units), with weight decay
	Bias   *Param // b, (units), no weight decay; nil without use_bias

	act Layer         // nil for linear
	x   *tensor.Dense // input of the last Forward
	z   *tensor.Dense // x·W (+ b) of the last Forward (reused buffer)
	dx  *tensor.Dense // dL/dx (reused buffer)
	// noInputGrad: Backward skips dx (see skipInputGradient).
	noInputGrad bool
}

var (
	_ Layer                = (*Dense)(nil)
	_ Freezer              = (*Dense)(nil)
	_ SoftmaxEnder         = (*Dense)(nil)
	_ inputGradientSkipper = (*Dense)(nil)
)

// NewDense returns a Dense layer from in inputs to units outputs, its kernel
// drawn from rng by the named initializer ("" = glorot_uniform) and its bias
// zero. activation is a spec.Act* name ("" = linear). An unknown name
// panics: names come from a validated spec.
func NewDense(in, units int, activation string, init string, rng *rand.Rand) *Dense {
	if in < 1 || units < 1 {
		panic(fmt.Sprintf("nn.NewDense: in=%d and units=%d must be at least 1", in, units))
	}
	act, err := newActivation(activation)
	if err != nil {
		panic("nn.NewDense: " + err.Error())
	}
	w := newTensor(in, units)
	if err := initKernel(init, floats(w), in, units, rng); err != nil {
		panic("nn.NewDense: " + err.Error())
	}
	return &Dense{
		In: in, Units: units, Activation: activation, Init: init,
		Kernel: &Param{Name: "kernel", Value: w, Grad: newTensor(in, units), Decay: true},
		Bias:   &Param{Name: "bias", Value: newTensor(units), Grad: newTensor(units)},
		act:    act,
	}
}

// WithoutBias drops the bias (Keras' use_bias=False): z = x·W, and Params
// is the kernel alone. It returns d.
func (d *Dense) WithoutBias() *Dense {
	d.Bias = nil
	return d
}

// newActivation returns the layer for a Dense activation name, nil for
// linear. leaky_relu uses Keras' activations.leaky_relu slope, 0.2.
func newActivation(name string) (Layer, error) {
	switch name {
	case "", spec.ActLinear:
		return nil, nil
	case spec.ActReLU:
		return NewReLU(), nil
	case spec.ActLeakyReLU:
		return NewLeakyReLU(DenseLeakyReLUAlpha), nil
	case spec.ActSigmoid:
		return NewSigmoid(), nil
	case spec.ActTanh:
		return NewTanh(), nil
	case spec.ActSoftmax:
		return NewSoftmax(), nil
	}
	return nil, fmt.Errorf("unknown activation %q", name)
}

// DenseLeakyReLUAlpha is the slope for x < 0 of Dense's "leaky_relu"
// activation (Keras' activations.leaky_relu default).
const DenseLeakyReLUAlpha = 0.2

// Forward: y = act(x·W + b), or act(x·W) without a bias.
func (d *Dense) Forward(x *tensor.Dense, training bool) *tensor.Dense {
	z := d.affine(x)
	if d.act == nil {
		return z
	}
	return d.act.Forward(z, training)
}

// Backward: dz = act'(dy); dW += xᵀ·dz; db += Σ_batch dz (with a bias);
// dx = dz·Wᵀ.
func (d *Dense) Backward(dy *tensor.Dense) *tensor.Dense {
	dz := dy
	if d.act != nil {
		dz = d.act.Backward(dy)
	}
	return d.affineBackward(dz)
}

// affine computes z = x·W + b: b is copied into every row of z, then
// Gemm adds x·W on top (beta = 1); without a bias Gemm writes z = x·W
// (beta = 0).
func (d *Dense) affine(x *tensor.Dense) *tensor.Dense {
	n, width := rows(x)
	if width != d.In || len(x.Shape()) != 2 {
		panic(fmt.Sprintf("nn.Dense: input has shape %v, want (N, %d)", x.Shape(), d.In))
	}
	d.x = x
	d.z = reuse(d.z, n, d.Units)
	z := floats(d.z)
	beta := float32(0)
	if d.Bias != nil {
		kernels.BiasBroadcast(z, floats(d.Bias.Value))
		beta = 1
	}
	kernels.Gemm(kernels.NoTrans, kernels.NoTrans, n, d.Units, d.In, 1, floats(x), d.In, floats(d.Kernel.Value), d.Units, beta, z, d.Units)
	return d.z
}

// affineBackward takes dL/dz, adds dW = xᵀ·dz and (with a bias)
// db = Σ_batch dz to the grads and returns dx = dz·Wᵀ.
func (d *Dense) affineBackward(dz *tensor.Dense) *tensor.Dense {
	if d.x == nil {
		panic("nn.Dense: Backward before Forward")
	}
	n, _ := rows(d.x)
	mustMatch("Dense", "dL/dz", dz.Shape(), tensor.Shape{n, d.Units})
	g := floats(dz)
	kernels.Gemm(kernels.Trans, kernels.NoTrans, d.In, d.Units, n, 1, floats(d.x), d.In, g, d.Units, 1, floats(d.Kernel.Grad), d.Units)
	if d.Bias != nil {
		kernels.BiasGrad(floats(d.Bias.Grad), g)
	}
	if d.noInputGrad {
		return nil
	}
	d.dx = reuse(d.dx, n, d.In)
	kernels.Gemm(kernels.NoTrans, kernels.Trans, n, d.In, d.Units, 1, g, d.Units, floats(d.Kernel.Value), d.Units, 0, floats(d.dx), d.In)
	return d.dx
}

// skipInputGradient makes Backward leave out dx (returning nil): the
// model's first trainable layer needs only its weight gradients.
func (d *Dense) skipInputGradient(skip bool) { d.noInputGrad = skip }

// Params returns the kernel and the bias (the kernel alone without one).
func (d *Dense) Params() []*Param { return kernelAndBias(d.Kernel, d.Bias) }

// Spec returns the layer's config.
func (d *Dense) Spec() spec.Layer {
	l := spec.Layer{Type: spec.TypeDense, Units: d.Units, Activation: d.Activation, KernelInitializer: d.Init, Alpha: d.Alpha, Frozen: d.Frozen}
	if d.Bias == nil {
		l.UseBias = spec.Bool(false)
	}
	return l
}

// SetLeakyAlpha sets the negative slope of a leaky_relu activation
// (0 restores DenseLeakyReLUAlpha); other activations ignore it.
func (d *Dense) SetLeakyAlpha(alpha float64) {
	if d.Activation != spec.ActLeakyReLU {
		return
	}
	d.Alpha = alpha
	if alpha == 0 {
		alpha = DenseLeakyReLUAlpha
	}
	d.act = NewLeakyReLU(alpha)
}

// EndsInSoftmax reports whether the layer's activation is softmax, so its
// pre-activation output can be fused with a cross-entropy (see FuseSoftmax).
func (d *Dense) EndsInSoftmax() bool {
	_, ok := d.act.(*Softmax)
	return ok
}

// ForwardLogits is Forward without the final softmax: it returns z = x·W + b
// (x·W without a bias).
// Only meaningful when EndsInSoftmax.
func (d *Dense) ForwardLogits(x *tensor.Dense, training bool) *tensor.Dense {
	return d.affine(x)
}

// BackwardLogits is Backward given dL/dz for the pre-softmax output z.
func (d *Dense) BackwardLogits(dz *tensor.Dense) *tensor.Dense {
	return d.affineBackward(dz)
}
