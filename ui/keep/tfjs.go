package keep

import (
	"fmt"
	"path"
	"strings"

	"github.com/nnplay/nnplay/engine/units"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// TensorFlow.js files: the worker converts (engine/tfjs); the page
// downloads model.json and its weights file, and reads the files a person
// picks to import (tfjs_dom.go).

// maxTFJSBytes bounds what an import reads: model.json and the weights of
// the largest model nnplay trains, with room to spare.
const maxTFJSBytes = 256 << 20

// ExportTFJS asks the worker for the model as TF.js Layers files; the
// answer downloads model.json and the .bin it names.
func (l *Library) ExportTFJS() {
	if l.SaveBlocked() != "" || l.tfjsID != 0 {
		return
	}
	l.tfjsID = l.p.S.NewID()
	l.Note = "Exporting for TensorFlow.js…"
	l.p.S.Send(protocol.ExportTFJS{ID: l.tfjsID})
}

// pickTFJS checks the files a person chose to import (their names and
// total size) and says which is model.json; -1, with the banner saying
// why, when they cannot be a TF.js model.
func (l *Library) pickTFJS(names []string, total int64) int {
	if total > maxTFJSBytes {
		l.p.S.AddError(fmt.Sprintf("The chosen files hold %s; a TensorFlow.js model nnplay can train is far smaller. Nothing was changed.", units.Bytes(total)))
		return -1
	}
	at := modelJSONIndex(names)
	if at < 0 {
		l.p.S.AddError("Choose the model's model.json together with its .bin weight files (" + strings.Join(names, ", ") + " has no .json file). Nothing was changed.")
	}
	return at
}

// importTFJS sends the chosen files, read, to the worker: model.json (at
// index modelAt) and its weight files by name. The worker's answer is
// the Share panel's, as for a model file.
func (l *Library) importTFJS(names []string, contents [][]byte, modelAt int) {
	r := protocol.ImportTFJS{ModelJSON: contents[modelAt], Files: map[string][]byte{}}
	for i, n := range names {
		if i != modelAt {
			r.Files[n] = contents[i]
		}
	}
	if len(r.ModelJSON) == 0 {
		l.p.S.AddError(names[modelAt] + " is empty; it is not a TensorFlow.js model. Nothing was changed.")
		return
	}
	l.Note = ""
	l.p.Share.load("Opened the TensorFlow.js model "+names[modelAt], func(id int) protocol.Request {
		r.ID = id
		return r
	})
}

// modelJSONIndex picks model.json among the chosen files: the one of that
// name, else the first .json file; -1 when there is none.
func modelJSONIndex(names []string) int {
	found := -1
	for i, n := range names {
		if strings.EqualFold(n, "model.json") {
			return i
		}
		if strings.EqualFold(path.Ext(n), ".json") && found < 0 {
			found = i
		}
	}
	return found
}
