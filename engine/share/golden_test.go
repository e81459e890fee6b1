package share

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/golden/*.link and *.json from goldenCases (only when adding a case)")

// goldenCases are links as this version of nnplay wrote them. Their files
// in testdata/golden are never regenerated for an existing name: every
// future version must keep opening them to the same payload.
func goldenCases(t *testing.T) map[string]struct {
	p   Payload
	opt Options
} {
	lenet2026 := spec.Model{ // LeNet as the preset was before its cosine schedule
		Input: []int{28, 28, 1},
		Layers: []spec.Layer{
			{Type: spec.TypeConv2D, Filters: 6, KernelSize: []int{5, 5}, Strides: []int{1, 1}, Padding: spec.PaddingSame, Activation: spec.ActReLU},
			spec.MaxPool2D(2),
			spec.Conv2D(16, 5, spec.ActReLU),
			spec.MaxPool2D(2),
			{Type: spec.TypeFlatten},
			spec.Dense(120, spec.ActReLU), spec.Dense(84, spec.ActReLU), spec.Dense(10, spec.ActSoftmax),
		},
		Optimizer: spec.Adam(0.001), Loss: spec.LossSparseCategoricalCrossentropy,
		BatchSize: 64, Epochs: 3, Seed: 1, Dataset: spec.DatasetMNIST,
	}
	toy := toyModel()
	// A model with its data description (spec.Data, issue 14): a table's
	// columns, categories, fills and scaling, and a regression's target scaling.
	penguins := spec.TableMLP(spec.DatasetPenguins, spec.Data{
		Name: "penguins", Kind: spec.KindTable, Task: spec.TaskClassification, Shape: []int{6},
		Classes: []string{"Adelie", "Chinstrap", "Gentoo"}, Target: "Species",
		Columns: []spec.Column{
			{Name: "Island", Kind: spec.ColumnCategorical, Categories: []string{"Biscoe", "Dream", "Torgersen"}, Fill: "Biscoe"},
			{Name: "Beak Length (mm)", Kind: spec.ColumnNumeric, Fill: "43.92192982456141"},
			{Name: "Body Mass (g)", Kind: spec.ColumnNumeric, Fill: "4201.754385964912"},
			{Name: "Flipper Length (mm)", Kind: spec.ColumnNumeric, Fill: "200.91520467836258"},
		},
		Scaling: spec.ScalingStandard,
		Offset:  []float64{0, 0, 0, 43.92192982456141, 4201.754385964912, 200.91520467836258},
		Scale:   []float64{1, 1, 1, 5.4516, 801.9545, 14.0617},
	})
	cars := spec.TableMLP(spec.DatasetCars, spec.Data{
		Name: "cars", Kind: spec.KindTable, Task: spec.TaskRegression, Shape: []int{2}, Target: "Miles_per_Gallon",
		Columns:      []spec.Column{{Name: "Horsepower", Kind: spec.ColumnNumeric}, {Name: "Weight_in_lbs", Kind: spec.ColumnNumeric}},
		Scaling:      spec.ScalingMinMax,
		Offset:       []float64{46, 1613},
		Scale:        []float64{184, 3527},
		TargetOffset: 23.514572864321607, TargetScale: 7.815984312565782,
	})
	cars.Loss = spec.LossHuber
	shapes := spec.ImageCNN(spec.DatasetShapes, spec.Data{
		Name: "shapes", Kind: spec.KindImage, Task: spec.TaskClassification, Shape: []int{32, 32, 3},
		Classes: []string{"circle", "square", "triangle", "star", "cross"},
		Scaling: spec.ScalingStandard, Offset: []float64{0.49, 0.5, 0.51}, Scale: []float64{0.28, 0.29, 0.3},
	})
	return map[string]struct {
		p   Payload
		opt Options
	}{
		"v1-deflate1-seed-recipe":   {Payload{Spec: spec.Seed(), Epochs: 2, Steps: 1876}, Options{Codec: CodecDeflate}},
		"v1-deflate1-lenet-recipe":  {Payload{Spec: lenet2026, Epochs: 1, Steps: 938}, Options{Codec: CodecDeflate}},
		"v1-deflate1-toy-float32":   {Payload{Spec: toy, Epochs: 3, Steps: 30, Weights: randomWeights(t, toy, 3)}, Options{Codec: CodecDeflate}},
		"v1-deflate1-toy-int8-chan": {Payload{Spec: toy, Weights: randomWeights(t, toy, 4)}, Options{Codec: CodecDeflate, Precision: Int8, PerChannel: true}},
		"v1-none-toy-float16":       {Payload{Spec: toy, Weights: randomWeights(t, toy, 5)}, Options{Codec: CodecNone, Precision: Float16}},
		"v1-deflate2-lenet-recipe":  {Payload{Spec: spec.LeNet(), Epochs: 3, Steps: 2814}, Options{Codec: CodecDeflate2}},
		"v1-deflate2-lstm-recipe":   {Payload{Spec: spec.RowByRowRNN()}, Options{Codec: CodecDeflate2}},
		"v1-deflate2-toy-int4-chan": {Payload{Spec: toy, Epochs: 1, Steps: 9, Weights: randomWeights(t, toy, 6)}, Options{Codec: CodecDeflate2, Precision: Int4, PerChannel: true}},
		"v1-deflate2-penguins-data": {Payload{Spec: penguins, Epochs: 40, Steps: 320, Weights: randomWeights(t, penguins, 7)}, Options{Codec: CodecDeflate2, Precision: Float32}},
		"v1-deflate2-cars-data":     {Payload{Spec: cars, Epochs: 40, Steps: 360, Weights: randomWeights(t, cars, 8)}, Options{Codec: CodecDeflate2, Precision: Float16}},
		"v1-deflate2-shapes-recipe": {Payload{Spec: shapes}, Options{Codec: CodecDeflate2}},
	}
}

// TestGoldenLinks: links made by earlier versions still open, to exactly
// the payload they opened to when they were made (spec, progress and
// every weight's bits).
func TestGoldenLinks(t *testing.T) {
	dir := filepath.Join("testdata", "golden")
	for name, c := range goldenCases(t) {
		linkFile, jsonFile := filepath.Join(dir, name+".link"), filepath.Join(dir, name+".json")
		if *updateGolden {
			if _, err := os.Stat(linkFile); err == nil {
				continue // never rewrite a link that exists
			}
			link, err := Encode(c.p, c.opt)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Decode(link)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(linkFile, []byte(link+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(jsonFile, goldenJSON(t, got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		link, err := os.ReadFile(linkFile)
		if err != nil {
			t.Fatalf("%s: %v (add a new case with -update-golden)", name, err)
		}
		want, err := os.ReadFile(jsonFile)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Decode(strings.TrimSpace(string(link)))
		if err != nil {
			t.Errorf("%s no longer opens: %v", name, err)
			continue
		}
		if g := goldenJSON(t, got); !bytes.Equal(g, want) {
			t.Errorf("%s opens to another payload:\n got %s\nwant %s", name, g, want)
		}
	}
}

// goldenJSON is p as indented JSON; weights as float32 bits are exact in
// JSON's shortest decimal form.
func goldenJSON(t *testing.T, p Payload) []byte {
	t.Helper()
	b, err := json.MarshalIndent(p, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return append(b, '\n')
}
