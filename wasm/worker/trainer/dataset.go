package trainer

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"unicode/utf8"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/data/archive"
	"github.com/nnplay/nnplay/engine/data/augment"
	"github.com/nnplay/nnplay/engine/data/resize"
	"github.com/nnplay/nnplay/engine/data/split"
	"github.com/nnplay/nnplay/engine/data/table"
	"github.com/nnplay/nnplay/engine/metrics"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// TablesBase is the URL folder of the built-in tables (make data).
const TablesBase = "/data/tables"

// Defaults of loaded image sets.
const (
	defaultSide     = 32
	defaultChannels = 3
	// maxImages caps the images of an upload or recording.
	maxImages = 20_000
)

// userData is the user's data set, kept beside MNIST: models whose spec
// names it (a described data set) train and test on it.
type userData struct {
	dataset      string // spec.Model.Dataset: shapes, shapes-grey, penguins, cars or custom
	parts        *data.Parts
	testX, testY *tensor.Dense
	valX, valY   *tensor.Dense // nil when there is no validation split
	augment      augment.Config
}

// validation evaluates the model on the user's validation split, for
// epoch_end's val_* (MNIST's are measured on its test set); false when
// the model is not of the user's data or there is no validation split.
func (t *Trainer) validation() (nn.Evaluation, bool) {
	if !t.userActive() || t.user.valX == nil {
		return nn.Evaluation{}, false
	}
	ev, err := t.model.Evaluate(t.inputs(t.user.valX), t.targets(t.user.valY))
	if err != nil || math.IsNaN(ev.Loss) || math.IsInf(ev.Loss, 0) {
		return nn.Evaluation{}, false
	}
	return ev, true
}

// userActive says whether the model trains on the user's data set.
func (t *Trainer) userActive() bool {
	return t.play == nil && t.user != nil && spec.IsDescribed(t.spec.Dataset)
}

// regression says whether the model is a regression (of the user's data).
func (t *Trainer) regression() bool {
	return t.spec.Data != nil && t.spec.Data.Task == spec.TaskRegression
}

// checkUserData says whether the model fits the loaded data set: the same
// name and the very description (shape, classes, scaling constants).
func (t *Trainer) checkUserData(what string) error {
	if t.user == nil || t.user.dataset != t.spec.Dataset {
		return fmt.Errorf("%s: the model is for the data set %q; load it first (load_dataset)", what, t.spec.Dataset)
	}
	if t.spec.Data == nil || !reflect.DeepEqual(*t.spec.Data, t.user.parts.Data) {
		return fmt.Errorf("%s: the model was built for another reading of %q (its shape, classes or scaling differ); build it again for the data set loaded now", what, t.spec.Dataset)
	}
	return nil
}

// loadDataset reads the data set r describes. Only once it is read, split
// and checked does it replace the data set in use; on an error nothing
// changes.
func (t *Trainer) loadDataset(r protocol.LoadDataset) error {
	f := split.Fractions{Validation: r.Validation, Test: r.Test}
	if f == (split.Fractions{}) {
		f = split.Default
	}
	ready := protocol.DatasetReady{ID: r.ID, Dataset: spec.DatasetCustom, Augment: r.Augment}
	var parts *data.Parts
	var err error
	switch r.Source {
	case protocol.SourceBuiltin:
		ready.Dataset = r.Name
		parts, err = t.builtin(r, f, &ready)
	case protocol.SourceIDX:
		parts, err = t.idxSet(r, f)
	case protocol.SourceTable:
		parts, err = t.tableSet(r, f, &ready)
	case protocol.SourceZip, protocol.SourceFiles, protocol.SourceFrames:
		parts, err = t.imageSet(r, f, &ready)
	default:
		err = fmt.Errorf("unknown source %q", r.Source)
	}
	if err != nil {
		return fmt.Errorf("load data: %v", err)
	}
	if parts.Train.Len() == 0 || parts.Test.Len() == 0 {
		return fmt.Errorf("load data: %d examples split into %d to train on and %d to test on; each needs at least 1", parts.Train.Len()+parts.Validation.Len()+parts.Test.Len(), parts.Train.Len(), parts.Test.Len())
	}
	if r.Augment.On() && parts.Data.Kind != spec.KindImage {
		return fmt.Errorf("load data: augmentation varies images; %s is a table", parts.Data.Name)
	}
	u := &userData{dataset: ready.Dataset, parts: parts, augment: r.Augment}
	u.testX, u.testY = parts.Test.Tensors()
	if parts.Validation.Len() > 0 {
		u.valX, u.valY = parts.Validation.Tensors()
	}
	describe(&ready, parts)
	if t.userActive() {
		// The model's data changed under it: its epoch's order indexes the
		// old set. It keeps its weights; training waits for a rebuild.
		t.pos = position{epoch: 1, global: t.pos.global}
		if t.state == protocol.StateRunning || t.state == protocol.StatePaused {
			t.setState(protocol.StateStopped)
		}
	}
	t.user = u
	t.post(ready)
	return nil
}

