package trainer

import (
	"archive/zip"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/gif"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/nnplay/nnplay/engine/data/augment"
	"github.com/nnplay/nnplay/engine/data/resize"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// dataHarness is a running trainer that fetches from static/ and decodes
// images with Go's PNG, JPEG and GIF decoders (the browser's stand-in).
func dataHarness(t *testing.T) *harness {
	h := newHarness(t, fileFetch(staticDir(t)))
	h.tr.env.DecodeImage = goDecode
	return h.run()
}

// goDecode decodes an image to straight-alpha RGBA, as a canvas's
// getImageData gives it.
func goDecode(b []byte) (rgba []byte, w, h int, err error) {
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, 0, 0, err
	}
	bounds := img.Bounds()
	w, h = bounds.Dx(), bounds.Dy()
	out := image.NewNRGBA(image.Rect(0, 0, w, h))
	draw.Draw(out, out.Bounds(), img, bounds.Min, draw.Src)
	return out.Pix, w, h, nil
}

func (h *harness) loadDataset(r protocol.LoadDataset) protocol.DatasetReady {
	h.t.Helper()
	h.send(r)
	return h.await("dataset_ready", isType("dataset_ready")).(protocol.DatasetReady)
}

// trainToEnd builds m, trains all its epochs and returns the last event
// of type last.
func (h *harness) trainToEnd(m spec.Model) {
	h.t.Helper()
	h.send(protocol.Build{Spec: m})
	h.await("idle", isState(protocol.StateIdle))
	h.send(protocol.Start{})
	h.await("done", isState(protocol.StateDone))
}

