package tfjs

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// FuzzImport: Import never panics on any model.json and weight file, and
// what it accepts exports again.
func FuzzImport(f *testing.F) {
	// Small models keep each run fast: every image layer, and a toy MLP
	// with every activation layer.
	toy := everyFlatLayer()
	toy.Dataset, toy.Input = spec.DatasetSpiral, []int{2}
	for _, s := range []spec.Model{everyImageLayer(), toy} {
		j, bin, err := Export(synthetic(f, s))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(j, bin)
		f.Add(withoutMetadata(f, j), bin[:len(bin)/2])
	}
	for _, name := range []string{"keras2-cnn.json", "keras3-mlp.json"} {
		j, err := os.ReadFile(filepath.Join("testdata", "keras", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(j, []byte{})
	}
	f.Fuzz(func(t *testing.T, modelJSON, bin []byte) {
		files := map[string][]byte{WeightsFile: bin, "group1-shard1of2.bin": bin, "group1-shard2of2.bin": nil}
		p, err := Import(modelJSON, files)
		if err != nil {
			return
		}
		if _, _, err := Export(p); err != nil {
			t.Fatalf("Import accepted a model that Export refuses: %v", err)
		}
	})
}

// synthetic is s with made-up weights (no training: fuzzing instruments
// the engine, which makes training slow).
func synthetic(t testing.TB, s spec.Model) share.Payload {
	t.Helper()
	want, err := share.ExpectedWeights(s)
	if err != nil {
		t.Fatal(err)
	}
	p := share.Payload{Spec: s}
	for i, w := range want {
		v := make([]float32, size(w.Shape))
		for j := range v {
			v[j] = float32((i+j)%7)/7 + 0.1
		}
		p.Weights = append(p.Weights, share.Tensor{Name: w.Name, Shape: w.Shape, Values: v})
	}
	return p
}