// describe fills in what every data set reports: its description, split
// sizes, class balance and sample images.
func describe(ready *protocol.DatasetReady, p *data.Parts) {
	ready.Data = p.Data
	ready.Train, ready.Validation, ready.Test = p.Train.Len(), p.Validation.Len(), p.Test.Len()
	if p.Data.Task != spec.TaskClassification {
		return
	}
	ready.ClassCounts = make([]int, len(p.Data.Classes))
	for _, s := range []*data.Set{p.Train, p.Validation, p.Test} {
		for _, l := range s.Labels {
			ready.ClassCounts[l]++
		}
	}
	if p.Data.Kind != spec.KindImage {
		return
	}
	size := p.Train.Size()
	shown := make([]int, len(p.Data.Classes))
	for i, l := range p.Train.Labels {
		if shown[l] < protocol.SamplesPerClass {
			shown[l]++
			ready.Samples = append(ready.Samples, protocol.Sample{Class: l, Pixels: slices.Clone(p.Train.Pixels[i*size : (i+1)*size])})
		}
	}
}

func (t *Trainer) builtin(r protocol.LoadDataset, f split.Fractions, ready *protocol.DatasetReady) (*data.Parts, error) {
	switch r.Name {
	case spec.DatasetShapes, spec.DatasetShapesGrey:
		scaling := r.Scaling
		if scaling == spec.ScalingMinMax {
			return nil, fmt.Errorf("images take standard scaling or none, not %s", scaling)
		}
		return data.Shapes(r.Name, data.ShapesOptions{N: r.Count, Seed: r.Seed, Split: f, Scaling: scaling})
	case spec.DatasetPenguins, spec.DatasetCars:
		file := data.TableFiles[r.Name]
		b, err := t.env.Fetch(TablesBase+"/"+file, func(loaded, total int64) {})
		if errors.Is(err, ErrNotFound) {
			return nil, fmt.Errorf("%s not found at %s — run make data", file, TablesBase)
		}
		if err != nil {
			return nil, fmt.Errorf("loading %s: %v", file, err)
		}
		raw, err := table.Parse(b, table.Options{})
		if err != nil {
			return nil, fmt.Errorf("%s: %v", file, err)
		}
		cfg, _ := data.TableConfig(r.Name, r.Seed, f)
		if r.Scaling != "" {
			cfg.Scaling = r.Scaling
		}
		return t.prepareTable(raw, cfg, ready)
	}
	return nil, fmt.Errorf("unknown built-in data set %q", r.Name)
}

