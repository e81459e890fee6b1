// Package data is the Data place: the data set the model learns from —
// where it comes from (MNIST, the built-in Shapes and tables, the user's
// files, the webcam), what is in it (columns, class balance, samples), how
// it is split and preprocessed — the first step of the pipeline nnplay
// teaches (collect and preprocess, then design, train, fine-tune and
// evaluate). The data set loaded here drives every other place: the
// session makes the model follow it.
package data

import (
	"github.com/nnplay/nnplay/ui/route"

	"fmt"
	"strings"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/engine/units"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Place is the Data place.
type Place struct {
	S    *session.Session
	Form *Form
	// Upload is what the user brought and has not loaded yet (nil: none).
	Upload *Upload
	// Err is the last problem with a data set the user chose: shown in
	// the place; the data set and model in use stay as they were.
	Err string
	// Loading names the data set on its way to the worker ("" when none);
	// Progress says how far decoding got.
	Loading  string
	Progress string
	// Reading says picked files are being read into the page.
	Reading bool
	// Cam is the webcam's recording.
	Cam *Webcam
	// Preview is the last augmentation preview.
	Preview *protocol.AugmentPreview
	// Saved is "My data": the data sets kept in the browser.
	Saved []SavedSet
	// Note says what happened to My data ("Saved penguins (12 KB).").
	Note string

	loadID, previewID int
	last              *protocol.LoadDataset // the request of the data set in use
	// samplesVersion bumps when the samples or preview change, so the
	// canvases know to redraw.
	samplesVersion int
}

// New makes the Data place.
func New(s *session.Session) *Place {
	p := &Place{S: s, Form: NewForm(), Cam: NewWebcam()}
	s.SubscribePlace(route.Data, p.handle)
	p.attach()
	return p
}

// handle follows the worker's answers to what this place asked.
func (p *Place) handle(ev protocol.Event) bool {
	switch e := ev.(type) {
	case protocol.DatasetReady:
		if e.ID == p.loadID && p.Loading != "" {
			p.Loading, p.Progress, p.Err = "", "", ""
			p.Upload = nil
			p.Preview = nil
		}
		p.samplesVersion++
		return true
	case protocol.DataProgress:
		if p.Loading != "" && e.Stage == protocol.StageDecode && e.Total > 0 {
			p.Progress = fmt.Sprintf("decoding images: %d of %d", e.Loaded, e.Total)
			return true
		}
	case protocol.Error:
		// Only a request's own error (or a fatal one) is its answer; the
		// banner shows the others and the load keeps waiting.
		if _, ours := session.ErrorFor(ev, p.loadID); ours && p.Loading != "" {
			p.Loading, p.Progress = "", ""
			p.Err = e.Message
			return true
		}
		if _, ours := session.ErrorFor(ev, p.previewID); ours {
			p.previewID = 0
			p.Err = e.Message // the augmentation the preview was for is refused
			return true
		}
	case protocol.AugmentPreview:
		if e.ID == p.previewID {
			pr := e
			p.Preview = &pr
			p.samplesVersion++
			return true
		}
	}
	return false
}

// Ready is the active data set's description (nil: MNIST).
func (p *Place) Ready() *protocol.DatasetReady { return p.S.Dataset }

// Summary describes the active data set in one line, or says it is still
// loading.
func (p *Place) Summary() string {
	d := p.S.Dataset
	if d == nil {
		if p.S.Worker != session.WorkerReady {
			return "MNIST is loading…"
		}
		return "MNIST: " + units.Thousands(p.S.DataTrain) + " training and " + units.Thousands(p.S.DataTest) +
			" test images of handwritten digits, 28×28 pixels, grey, in 10 classes (0–9)."
	}
	what := ""
	switch d.Data.Kind {
	case spec.KindImage:
		c := "RGB"
		if d.Data.Shape[2] == 1 {
			c = "grey"
		}
		what = fmt.Sprintf("images of %d×%d pixels, %s", d.Data.Shape[0], d.Data.Shape[1], c)
	default:
		what = fmt.Sprintf("table rows of %d input columns (%d features)", len(d.Data.Columns), d.Data.Features())
	}
	task := fmt.Sprintf("in %d classes (%s)", len(d.Data.Classes), strings.Join(d.Data.Classes, ", "))
	if d.Data.Task == spec.TaskRegression {
		task = "predicting " + d.Data.Target + " (regression)"
	}
	return fmt.Sprintf("%s: %s training, %s validation and %s test examples; %s, %s.", d.Data.Name,
		units.Thousands(d.Train), units.Thousands(d.Validation), units.Thousands(d.Test), what, task)
}

// ScalingWhy says why preprocessing is fitted on the training split only.
const ScalingWhy = "The scaling constants (means, standard deviations, minima and maxima) are measured on the training split only: the validation and test examples stand for data the model has never seen, and letting their values into the preprocessing would leak information about them into training, making the test score look better than it will be on new data. The same constants travel with the model, so a shared model scales raw inputs exactly as in training."

// Bar is one class's bar in the class balance.
type Bar struct {
	Name     string
	Count    int
	Max      int
	Share    string // "34.1%"
	Examples int    // samples shown
}

// Balance is the class balance of the active data set.
func (p *Place) Balance() []Bar {
	d := p.S.Dataset
	if d == nil || len(d.ClassCounts) == 0 {
		return nil
	}
	total, most := 0, 0
	for _, n := range d.ClassCounts {
		total += n
		most = max(most, n)
	}
	bars := make([]Bar, len(d.ClassCounts))
	for i, n := range d.ClassCounts {
		bars[i] = Bar{Name: d.Data.Classes[i], Count: n, Max: most, Share: fmt.Sprintf("%.1f%%", 100*float64(n)/float64(max(total, 1)))}
	}
	return bars
}

// ColumnRow is one line of the column summary.
type ColumnRow struct {
	Name, Type, Missing, Range, Mean, Values, Use string
}

// Columns summarizes the active table's columns and what each is used as.
func (p *Place) Columns() []ColumnRow {
	d := p.S.Dataset
	if d == nil {
		return nil
	}
	use := map[string]string{d.Data.Target: "target"}
	for _, c := range d.Data.Columns {
		use[c.Name] = c.Kind
		if c.Kind == spec.ColumnCategorical {
			use[c.Name] = fmt.Sprintf("categorical (%d one-hot)", len(c.Categories))
		}
	}
	rows := make([]ColumnRow, len(d.Columns))
	for i, c := range d.Columns {
		r := ColumnRow{Name: c.Name, Type: c.Type, Missing: units.Thousands(c.Missing), Use: use[c.Name]}
		if r.Use == "" {
			r.Use = "ignored"
		}
		if c.Type == "numeric" {
			r.Range = num(c.Min) + " – " + num(c.Max)
			r.Mean = num(c.Mean)
		}
		var top []string
		for _, v := range c.Top[:min(3, len(c.Top))] {
			top = append(top, fmt.Sprintf("%s (%d)", v.Value, v.N))
		}
		r.Values = fmt.Sprintf("%d distinct", c.Distinct)
		if len(top) > 0 && c.Type != "numeric" {
			r.Values += ": " + strings.Join(top, ", ")
		}
		rows[i] = r
	}
	return rows
}

// ReportText says what reading the table did: rows kept, dropped, filled.
func (p *Place) ReportText() string {
	d := p.S.Dataset
	if d == nil || d.Report == nil {
		return ""
	}
	r := d.Report
	s := fmt.Sprintf("%s rows read, %s kept", units.Thousands(r.Rows), units.Thousands(r.Kept))
	if r.DroppedTarget > 0 {
		s += fmt.Sprintf("; %d dropped for a missing target", r.DroppedTarget)
	}
	if r.DroppedMissing > 0 {
		s += fmt.Sprintf("; %d dropped for missing inputs", r.DroppedMissing)
	}
	var filled []string
	for col, n := range r.Filled {
		filled = append(filled, fmt.Sprintf("%s %d", col, n))
	}
	if len(filled) > 0 {
		s += "; missing values filled: " + strings.Join(sortStrings(filled), ", ")
	}
	if len(r.Ignored) > 0 {
		s += "; ignored: " + strings.Join(r.Ignored, ", ")
	}
	return s + "."
}

// SkippedText says which files were left out of an image upload.
func (p *Place) SkippedText() string {
	d := p.S.Dataset
	if d == nil {
		return ""
	}
	var parts []string
	if d.SkippedCount > 0 {
		parts = append(parts, fmt.Sprintf("%s left out (%s)", plural(d.SkippedCount, "file that is not an image was", "files that are not images were"), listed(d.Skipped, d.SkippedCount)))
	}
	if d.UndecodableCount > 0 {
		parts = append(parts, fmt.Sprintf("%s left out (%s)", plural(d.UndecodableCount, "image that could not be decoded was", "images that could not be decoded were"), listed(d.Undecodable, d.UndecodableCount)))
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, "; ") + "."
}

// ScalingText says how the active data set is scaled.
func (p *Place) ScalingText() string {
	d := p.S.Dataset
	if d == nil {
		return "MNIST's pixels are scaled to [0, 1] (b/255)."
	}
	switch {
	case d.Data.Kind == spec.KindImage && d.Data.Scaling == spec.ScalingNone:
		return "Pixels are scaled to [0, 1] (b/255)."
	case d.Data.Kind == spec.KindImage:
		return fmt.Sprintf("Pixels are scaled to [0, 1], then standardized per channel with the training split's means %s and standard deviations %s.", nums(d.Data.Offset), nums(d.Data.Scale))
	case d.Data.Scaling == spec.ScalingStandard:
		return "Numeric features are standardized ((x − mean) / standard deviation) with the training split's means and standard deviations; one-hot features stay 0 or 1."
	case d.Data.Scaling == spec.ScalingMinMax:
		return "Numeric features are scaled to [0, 1] ((x − min) / (max − min)) with the training split's minima and maxima; one-hot features stay 0 or 1."
	}
	return "Features are used as they are, unscaled."
}

// Busy says a data set is on its way to the worker.
func (p *Place) Busy() bool { return p.Loading != "" }

// LoadBlocked says why a data set cannot be loaded now, or "".
func (p *Place) LoadBlocked() string {
	switch {
	case p.S.Worker == session.WorkerStarting:
		return "The training worker is starting."
	case p.S.Worker == session.WorkerDead:
		return "The training worker stopped; reload the page."
	case p.Loading != "":
		return "Loading " + p.Loading + "…"
	case p.S.Running():
		return "Training is running: pause or let it finish before changing the data."
	}
	return ""
}

// Builtin loads a built-in data set (mnist: MNIST again).
func (p *Place) Builtin(name string) {
	if p.LoadBlocked() != "" {
		return
	}
	p.Err = ""
	if name == spec.DatasetMNIST {
		p.S.UseMNIST()
		p.last = nil
		return
	}
	r := protocol.LoadDataset{Source: protocol.SourceBuiltin, Name: name}
	kind := spec.KindTable
	if name == spec.DatasetShapes || name == spec.DatasetShapesGrey {
		kind = spec.KindImage
	}
	p.send(r, kind, name)
}

// LoadUpload sends what the user brought, with the form's options.
func (p *Place) LoadUpload() {
	if p.Upload == nil || !p.Upload.Ready() || p.LoadBlocked() != "" {
		return
	}
	kind := spec.KindImage
	if p.Upload.Kind == UploadTable {
		kind = spec.KindTable
	}
	r := p.Upload.Request
	r.Name = p.Upload.Name
	p.send(r, kind, p.Upload.Name)
}

// Reapply loads the data set in use again with the form's split, scaling
// and augmentation.
func (p *Place) Reapply() {
	if p.last == nil || p.LoadBlocked() != "" {
		return
	}
	kind := spec.KindTable
	if p.S.Dataset != nil {
		kind = p.S.Dataset.Data.Kind
	}
	p.send(*p.last, kind, p.S.DataName())
}

// Resend sends a request kept in My data.
func (p *Place) Resend(r protocol.LoadDataset, kind string) {
	if p.LoadBlocked() != "" {
		return
	}
	p.send(r, kind, r.Name)
}

// send fills r from the form and sends it; a bad field is shown instead.
func (p *Place) send(r protocol.LoadDataset, kind, what string) {
	if err := p.Form.Fill(&r, kind); err != nil {
		p.Err = err.Error()
		return
	}
	p.Err = ""
	p.loadID = p.S.NewID()
	r.ID = p.loadID
	p.Loading = cmpOr(what, "the data")
	keep := r
	p.last = &keep
	p.S.Send(r)
}

// Last is the request of the data set in use, when this place loaded it.
func (p *Place) Last() *protocol.LoadDataset { return p.last }

// SetUpload takes the files the user picked or dropped: recognized, they
// wait in the form for Load; else the problem is shown.
func (p *Place) SetUpload(files []File) {
	u, err := ReadUpload(files)
	if u == nil {
		p.Err = err.Error()
		return
	}
	p.Err = ""
	if err != nil {
		p.Err = err.Error() // a table to read with other options
	}
	p.Upload = u
	p.Form.Name = u.Name
	if u.Kind == UploadTable {
		p.Form.Kinds = map[string]string{}
		p.Form.Target = ""
		if n := len(u.Columns); n > 0 {
			p.Form.Target = u.Columns[n-1].Name
		}
	}
}

// TableChanged reads the uploaded table again after a reading option changed.
func (p *Place) TableChanged() {
	if p.Upload == nil {
		return
	}
	if err := p.Upload.Reparse(p.Form); err != nil {
		p.Err = err.Error()
		return
	}
	p.Err = ""
	if !containsName(p.Upload.ColumnNames(), p.Form.Target) && len(p.Upload.Columns) > 0 {
		p.Form.Target = p.Upload.Columns[len(p.Upload.Columns)-1].Name
	}
}

// UploadText describes the upload waiting to be loaded.
func (p *Place) UploadText() string {
	u := p.Upload
	if u == nil {
		return ""
	}
	switch u.Kind {
	case UploadTable:
		if !u.Ready() {
			return fmt.Sprintf("Table %s (%s): set how to read it below.", u.Name, units.Bytes(int64(u.Size)))
		}
		return fmt.Sprintf("Table %s: %s rows, %d columns (%s).", u.Name, units.Thousands(u.Rows), len(u.Columns), units.Bytes(int64(u.Size)))
	case UploadIDX:
		return fmt.Sprintf("idx files %s and %s (%s).", u.Request.IDXNames[0], u.Request.IDXNames[1], units.Bytes(int64(u.Size)))
	case UploadZip:
		return fmt.Sprintf("Zip file %s (%s): one folder per class.", u.Name, units.Bytes(int64(u.Size)))
	}
	return fmt.Sprintf("Folder %s: %d files (%s), one folder per class.", u.Name, len(u.Request.Files), units.Bytes(int64(u.Size)))
}

// AugmentPreview asks the worker to set training's augmentation and show
// varied copies of the first training images.
func (p *Place) AugmentPreview() {
	if p.S.Dataset == nil || p.S.Dataset.Data.Kind != spec.KindImage {
		return
	}
	a, err := p.Form.Augment()
	if err != nil {
		p.Err = err.Error()
		return
	}
	p.Err = ""
	p.previewID = p.S.NewID()
	if p.last != nil {
		p.last.Augment = a
	}
	p.S.Send(protocol.AugmentRequest{ID: p.previewID, Augment: a, Preview: 16, Seed: 1})
}

// plural is "1 file is" or "3 files are".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func listed(names []string, n int) string {
	s := strings.Join(names, ", ")
	if n > len(names) {
		s += ", …"
	}
	return s
}

