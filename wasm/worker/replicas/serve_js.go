//go:build js && wasm

package replicas

import (
	"encoding/json"
	"errors"
	"fmt"
	"syscall/js"

	"gorgonia.org/tensor"

	"github.com/nnplay/nnplay/engine/ddp"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Serve is a helper worker's whole life: it waits for a buffer from its
// coordinator, serves its batches until told to leave it, and waits for
// the next. It never returns.
func Serve() {
	self := js.Global()
	var queue []js.Value
	wake := make(chan struct{}, 1)
	self.Set("onmessage", js.FuncOf(func(_ js.Value, args []js.Value) any {
		queue = append(queue, args[0].Get("data"))
		select {
		case wake <- struct{}{}:
		default:
		}
		return nil
	}))
	// Messages that came before Go ran (worker.js keeps them).
	if pending := self.Get("nnplayPending"); pending.Truthy() {
		for i := 0; i < pending.Length(); i++ {
			queue = append(queue, pending.Index(i))
		}
		self.Delete("nnplayPending")
	}
	s := &server{}
	for {
		for len(queue) == 0 {
			<-wake
		}
		msg := queue[0]
		queue = queue[1:]
		if err := s.attach(msg); err != nil {
			report(err.Error())
		}
	}
}

// report tells the coordinator this helper stopped, and why.
func report(why string) {
	b, _ := json.Marshal(map[string]any{"type": "error", "data": map[string]string{"message": why}})
	js.Global().Call("postMessage", string(b))
}

// server is a helper's replica and what it reuses from batch to batch.
type server struct {
	spec    string
	model   *nn.Sequential
	weights []float32
	grads   []float32
	x, y    []float32
	random  []byte
}

// errAborted leaves a batch the coordinator abandoned.
var errAborted = errors.New("replicas: batch abandoned")

// attach serves the buffer of a setup message until told to leave it.
func (s *server) attach(msg js.Value) error {
	var m setupMessage
	if err := json.Unmarshal([]byte(msg.Get("setup").String()), &m); err != nil {
		return fmt.Errorf("replica: bad setup message: %v", err)
	}
	if err := m.Layout.check(); err != nil {
		return err
	}
	if m.Spec != s.spec {
		var sp spec.Model
		if err := json.Unmarshal([]byte(m.Spec), &sp); err != nil {
			return fmt.Errorf("replica: bad model spec: %v", err)
		}
		model, err := nn.Build(sp)
		if err != nil {
			return fmt.Errorf("replica: %v", err)
		}
		s.spec, s.model = m.Spec, model
	}
	sh, l, rank := newShared(msg.Get("buffer")), m.Layout, m.Rank
	var last int32
	for {
		for sh.load(ctrlSeq) == last {
			sh.wait(ctrlSeq, last, -1)
		}
		last = sh.load(ctrlSeq)
		if sh.load(ctrlCmd) != cmdStep {
			return nil
		}
		if !s.step(sh, l, rank, last) {
			return nil
		}
	}
}

// step computes this helper's share of batch seq; false when it leaves
// the buffer (the batch was abandoned, or it failed and said why).
func (s *server) step(sh *shared, l Layout, rank int, seq int32) (stay bool) {
	defer func() {
		if r := recover(); r != nil {
			if r == errAborted {
				stay = false
				return
			}
			s.fail(sh, l, rank, fmt.Sprint("it failed: ", r))
			stay = false
		}
	}()
	if sh.load(ctrlThrow) == int32(rank) {
		panic("a fault a test injected (" + protocol.FaultWorkerThrows + ")")
	}
	rows := int(sh.load(word(rank, hRows)))
	s.x = grow(s.x, rows*l.XWidth)
	s.y = grow(s.y, rows*l.YWidth)
	s.weights = grow(s.weights, l.Weights)
	sh.get(l.x(rank), f32bytes(s.x))
	sh.get(l.y(rank), f32bytes(s.y))
	sh.get(l.weights(), f32bytes(s.weights))
	s.random = append(s.random[:0], make([]byte, sh.load(ctrlRandLen))...)
	sh.get(l.random(), s.random)
	input := append([]int{rows}, s.model.Input()...)
	yShape := []int{rows}
	if l.YRank == 2 {
		yShape = []int{rows, l.YWidth}
	}
	views, err := ddp.Views(s.model.Params(), s.weights)
	if err != nil {
		s.fail(sh, l, rank, "it failed: "+err.Error())
		return false
	}
	w := ddp.Work{
		Weights: views, Random: s.random,
		X:      tensor.New(tensor.WithShape(input...), tensor.WithBacking(s.x)),
		Y:      tensor.New(tensor.WithShape(yShape...), tensor.WithBacking(s.y)),
		Offset: int(sh.load(word(rank, hOffset))), Total: int(sh.load(word(rank, hTotal))),
	}
	res, err := ddp.Run(s.model, w, helperSync{sh: sh, l: l, rank: rank, seq: seq}, s.grads)
	if err != nil {
		s.fail(sh, l, rank, "it failed: "+err.Error())
		return false
	}
	if len(res.Grads) != l.Grads {
		s.fail(sh, l, rank, fmt.Sprintf("it failed: its model has %d gradients, the coordinator's %d", len(res.Grads), l.Grads))
		return false
	}
	s.grads = res.Grads
	loss := [1]float64{res.LossSum}
	sh.put(l.grads(rank), f32bytes(res.Grads))
	sh.put(l.loss(rank), f64bytes(loss[:]))
	sh.store(word(rank, hCorrect), int32(res.Correct))
	sh.store(word(rank, hDone), seq)
	sh.notify(word(rank, hDone))
	return true
}

// fail writes why this helper failed for the coordinator, and tells the
// page's side too.
func (s *server) fail(sh *shared, l Layout, rank int, why string) {
	b := []byte(why)
	if len(b) > reasonBytes {
		b = b[:reasonBytes]
	}
	sh.put(l.reason(rank), b)
	sh.store(word(rank, hReason), int32(len(b)))
	sh.store(word(rank, hFailed), 1)
	sh.notify(word(rank, hDone))
	sh.notify(word(rank, hUp))
}

func grow(b []float32, n int) []float32 {
	if cap(b) < n {
		return make([]float32, n)
	}
	return b[:n]
}

// helperSync is a helper's collective: it publishes its values and waits
// for the coordinator's total (or the batch's end).
type helperSync struct {
	sh   *shared
	l    Layout
	rank int
	seq  int32
}

func (h helperSync) AllSum(v []float64) {
	k := h.sh.load(word(h.rank, hUp)) + 1
	h.sh.put(h.l.up(h.rank), f64bytes(v))
	h.sh.store(word(h.rank, hUp), k)
	h.sh.notify(word(h.rank, hUp))
	for {
		d := h.sh.load(ctrlDown)
		if d == k {
			h.sh.get(h.l.down(), f64bytes(v))
			return
		}
		if h.sh.load(ctrlAbort) == h.seq {
			panic(errAborted)
		}
		h.sh.wait(ctrlDown, d, 50)
	}
}