func (t *Trainer) idxSet(r protocol.LoadDataset, f split.Fractions) (*data.Parts, error) {
	names := r.IDXNames
	if names[0] == "" {
		names[0] = "the image file"
	}
	if names[1] == "" {
		names[1] = "the label file"
	}
	pixels, labels, classes, shape, err := data.ReadIDX(bytes.NewReader(r.IDXImages), bytes.NewReader(r.IDXLabels), names[0], names[1], r.ClassNames)
	if err != nil {
		return nil, err
	}
	name := r.Name
	if name == "" {
		name = strings.TrimSuffix(strings.TrimSuffix(names[0], ".gz"), "-images-idx3-ubyte")
	}
	return data.NewImages(pixels, labels, classes, shape, data.ImageOptions{Name: name, Split: f, Seed: r.Seed, Scaling: r.Scaling})
}

func (t *Trainer) tableSet(r protocol.LoadDataset, f split.Fractions, ready *protocol.DatasetReady) (*data.Parts, error) {
	o := r.TableOptions
	if o == nil {
		o = &protocol.TableOptions{}
	}
	opt := table.Options{Format: o.Format, SkipLines: o.SkipLines}
	if o.Delimiter != "" {
		opt.Delimiter, _ = utf8.DecodeRuneInString(o.Delimiter)
	}
	switch o.Header {
	case "yes":
		opt.Header = table.HeaderYes
	case "no":
		opt.Header = table.HeaderNo
	}
	raw, err := table.Parse(r.Table, opt)
	if err != nil {
		return nil, err
	}
	name := r.Name
	if name == "" {
		name = "my table"
	}
	return t.prepareTable(raw, table.Config{
		Name: name, Target: o.Target, Task: o.Task, Kinds: o.Kinds, Missing: o.Missing,
		Scaling: r.Scaling, Split: f, Seed: r.Seed, MaxCategories: o.MaxCategories,
	}, ready)
}

// prepareTable prepares a parsed table and reports its columns.
func (t *Trainer) prepareTable(raw *table.Raw, cfg table.Config, ready *protocol.DatasetReady) (*data.Parts, error) {
	for _, s := range raw.Summarize() {
		c := protocol.ColumnSummary{Name: s.Name, Type: s.Type, Missing: s.Missing, Min: s.Min, Max: s.Max, Mean: s.Mean, Distinct: s.Distinct}
		for _, v := range s.Top {
			c.Top = append(c.Top, protocol.ValueCount{Value: v.Value, N: v.N})
		}
		ready.Columns = append(ready.Columns, c)
	}
	p, err := table.Prepare(raw, cfg)
	if err != nil {
		return nil, err
	}
	rep := p.Report
	ready.Report = &protocol.TableReport{Rows: rep.Rows, Kept: rep.Kept, DroppedTarget: rep.DroppedTarget, DroppedMissing: rep.DroppedMissing, Filled: rep.Filled, Ignored: rep.Ignored}
	if len(ready.Report.Filled) == 0 {
		ready.Report.Filled = nil
	}
	return data.NewTable(p), nil
}

