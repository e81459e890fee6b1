package modelio

import (
	"bytes"
	"testing"

	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// FuzzDecodeFile: DecodeFile never panics, and a file it accepts holds a
// payload that writes back to a file it accepts again.
func FuzzDecodeFile(f *testing.F) {
	toy := spec.Seed()
	toy.Dataset, toy.Input, toy.Layers = spec.DatasetSpiral, []int{2}, []spec.Layer{spec.Dense(4, spec.ActReLU), spec.Dense(3, spec.ActSoftmax)}
	want, err := share.ExpectedWeights(toy)
	if err != nil {
		f.Fatal(err)
	}
	p := share.Payload{Spec: toy, Epochs: 1, Steps: 9}
	for i, w := range want {
		t := share.Tensor{Name: w.Name, Shape: w.Shape}
		n := 1
		for _, d := range w.Shape {
			n *= d
		}
		for j := range n {
			t.Values = append(t.Values, float32(i+j)/10)
		}
		p.Weights = append(p.Weights, t)
	}
	for _, opt := range []share.Options{{}, {Precision: share.Int4, PerChannel: true}} {
		var buf bytes.Buffer
		if err := WriteFile(&buf, p, opt); err != nil {
			f.Fatal(err)
		}
		f.Add(buf.Bytes())
	}
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Add([]byte(`{"modelTopology": {}}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		p, err := DecodeFile(raw)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteFile(&buf, p, share.Options{}); err != nil {
			t.Fatalf("an accepted file's payload does not write back: %v", err)
		}
		if _, err := DecodeFile(buf.Bytes()); err != nil {
			t.Fatalf("a rewritten file is refused: %v", err)
		}
	})
}