func TestPenguinsInTheWorker(t *testing.T) {
	h := dataHarness(t)
	ready := h.loadDataset(protocol.LoadDataset{ID: 1, Source: protocol.SourceBuiltin, Name: spec.DatasetPenguins, Seed: 1})
	if ready.Dataset != spec.DatasetPenguins || ready.Train+ready.Validation+ready.Test != 344 || len(ready.Columns) != 7 || ready.Report == nil || ready.Report.Filled["Sex"] != 10 {
		t.Fatalf("dataset_ready %+v", ready)
	}
	if n := ready.ClassCounts[0] + ready.ClassCounts[1] + ready.ClassCounts[2]; n != 344 || ready.ClassCounts[0] != 152 {
		t.Errorf("class counts %v", ready.ClassCounts)
	}
	m := spec.TableMLP(spec.DatasetPenguins, ready.Data)
	h.trainToEnd(m)
	// epoch_end's val_* are measured on the validation split, the
	// evaluation sent with it (id 0) on the test split.
	var end protocol.EpochEnd
	for _, e := range h.seen {
		switch e := e.(type) {
		case protocol.EpochEnd:
			end = e
			if e.Accuracy == 0 {
				t.Errorf("epoch %d reports a training accuracy of 0", e.Epoch)
			}
		case protocol.Evaluation:
			if e.ID == 0 && end.Epoch == m.Epochs && (e.Loss == end.ValLoss || end.ValLoss == 0) {
				t.Errorf("epoch %d: val_loss %v is the test loss %v", end.Epoch, end.ValLoss, e.Loss)
			}
		}
	}
	h.send(protocol.Evaluate{ID: 5})
	ev := h.await("evaluation", func(e protocol.Event) bool { v, ok := e.(protocol.Evaluation); return ok && v.ID == 5 }).(protocol.Evaluation)
	t.Logf("penguins in the worker: test accuracy %.2f%% (%d test rows)", 100*ev.Accuracy, ready.Test)
	if ev.Accuracy < 0.95 || len(ev.Confusion) != 3 || len(ev.Misclassified) != 0 && ev.Shape != nil {
		t.Errorf("evaluation %+v", ev)
	}
	// A raw row, as the Try it form sends it.
	h.send(protocol.PredictData{ID: 6, Row: []string{"Torgersen", "39.1", "18.7", "181", "3750", "MALE"}})
	p := h.await("data_prediction", isType("data_prediction")).(protocol.DataPrediction)
	if ready.Data.Classes[p.Class] != "Adelie" || len(p.Probs) != 3 {
		t.Errorf("prediction %+v", p)
	}

	// Its link, opened by a fresh worker that has no data loaded, predicts
	// the same for the same raw row: the link carries the columns,
	// categories, fill values and scaling constants.
	// The Share panel's link: measured on the data set's test split (it
	// stopped the worker when it measured MNIST's images instead).
	h.send(protocol.ExportModel{ID: 8, Format: "link", Precision: "float32", Evaluate: true})
	export := h.await("model_export", isType("model_export")).(protocol.ModelExport)
	link := export.Link
	if !export.Evaluated || export.Accuracy != ev.Accuracy || export.DecodedAccuracy != ev.Accuracy {
		t.Errorf("the link's accuracies %v and %v (evaluated %v); want the test accuracy %v", export.Accuracy, export.DecodedAccuracy, export.Evaluated, ev.Accuracy)
	}
	fresh := dataHarness(t)
	fresh.send(protocol.LoadModel{ID: 1, Link: link})
	fresh.await("idle", isState(protocol.StateIdle))
	for _, row := range [][]string{
		{"Torgersen", "39.1", "18.7", "181", "3750", "MALE"},
		{"Dream", "", "", "", "", ""},
		{"Biscoe", "46.1", "13.2", "211", "4500", "FEMALE"},
	} {
		h.send(protocol.PredictData{ID: 9, Row: row})
		fresh.send(protocol.PredictData{ID: 9, Row: row})
		a := h.await("data_prediction", isType("data_prediction")).(protocol.DataPrediction)
		b := fresh.await("data_prediction", isType("data_prediction")).(protocol.DataPrediction)
		if fmt.Sprint(a.Probs) != fmt.Sprint(b.Probs) {
			t.Errorf("row %q: the trained worker says %v, the link's model %v", row, a.Probs, b.Probs)
		}
	}
	t.Logf("penguins link: %d characters", len(link))

	// Bad input: a ragged table names its line; the data set and model stay.
	h.send(protocol.LoadDataset{ID: 2, Source: protocol.SourceTable, Table: []byte("a,b,c\n1,2,x\n3,4\n")})
	h.await("the ragged-row error", isError("line 3 has 2 fields but the header (line 1) has 3"))
	for _, bad := range []struct {
		r    protocol.LoadDataset
		want string
	}{
		{protocol.LoadDataset{Source: protocol.SourceTable, Table: []byte("a,b\n1,x\n2,x\n3,x\n")}, `the target column "b" has only one value, "x"`},
		{protocol.LoadDataset{Source: protocol.SourceTable, Table: []byte("a,b\n1,x\n2,x\n3,y\n4,x\n")}, `class "y" has 1 example(s)`},
		{protocol.LoadDataset{Source: protocol.SourceTable, Table: []byte("a,b\ncaf\xe9,1\n")}, "line 2 is not UTF-8 text"},
		{protocol.LoadDataset{Source: protocol.SourceZip, Zip: []byte("not a zip")}, "not a readable zip file"},
		{protocol.LoadDataset{Source: protocol.SourceBuiltin, Name: spec.DatasetCars, Validation: 0.3}, "split into 274 to train on and 0 to test on; each needs at least 1"},
	} {
		h.send(bad.r)
		h.await(bad.want, isError(bad.want))
	}
	h.send(protocol.Evaluate{ID: 7})
	again := h.await("evaluation", func(e protocol.Event) bool { v, ok := e.(protocol.Evaluation); return ok && v.ID == 7 }).(protocol.Evaluation)
	if again.Accuracy != ev.Accuracy || again.Loss != ev.Loss {
		t.Errorf("after bad input the evaluation changed: %v/%v, was %v/%v", again.Accuracy, again.Loss, ev.Accuracy, ev.Loss)
	}
}