// imageSet reads images (a zip, a folder upload or webcam frames), decodes
// them through the host, fits each into side × side and makes the set.
// Undecodable images are skipped, counted and the first few named.
func (t *Trainer) imageSet(r protocol.LoadDataset, f split.Fractions, ready *protocol.DatasetReady) (*data.Parts, error) {
	side, channels := r.Side, r.Channels
	if side == 0 {
		side = defaultSide
	}
	if channels == 0 {
		channels = defaultChannels
	}
	fit := r.Fit
	if fit == "" {
		fit = resize.Crop
	}
	type item struct {
		name, class string
		rgba        []byte
		w, h        int
		encoded     []byte
		fitted      []byte // already side × side × channels (a frame the page fitted)
	}
	var items []item
	var classes []string
	name := r.Name
	switch r.Source {
	case protocol.SourceZip, protocol.SourceFiles:
		var folder *archive.Folder
		var err error
		if r.Source == protocol.SourceZip {
			folder, err = archive.ReadZip(r.Zip)
		} else {
			files := make([]archive.File, len(r.Files))
			for i, f := range r.Files {
				files[i] = archive.File{Path: f.Path, Data: f.Data}
			}
			folder, err = archive.Group(files)
		}
		if err != nil {
			return nil, err
		}
		ready.SkippedCount = len(folder.Skipped)
		ready.Skipped = folder.Skipped[:min(len(folder.Skipped), protocol.MaxListed)]
		classes = folder.Classes
		for _, file := range folder.Files {
			items = append(items, item{name: file.Path, class: file.Class, encoded: file.Data})
		}
		if name == "" {
			name = "my images"
		}
	case protocol.SourceFrames:
		for i, fr := range r.Frames {
			if fr.Class == "" {
				return nil, fmt.Errorf("frame %d has no class name", i)
			}
			if !slices.Contains(classes, fr.Class) {
				classes = append(classes, fr.Class)
			}
			items = append(items, item{name: fmt.Sprintf("frame %d (%s)", i+1, fr.Class), class: fr.Class, rgba: fr.RGBA, w: fr.Width, h: fr.Height, fitted: fr.Pixels})
		}
		slices.Sort(classes)
		if name == "" {
			name = "webcam"
		}
	}
	if len(items) > maxImages {
		return nil, fmt.Errorf("%d images, more than the limit %d", len(items), maxImages)
	}
	size := side * side * channels
	pixels := make([]byte, 0, len(items)*size)
	var labels []int
	throttle := t.throttle()
	for i, it := range items {
		if throttle() {
			t.post(protocol.DataProgress{Stage: protocol.StageDecode, File: it.name, Loaded: int64(i), Total: int64(len(items))})
		}
		if it.encoded != nil {
			rgba, w, h, err := t.decodeImage(it.encoded)
			if err != nil {
				ready.UndecodableCount++
				if len(ready.Undecodable) < protocol.MaxListed {
					ready.Undecodable = append(ready.Undecodable, it.name)
				}
				continue
			}
			it.rgba, it.w, it.h = rgba, w, h
		}
		fitted := it.fitted
		if fitted == nil {
			var err error
			if fitted, err = resize.Fit(it.rgba, it.w, it.h, side, channels, fit); err != nil {
				return nil, fmt.Errorf("%s: %v", it.name, err)
			}
		} else if len(fitted) != size {
			return nil, fmt.Errorf("%s has %d pixel values; %d×%d×%d images need %d (fit it with the same side and channels)", it.name, len(fitted), side, side, channels, size)
		}
		pixels = append(pixels, fitted...)
		labels = append(labels, slices.Index(classes, it.class))
	}
	t.post(protocol.DataProgress{Stage: protocol.StageDecode, File: "", Loaded: int64(len(items)), Total: int64(len(items))})
	if len(labels) == 0 {
		return nil, fmt.Errorf("none of the %d images could be decoded (e.g. %s)", len(items), strings.Join(ready.Undecodable, ", "))
	}
	if r.Scaling == spec.ScalingMinMax {
		return nil, fmt.Errorf("images take standard scaling or none, not %s", r.Scaling)
	}
	parts, err := data.NewImages(pixels, labels, classes, [3]int{side, side, channels}, data.ImageOptions{Name: name, Split: f, Seed: r.Seed, Scaling: r.Scaling})
	if err != nil {
		if ready.UndecodableCount > 0 {
			err = fmt.Errorf("%v (%d images could not be decoded, e.g. %s)", err, ready.UndecodableCount, ready.Undecodable[0])
		}
		return nil, err
	}
	parts.Data.Fit = fit
	return parts, nil
}

// decodeImage decodes an encoded image to RGBA bytes through the host
// (the browser's createImageBitmap; tests give Go's decoders).
func (t *Trainer) decodeImage(b []byte) (rgba []byte, w, h int, err error) {
	if t.env.DecodeImage == nil {
		return nil, 0, 0, errors.New("this worker cannot decode images")
	}
	return t.env.DecodeImage(b)
}

