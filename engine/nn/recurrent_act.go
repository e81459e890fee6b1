package nn

import (
	"math"

	"github.com/nnplay/nnplay/engine/spec"
)

// The recurrent layers' activations, in float32: an LSTM step of 64 units
// takes 320 sigmoids and tanhs per example, so they must be cheap under
// WebAssembly too (Go's float64 math.Exp is several times slower there),
// and give the same bits on every platform.

// activation is an elementwise activation of a recurrent layer. Each one
// nnplay allows there has a derivative that its output gives: tanh' =
// 1 − y², σ' = y(1 − y), relu' = [y > 0], linear' = 1. So Backward needs
// only the values Forward stored.
type activation uint8

const (
	actTanh activation = iota
	actSigmoid
	actReLU
	actLinear
)

// activationOf maps a spec name to an activation; "" gives def.
func activationOf(name string, def activation) activation {
	switch name {
	case spec.ActTanh:
		return actTanh
	case spec.ActSigmoid:
		return actSigmoid
	case spec.ActReLU:
		return actReLU
	case spec.ActLinear:
		return actLinear
	case "":
		return def
	}
	panic("nn: activation " + name + " is not one a recurrent layer has")
}

// apply replaces each v[i] by f(v[i]).
func (a activation) apply(v []float32) {
	switch a {
	case actTanh:
		tanhAll(v)
	case actSigmoid:
		sigmoidAll(v)
	case actReLU:
		for i, x := range v {
			v[i] = max(x, 0)
		}
	}
}

// deriv is f'(x) given y = f(x).
func (a activation) deriv(y float32) float32 {
	switch a {
	case actTanh:
		return 1 - y*y
	case actSigmoid:
		return y * (1 - y)
	case actReLU:
		if y > 0 {
			return 1
		}
		return 0
	}
	return 1
}

// tanh32 is tanh(x) in float32, within a few units in the last place:
// an odd polynomial near 0 (Cephes' tanhf), else 1 − 2/(e^(2|x|) + 1)
// with x's sign. float32 throughout: a recurrent layer takes hundreds of
// these per example and step, and float64 math.Tanh is several times
// slower under WebAssembly.
func tanh32(x float32) float32 {
	a := max(x, -x)
	if a < 0.625 {
		z := float32(x * x)
		p := float32(-5.70498872745e-3*z) + 2.06390887954e-2
		p = float32(p*z) - 5.37397155531e-2
		p = float32(p*z) + 1.33314422036e-1
		p = float32(p*z) - 3.33332819422e-1
		return float32(float32(p*z)*x) + x
	}
	y := 1 - 2/(exp32(2*a)+1)
	if x < 0 {
		return -y
	}
	return y
}

// sigmoid32 is σ(x) = 1 / (1 + e^(−x)) in float32; e^(−x) = +Inf for
// very negative x gives 0, as it should.
func sigmoid32(x float32) float32 { return 1 / (1 + exp32(-x)) }

// exp32 is e^x in float32, within about one unit in the last place
// (Cephes' expf): x = k·ln 2 + r with |r| ≤ ln2/2, e^r by a degree-5
// polynomial, times 2^k built from its exponent bits. Each product is
// rounded before it is added (float32(…)), so no platform fuses them and
// every build gives the same bits.
func exp32(x float32) float32 {
	switch {
	case x > 88.7:
		return float32(math.Inf(1))
	case x < -87.3: // below the smallest normal float32
		return 0
	}
	y := float32(x*1.44269504088896341) + 0.5
	k := float32(int32(y)) // ⌊y⌋: truncation, one less for negative fractions
	if k > y {
		k--
	}
	r := x - float32(k*0.693359375) - float32(k*-2.12194440e-4)
	p := float32(1.9875691500e-4*r) + 1.3981999507e-3
	p = float32(p*r) + 8.3334519073e-3
	p = float32(p*r) + 4.1665795894e-2
	p = float32(p*r) + 1.6666665459e-1
	p = float32(p*r) + 5.0000001201e-1
	e := float32(float32(p*float32(r*r))+r) + 1
	return e * math.Float32frombits(uint32(int32(k)+127)<<23)
}

// sigmoidAll and tanhAll are sigmoid32 and tanh32 over a slice, with
// exp32 written out in the loop (same operations, same bits): Go's
// WebAssembly function calls cost more than the arithmetic, and these run
// hundreds of times per example and step.
func sigmoidAll(v []float32) {
	for i, x := range v {
		x = -x
		var e float32
		switch {
		case x > 88.7:
			e = float32(math.Inf(1))
		case x < -87.3:
			e = 0
		default:
			y := float32(x*1.44269504088896341) + 0.5
			k := float32(int32(y))
			if k > y {
				k--
			}
			r := x - float32(k*0.693359375) - float32(k*-2.12194440e-4)
			p := float32(1.9875691500e-4*r) + 1.3981999507e-3
			p = float32(p*r) + 8.3334519073e-3
			p = float32(p*r) + 4.1665795894e-2
			p = float32(p*r) + 1.6666665459e-1
			p = float32(p*r) + 5.0000001201e-1
			e = (float32(float32(p*float32(r*r))+r) + 1) * math.Float32frombits(uint32(int32(k)+127)<<23)
		}
		v[i] = 1 / (1 + e)
	}
}

func tanhAll(v []float32) {
	for i, x := range v {
		a := max(x, -x)
		if a < 0.625 {
			z := float32(x * x)
			p := float32(-5.70498872745e-3*z) + 2.06390887954e-2
			p = float32(p*z) - 5.37397155531e-2
			p = float32(p*z) + 1.33314422036e-1
			p = float32(p*z) - 3.33332819422e-1
			v[i] = float32(float32(p*z)*x) + x
			continue
		}
		var y float32 = 1 // e^(2a) overflows: tanh is ±1
		if a2 := 2 * a; a2 <= 88.7 {
			q := float32(a2*1.44269504088896341) + 0.5
			k := float32(int32(q))
			if k > q {
				k--
			}
			r := a2 - float32(k*0.693359375) - float32(k*-2.12194440e-4)
			p := float32(1.9875691500e-4*r) + 1.3981999507e-3
			p = float32(p*r) + 8.3334519073e-3
			p = float32(p*r) + 4.1665795894e-2
			p = float32(p*r) + 1.6666665459e-1
			p = float32(p*r) + 5.0000001201e-1
			e := (float32(float32(p*float32(r*r))+r) + 1) * math.Float32frombits(uint32(int32(k)+127)<<23)
			y = 1 - 2/(e+1)
		}
		if x < 0 {
			y = -y
		}
		v[i] = y
	}
}
