package torch

import (
	"slices"
	"testing"

	"github.com/nnplay/nnplay/engine/npz"
	"github.com/nnplay/nnplay/engine/spec"
)

// FuzzImportWeights: whatever the bytes, ImportWeights returns weights of
// the model's names and shapes or an error, and never changes the payload
// it was given.
func FuzzImportWeights(f *testing.F) {
	s := spec.Seed()
	s.Input = []int{3}
	s.Layers = []spec.Layer{spec.Dense(4, spec.ActReLU), spec.BatchNormalization(), spec.Dense(2, spec.ActSoftmax)}
	p := payloadOf(f, s)
	w, err := WeightsNPZ(p)
	if err != nil {
		f.Fatal(err)
	}
	project, err := Export(p, Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(w)
	f.Add(project)
	f.Add(w[:len(w)/2])
	if b, err := npz.Encode(arraysOf(p)[:3]); err == nil {
		f.Add(b)
	}
	before := clonePayload(p)
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := ImportWeights(p, data)
		for i, w := range p.Weights {
			if !slices.Equal(w.Values, before.Weights[i].Values) || !slices.Equal(w.Shape, before.Weights[i].Shape) {
				t.Fatalf("the payload's %s changed", w.Name)
			}
		}
		if err != nil {
			return
		}
		for i, w := range got.Weights {
			if w.Name != before.Weights[i].Name || !slices.Equal(w.Shape, before.Weights[i].Shape) || len(w.Values) != len(before.Weights[i].Values) {
				t.Fatalf("imported %s %v with %d values", w.Name, w.Shape, len(w.Values))
			}
		}
	})
}
