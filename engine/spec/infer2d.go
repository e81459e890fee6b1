package spec

import (
	"fmt"
	"math"
)

// Limits on the image layers' settings.
const (
	MaxFilters = 1024
	// MaxWindow bounds kernel_size, pool_size and strides in each
	// direction.
	MaxWindow = 15
)

// needsImage is the Error for an image layer given a non-image input.
func needsImage(in []int) *Error {
	return fieldError("", fmt.Sprintf("needs a (height, width, channels) input, got %s; add Reshape first", Shape(in)))
}

// pair checks a [height, width] setting, the field name: two values, each
// 1…MaxWindow. what names the two values for the message.
func pair(name, what string, v []int) (h, w int, e *Error) {
	if len(v) != 2 {
		return 0, 0, fieldError(name, fmt.Sprintf("%s must be 2 numbers, %s, got %v", name, what, v))
	}
	if v[0] < 1 || v[0] > MaxWindow || v[1] < 1 || v[1] > MaxWindow {
		return 0, 0, fieldError(name, fmt.Sprintf("%s must be between 1 and %d in each direction, got %v", name, MaxWindow, v))
	}
	return v[0], v[1], nil
}

// window checks the sliding-window settings shared by Conv2D and the
// pools: the window (kernel_size or pool_size), the strides (empty means
// defaultStride in both directions) and the padding.
func (l Layer) window(name string, size []int, defaultStride int) (kh, kw, sh, sw int, same bool, e *Error) {
	if kh, kw, e = pair(name, "[height, width]", size); e != nil {
		return
	}
	sh, sw = defaultStride, defaultStride
	if defaultStride == 0 { // the pools: the window itself
		sh, sw = kh, kw
	}
	if len(l.Strides) > 0 {
		if sh, sw, e = pair(FieldStrides, "[down, across]", l.Strides); e != nil {
			return
		}
	}
	switch l.Padding {
	case "", PaddingValid:
	case PaddingSame:
		same = true
	default:
		e = fieldError(FieldPadding, fmt.Sprintf("unknown padding %q; use valid or same", l.Padding))
	}
	return
}

// OutputSize is the length of a sliding window's output along one axis:
// a window of k inputs stepping by s over n inputs gives ⌊(n − k)/s⌋ + 1
// outputs with padding valid (0 when k > n), and ⌈n/s⌉ with padding same,
// which pads max((out − 1)·s + k − n, 0) zeros, the odd one after
// (TensorFlow's rule).
func OutputSize(n, k, s int, same bool) int {
	if same {
		return (n + s - 1) / s
	}
	if k > n {
		return 0
	}
	return (n-k)/s + 1
}

// SamePadding is what padding same adds along that axis: before and after
// zeros, max((out − 1)·s + k − n, 0) in all, the odd one after
// (TensorFlow's rule), for the exporters that spell the padding out.
func SamePadding(n, k, s int) (before, after int) {
	const same = true
	total := max((OutputSize(n, k, s, same)-1)*s+k-n, 0)
	return total / 2, total - total/2
}

// inferConv2D: (H, W, C) → (H', W', filters) with kh·kw·C·filters weights
// and, with use_bias, filters more.
func (l Layer) inferConv2D(in []int) ([]int, int, *Error) {
	if len(in) != 3 {
		return nil, 0, needsImage(in)
	}
	if l.Filters < 1 || l.Filters > MaxFilters {
		return nil, 0, fieldError(FieldFilters, fmt.Sprintf("filters must be between 1 and %d, got %d", MaxFilters, l.Filters))
	}
	kh, kw, sh, sw, same, e := l.window(FieldKernelSize, l.KernelSize, 1)
	if e != nil {
		return nil, 0, e
	}
	if !same && (kh > in[0] || kw > in[1]) {
		return nil, 0, fieldError(FieldKernelSize, fmt.Sprintf("kernel %d×%d is larger than its input %d×%d with padding valid; use a smaller kernel_size or padding same", kh, kw, in[0], in[1]))
	}
	if e := l.checkActivation(); e != nil {
		return nil, 0, e
	}
	perFilter := kh * kw * in[2]
	params := perFilter*l.Filters + l.biasSize(l.Filters)
	if params > MaxParams {
		return nil, 0, fieldError(FieldFilters, fmt.Sprintf("kernel %d×%d × %d channels × %d filters is more than %d weights; use fewer filters", kh, kw, in[2], l.Filters, MaxParams))
	}
	out := []int{OutputSize(in[0], kh, sh, same), OutputSize(in[1], kw, sw, same), l.Filters}
	return out, params, nil
}

