package data

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

func TestFormFillsTheRequest(t *testing.T) {
	f := NewForm()
	f.Set("validation", "15")
	f.Set("test", "25")
	f.Set("seed", "7")
	f.Set("scaling", "minmax")
	f.Set("delimiter", "tab")
	f.Set("header", "no")
	f.Set("skip", "2")
	f.Set("target", "y")
	f.Set("task", "regression")
	f.Set("missing", "fill")
	f.SetKind("a", "categorical")
	f.SetKind("y", "numeric") // the target's own kind is not sent
	r := protocol.LoadDataset{Source: protocol.SourceTable}
	if err := f.Fill(&r, spec.KindTable); err != nil {
		t.Fatal(err)
	}
	o := r.TableOptions
	if r.Validation != 0.15 || r.Test != 0.25 || r.Seed != 7 || r.Scaling != spec.ScalingMinMax {
		t.Errorf("split and scaling: %+v", r)
	}
	if o.Delimiter != "\t" || o.Header != "no" || o.SkipLines != 2 || o.Target != "y" || o.Task != spec.TaskRegression || o.Missing != "fill" || o.Kinds["a"] != "categorical" || len(o.Kinds) != 1 {
		t.Errorf("table options: %+v", o)
	}
	// Images: min-max is no scaling (b/255 is in [0, 1] already); size and augmentation.
	f.Set("side", "24")
	f.Set("channels", "1")
	f.Set("fit", "pad")
	f.SetOn("rotation", true)
	f.Set("rotation", "20")
	f.SetOn("flip", true)
	r = protocol.LoadDataset{Source: protocol.SourceZip}
	if err := f.Fill(&r, spec.KindImage); err != nil {
		t.Fatal(err)
	}
	if r.Scaling != spec.ScalingNone || r.Side != 24 || r.Channels != 1 || r.Fit != "pad" || r.Augment.Rotation != 20 || !r.Augment.Flip || r.Augment.Shift != 0 {
		t.Errorf("image request: %+v", r)
	}
}

func TestFormNamesTheBadField(t *testing.T) {
	for _, c := range []struct{ key, value, want string }{
		{"validation", "x", "validation split must be a percentage"},
		{"test", "0", "test split is 0"},
		{"test", "85", "leave under 10 % to train on"},
		{"seed", "1.5", "seed must be a whole number"},
		{"side", "4", "image side must be a whole number from 8 to 128"},
		{"skip", "-1", "lines to skip"},
	} {
		f := NewForm()
		f.Set(c.key, c.value)
		src := protocol.SourceZip
		if c.key == "skip" {
			src = protocol.SourceTable
		}
		r := protocol.LoadDataset{Source: src}
		err := f.Fill(&r, spec.KindImage)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s = %q: %v; want %q", c.key, c.value, err, c.want)
		}
	}
	f := NewForm()
	f.SetOn("rotation", true)
	f.Set("rotation", "500")
	if err := f.Fill(&protocol.LoadDataset{Source: protocol.SourceZip}, spec.KindImage); err == nil || !strings.Contains(err.Error(), "rotation") {
		t.Errorf("rotation 500: %v", err)
	}
}

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func TestReadUploadRecognizesTheFiles(t *testing.T) {
	images := append([]byte{0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2}, 1, 2, 3, 4)
	labels := []byte{0, 0, 8, 1, 0, 0, 0, 1, 5}
	// idx files of any names and order, gzip or raw.
	u, err := ReadUpload([]File{{Path: "lab.bin", Data: labels}, {Path: "fashion-images-idx3-ubyte.gz", Data: gz(images)}})
	if err != nil {
		t.Fatal(err)
	}
	if u.Kind != UploadIDX || u.Request.IDXNames != [2]string{"fashion-images-idx3-ubyte.gz", "lab.bin"} || u.Name != "fashion" {
		t.Errorf("idx: %s %q %v", u.Kind, u.Name, u.Request.IDXNames)
	}
	// A table, previewed.
	u, err = ReadUpload([]File{{Path: "data/penguins.csv", Data: []byte("bill,island,species\n39.1,Biscoe,Adelie\n46.5,Dream,Chinstrap\n")}})
	if err != nil {
		t.Fatal(err)
	}
	if u.Kind != UploadTable || u.Name != "penguins" || u.Rows != 2 || strings.Join(u.ColumnNames(), ",") != "bill,island,species" {
		t.Errorf("table: %s %q %d rows %v", u.Kind, u.Name, u.Rows, u.ColumnNames())
	}
	// A zip, and a folder of class folders.
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	zw.Create("cats/a.png")
	zw.Close()
	if u, err = ReadUpload([]File{{Path: "pets.zip", Data: zb.Bytes()}}); err != nil || u.Kind != UploadZip || u.Name != "pets" {
		t.Errorf("zip: %+v %v", u, err)
	}
	u, err = ReadUpload([]File{{Path: "pets/cats/a.png", Data: []byte{1}}, {Path: "pets/dogs/b.jpg", Data: []byte{2}}})
	if err != nil || u.Kind != UploadFiles || u.Name != "pets" || len(u.Request.Files) != 2 || u.Request.Files[1].Path != "pets/dogs/b.jpg" {
		t.Errorf("folder: %+v %v", u, err)
	}
	for _, c := range []struct {
		files []File
		want  string
	}{
		{nil, "no files"},
		{[]File{{Path: "labels.gz", Data: gz(labels)}}, "choose its image file and its label file together"},
		{[]File{{Path: "a", Data: labels}, {Path: "b", Data: labels}}, "want an idx image file (3 dimensions) and an idx label file (1 dimension)"},
		{[]File{{Path: "notes.doc", Data: []byte("hello")}}, "is not a data set nnplay reads"},
		{[]File{{Path: "bad.csv", Data: []byte("a,b\n1,2\n3\n")}}, "bad.csv: line 3 has 1 fields"},
		{[]File{{Path: "big.csv", Data: make([]byte, MaxUploadBytes+1)}}, "more than the limit"},
	} {
		if u, err := ReadUpload(c.files); err == nil || !strings.Contains(err.Error(), c.want) || (u != nil && u.Ready()) {
			t.Errorf("%d files: %v; want %q", len(c.files), err, c.want)
		}
	}
}

