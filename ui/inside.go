package ui

import (
	"time"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// InsideState is the view inside a trained MNIST model: the first layer's
// weights as images (from a snapshot), a CNN's feature maps for a chosen
// test image (from a trace), and per-layer training statistics over time
// (from stats, polled while training).
type InsideState struct {
	visibility
	t *Teach

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
	GradNorm  map[int][]Point // layer → ‖dL/dW‖ of its kernel (or first param)
	ActStd    map[int][]Point // layer → std of its outputs
	ActMean   map[int][]Point // layer → mean of its outputs
	Dead      map[int][]Point // ReLU layer → fraction of dead units
	Names     map[int]string
	StatsVer  int
	statsWant int
	statsAt   time.Time
	onStats   func() // the panel's redraw, called without a Vugu render

	Version int
}

// poll runs on every progress message while training: statistics at most
// every statsGap, the weight images every snapshotGap while on screen.
func (s *InsideState) poll(now time.Time) {
	a := s.t.app
	if (s.statsWant == 0 || now.Sub(s.statsAt) > staleAfter) && now.Sub(s.statsAt) >= statsGap {
		s.askStats(now)
	}
	if s.Visible && (s.snapWant == 0 || now.Sub(s.snapAt) > staleAfter) && now.Sub(s.snapAt) >= snapshotGap && a.Worker == WorkerReady {
		s.refreshWeights()
	}
}

func (s *InsideState) askStats(now time.Time) {
	s.statsWant, s.statsAt = s.t.id(), now
	s.t.app.send(protocol.StatsRequest{ID: s.statsWant})
}

// refreshWeights asks for the weights, when the panel is on screen.
func (s *InsideState) refreshWeights() {
	if !s.Visible || !s.t.modelReady() || s.snapWant != 0 && time.Since(s.snapAt) < staleAfter {
		return
	}
	s.snapWant, s.snapAt, s.snapBatch = s.t.id(), time.Now(), s.t.batch()
	s.t.app.send(protocol.SnapshotRequest{ID: s.snapWant})
}

// refreshMaps asks for the chosen image's trace, for a CNN on screen.
func (s *InsideState) refreshMaps() {
	if !s.Visible || !s.t.modelReady() || !s.IsCNN() || s.mapWant != 0 && s.mapIndexAsked == s.MapIndex {
		return
	}
	s.mapWant, s.mapIndexAsked = s.t.id(), s.MapIndex
	s.t.app.send(protocol.TraceRequest{ID: s.mapWant, Example: protocol.Example{Source: protocol.SourceTest, Index: s.MapIndex}})
	s.Version++
}

// shown runs when the panel scrolls into view.
func (s *InsideState) shown() {
	s.refreshWeights()
	s.refreshMaps()
	if s.t.modelReady() {
		s.askStats(time.Now()) // the charts' latest point, even when paused
	}
}

// IsCNN says the model has a layer with image-shaped output.
func (s *InsideState) IsCNN() bool {
	m, err := s.t.app.Model.Spec()
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
func (s *InsideState) SetMapIndex(i int) {
	n := max(1, s.t.app.DataTest)
	s.MapIndex = ((i % n) + n) % n
	s.refreshMaps()
}

func (s *InsideState) setSnapshot(e protocol.Snapshot) {
	if e.ID != s.snapWant || s.snapWant == 0 {
		return
	}
	s.snapWant = 0
	snap := e
	s.Snap, s.SnapBatch = &snap, s.snapBatch
	s.Version++
}

func (s *InsideState) setTrace(e protocol.Trace) {
	if e.ID != s.mapWant || s.mapWant == 0 {
		return
	}
	s.mapWant = 0
	tr := e
	s.Maps, s.MapTraceIndex = &tr, s.mapIndexAsked
	s.Version++
}

// setStats adds one point per layer to the training charts.
func (s *InsideState) setStats(e protocol.Stats) {
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
	if b := s.t.app.Progress.Batches; b > 0 {
		x /= float64(b) // in epochs, like the loss chart
	}
	for _, l := range e.Layers {
		s.Names[l.Layer] = l.Name
		if len(l.Params) > 0 {
			s.GradNorm[l.Layer] = appendPoint(s.GradNorm[l.Layer], Point{x, l.Params[0].GradNorm})
		}
		if l.Type != spec.TypeFlatten && l.Type != spec.TypeReshape && l.Type != spec.TypeDropout {
			s.ActStd[l.Layer] = appendPoint(s.ActStd[l.Layer], Point{x, l.Std})
			s.ActMean[l.Layer] = appendPoint(s.ActMean[l.Layer], Point{x, l.Mean})
		}
		if l.ReLU {
			s.Dead[l.Layer] = appendPoint(s.Dead[l.Layer], Point{x, l.Dead})
		}
	}
	s.StatsVer++
	if s.onStats != nil && s.Visible { // off screen, the next render draws them
		s.onStats()
	}
}

// clearStats forgets the charts (a new model or a reset).
func (s *InsideState) clearStats() {
	s.Latest = nil
	s.GradNorm, s.ActStd, s.ActMean, s.Dead = map[int][]Point{}, map[int][]Point{}, map[int][]Point{}, map[int][]Point{}
	s.Names = map[int]string{}
	s.StatsVer++
	if s.onStats != nil {
		s.onStats()
	}
}

func (s *InsideState) forget() {
	s.Snap, s.Maps, s.snapWant, s.mapWant = nil, nil, 0, 0
	s.Version++
}

// firstKernel is the first layer's weights in the snapshot: its kernel
// param, and the layer's type.
func (s *InsideState) firstKernel() (*protocol.ParamData, string) {
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