// augmentRequest sets training's augmentation and previews it.
func (t *Trainer) augmentRequest(r protocol.AugmentRequest) error {
	if t.user == nil || t.user.parts.Data.Kind != spec.KindImage {
		return fmt.Errorf("augment: load an image data set first")
	}
	t.user.augment = r.Augment
	train := t.user.parts.Train
	img := train.Image
	size := train.Size()
	n := min(r.Preview, train.Len())
	out := protocol.AugmentPreview{ID: r.ID, Shape: slices.Clone(img), Originals: [][]byte{}, Images: [][]byte{}}
	raw := make([]float32, n*size)
	for i := range n {
		px := train.Pixels[i*size : (i+1)*size]
		out.Originals = append(out.Originals, slices.Clone(px))
		for k, p := range px {
			raw[i*size+k] = float32(p) / 255
		}
	}
	varied := make([]float32, len(raw))
	augment.Apply(varied, raw, n, img[0], img[1], img[2], r.Augment, augment.Rand(r.Seed, 0, 0))
	for i := range n {
		b := make([]byte, size)
		for k, v := range varied[i*size : (i+1)*size] {
			b[k] = byte(max(0, min(255, v*255+0.5)))
		}
		out.Images = append(out.Images, b)
	}
	t.post(out)
	return nil
}

// predictData answers the model's prediction for one raw example, read
// with the model's own data description (so a model opened from a link
// predicts without the data set).
func (t *Trainer) predictData(r protocol.PredictData) error {
	if t.model == nil {
		return fmt.Errorf("predict: build a model first")
	}
	d := t.spec.Data
	if d == nil {
		return fmt.Errorf("predict: the model is for %s; predict_data takes a model of a described data set", t.spec.Dataset)
	}
	var x []float32
	out := protocol.DataPrediction{ID: r.ID}
	switch {
	case len(r.Row) > 0:
		var err error
		if x, err = table.EncodeRow(*d, r.Row); err != nil {
			return fmt.Errorf("predict: %v", err)
		}
	case d.Kind != spec.KindImage:
		return fmt.Errorf("predict: %s is a table; send a row", d.Name)
	default:
		pixels := r.Pixels
		if len(r.RGBA) > 0 {
			if d.Shape[0] != d.Shape[1] {
				return fmt.Errorf("predict: %s's images are %d×%d; send pixels of that size", d.Name, d.Shape[0], d.Shape[1])
			}
			var err error
			if pixels, err = resize.Fit(r.RGBA, r.Width, r.Height, d.Shape[0], d.Shape[2], d.Fit); err != nil {
				return fmt.Errorf("predict: %v", err)
			}
		}
		if len(pixels) != d.Features() {
			return fmt.Errorf("predict: %d pixel values; %s's images are %v, %d values", len(pixels), d.Name, d.Shape, d.Features())
		}
		levels := d.PixelLevels()
		x = make([]float32, len(pixels))
		for k, p := range pixels {
			x[k] = levels[k%len(levels)][p]
		}
		out.Pixels = pixels
	}
	in := tensor.New(tensor.WithShape(1, len(x)), tensor.WithBacking(x))
	y := slices.Clone(t.model.Predict(t.inputs(in)).Float32s())
	if d.Task == spec.TaskRegression {
		out.Value = table.Target(*d, y[0])
	} else {
		if t.spec.FromLogits {
			softmax(y)
		}
		out.Probs, out.Class = y, argmax(y)
	}
	t.post(out)
	return nil
}

// batch is the training batch idx of set: augmented when the user's image
// set has augmentation on, drawn from (seed, epoch, batch).
func (t *Trainer) batch(set *data.Set, idx []int) (x, y *tensor.Dense) {
	if t.userActive() && t.user.augment.On() && set.Image != nil {
		x, y, err := set.AugmentedBatch(idx, t.user.augment, augment.Rand(t.spec.Seed, t.pos.epoch, t.pos.batch))
		if err == nil {
			return x, y
		}
	}
	return set.Batch(idx)
}

