package nn

import (
	"fmt"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/engine/spec"
)

// Conv2D is a 2-D convolution over channels-last images. With x
// (N, H, W, C), kernel K (kh, kw, C, F), bias b (F), strides (sh, sw) and
// padding (pt, pl) above and to the left (x is 0 outside the image):
//
//	z[n,i,j,f] = b[f] + Σ_{u,v,c} x[n, i·sh+u−pt, j·sw+v−pl, c] · K[u,v,c,f]
//	y = act(z)
//
// Without use_bias (Keras' use_bias=False, as before a
// BatchNormalization) there is no b: z is the sum alone.
//
// It runs as im2col + GEMM: every output position's window is unrolled
// into a row of col (N·H'·W', kh·kw·C), so that z = col·K with K read as a
// (kh·kw·C, F) matrix, one kernels.Gemm call, which later kernel work
// (SIMD) speeds up. Examples go through in groups whose col fits
// spec.Im2ColFloats, so the scratch stays small at any batch size.
//
// The activation is optional, as in Keras' Conv2D(activation=...).
type Conv2D struct {
	Filters          int
	KernelH, KernelW int
	StrideH, StrideW int
	Same             bool // padding same, else valid
	// Activation and Init are the spec names ("" kept as given, meaning
	// linear and glorot_uniform); Alpha is a leaky_relu's slope (0: the
	// default, DenseLeakyReLUAlpha).
	Activation, Init string
	Alpha            float64
	FreezeFlag       // frozen layers are not trained (see Freezer)

	Kernel *Param // K, (kh, kw, C, F), with weight decay
	Bias   *Param // b, (F), no weight decay; nil without use_bias

	strides []int  // as the spec gave them (nil means 1×1), for Spec
	padding string // as the spec gave it ("" means valid), for Spec
	geom    kernels.ConvGeometry
	act     Layer
	x       *tensor.Dense // input of the last Forward
	z, dx   *tensor.Dense // reused buffers
	// noInputGrad: Backward skips dx (see skipInputGradient).
	noInputGrad bool
	col         []float32 // im2col scratch for one group of examples
	// colFloats bounds col; 0 means spec.Im2ColFloats (tests set it small
	// to check that grouping changes nothing).
	colFloats int
}

var (
	_ Layer                = (*Conv2D)(nil)
	_ Freezer              = (*Conv2D)(nil)
	_ inputGradientSkipper = (*Conv2D)(nil)
)

// NewConv2D returns the Conv2D layer that the spec layer l describes, for
// input images of shape in (H, W, C). Its kernel is drawn from rng by l's
// initializer, with Keras' fans for convolutions (fan_in = kh·kw·C,
// fan_out = kh·kw·F), and its bias is zero (none without use_bias). l must be valid for in
// (spec.Model.Validate): NewConv2D panics otherwise.
func NewConv2D(in []int, l spec.Layer, rng *rand.Rand) *Conv2D {
	if len(in) != 3 || len(l.KernelSize) != 2 || l.Filters < 1 {
		panic(fmt.Sprintf("nn.NewConv2D: input %v, kernel size %v, %d filters: not a valid Conv2D", in, l.KernelSize, l.Filters))
	}
	c := &Conv2D{
		Filters: l.Filters, KernelH: l.KernelSize[0], KernelW: l.KernelSize[1], StrideH: 1, StrideW: 1,
		Same: l.Padding == spec.PaddingSame, Activation: l.Activation, Init: l.KernelInitializer, FreezeFlag: FreezeFlag{Frozen: l.Frozen},
		strides: append([]int(nil), l.Strides...), padding: l.Padding,
	}
	if len(l.Strides) == 2 {
		c.StrideH, c.StrideW = l.Strides[0], l.Strides[1]
	}
	c.geom = kernels.NewConvGeometry(in[0], in[1], in[2], c.KernelH, c.KernelW, c.StrideH, c.StrideW, c.Same)
	act, err := newActivation(l.Activation)
	if err != nil {
		panic("nn.NewConv2D: " + err.Error())
	}
	c.act = act
	c.SetLeakyAlpha(l.Alpha)
	w := newTensor(c.KernelH, c.KernelW, in[2], c.Filters)
	receptive := c.KernelH * c.KernelW
	if err := initKernel(l.KernelInitializer, floats(w), receptive*in[2], receptive*c.Filters, rng); err != nil {
		panic("nn.NewConv2D: " + err.Error())
	}
	c.Kernel = &Param{Name: "kernel", Value: w, Grad: newTensor(c.KernelH, c.KernelW, in[2], c.Filters), Decay: true}
	if l.HasBias() {
		c.Bias = &Param{Name: "bias", Value: newTensor(c.Filters), Grad: newTensor(c.Filters)}
	}
	return c
}

// OutputShape is the shape of one output example, (H', W', F).
func (c *Conv2D) OutputShape() []int { return []int{c.geom.OutH, c.geom.OutW, c.Filters} }

// group is how many examples go through im2col at once.
func (c *Conv2D) group(n int) int {
	budget := spec.Im2ColFloats
	if c.colFloats > 0 {
		budget = c.colFloats
	}
	per := c.geom.Positions() * c.geom.ColWidth()
	return min(max(budget/per, 1), n)
}