func TestCarsRegressionInTheWorker(t *testing.T) {
	h := dataHarness(t)
	ready := h.loadDataset(protocol.LoadDataset{ID: 1, Source: protocol.SourceBuiltin, Name: spec.DatasetCars, Seed: 1})
	if ready.Data.Task != spec.TaskRegression || ready.ClassCounts != nil || ready.Report.DroppedTarget != 8 {
		t.Fatalf("dataset_ready %+v", ready)
	}
	m := spec.TableMLP(spec.DatasetCars, ready.Data)
	m.Data = nil // the worker takes the loaded set's description
	h.trainToEnd(m)
	var last protocol.RegressionEvaluation
	epochs := 0
	for _, e := range h.seen {
		switch e := e.(type) {
		case protocol.RegressionEvaluation:
			last = e
		case protocol.EpochEnd:
			epochs++
			if e.ValR2 == 0 {
				t.Errorf("epoch %d has no val_r2", e.Epoch)
			}
		}
	}
	t.Logf("cars in the worker: %d epochs, test R² %.3f, MAE %.2f mpg, RMSE %.2f, %d pairs, residual bins %v", epochs, last.R2, last.MAE, last.RMSE, len(last.Pairs), last.ResidualBins)
	if epochs != m.Epochs || last.R2 < 0.8 || len(last.Pairs) != ready.Test {
		t.Errorf("after %d epochs: %+v", epochs, last)
	}
	sum := 0
	for _, n := range last.ResidualBins {
		sum += n
	}
	if sum != ready.Test {
		t.Errorf("the residual histogram counts %d of %d", sum, ready.Test)
	}
	h.send(protocol.PredictData{ID: 3, Row: []string{"8", "307", "130", "3504", "12", "1970-01-01", "USA"}})
	p := h.await("data_prediction", isType("data_prediction")).(protocol.DataPrediction)
	if p.Value < 10 || p.Value > 25 {
		t.Errorf("a 1970 chevrolet chevelle (18 mpg) predicted at %v mpg", p.Value)
	}
}

// stripeImages encodes n images per class of 32×32 stripes, horizontal
// or vertical, at a random period, phase and pair of colours, with noise,
// as PNG (even images) and JPEG (odd), by class.
func stripeImages(t *testing.T, n int) map[string][][]byte {
	rng := rand.New(rand.NewPCG(7, 7))
	out := map[string][][]byte{}
	for i := range 2 * n {
		class := []string{"horizontal", "vertical"}[i%2]
		period := 4 + rng.IntN(6)
		phase := rng.IntN(period)
		a := color.NRGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
		b := color.NRGBA{255 - a.R, 255 - a.G, 255 - a.B, 255}
		img := image.NewNRGBA(image.Rect(0, 0, 32, 32))
		for y := range 32 {
			for x := range 32 {
				along := y
				if class == "vertical" {
					along = x
				}
				c := a
				if (along+phase)%period < period/2 {
					c = b
				}
				n := uint8(rng.IntN(30))
				c.R, c.G, c.B = max(c.R, n)-n/2, max(c.G, n)-n/2, max(c.B, n)-n/2
				img.Set(x, y, c)
			}
		}
		var buf bytes.Buffer
		var err error
		if i/2%2 == 0 {
			err = png.Encode(&buf, img)
		} else {
			err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90})
		}
		if err != nil {
			t.Fatal(err)
		}
		out[class] = append(out[class], buf.Bytes())
	}
	return out
}

