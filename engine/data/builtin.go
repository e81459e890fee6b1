package data

import (
	"fmt"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/data/augment"
	"github.com/nnplay/nnplay/engine/data/shapes"
	"github.com/nnplay/nnplay/engine/data/split"
	"github.com/nnplay/nnplay/engine/data/table"
	"github.com/nnplay/nnplay/engine/spec"
)

// ShapesOptions say how to draw and split a Shapes set.
type ShapesOptions struct {
	N       int // images; 0 means 3000
	Seed    int64
	Split   split.Fractions
	Scaling string // spec.ScalingNone or spec.ScalingStandard
}

// Shapes draws a Shapes set (engine/data/shapes): spec.DatasetShapes is
// 32×32 RGB, spec.DatasetShapesGrey 28×28 grey. One seed draws the images
// and splits them.
func Shapes(dataset string, o ShapesOptions) (*Parts, error) {
	opt := shapes.RGB32
	switch dataset {
	case spec.DatasetShapes:
	case spec.DatasetShapesGrey:
		opt = shapes.Grey28
	default:
		return nil, fmt.Errorf("unknown Shapes variant %q; use %s or %s", dataset, spec.DatasetShapes, spec.DatasetShapesGrey)
	}
	opt.N, opt.Seed = o.N, o.Seed
	pixels, labels, err := shapes.Generate(opt)
	if err != nil {
		return nil, err
	}
	return NewImages(pixels, labels, shapes.Classes, [3]int{opt.Side, opt.Side, opt.Channels},
		ImageOptions{Name: dataset, Split: o.Split, Seed: o.Seed, Scaling: o.Scaling})
}

// TableConfig is how the app prepares its built-in tables: penguins'
// species from every other column (missing values filled), cars' miles per
// gallon from every column but the name (rows with missing values
// dropped), both standardized.
func TableConfig(dataset string, seed int64, f split.Fractions) (table.Config, error) {
	switch dataset {
	case spec.DatasetPenguins:
		return table.Config{Name: dataset, Target: "Species", Missing: table.MissingFill, Scaling: spec.ScalingStandard, Split: f, Seed: seed}, nil
	case spec.DatasetCars:
		return table.Config{Name: dataset, Target: "Miles_per_Gallon", Kinds: map[string]string{"Name": table.UseIgnored},
			Missing: table.MissingDrop, Scaling: spec.ScalingStandard, Split: f, Seed: seed}, nil
	}
	return table.Config{}, fmt.Errorf("unknown built-in table %q; use %s or %s", dataset, spec.DatasetPenguins, spec.DatasetCars)
}

// TableFiles are the built-in tables' files under static/data/tables/.
var TableFiles = map[string]string{spec.DatasetPenguins: "penguins.json", spec.DatasetCars: "cars.json"}

// BuiltinTable reads a built-in table from its file's bytes and prepares
// it as TableConfig says.
func BuiltinTable(dataset string, b []byte, seed int64, f split.Fractions) (*Parts, error) {
	cfg, err := TableConfig(dataset, seed, f)
	if err != nil {
		return nil, err
	}
	raw, err := table.Parse(b, table.Options{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", TableFiles[dataset], err)
	}
	p, err := table.Prepare(raw, cfg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", TableFiles[dataset], err)
	}
	return NewTable(p), nil
}

// AugmentedBatch is Batch with each image varied as cfg says (see
// engine/data/augment), drawing from rng: the pixels are read as b/255,
// varied, rounded back to bytes as a real image would be, and then mapped
// as Batch maps them (Levels). The set must hold images as Pixels.
func (s *Set) AugmentedBatch(idx []int, cfg augment.Config, rng *rand.Rand) (x, y *tensor.Dense, err error) {
	if len(s.Image) != 3 || s.Pixels == nil {
		return nil, nil, fmt.Errorf("%s: augmentation needs images held as bytes", s.Name)
	}
	if err := cfg.Check(); err != nil {
		return nil, nil, err
	}
	size := s.Size()
	raw := make([]float32, len(idx)*size)
	ys := make([]float32, len(idx))
	for b, i := range idx {
		scalePixels(raw[b*size:(b+1)*size], s.Pixels[i*size:(i+1)*size])
		ys[b] = s.target(i)
	}
	varied := make([]float32, len(raw))
	augment.Apply(varied, raw, len(idx), s.Image[0], s.Image[1], s.Image[2], cfg, rng)
	bytes := make([]byte, size)
	for b := range idx {
		for k, v := range varied[b*size : (b+1)*size] {
			bytes[k] = byte(max(0, min(255, v*255+0.5)))
		}
		s.levels(raw[b*size:(b+1)*size], bytes)
	}
	x, y = s.tensors(raw, ys, len(idx))
	return x, y, nil
}