// scratch returns the col buffer for g examples.
func (c *Conv2D) scratch(g int) []float32 {
	size := g * c.geom.Positions() * c.geom.ColWidth()
	if cap(c.col) < size {
		c.col = make([]float32, size)
	}
	return c.col[:size]
}

// Forward: z = col(x)·K + b (no b without a bias), y = act(z).
func (c *Conv2D) Forward(x *tensor.Dense, training bool) *tensor.Dense {
	g := c.geom
	if s := x.Shape(); len(s) != 4 || s[1] != g.H || s[2] != g.W || s[3] != g.C {
		panic(fmt.Sprintf("nn.Conv2D: input has shape %v, want (N, %d, %d, %d)", x.Shape(), g.H, g.W, g.C))
	}
	n := x.Shape()[0]
	c.x = x
	c.z = reuse(c.z, n, g.OutH, g.OutW, c.Filters)
	z := floats(c.z)
	beta := float32(0) // without a bias each group's GEMM writes z = col·K
	if c.Bias != nil {
		kernels.BiasBroadcast(z, floats(c.Bias.Value))
		beta = 1 // the sums start at the bias
	}
	xs, w := floats(x), floats(c.Kernel.Value)
	rows, k, f := g.Positions(), g.ColWidth(), c.Filters
	for e, size := 0, c.group(n); e < n; e += size {
		m := min(size, n-e)
		col := c.scratch(m)
		kernels.Im2Col(g, m, xs[e*g.ImageSize():], col)
		kernels.Gemm(kernels.NoTrans, kernels.NoTrans, m*rows, f, k, 1, col, k, w, f, beta, z[e*rows*f:], f)
	}
	if c.act == nil {
		return c.z
	}
	return c.act.Forward(c.z, training)
}

// Backward: dz = act'(dy); db += Σ dz (with a bias); dK += col(x)ᵀ·dz;
// dx = col2im(dz·Kᵀ), the adjoint of im2col.
func (c *Conv2D) Backward(dy *tensor.Dense) *tensor.Dense {
	if c.x == nil {
		panic("nn.Conv2D: Backward before Forward")
	}
	dz := dy
	if c.act != nil {
		dz = c.act.Backward(dy)
	}
	mustMatch("Conv2D", "dL/dz", dz.Shape(), c.z.Shape())
	g := c.geom
	n := c.x.Shape()[0]
	rows, k, f := g.Positions(), g.ColWidth(), c.Filters
	dzs := floats(dz)
	if c.Bias != nil {
		kernels.BiasGrad(floats(c.Bias.Grad), dzs)
	}
	var dx []float32
	if !c.noInputGrad {
		c.dx = reuse(c.dx, c.x.Shape()...)
		dx = floats(c.dx)
		clear(dx)
	}
	xs, w, dw := floats(c.x), floats(c.Kernel.Value), floats(c.Kernel.Grad)
	for e, size := 0, c.group(n); e < n; e += size {
		m := min(size, n-e)
		col := c.scratch(m)
		dzg := dzs[e*rows*f:]
		kernels.Im2Col(g, m, xs[e*g.ImageSize():], col)
		kernels.Gemm(kernels.Trans, kernels.NoTrans, k, f, m*rows, 1, col, k, dzg, f, 1, dw, f) // dK += colᵀ·dz
		if c.noInputGrad {
			continue
		}
		kernels.Gemm(kernels.NoTrans, kernels.Trans, m*rows, k, f, 1, dzg, f, w, f, 0, col, k) // dcol = dz·Kᵀ
		kernels.Col2Im(g, m, col, dx[e*g.ImageSize():])
	}
	if c.noInputGrad {
		return nil
	}
	return c.dx
}

// skipInputGradient makes Backward leave out dx (returning nil): the
// model's first trainable layer needs only its weight gradients.
func (c *Conv2D) skipInputGradient(skip bool) { c.noInputGrad = skip }

// Params returns the kernel and the bias (the kernel alone without one).
func (c *Conv2D) Params() []*Param { return kernelAndBias(c.Kernel, c.Bias) }

// Spec returns the layer's config.
func (c *Conv2D) Spec() spec.Layer {
	l := spec.Layer{
		Type: spec.TypeConv2D, Filters: c.Filters, KernelSize: []int{c.KernelH, c.KernelW},
		Strides: append([]int(nil), c.strides...), Padding: c.padding,
		Activation: c.Activation, KernelInitializer: c.Init, Alpha: c.Alpha, Frozen: c.Frozen,
	}
	if c.Bias == nil {
		l.UseBias = spec.Bool(false)
	}
	return l
}

// SetLeakyAlpha sets the negative slope of a leaky_relu activation
// (0 restores DenseLeakyReLUAlpha); other activations ignore it.
func (c *Conv2D) SetLeakyAlpha(alpha float64) {
	if c.Activation != spec.ActLeakyReLU {
		return
	}
	c.Alpha = alpha
	if alpha == 0 {
		alpha = DenseLeakyReLUAlpha
	}
	c.act = NewLeakyReLU(alpha)
}