// TestImageFolderInTheWorker: a zip of class folders (300 images of
// horizontal or vertical stripes, PNG and JPEG), and the same as a folder upload, with a
// file that is not an image and one that does not decode; both train the
// ImageCNN preset to 95 %.
func TestImageFolderInTheWorker(t *testing.T) {
	byClass := stripeImages(t, 150)
	var z bytes.Buffer
	w := zip.NewWriter(&z)
	var files []protocol.ImageFile
	add := func(path string, b []byte) {
		f, _ := w.Create(path)
		f.Write(b)
		files = append(files, protocol.ImageFile{Path: path, Data: b})
	}
	for class, imgs := range byClass {
		for i, b := range imgs {
			ext := ".png"
			if i%2 == 1 {
				ext = ".jpg"
			}
			add(fmt.Sprintf("stripes/%s/%03d%s", class, i, ext), b)
		}
	}
	add("stripes/notes.txt", []byte("hello"))
	add("stripes/vertical/broken.png", []byte("\x89PNG not really"))
	w.Close()
	h := dataHarness(t)
	for _, r := range []protocol.LoadDataset{
		{ID: 1, Source: protocol.SourceZip, Zip: z.Bytes(), Name: "zip", Seed: 1, Scaling: spec.ScalingStandard},
		{ID: 2, Source: protocol.SourceFiles, Files: files, Name: "folder", Seed: 1, Scaling: spec.ScalingStandard},
	} {
		ready := h.loadDataset(r)
		if ready.UndecodableCount != 1 || ready.Undecodable[0] != "stripes/vertical/broken.png" || ready.SkippedCount != 1 ||
			fmt.Sprint(ready.Data.Classes) != "[horizontal vertical]" || fmt.Sprint(ready.Data.Shape) != "[32 32 3]" || len(ready.Samples) != 2*protocol.SamplesPerClass {
			t.Fatalf("%s: dataset_ready %+v", r.Name, ready)
		}
		m := spec.ImageCNN(spec.DatasetCustom, ready.Data)
		m.Epochs = 4
		h.trainToEnd(m)
		h.send(protocol.Evaluate{ID: 10 + r.ID})
		ev := h.await("evaluation", func(e protocol.Event) bool { v, ok := e.(protocol.Evaluation); return ok && v.ID == 10+r.ID }).(protocol.Evaluation)
		t.Logf("%s of %d images: test accuracy %.2f%% (%d test images)", r.Name, ready.Train+ready.Validation+ready.Test, 100*ev.Accuracy, ready.Test)
		if ev.Accuracy < 0.95 {
			t.Errorf("%s: test accuracy %.2f%%, want at least 95%%", r.Name, 100*ev.Accuracy)
		}
		for _, m := range ev.Misclassified {
			if len(m.Pixels) != 32*32*3 {
				t.Fatalf("misclassified image of %d bytes", len(m.Pixels))
			}
		}
		// Try it: a PNG of another size, decoded by the page into RGBA.
		img := image.NewNRGBA(image.Rect(0, 0, 64, 48))
		h.send(protocol.PredictData{ID: 20, RGBA: img.Pix, Width: 64, Height: 48})
		p := h.await("data_prediction", isType("data_prediction")).(protocol.DataPrediction)
		if len(p.Probs) != 2 || len(p.Pixels) != 32*32*3 {
			t.Errorf("prediction %+v", p)
		}
	}
	// A zip inside the zip is refused; the set stays.
	var nested bytes.Buffer
	nw := zip.NewWriter(&nested)
	f, _ := nw.Create("a/inner.zip")
	f.Write(z.Bytes())
	nw.Close()
	h.send(protocol.LoadDataset{Source: protocol.SourceZip, Zip: nested.Bytes()})
	h.await("nested zip error", isError("nested archives are refused"))
}

// TestWebcamFramesAndAugment: frames of two classes (a bright and a dark
// scene, with noise) train; augment previews its variations.
func TestWebcamFramesAndAugment(t *testing.T) {
	var frames []protocol.Frame
	for i := range 40 {
		class, level := "left", byte(200)
		if i%2 == 1 {
			class, level = "right", 60
		}
		rgba := make([]byte, 4*40*30)
		for p := range 40 * 30 {
			v := level + byte((p*7+i*13)%40)
			copy(rgba[4*p:], []byte{v, v / 2, 255 - v, 255})
		}
		frames = append(frames, protocol.Frame{Class: class, Width: 40, Height: 30, RGBA: rgba})
	}
	h := dataHarness(t)
	ready := h.loadDataset(protocol.LoadDataset{ID: 1, Source: protocol.SourceFrames, Frames: frames, Side: 16, Channels: 3, Fit: spec.FitPad, Seed: 2,
		Augment: augment.Config{Shift: 0.1, Flip: true}})
	if fmt.Sprint(ready.Data.Classes) != "[left right]" || ready.Data.Fit != spec.FitPad || !ready.Augment.Flip {
		t.Fatalf("dataset_ready %+v", ready)
	}
	m := spec.ImageMLP(spec.DatasetCustom, ready.Data)
	m.Epochs = 3
	h.trainToEnd(m)
	h.send(protocol.Evaluate{ID: 4})
	ev := h.await("evaluation", isType("evaluation")).(protocol.Evaluation)
	if ev.Accuracy < 0.99 {
		t.Errorf("bright against dark frames: test accuracy %v", ev.Accuracy)
	}
	// Frames the page fitted itself (resize.Fit), as pixels: the same set.
	var fitted []protocol.Frame
	for _, f := range frames {
		px, err := resize.Fit(f.RGBA, f.Width, f.Height, 16, 3, resize.Pad)
		if err != nil {
			t.Fatal(err)
		}
		fitted = append(fitted, protocol.Frame{Class: f.Class, Pixels: px})
	}
	again := h.loadDataset(protocol.LoadDataset{ID: 2, Source: protocol.SourceFrames, Frames: fitted, Side: 16, Channels: 3, Fit: spec.FitPad, Seed: 2,
		Augment: augment.Config{Shift: 0.1, Flip: true}})
	if !reflect.DeepEqual(again.Data, ready.Data) || !bytes.Equal(again.Samples[3].Pixels, ready.Samples[3].Pixels) {
		t.Errorf("frames fitted by the page differ from frames fitted by the worker")
	}
	fitted[5].Pixels = fitted[5].Pixels[:10]
	h.send(protocol.LoadDataset{ID: 3, Source: protocol.SourceFrames, Frames: fitted, Side: 16})
	h.await("a short frame", isError("frame 6 (right) has 10 pixel values; 16×16×3 images need 768"))
	h.send(protocol.AugmentRequest{ID: 5, Augment: augment.Config{Rotation: 20, Brightness: 0.2}, Preview: 4, Seed: 1})
	a := h.await("augment_preview", isType("augment_preview")).(protocol.AugmentPreview)
	h.send(protocol.AugmentRequest{ID: 6, Augment: augment.Config{Rotation: 20, Brightness: 0.2}, Preview: 4, Seed: 1})
	b := h.await("augment_preview", isType("augment_preview")).(protocol.AugmentPreview)
	if len(a.Images) != 4 || fmt.Sprint(a.Shape) != "[16 16 3]" || !bytes.Equal(a.Images[2], b.Images[2]) || bytes.Equal(a.Images[2], a.Originals[2]) {
		t.Errorf("preview: %d images of %v, deterministic %v, varied %v", len(a.Images), a.Shape, bytes.Equal(a.Images[2], b.Images[2]), !bytes.Equal(a.Images[2], a.Originals[2]))
	}
}

