package trainer

import (
	"fmt"
	"math"
	"slices"

	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/embed"
	"github.com/nnplay/nnplay/engine/explain"
	"github.com/nnplay/nnplay/engine/modelio"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/runs"
	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// The explain and compare views (issue 17): attributions, nearest training
// examples, flip search, confusion-cell listings, embeddings, and run
// snapshots with a timeline that moves every view to an epoch's weights.

// explainState is what those views keep between requests.
type explainState struct {
	// key says which weights and data the caches were computed for.
	key   weightsKey
	index *explain.Index       // the training set's last-hidden-layer activations
	preds *explain.Predictions // the test set's predictions
	// record is the precision run snapshots are sent at; "" sends none.
	record string
	// live holds the model's own weights while a snapshot is viewed (nil
	// otherwise), for liveModel; viewed counts snapshot views.
	live      [][]float32
	liveModel *nn.Sequential
	viewed    int
}

// weightsKey changes whenever the model's weights or the data may have.
type weightsKey struct {
	model          *nn.Sequential
	global, epochs int
	viewed         int
	train, test    *data.Set
}

func (t *Trainer) weightsKey() weightsKey {
	return weightsKey{model: t.model, global: t.pos.global, epochs: t.epochsDone, viewed: t.ex.viewed, train: t.trainSet(), test: t.testSet()}
}

// doExplain handles the explain views' requests (and the leaderboard's,
// challenge.go); ok is false for others.
func (t *Trainer) doExplain(r protocol.Request) (ok bool, err error) {
	switch r := r.(type) {
	case protocol.ExplainRequest:
		return true, t.explainRequest(r)
	case protocol.NeighboursRequest:
		return true, t.neighbours(r)
	case protocol.FlipRequest:
		return true, t.flip(r)
	case protocol.CellRequest:
		return true, t.cellExamples(r)
	case protocol.EmbeddingRequest:
		return true, t.embedding(r)
	case protocol.RecordRun:
		return true, t.recordRun(r)
	case protocol.ViewSnapshot:
		return true, t.viewSnapshot(r)
	case protocol.LeaderboardRequest:
		return true, t.leaderboard(r)
	}
	return false, nil
}

// subject resolves a Subject to the model's input values and, for a test
// example, its label.
func (t *Trainer) subject(what string, s protocol.Subject) (x []float32, label *int, err error) {
	if t.model == nil {
		return nil, nil, fmt.Errorf("%s: build a model first", what)
	}
	if s.Source == protocol.SourceInput {
		x, err = t.inputValues(what, s.Input)
		return x, nil, err
	}
	test, err := t.loadedTestSet()
	if err != nil {
		return nil, nil, err
	}
	if s.Index >= test.Len() {
		return nil, nil, fmt.Errorf("%s: test example %d does not exist; the test set has %d (0 to %d)", what, s.Index, test.Len(), test.Len()-1)
	}
	l := test.Labels[s.Index]
	return test.AppendExample(nil, s.Index), &l, nil
}

// loadedTestSet is the test set, loading MNIST first when needed.
func (t *Trainer) loadedTestSet() (*data.Set, error) {
	if t.testSet() == nil {
		if err := t.loadData(t.dataBase); err != nil {
			return nil, err
		}
	}
	return t.testSet(), nil
}

// explainRequest answers an attribution map.
func (t *Trainer) explainRequest(r protocol.ExplainRequest) error {
	x, label, err := t.subject("explain", r.Subject)
	if err != nil {
		return err
	}
	first, err := explain.GradientTimesInput(t.model, x, explain.Target{})
	if err != nil {
		return fmt.Errorf("explain: %v", err)
	}
	predicted := argmax(first.Probs)
	class := predicted
	if r.Class != nil {
		class = *r.Class
	}
	scoreName := r.Score
	if scoreName == "" {
		scoreName = protocol.ScoreLogit
		if r.Method == protocol.MethodOcclusion {
			scoreName = protocol.ScoreProbability
		}
	}
	target := explain.Target{Class: class}
	if scoreName == protocol.ScoreProbability {
		target.Score = nn.ScoreProbability
	}
	var a *explain.Attribution
	switch r.Method {
	case protocol.MethodGradientInput:
		a, err = explain.GradientTimesInput(t.model, x, target)
	case protocol.MethodIntegratedGradients:
		a, err = explain.IntegratedGradients(t.model, x, target, explain.IGOptions{Steps: r.Steps})
	case protocol.MethodOcclusion:
		a, err = explain.Occlusion(t.model, x, target, explain.OcclusionOptions{Patch: r.Patch, Stride: r.Stride, Baseline: r.Baseline})
	}
	if err != nil {
		return fmt.Errorf("explain: %v", err)
	}
	out := protocol.Explanation{
		ID: r.ID, Method: r.Method, Score: scoreName, Class: class, Predicted: predicted, Label: label,
		Input: x, Values: make([]float32, len(a.Values)), Output: a.Score, Baseline: a.Baseline, Probs: first.Probs,
	}
	for i, v := range a.Values {
		out.Values[i] = float32(v)
	}
	if h, w, _, err := explain.ImageShape(t.model, len(x), nil); err == nil && h > 1 {
		out.Image = []int{h, w}
	}
	t.post(out)
	return nil
}

// freshCaches drops the caches when the weights or data changed.
func (t *Trainer) freshCaches() {
	if k := t.weightsKey(); k != t.ex.key {
		t.ex.key, t.ex.index, t.ex.preds = k, nil, nil
	}
}

// neighbours answers the k training examples nearest an input in the last
// hidden layer; the training set's activations are computed once per
// weights.
func (t *Trainer) neighbours(r protocol.NeighboursRequest) error {
	x, _, err := t.subject("neighbours", r.Subject)
	if err != nil {
		return err
	}
	t.freshCaches()
	if t.ex.index == nil {
		train := t.trainSet()
		if train == nil {
			return fmt.Errorf("neighbours: the training data is not loaded")
		}
		if t.ex.index, err = explain.NewIndex(t.model, train); err != nil {
			return fmt.Errorf("neighbours: %v", err)
		}
	}
	k := r.K
	if k == 0 {
		k = explain.DefaultNeighbours
	}
	near, err := t.ex.index.NearestTo(t.model, x, k)
	if err != nil {
		return fmt.Errorf("neighbours: %v", err)
	}
	layer := explain.HiddenLayer(t.model)
	out := protocol.Neighbours{ID: r.ID, Layer: layer, Name: "input", Dim: t.ex.index.Dim, Items: []protocol.Neighbour{}}
	if layer >= 0 {
		out.Name = layerNames(t.spec)[layer]
	}
	train := t.trainSet()
	for _, n := range near {
		out.Items = append(out.Items, protocol.Neighbour{Index: n.Index, Label: n.Label, Distance: n.Distance, Input: train.AppendExample(nil, n.Index)})
	}
	t.post(out)
	return nil
}

// pixelRange is the range a flip search keeps inputs in: [0, 1] for
// images (MNIST, an image data set), unbounded for tables and points.
func (t *Trainer) pixelRange() (lo, hi float64) {
	d := t.spec.Data
	if t.play == nil && (t.spec.Dataset == spec.DatasetMNIST || (d != nil && d.Kind == spec.KindImage)) {
		return 0, 1
	}
	return math.Inf(-1), math.Inf(1)
}

// flip answers "what would make it a <target>?".
func (t *Trainer) flip(r protocol.FlipRequest) error {
	x, _, err := t.subject("flip", r.Subject)
	if err != nil {
		return err
	}
	lo, hi := t.pixelRange()
	f, err := explain.FlipSearch(t.model, x, explain.FlipOptions{Target: r.Target, Steps: r.Steps, StepSize: r.StepSize, Lo: lo, Hi: hi})
	if err != nil {
		return fmt.Errorf("flip: %v", err)
	}
	t.post(protocol.Flip{ID: r.ID, From: f.From, Target: f.Target, Flipped: f.Flipped, Steps: f.Steps,
		Changed: f.Changed, Distance: f.Distance, Original: x, Input: f.Input, Probs: f.Probs})
	return nil
}

// predictions are the test set's, once per weights.
func (t *Trainer) predictions(what string) (*explain.Predictions, error) {
	if t.model == nil {
		return nil, fmt.Errorf("%s: build a model first", what)
	}
	test, err := t.loadedTestSet()
	if err != nil {
		return nil, err
	}
	t.freshCaches()
	if t.ex.preds == nil {
		if t.ex.preds, err = explain.Predict(t.model, test); err != nil {
			return nil, fmt.Errorf("%s: %v", what, err)
		}
	}
	return t.ex.preds, nil
}

// DefaultCellExamples is how many examples a cell_examples answer lists
// when the request says no number.
const DefaultCellExamples = 100

// cellExamples answers the test examples of one confusion-matrix cell.
func (t *Trainer) cellExamples(r protocol.CellRequest) error {
	p, err := t.predictions("cell examples")
	if err != nil {
		return err
	}
	if k := max(p.K, 2); r.True >= k || r.Predicted >= k {
		return fmt.Errorf("cell examples: cell (%d, %d) is outside the %d×%d confusion matrix", r.True, r.Predicted, k, k)
	}
	cell := p.Cell(r.True, r.Predicted)
	limit := r.Max
	if limit == 0 {
		limit = DefaultCellExamples
	}
	out := protocol.CellExamples{ID: r.ID, True: r.True, Predicted: r.Predicted, Count: len(cell), Offset: min(r.Offset, len(cell)), Examples: []protocol.CellExample{}}
	test := t.testSet()
	for _, e := range cell[out.Offset:min(out.Offset+limit, len(cell))] {
		out.Examples = append(out.Examples, protocol.CellExample{Index: e.Index, Prob: e.Prob, TrueProb: e.TrueProb,
			Probs: slices.Clone(e.Probs), Input: test.AppendExample(nil, e.Index)})
	}
	t.post(out)
	return nil
}

// DefaultEmbedPoints is how many test examples an embedding shows.
const DefaultEmbedPoints = 2000

// embedding answers the last hidden layer of the first N test examples
// projected to 2-D. A t-SNE reports progress every 10 iterations and lets
// the host deliver messages meanwhile (they are handled after it).
func (t *Trainer) embedding(r protocol.EmbeddingRequest) error {
	p, err := t.predictions("embedding")
	if err != nil {
		return err
	}
	test := t.testSet()
	n := r.N
	if n == 0 {
		n = DefaultEmbedPoints
	}
	n = min(n, test.Len())
	rows, dim, err := explain.Hidden(t.model, test, 0, n)
	if err != nil {
		return fmt.Errorf("embedding: %v", err)
	}
	layer := explain.HiddenLayer(t.model)
	out := protocol.Embedding{ID: r.ID, Method: r.Method, Layer: layer, Name: "input", Dim: dim,
		Indices: make([]int, n), Labels: slices.Clone(test.Labels[:n]), Predicted: slices.Clone(p.Classes[:n])}
	if layer >= 0 {
		out.Name = layerNames(t.spec)[layer]
	}
	for i := range out.Indices {
		out.Indices[i] = i
	}
	var points []float64
	switch r.Method {
	case protocol.EmbedPCA:
		if dim < 2 {
			return fmt.Errorf("embedding: the last hidden layer has %d unit; PCA needs at least 2", dim)
		}
		pca, err := embed.NewPCA(rows, n, dim, 2)
		if err != nil {
			return fmt.Errorf("embedding: %v", err)
		}
		points, out.Explained = pca.Points, pca.Explained
	case protocol.EmbedTSNE:
		o := embed.TSNEOptions{Perplexity: r.Perplexity, Iterations: r.Iterations, Seed: r.Seed}
		if r.Seed != 0 {
			o.Init = embed.InitRandom
		}
		o.Progress = func(done, total int) bool {
			t.post(protocol.EmbeddingProgress{ID: r.ID, Done: done, Total: total})
			t.env.Yield()
			return true
		}
		if points, err = embed.TSNE(rows, n, dim, o); err != nil {
			return fmt.Errorf("embedding: %v", err)
		}
	}
	out.Points = make([]float32, len(points))
	for i, v := range points {
		out.Points[i] = float32(v)
	}
	t.post(out)
	return nil
}

// recordRun turns run snapshots on or off; on, it sends one of the
// current weights at once.
func (t *Trainer) recordRun(r protocol.RecordRun) error {
	t.ex.record = r.Precision
	if r.Precision != "" && t.model != nil {
		return t.postRunSnapshot()
	}
	return nil
}

// recordEpoch sends a run snapshot after an epoch, when recording.
func (t *Trainer) recordEpoch() {
	if t.ex.record == "" || t.model == nil {
		return
	}
	if err := t.postRunSnapshot(); err != nil {
		t.post(protocol.Error{Message: err.Error()})
	}
}

func (t *Trainer) postRunSnapshot() error {
	prec, err := share.ParsePrecision(t.ex.record)
	if err != nil {
		return fmt.Errorf("record run: %v", err)
	}
	s, err := runs.NewSnapshot(modelio.ToPayload(t.model, t.epochsDone, t.pos.global), prec)
	if err != nil {
		return fmt.Errorf("record run: %v", err)
	}
	t.post(protocol.RunSnapshot{Epoch: s.Epoch, Steps: s.Steps, Precision: s.Precision, Bytes: s.Bytes(), Data: s.Data})
	return nil
}

// viewSnapshot puts a snapshot's weights into the model for every view to
// show (keeping the live weights aside), or the live weights back.
func (t *Trainer) viewSnapshot(r protocol.ViewSnapshot) error {
	if t.model == nil {
		return fmt.Errorf("view snapshot: build a model first")
	}
	if t.state == protocol.StateRunning {
		return fmt.Errorf("view snapshot: pause training to look at an earlier epoch")
	}
	if len(r.Data) == 0 {
		t.leaveSnapshot()
		t.post(protocol.SnapshotViewed{ID: r.ID, Epoch: t.epochsDone, Steps: t.pos.global, Live: true})
		return nil
	}
	p, err := runs.Snapshot{Data: r.Data}.Payload()
	if err != nil {
		return fmt.Errorf("view snapshot: %v", err)
	}
	m, err := modelio.FromPayload(p)
	if err != nil {
		return fmt.Errorf("view snapshot: %v", err)
	}
	params, from := t.model.Params(), m.Params()
	if len(params) != len(from) {
		return fmt.Errorf("view snapshot: the snapshot is of another model (%d weight tensors, this one has %d)", len(from), len(params))
	}
	for i, q := range from {
		if !slices.Equal([]int(q.Value.Shape()), []int(params[i].Value.Shape())) {
			return fmt.Errorf("view snapshot: the snapshot is of another model (weight %d has shape %v, this one %v)", i+1, q.Value.Shape(), params[i].Value.Shape())
		}
	}
	if t.ex.live == nil {
		t.ex.liveModel = t.model
		for _, q := range params {
			t.ex.live = append(t.ex.live, slices.Clone(q.Value.Float32s()))
		}
	}
	for i, q := range from {
		copy(params[i].Value.Float32s(), q.Value.Float32s())
	}
	t.ex.viewed++
	t.post(protocol.SnapshotViewed{ID: r.ID, Epoch: p.Epochs, Steps: p.Steps})
	return nil
}

// leaveSnapshot puts the live weights back after a snapshot was viewed.
func (t *Trainer) leaveSnapshot() {
	if t.ex.live == nil {
		return
	}
	if t.model == t.ex.liveModel {
		for i, q := range t.model.Params() {
			copy(q.Value.Float32s(), t.ex.live[i])
		}
	}
	t.ex.live, t.ex.liveModel = nil, nil
	t.ex.viewed++
}

// withLiveWeights runs f with m's live weights in it while m has a
// snapshot on view, and the snapshot's weights back afterwards: a model
// made from m (a new head) starts from the live weights, as training
// does, and the view stays if that model is refused.
func (t *Trainer) withLiveWeights(m *nn.Sequential, f func() error) error {
	if t.ex.live == nil || m != t.ex.liveModel {
		return f()
	}
	params := m.Params()
	viewed := make([][]float32, len(params))
	for i, q := range params {
		viewed[i] = slices.Clone(q.Value.Float32s())
		copy(q.Value.Float32s(), t.ex.live[i])
	}
	defer func() {
		for i, q := range params {
			copy(q.Value.Float32s(), viewed[i])
		}
	}()
	return f()
}

// leaveSnapshotFor goes back to the live weights before a request that
// trains or replaces the model.
func (t *Trainer) leaveSnapshotFor(r protocol.Request) {
	switch r.(type) {
	case protocol.ExplainRequest, protocol.NeighboursRequest, protocol.FlipRequest, protocol.CellRequest,
		protocol.EmbeddingRequest, protocol.RecordRun, protocol.ViewSnapshot,
		protocol.Predict, protocol.Evaluate, protocol.SnapshotRequest, protocol.TraceRequest, protocol.RNNTraceRequest,
		protocol.GradCheckRequest, protocol.StatsRequest, protocol.PlaygroundFrameRequest, protocol.BackendRequest,
		protocol.ExportModel, protocol.ExportTFJS, protocol.TestPredict, protocol.Pause, protocol.Set,
		protocol.LeaderboardRequest:
		// views, and what leaves the weights alone
	default:
		t.leaveSnapshot()
	}
}
