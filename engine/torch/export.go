// Package torch exports an nnplay model as a PyTorch project and imports
// the weights that project trains back.
//
// Export writes a .zip holding model.py (an nn.Module generated from the
// spec, with Keras' semantics made explicit where PyTorch's differ),
// weights.npz (the current weights, NumPy's format, Keras' names and
// layouts), data.py (the data set and its preprocessing), train.py (the
// same optimizer, schedule, clipping, loss, batch size and epochs; one
// process or many through torchrun and DistributedDataParallel) and a
// README.md. ImportWeights reads a weights.npz, or the whole zip, back
// into a share.Payload.
//
// The package works on share.Payload (a spec and its weights, no
// tensors), so the page can export and import without the training engine.
package torch

import (
	"archive/zip"
	"bytes"
	_ "embed"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nnplay/nnplay/engine/npz"
	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// Files in the project, under Folder.
const (
	ModelFile   = "model.py"
	WeightsFile = "weights.npz"
	DataFile    = "data.py"
	TrainFile   = "train.py"
	ReadmeFile  = "README.md"
	// ArraysFile holds Options.Data, for data sets data.py cannot fetch.
	ArraysFile = "data.npz"
)

// DefaultFolder is the folder the zip's files are in when Options.Folder
// is empty.
const DefaultFolder = "nnplay-pytorch"

//go:embed py/layers.py
var layersPy string

//go:embed py/model_tail.py
var modelTailPy string

//go:embed py/train_body.py
var trainBodyPy string

//go:embed py/data_body.py
var dataBodyPy string

// Options says how Export writes the project.
type Options struct {
	// Folder is the folder in the zip that holds the files
	// (DefaultFolder when empty).
	Folder string
	// Modified is every file's modification time in the zip; the zero
	// time writes 1980-01-01, so a payload always gives the same bytes.
	Modified time.Time
	// Data, when set, is written as data.npz (x_train, y_train and
	// optionally x_test, y_test) for a data set data.py cannot read
	// from files of its own, such as the 2-D playground's generated
	// points. MNIST needs none: data.py reads its idx files.
	Data []npz.Array
}

// Export is the PyTorch project of p as the bytes of a .zip. p's weights,
// when it has any, must be in share.ExpectedWeights' order and shapes
// (engine/modelio.ToPayload gives them); a payload without weights (a
// recipe) exports a project whose train.py starts from Keras' initializers.
func Export(p share.Payload, opts Options) ([]byte, error) {
	m := p.Spec.Defaults()
	if err := checkPayload(m, p.Weights); err != nil {
		return nil, err
	}
	g, err := newGenerator(m)
	if err != nil {
		return nil, fmt.Errorf("the model cannot be exported: %w", err)
	}
	folder := opts.Folder
	if folder == "" {
		folder = DefaultFolder
	}
	if strings.ContainsAny(folder, `/\:`) || strings.Trim(folder, ".") == "" {
		return nil, fmt.Errorf("the folder name %q cannot hold the project; use a plain name such as %s", folder, DefaultFolder)
	}
	files := []file{
		{ReadmeFile, []byte(g.readme(len(p.Weights) > 0, len(opts.Data) > 0))},
		{ModelFile, []byte(g.modelPy())},
		{DataFile, []byte(g.dataPy(len(opts.Data) > 0))},
		{TrainFile, []byte(g.trainPy())},
	}
	if len(p.Weights) > 0 {
		w, err := WeightsNPZ(p)
		if err != nil {
			return nil, err
		}
		files = append(files, file{WeightsFile, w})
	}
	if len(opts.Data) > 0 {
		d, err := npz.Encode(opts.Data)
		if err != nil {
			return nil, fmt.Errorf("the data set cannot be written: %w", err)
		}
		files = append(files, file{ArraysFile, d})
	}
	modified := opts.Modified
	if modified.IsZero() {
		modified = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		method := zip.Deflate
		if strings.HasSuffix(f.name, ".npz") {
			method = zip.Store // already a zip; float32 barely deflates
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: folder + "/" + f.name, Method: method, Modified: modified})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(f.body); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// file is one file of the project.
type file struct {
	name string
	body []byte
}

// WeightsNPZ is p's weights as a .npz file: one float32 array per tensor,
// named as share.ExpectedWeights names it ("dense/kernel"), in Keras'
// layout and nnplay's order.
func WeightsNPZ(p share.Payload) ([]byte, error) {
	if err := checkPayload(p.Spec.Defaults(), p.Weights); err != nil {
		return nil, err
	}
	if len(p.Weights) == 0 {
		return nil, fmt.Errorf("the model has no weights to write; build or train it first")
	}
	want, _ := share.ExpectedWeights(p.Spec.Defaults())
	arrays := make([]npz.Array, len(want))
	for i, w := range want {
		arrays[i] = npz.Array{Name: w.Name, Shape: w.Shape, Data: p.Weights[i].Values}
	}
	return npz.Encode(arrays)
}

// checkPayload checks that weights (when any) are the model's: count,
// shapes, names when set, finite values.
func checkPayload(m spec.Model, weights []share.Tensor) error {
	want, err := share.ExpectedWeights(m)
	if err != nil {
		return fmt.Errorf("the model cannot be exported: %w", err)
	}
	if len(weights) == 0 {
		return nil
	}
	if len(weights) != len(want) {
		return fmt.Errorf("the model has %d weight tensors but %d were given", len(want), len(weights))
	}
	for i, t := range weights {
		w := want[i]
		if t.Name != "" && t.Name != w.Name {
			return fmt.Errorf("weight tensor %d is named %q but the model's is %q", i+1, t.Name, w.Name)
		}
		if !slices.Equal(t.Shape, w.Shape) || len(t.Values) != size(w.Shape) {
			return fmt.Errorf("weight tensor %d (%s) has shape %v and %d values; the model's is %v", i+1, w.Name, t.Shape, len(t.Values), w.Shape)
		}
		if j := nonFinite(t.Values); j >= 0 {
			return fmt.Errorf("weight tensor %d (%s) holds %v at index %d; a model with NaN or infinite weights cannot be exported", i+1, w.Name, t.Values[j], j)
		}
	}
	return nil
}

// nonFinite is the index of the first NaN or infinite value, or -1.
func nonFinite(v []float32) int {
	for j, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return j
		}
	}
	return -1
}

func size(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// py formats values as Python literals.
func pyFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

func pyStr(s string) string { return strconv.Quote(s) }

// pyTuple is (a, b, …), (a,) for one value.
func pyTuple(v []int) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = strconv.Itoa(x)
	}
	if len(v) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}
