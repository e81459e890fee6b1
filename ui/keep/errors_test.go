package keep

import (
	"reflect"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Tests that each request of Share & keep takes only its own error (the
// one with its id, or a fatal one) as its answer: another error that
// comes while it waits — a training error, another place's refused
// request — shows in the banner and the request keeps waiting.

// foreign are errors that answer no request of the place's: a training
// error (no id) and another place's refused trace.
func foreign(s interface{ Handle(protocol.Event) bool }, ask int) {
	s.Handle(protocol.Error{Message: "the loss is NaN at epoch 1, batch 3: training paused"})
	s.Handle(protocol.Error{Message: "trace: index 10000 is past the test set", Request: "trace", ID: ask + 1000})
}

// TestMyModelsSaveTakesOnlyItsOwnError: Save as and the TF.js export
// wait through other errors and take their answers; their own errors end
// them, the banner saying why.
func TestMyModelsSaveTakesOnlyItsOwnError(t *testing.T) {
	p, b, sent := readyPlace(t)
	l := p.Library
	l.SaveName = "kept"
	l.SaveAs()
	ask := last(t, sent).(protocol.ExportModel)
	foreign(p.S, ask.ID)
	if l.SaveBlocked() != "Saving…" || l.Note != "Saving “kept”…" {
		t.Errorf("after errors not its own, Save is blocked by %q, note %q; want it still saving", l.SaveBlocked(), l.Note)
	}
	p.S.Handle(protocol.ModelExport{ID: ask.ID, Format: protocol.FormatFile, Precision: "float32", File: []byte("nnplay model\n…")})
	if len(l.Saved) != 1 || l.Saved[0].Name != "kept" || l.Note != "Saved “kept”." {
		t.Fatalf("the export's answer after other errors: %d saved, note %q; want “kept” saved", len(l.Saved), l.Note)
	}

	l.SaveAs()
	ask = last(t, sent).(protocol.ExportModel)
	const why = "export_model: the model cannot be evaluated"
	p.S.Handle(protocol.Error{Message: why, Request: ask.Type(), ID: ask.ID})
	if l.SaveBlocked() != "" || l.Note != "" || p.S.ErrorText() != why || len(l.Saved) != 1 {
		t.Errorf("after its own error: blocked %q, note %q, banner %q, %d saved; want the save over and the banner saying why",
			l.SaveBlocked(), l.Note, p.S.ErrorText(), len(l.Saved))
	}

	l.ExportTFJS()
	tfjs := last(t, sent).(protocol.ExportTFJS)
	foreign(p.S, tfjs.ID)
	if l.Note != "Exporting for TensorFlow.js…" {
		t.Errorf("after errors not its own, the TF.js export's note is %q", l.Note)
	}
	p.S.Handle(protocol.TFJSExport{ID: tfjs.ID, ModelJSON: []byte("{}"), WeightsName: "group1-shard1of1.bin", Weights: []byte{1}})
	if !reflect.DeepEqual(b.downloads, []string{"group1-shard1of1.bin", "model.json"}) {
		t.Errorf("the TF.js export's answer after other errors downloaded %v", b.downloads)
	}
	l.ExportTFJS()
	tfjs = last(t, sent).(protocol.ExportTFJS)
	p.S.Handle(protocol.Error{Message: "export_tfjs: no equivalent", Request: tfjs.Type(), ID: tfjs.ID})
	if l.tfjsID != 0 || l.Note != "" {
		t.Errorf("after its own error the TF.js export still waits (note %q)", l.Note)
	}

	// A saved model's load takes its own answer the same way (the Share
	// panel's load path).
	l.Load(l.Saved[0].Key)
	load := last(t, sent).(protocol.LoadModel)
	foreign(p.S, load.ID)
	if !p.S.ModelLoading {
		t.Errorf("an error not the load's ended the load of a saved model")
	}
	p.S.Handle(protocol.ModelLoaded{ID: load.ID, Spec: spec.Seed(), Weights: true, Precision: "float32"})
	if !strings.HasPrefix(p.Share.Opened, "Loaded “kept” from My models: ") || p.S.ModelLoading {
		t.Errorf("the load's answer after other errors: the Share panel says %q (loading %v)", p.Share.Opened, p.S.ModelLoading)
	}
}

// TestFrameworksTakeOnlyTheirOwnErrors: the PyTorch export and Import
// weights wait through other errors and take their answers.
func TestFrameworksTakeOnlyTheirOwnErrors(t *testing.T) {
	pl, b, sent := readyPlace(t)
	f := pl.Frameworks
	f.ExportTorch()
	ask := asked(t, sent, protocol.FormatPyTorch)
	foreign(pl.S, ask.ID)
	if !f.Busy() || f.Note == "" {
		t.Errorf("after errors not its own the export is over: busy %v, note %q", f.Busy(), f.Note)
	}
	pl.S.Handle(protocol.ModelExport{ID: ask.ID, Format: protocol.FormatPyTorch, Precision: "float32", File: []byte("PK")})
	if !reflect.DeepEqual(b.downloads, []string{TorchFileName}) || f.Busy() {
		t.Errorf("the export's answer after other errors: downloads %v, busy %v", b.downloads, f.Busy())
	}

	f.ImportWeights("weights.npz", []byte("PK\x03\x04 weights"))
	load := last(t, sent).(protocol.LoadModel)
	foreign(pl.S, load.ID)
	if !f.Busy() || f.Note != "Loading the weights in weights.npz…" || !pl.S.ModelLoading {
		t.Errorf("after errors not its own the import is over: busy %v, note %q, loading %v", f.Busy(), f.Note, pl.S.ModelLoading)
	}
	pl.S.Handle(protocol.ModelLoaded{ID: load.ID, Spec: spec.Seed(), Weights: true, Precision: "float32"})
	if want := "Imported the weights in weights.npz. Check on 100 test images above to compare the predictions."; f.Note != want || f.Busy() {
		t.Errorf("the import's answer after other errors: note %q, busy %v; want %q", f.Note, f.Busy(), want)
	}
}

// TestShareLinkTakesOnlyItsOwnError: Make link waits through other errors
// and shows its link; its own error ends the wait.
func TestShareLinkTakesOnlyItsOwnError(t *testing.T) {
	p, _, sent := readyPlace(t)
	s := p.Share
	s.MakeLink()
	ask := last(t, sent).(protocol.ExportModel)
	foreign(p.S, ask.ID)
	if !s.Pending {
		t.Errorf("an error not the link's ended the wait for the link")
	}
	p.S.Handle(protocol.ModelExport{ID: ask.ID, Format: protocol.FormatLink, Precision: ask.Precision, Link: "AAAA"})
	if s.Pending || s.Export.Link != "AAAA" {
		t.Errorf("the link's answer after other errors: pending %v, link %q", s.Pending, s.Export.Link)
	}
	s.MakeLink()
	ask = last(t, sent).(protocol.ExportModel)
	p.S.Handle(protocol.Error{Message: "export_model: no link", Request: ask.Type(), ID: ask.ID})
	if s.Pending || p.S.ErrorText() != "export_model: no link" {
		t.Errorf("after its own error: pending %v, banner %q", s.Pending, p.S.ErrorText())
	}
}
