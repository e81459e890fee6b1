// Package keep is the Share & keep place: model links (#m=…) and model
// files, the autosave that brings the model back on reload, "My models"
// (models saved in this browser), TensorFlow.js export and import, and
// the files for other frameworks: a PyTorch project, ONNX, and Import
// weights from what the PyTorch project trains.
//
// The place exists from the page's start, shown or not: a link the page
// was opened with, the autosave and the saved models load at once. The
// page decodes links with engine/share (no training code); the worker
// encodes, checks and rebuilds models (export_model, load_model,
// export_tfjs, import_tfjs) and writes and reads the PyTorch and ONNX
// files too (frameworks.go): the page downloads them and sends the
// weights chosen to import.
package keep

import (
	"github.com/nnplay/nnplay/ui/route"

	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Place is the Share & keep place: the Share panel's state and My models.
type Place struct {
	S       *session.Session
	Share   *Share
	Library *Library
	// Frameworks is the PyTorch project, ONNX and Import weights.
	Frameworks *Frameworks

	b browser
}

// New makes the place, subscribes it to the worker's events and reads My
// models from the browser. Start opens the page's link or the autosave.
func New(s *session.Session) *Place { return newPlace(s, pageBrowser()) }

func newPlace(s *session.Session, b browser) *Place {
	p := &Place{S: s, b: b}
	p.Share = &Share{p: p, Precision: "float16", savedBatch: -1, asked: map[int]int{}, loading: map[int]string{}}
	p.Library = &Library{p: p, saving: map[int]saveAsk{}}
	p.Frameworks = &Frameworks{p: p}
	s.SubscribePlace(route.Keep, p.handle)
	b.readModels(func(list []SavedModel) {
		s.Env.Lock()
		p.Library.setSaved(list)
		s.Env.UnlockRender()
	})
	return p
}

// Start is called once as the page starts, with the model link the page
// was opened with ("#m=…", "" for none): it opens the link, or else
// restores the model autosaved on the last visit. A page opened on a
// place that does not load MNIST (the 2-D playground) restores it when
// MNIST comes.
func (p *Place) Start(link string) {
	if link != "" && p.Share.openLink(link) {
		return
	}
	if p.S.DeferData {
		p.Share.restoreLater = true
		return
	}
	p.readAutosave()
}

// ModelNote says where the model on screen came from when it was not
// built from the editor: "Opened a shared model: …", "Opened m.nnplay:
// …", "Restored your model from …" ("" otherwise). The Share panel shows
// it; the Build place, where a link lands, may show it too. Once another
// model is built, it says nothing.
func (p *Place) ModelNote() string {
	if t := p.Share.OpenedText(); t != "" {
		return t
	}
	return p.Share.RestoredText()
}

// readAutosave reads the autosave and restores it.
func (p *Place) readAutosave() {
	p.b.readAutosave(func(m savedModel) {
		p.S.Env.Lock()
		p.Share.restore(m)
		p.S.Env.UnlockRender()
	})
}

// handle follows the worker's events.
func (p *Place) handle(ev protocol.Event) (render bool) {
	p.Share.apply(ev)
	p.Library.apply(ev)
	p.Frameworks.apply(ev)
	switch ev.(type) {
	case protocol.ModelLoaded, protocol.ModelExport, protocol.TFJSExport, protocol.TestPredictions, protocol.Error:
		return true
	}
	return false
}
