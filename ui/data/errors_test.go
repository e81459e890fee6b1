package data

import (
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// foreign sends errors that answer none of the place's requests: a
// training error (no id) and another place's refused request.
func foreign(s *session.Session, ask int) {
	s.Handle(protocol.Error{Message: "the loss is NaN at epoch 1, batch 3: training paused"})
	s.Handle(protocol.Error{Message: "trace: index 10000 is past the test set", Request: "trace", ID: ask + 1000})
}

// TestDataTakesOnlyItsOwnErrors: a data set's load and the augmentation
// preview wait through errors not their own and take their answers; their
// own refusals show in the place.
func TestDataTakesOnlyItsOwnErrors(t *testing.T) {
	p, s, sent := mnistPlace()

	p.Builtin(spec.DatasetPenguins)
	req := (*sent)[len(*sent)-1].(protocol.LoadDataset)
	foreign(s, req.ID)
	if p.Loading != "penguins" || p.Err != "" {
		t.Errorf("after errors not its own: loading %q, error %q; want the load still waiting", p.Loading, p.Err)
	}
	s.Handle(protocol.DatasetReady{ID: req.ID, Dataset: spec.DatasetCustom, Train: 10, Test: 2,
		Data: spec.Data{Name: "pets", Kind: spec.KindImage, Task: spec.TaskClassification, Shape: []int{8, 8, 3}, Classes: []string{"cat", "dog"}}})
	if p.Loading != "" || p.Err != "" || s.Dataset == nil {
		t.Fatalf("the load's answer after other errors: loading %q, error %q, data set %v", p.Loading, p.Err, s.Dataset)
	}

	p.Form.ShiftOn, p.Form.Shift = true, "0.1"
	p.AugmentPreview()
	aug, ok := (*sent)[len(*sent)-1].(protocol.AugmentRequest)
	if !ok {
		t.Fatalf("Preview sent %T; want an augment request", (*sent)[len(*sent)-1])
	}
	foreign(s, aug.ID)
	if p.Err != "" {
		t.Errorf("errors not the preview's show in the place: %q", p.Err)
	}
	const why = "augment_preview: the data set in use has no images to vary"
	s.Handle(protocol.Error{Message: why, Request: aug.Type(), ID: aug.ID})
	if p.Err != why {
		t.Errorf("after the preview's refusal the place shows %q; want %q", p.Err, why)
	}

	p.Builtin(spec.DatasetPenguins)
	req = (*sent)[len(*sent)-1].(protocol.LoadDataset)
	const notFound = "load data: penguins.json not found"
	s.Handle(protocol.Error{Message: notFound, Request: req.Type(), ID: req.ID})
	if p.Loading != "" || p.Err != notFound {
		t.Errorf("after its own refusal: loading %q, error %q; want %q", p.Loading, p.Err, notFound)
	}
}