// regressionEvaluation measures a regression model on the test split, in
// the target's units.
func (t *Trainer) regressionEvaluation(id int) (protocol.RegressionEvaluation, error) {
	if err := t.checkUserData("evaluate"); err != nil {
		return protocol.RegressionEvaluation{}, err
	}
	ev, err := t.model.Evaluate(t.inputs(t.user.testX), t.user.testY)
	if err != nil {
		return protocol.RegressionEvaluation{}, fmt.Errorf("evaluate: %v", err)
	}
	if math.IsNaN(ev.Loss) || math.IsInf(ev.Loss, 0) {
		return protocol.RegressionEvaluation{}, fmt.Errorf("evaluate: the test loss is %v; the model has diverged — reset it or lower the learning rate", ev.Loss)
	}
	pred, truth := t.predictTargets(t.user.testX, t.user.parts.Test)
	r, err := metrics.Regress(pred, truth)
	if err != nil {
		return protocol.RegressionEvaluation{}, fmt.Errorf("evaluate: %v", err)
	}
	if math.IsNaN(r.R2) || math.IsInf(r.MSE, 0) {
		return protocol.RegressionEvaluation{}, fmt.Errorf("evaluate: the predictions are not finite; the model has diverged — reset it or lower the learning rate")
	}
	res := protocol.RegressionEvaluation{ID: id, Loss: ev.Loss, MSE: r.MSE, MAE: r.MAE, R2: r.R2, RMSE: r.RMSE(), Pairs: [][2]float64{}}
	var lim float64
	residuals := make([]float64, len(pred))
	for i := range pred {
		residuals[i] = pred[i] - truth[i]
		lim = max(lim, math.Abs(residuals[i]))
		if i < protocol.MaxPairs {
			res.Pairs = append(res.Pairs, [2]float64{pred[i], truth[i]})
		}
	}
	if lim == 0 {
		lim = 1
	}
	res.ResidualLo, res.ResidualHi = -lim, lim
	res.ResidualBins = metrics.Histogram(residuals, -lim, lim, protocol.ResidualBins)
	return res, nil
}

// predictTargets predicts x (set's examples) and returns the predictions
// and set's targets in the target's units.
func (t *Trainer) predictTargets(x *tensor.Dense, set *data.Set) (pred, truth []float64) {
	d := t.user.parts.Data
	out := t.model.Predict(t.inputs(x)).Float32s()
	pred, truth = make([]float64, set.Len()), make([]float64, set.Len())
	for i, v := range set.Targets {
		pred[i], truth[i] = table.Target(d, out[i]), table.Target(d, v)
	}
	return pred, truth
}

// regressionOn measures the model on x (set's examples), in the target's units.
func (t *Trainer) regressionOn(x *tensor.Dense, set *data.Set) (metrics.Regression, error) {
	return metrics.Regress(t.predictTargets(x, set))
}

// endRegressionEpoch reports a regression's epoch: epoch_end with the test
// loss and R², then regression_evaluation with id 0.
func (t *Trainer) endRegressionEpoch() {
	ev, err := t.regressionEvaluation(0)
	if err != nil {
		t.setState(protocol.StatePaused)
		t.post(protocol.Error{Message: fmt.Sprintf("evaluating epoch %d: %v", t.pos.epoch, err)})
		return
	}
	end := protocol.EpochEnd{Epoch: t.pos.epoch, Loss: t.stats.epochLoss.value(), ValLoss: ev.Loss, ValR2: ev.R2}
	if v, ok := t.validation(); ok {
		end.ValLoss = v.Loss
		if r, err := t.regressionOn(t.user.valX, t.user.parts.Validation); err == nil {
			end.ValR2 = r.R2
		}
	}
	t.post(end)
	t.epochsDone++
	t.post(ev)
	t.recordEpoch()
	t.stats.epochLoss, t.stats.epochAcc = mean{}, mean{}
	t.stats.windowStart, t.stats.windowN = t.env.Now(), 0
	if t.pos.epoch >= t.spec.Epochs {
		t.setState(protocol.StateDone)
		t.postProgress()
		return
	}
	t.pos = position{epoch: t.pos.epoch + 1, global: t.pos.global}
	t.postProgress()
}