// TestIDXUnderOtherNames: MNIST's test files, renamed and one of them
// uncompressed, load as a custom set of 10 named classes and train.
func TestIDXUnderOtherNames(t *testing.T) {
	dir := filepath.Join(staticDir(t), "data", "mnist")
	images, err := os.ReadFile(filepath.Join(dir, "t10k-images-idx3-ubyte.gz"))
	if err != nil {
		t.Fatalf("%v (run make data)", err)
	}
	labels, err := os.ReadFile(filepath.Join(dir, "t10k-labels-idx1-ubyte"))
	if err != nil {
		t.Fatalf("%v (run make data)", err)
	}
	names := []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}
	h := dataHarness(t)
	ready := h.loadDataset(protocol.LoadDataset{ID: 1, Source: protocol.SourceIDX, IDXImages: images, IDXLabels: labels, IDXNames: [2]string{"digits.bin.gz", "digit-labels.dat"}, ClassNames: names, Seed: 1})
	if fmt.Sprint(ready.Data.Shape) != "[28 28 1]" || ready.Data.Classes[9] != "nine" || ready.Train+ready.Validation+ready.Test != 10000 {
		t.Fatalf("dataset_ready %+v", ready)
	}
	m := spec.Seed()
	m.Input, m.Dataset, m.Data, m.Epochs = []int{784}, spec.DatasetCustom, &ready.Data, 2
	h.trainToEnd(m)
	h.send(protocol.Evaluate{ID: 2})
	ev := h.await("evaluation", isType("evaluation")).(protocol.Evaluation)
	t.Logf("MNIST's 10,000 test digits as uploaded idx files: %d training, test accuracy %.2f%%", ready.Train, 100*ev.Accuracy)
	if ev.Accuracy < 0.90 || fmt.Sprint(ev.Shape) != "[28 28 1]" {
		t.Errorf("evaluation: accuracy %v, shape %v", ev.Accuracy, ev.Shape)
	}
	// A spec made for another reading of the data is refused.
	other := *m.Data
	other.Classes = append([]string(nil), other.Classes...)
	other.Classes[0] = "nought"
	m.Data = &other
	h.send(protocol.Build{Spec: m})
	h.await("mismatch", isError("made for another reading"))

	// Loading another data set while a model of the old one trains stops
	// it; training again needs a model built for the new one.
	m.Data, m.Epochs = &ready.Data, 50
	h.send(protocol.Build{Spec: m}, protocol.Start{})
	h.await("running", isState(protocol.StateRunning))
	h.send(protocol.LoadDataset{ID: 2, Source: protocol.SourceIDX, IDXImages: images, IDXLabels: labels, Seed: 2})
	h.await("stopped", isState(protocol.StateStopped))
	h.await("dataset_ready", isType("dataset_ready"))
	h.send(protocol.Start{})
	h.await("the old model refused", isError("built for another reading"))
}