func num(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.3f", v), "0"), ".")
}

func nums(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = num(x)
	}
	return "(" + strings.Join(s, ", ") + ")"
}

func containsName(names []string, n string) bool {
	for _, x := range names {
		if x == n {
			return true
		}
	}
	return false
}

func sortStrings(s []string) []string {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}

// statusText says what the place is doing: loading, decoding, or which
// data set is in use.
func (p *Place) statusText() string {
	switch {
	case p.Reading:
		return "Reading the files…"
	case p.Loading != "" && p.Progress != "":
		return "Loading " + p.Loading + ": " + p.Progress + "…"
	case p.Loading != "":
		return "Loading " + p.Loading + "…"
	}
	return "In use: " + p.S.DataName() + "."
}

// DrawingsCount is how many pad drawings there are to make a data set of.
func (p *Place) DrawingsCount() int {
	if p.S.Drawings == nil {
		return 0
	}
	return len(p.S.Drawings())
}

// UseDrawings makes the pad's labelled drawings the data set: 28×28 grey
// images, one class per digit drawn.
func (p *Place) UseDrawings() {
	if p.S.Drawings == nil || p.LoadBlocked() != "" {
		return
	}
	frames := p.S.Drawings()
	if len(frames) == 0 {
		p.Err = "There are no drawings yet: label drawings on the Build & train place's pad (Teach it your handwriting) first."
		return
	}
	r := protocol.LoadDataset{Source: protocol.SourceFrames, Name: "my drawings", Frames: frames}
	if err := p.Form.Fill(&r, spec.KindImage); err != nil {
		p.Err = err.Error()
		return
	}
	r.Side, r.Channels = 28, 1
	p.Err = ""
	p.loadID = p.S.NewID()
	r.ID = p.loadID
	p.Loading = r.Name
	keep := r
	p.last = &keep
	p.S.Send(r)
}
