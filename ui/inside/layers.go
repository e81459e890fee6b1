package inside

import (
	"fmt"
	"time"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/ui/chart"
	"github.com/nnplay/nnplay/ui/draw"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Pacing of the requests made during training: statistics at most twice a
// second, the weight images every two seconds.
const (
	statsGap    = 500 * time.Millisecond
	snapshotGap = 2 * time.Second
	staleAfter  = 5 * time.Second // an answer this late no longer holds the next request back
)

// Layers is the view inside a trained MNIST model, layer by layer: the
// first layer's weights as images (from a snapshot), a CNN's feature maps
// for a chosen test image (from a trace), and per-layer training
// statistics over time (from stats, polled while training).
type Layers struct {
	draw.Visibility
	s *session.Session

	Snap      *protocol.Snapshot
	SnapBatch int
	snapWant  int
	snapAt    time.Time
	snapBatch int

	MapIndex      int // the test image whose feature maps are shown
	Maps          *protocol.Trace
	MapTraceIndex int
	mapWant       int
	mapIndexAsked int

	// Statistics: one point per answered stats request, per layer.
	Latest    *protocol.Stats
	GradNorm  map[int][]chart.Point // layer → ‖dL/dW‖ of its kernel (or first param)
	ActStd    map[int][]chart.Point // layer → std of its outputs
	ActMean   map[int][]chart.Point // layer → mean of its outputs
	Dead      map[int][]chart.Point // ReLU layer → fraction of dead units
	Names     map[int]string
	StatsVer  int
	statsWant int
	statsAt   time.Time
	// drawStats redraws the charts and table without a Vugu render (set
	// by the panel while its elements exist; nil otherwise).
	drawStats func()

	Version int
}

// poll runs on every progress message while training: statistics at most
// every statsGap, the weight images every snapshotGap while on screen.
func (s *Layers) poll(now time.Time) {
	if (s.statsWant == 0 || now.Sub(s.statsAt) > staleAfter) && now.Sub(s.statsAt) >= statsGap {
		s.askStats(now)
	}
	if s.Visible && (s.snapWant == 0 || now.Sub(s.snapAt) > staleAfter) && now.Sub(s.snapAt) >= snapshotGap {
		s.refreshWeights()
	}
}

func (s *Layers) askStats(now time.Time) {
	s.statsWant, s.statsAt = s.s.NewID(), now
	s.s.Send(protocol.StatsRequest{ID: s.statsWant})
}

// refreshWeights asks for the weights, when the panel is on screen.
func (s *Layers) refreshWeights() {
	if !s.Visible || !s.s.ModelReady() || s.snapWant != 0 && time.Since(s.snapAt) < staleAfter {
		return
	}
	s.snapWant, s.snapAt, s.snapBatch = s.s.NewID(), time.Now(), s.s.Progress.GlobalBatch
	s.s.Send(protocol.SnapshotRequest{ID: s.snapWant})
}

// RefreshWeights asks for the weights now (the "Refresh the weights"
// button).
func (s *Layers) RefreshWeights() { s.refreshWeights() }

// refreshMaps asks for the chosen image's trace, for a CNN on screen.
func (s *Layers) refreshMaps() {
	if !s.Visible || !s.s.ModelReady() || !s.IsCNN() || s.mapWant != 0 && s.mapIndexAsked == s.MapIndex {
		return
	}
	s.mapWant, s.mapIndexAsked = s.s.NewID(), s.MapIndex
	s.s.Send(protocol.TraceRequest{ID: s.mapWant, Example: protocol.Example{Source: protocol.SourceTest, Index: s.MapIndex}})
	s.Version++
}

// shown runs when the panel scrolls into view.
func (s *Layers) shown() {
	s.refreshWeights()
	s.refreshMaps()
	if s.s.ModelReady() {
		s.askStats(time.Now()) // the charts' latest point, even when paused
	}
}

// IsCNN says the model has a layer with image-shaped output.
func (s *Layers) IsCNN() bool {
	m, err := s.s.Model.Spec()
	if s.Snap != nil {
		m, err = s.Snap.Spec, nil
	}
	if err != nil {
		return false
	}
	for _, l := range m.Layers {
		if l.Type == spec.TypeConv2D {
			return true
		}
	}
	return false
}

// SetMapIndex picks the test image for the feature maps.
func (s *Layers) SetMapIndex(i int) {
	s.MapIndex = wrapIndex(s.s, i)
	s.refreshMaps()
}

// setSnapshot takes the answer to the weights request, and says whether
// it was that.
func (s *Layers) setSnapshot(e protocol.Snapshot) bool {
	if e.ID != s.snapWant || s.snapWant == 0 {
		return false
	}
	s.snapWant = 0
	snap := e
	s.Snap, s.SnapBatch = &snap, s.snapBatch
	s.Version++
	return true
}

// setTrace takes the answer to the feature maps' trace request, and says
// whether it was that.
func (s *Layers) setTrace(e protocol.Trace) bool {
	if e.ID != s.mapWant || s.mapWant == 0 {
		return false
	}
	s.mapWant = 0
	tr := e
	s.Maps, s.MapTraceIndex = &tr, s.mapIndexAsked
	s.Version++
	return true
}

// setStats adds one point per layer to the training charts, and redraws
// them (without a Vugu render) when they are on screen.
func (s *Layers) setStats(e protocol.Stats) {
	if e.ID != s.statsWant || s.statsWant == 0 {
		return
	}
	s.statsWant = 0
	if e.GlobalBatch == 0 {
		return
	}
	if s.Latest != nil && e.GlobalBatch < s.Latest.GlobalBatch {
		s.clearStats() // a new run
	}
	if s.Latest != nil && e.GlobalBatch == s.Latest.GlobalBatch {
		return
	}
	st := e
	s.Latest = &st
	x := float64(e.GlobalBatch)
	if b := s.s.Progress.Batches; b > 0 {
		x /= float64(b) // in epochs, like the loss chart
	}
	for _, l := range e.Layers {
		s.Names[l.Layer] = l.Name
		if len(l.Params) > 0 {
			s.GradNorm[l.Layer] = chart.AppendPoint(s.GradNorm[l.Layer], chart.Point{X: x, Y: l.Params[0].GradNorm})
		}
		if l.Type != spec.TypeFlatten && l.Type != spec.TypeReshape && l.Type != spec.TypeDropout {
			s.ActStd[l.Layer] = chart.AppendPoint(s.ActStd[l.Layer], chart.Point{X: x, Y: l.Std})
			s.ActMean[l.Layer] = chart.AppendPoint(s.ActMean[l.Layer], chart.Point{X: x, Y: l.Mean})
		}
		if l.ReLU {
			s.Dead[l.Layer] = chart.AppendPoint(s.Dead[l.Layer], chart.Point{X: x, Y: l.Dead})
		}
	}
	s.StatsVer++
	s.redrawStats()
}

// clearStats forgets the charts (a new model or a reset).
func (s *Layers) clearStats() {
	s.Latest = nil
	s.GradNorm, s.ActStd, s.ActMean, s.Dead = map[int][]chart.Point{}, map[int][]chart.Point{}, map[int][]chart.Point{}, map[int][]chart.Point{}
	s.Names = map[int]string{}
	s.StatsVer++
	s.redrawStats()
}

// redrawStats draws the charts now when they are on screen; off screen,
// the next render draws them.
func (s *Layers) redrawStats() {
	if s.drawStats != nil && s.Visible {
		s.drawStats()
	}
}

func (s *Layers) forget() {
	s.Snap, s.Maps, s.snapWant, s.mapWant = nil, nil, 0, 0
	s.Version++
}

// firstKernel is the first layer's weights in the snapshot: its kernel
// param, and the layer's type.
func (s *Layers) firstKernel() (*protocol.ParamData, string) {
	if s.Snap == nil {
		return nil, ""
	}
	for i := range s.Snap.Params {
		p := &s.Snap.Params[i]
		if p.Name == "kernel" {
			typ := ""
			if p.Layer < len(s.Snap.Spec.Layers) {
				typ = s.Snap.Spec.Layers[p.Layer].Type
			}
			return p, typ
		}
	}
	return nil, ""
}

// layerLabel is "dense (Dense)", "conv2d_1 (Conv2D)": layer i's name as
// the worker, the builder and the model summary give it, and its type.
func layerLabel(m spec.Model, i int) string {
	if i < 0 || i >= len(m.Layers) {
		return fmt.Sprintf("layer %d", i+1)
	}
	types := make([]string, len(m.Layers))
	for j, l := range m.Layers {
		types[j] = l.Type
	}
	return fmt.Sprintf("%s (%s)", spec.KerasNames(types)[i], m.Layers[i].Type)
}

// wrapIndex maps i onto the test set's images, wrapping around both ends
// (◀ on image 0 goes to the last).
func wrapIndex(s *session.Session, i int) int {
	n := max(1, s.DataTest)
	return ((i % n) + n) % n
}