// inferPool2D: (H, W, C) → (H', W', C), no weights.
func (l Layer) inferPool2D(in []int) ([]int, int, *Error) {
	if len(in) != 3 {
		return nil, 0, needsImage(in)
	}
	kh, kw, sh, sw, same, e := l.window(FieldPoolSize, l.PoolSize, 0)
	if e != nil {
		return nil, 0, e
	}
	// With padding same a larger window would still give an output, but
	// it would pool mostly padding: Keras users meet this as an error.
	if kh > in[0] || kw > in[1] {
		return nil, 0, fieldError(FieldPoolSize, fmt.Sprintf("pool %d×%d is larger than its input %d×%d; use a smaller pool_size or remove this layer", kh, kw, in[0], in[1]))
	}
	return []int{OutputSize(in[0], kh, sh, same), OutputSize(in[1], kw, sw, same), in[2]}, 0, nil
}

// inferBatchNormalization: the shape is kept; each channel (the last axis)
// has γ, β, a moving mean and a moving variance: 4·C weights, 2·C of them
// not trainable.
func (l Layer) inferBatchNormalization(in []int) ([]int, int, *Error) {
	if !(l.Momentum >= 0 && l.Momentum < 1) {
		return nil, 0, fieldError(FieldMomentum, fmt.Sprintf("momentum must be at least 0 and below 1, got %g", l.Momentum))
	}
	if !(l.Epsilon > 0) {
		return nil, 0, fieldError(FieldEpsilon, fmt.Sprintf("epsilon must be above 0, got %g", l.Epsilon))
	}
	return in, 4 * in[len(in)-1], nil
}

// inferReshape: the target shape, with a -1 worked out, when it holds as
// many values as the input.
func (l Layer) inferReshape(in []int) ([]int, int, *Error) {
	t := l.TargetShape
	if len(t) == 0 {
		return nil, 0, fieldError(FieldTargetShape, "target_shape is missing; give the shape of one output example, such as [28, 28, 1]")
	}
	size := 1
	for _, d := range in {
		size *= d
	}
	known, free := 1, -1
	for i, d := range t {
		switch {
		case d == -1 && free >= 0:
			return nil, 0, fieldError(FieldTargetShape, fmt.Sprintf("target_shape %v may hold only one -1", t))
		case d == -1:
			free = i
		case d < 1:
			return nil, 0, fieldError(FieldTargetShape, fmt.Sprintf("target_shape %v: each size must be at least 1, or -1 for the one size to work out", t))
		case d > math.MaxInt/known: // the product would overflow
			return nil, 0, fieldError(FieldTargetShape, fmt.Sprintf("target_shape %v holds far more values than its input %s, which holds %d", t, Shape(in), size))
		default:
			known *= d
		}
	}
	out := append([]int(nil), t...)
	if free < 0 {
		if known != size {
			return nil, 0, fieldError(FieldTargetShape, fmt.Sprintf("target_shape %v holds %d values but its input %s holds %d", t, known, Shape(in), size))
		}
		return out, 0, nil
	}
	if size%known != 0 {
		return nil, 0, fieldError(FieldTargetShape, fmt.Sprintf("target_shape %v cannot hold the %d values of its input %s: %d is not a multiple of %d", t, size, Shape(in), size, known))
	}
	out[free] = size / known
	return out, 0, nil
}
