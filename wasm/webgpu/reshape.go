//go:build js && wasm

package webgpu

// reshapePasses runs Flatten and Reshape: the values stay in row-major
// order, so where both layouts store an example alike (no padding in
// either, or the same layout) the output is the input's buffer and
// nothing runs; otherwise reshape.wgsl copies between the layouts, and
// back for the gradient.
type reshapePasses struct{}

var _ opPasses = reshapePasses{}

// aliases says whether op i's output is stored as its input is.
func (b *builder) aliases(i int) bool { return sameStorage(b.in(i), b.out(i)) }

func sameStorage(x, y tensor) bool {
	return (x.rows == y.rows && x.cols == y.cols) || (x.cols%4 == 0 && y.cols%4 == 0)
}

func (reshapePasses) buffers(s *session, i, capacity int) {
	if i > 0 {
		if sameStorage(s.in(i), s.out(i)) {
			s.act[i], s.grad[i] = s.act[i-1], s.grad[i-1]
			return
		}
	}
	s.outputs(i, capacity)
}

// relayout appends the copy of a batch from src's layout to dst's.
func (b *builder) relayout(src, dst tensor) {
	b.each(shaderReshape, "main", dst.rows*dst.ld(), func(n int) []uint32 {
		return []uint32{uint32(n), uint32(src.rows), uint32(src.cols), uint32(src.ld()), uint32(dst.rows), uint32(dst.cols), uint32(dst.ld())}
	}, binding{index: 1, buf: src.buf}, binding{index: 2, buf: dst.buf})
}

func (reshapePasses) forward(b *builder, i int) {
	if i == 0 || !b.aliases(i) {
		b.relayout(b.in(i), b.out(i))
	}
}

func (reshapePasses) backward(b *builder, i int, inputGrad bool) {
	if inputGrad && !b.aliases(i) {
		b.relayout(b.dOut(i), b.dIn(i))
	}
}