func TestWebcamRequest(t *testing.T) {
	w := NewWebcam()
	frame := protocol.Frame{Width: 1, Height: 1, RGBA: []byte{1, 2, 3, 255}}
	if _, err := w.Request(); err == nil || !strings.Contains(err.Error(), "at least 2 classes") {
		t.Errorf("empty: %v", err)
	}
	w.Add(0, frame)
	w.Add(0, frame)
	w.Add(1, frame)
	if _, err := w.Request(); err == nil || !strings.Contains(err.Error(), `class "class 2" has 1 frame`) {
		t.Errorf("one frame: %v", err)
	}
	w.Add(1, frame)
	w.Rename(1, "class 1")
	if _, err := w.Request(); err == nil || !strings.Contains(err.Error(), "two classes are named") {
		t.Errorf("same names: %v", err)
	}
	w.Rename(1, " right ")
	w.AddClass() // empty classes are left out
	r, err := w.Request()
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Frames) != 4 || r.Frames[3].Class != "right" || r.Frames[0].Class != "class 1" || r.Source != protocol.SourceFrames {
		t.Errorf("request: %d frames, %+v", len(r.Frames), r.Frames[3])
	}
	w.DeleteFrame(1, 0)
	if w.Count(1) != "1 frame" || w.Count(0) != "2 frames" {
		t.Errorf("after a delete: %s, %s", w.Count(0), w.Count(1))
	}
	w.Clear(0)
	w.RemoveClass(2)
	if len(w.Classes) != 2 || w.Count(0) != "0 frames" {
		t.Errorf("after clear and remove: %d classes, %s", len(w.Classes), w.Count(0))
	}
}

func TestSavedRoundTrip(t *testing.T) {
	r := protocol.LoadDataset{ID: 9, Source: protocol.SourceTable, Table: []byte("a,b\n1,x\n"), Seed: 3, TableOptions: &protocol.TableOptions{Target: "b"}}
	b, err := encodeSaved("mine", spec.KindTable, r)
	if err != nil {
		t.Fatal(err)
	}
	rec, back, err := decodeSaved(b)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Name != "mine" || back.Name != "mine" || back.ID != 0 || string(back.Table) != "a,b\n1,x\n" || back.TableOptions.Target != "b" || back.Seed != 3 {
		t.Errorf("round trip: %+v %+v", rec, back)
	}
	if _, _, err := decodeSaved([]byte("{")); err == nil {
		t.Error("damaged record read")
	}
	if msg := QuotaText("photos", 3<<20, "QuotaExceededError: full"); !strings.Contains(msg, "storage is full") || !strings.Contains(msg, "nothing kept so far was lost") {
		t.Errorf("quota message: %q", msg)
	}
}
