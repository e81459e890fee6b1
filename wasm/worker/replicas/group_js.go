//go:build js && wasm

package replicas

import (
	"encoding/json"
	"fmt"
	"syscall/js"
	"time"

	"github.com/nnplay/nnplay/engine/ddp"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Limits says how many training workers this browser offers: def
// (navigator.hardwareConcurrency − 1, at least 1) and max (the cores, at
// most MaxHelpers + 1), or, when workers cannot share memory, why only one
// trains.
func Limits() (def, max int, why string) {
	g := js.Global()
	cores := 1
	if hc := g.Get("navigator").Get("hardwareConcurrency"); hc.Type() == js.TypeNumber {
		cores = hc.Int()
	}
	max = min(MaxHelpers+1, cores)
	def = min(max, cores-1)
	switch {
	case g.Get("SharedArrayBuffer").Type() != js.TypeFunction || !g.Get("crossOriginIsolated").Truthy():
		return 1, 1, "the page is not cross-origin isolated (its server sends no COOP/COEP headers), so workers cannot share memory: one worker trains"
	case g.Get("Worker").Type() != js.TypeFunction:
		return 1, 1, "this browser cannot start workers from a worker: one worker trains"
	}
	return max2(def, 1), max2(max, 1), ""
}

func max2(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// Group is the coordinator's end: helper workers and the buffer they
// share. It implements ddp.Helpers.
type Group struct {
	model   *nn.Sequential
	spec    string // the model's spec, JSON, which each helper builds
	collect int
	helpers []*helper
	sh      *shared
	lay     Layout
	fresh   bool  // the next batch needs a new buffer
	seq     int32 // batches begun on this buffer
	k       int32 // collective sums in this batch
	kill    int   // the helper to terminate as the next batch starts (a test); 0: none
	throw   int   // the helper to throw in the next batch (a test); 0: none

	grads []float32
	sums  []float64
}

var _ ddp.Helpers = (*Group)(nil)

// helper is one helper worker.
type helper struct {
	w     js.Value
	dead  string // why it stopped; "" while it runs
	funcs []js.Func
}

// Start starts helpers workers for model m, whose spec (JSON) each builds.
func Start(m *nn.Sequential, spec []byte, helpers int) (*Group, error) {
	if helpers < 1 || helpers > MaxHelpers {
		return nil, fmt.Errorf("replicas: %d helpers (want 1 to %d)", helpers, MaxHelpers)
	}
	g := &Group{model: m, spec: string(spec), collect: collectOf(m), fresh: true}
	ctor := js.Global().Get("Worker")
	for range helpers {
		h := &helper{}
		h.w = ctor.New("worker.js?replica")
		onError := js.FuncOf(func(_ js.Value, args []js.Value) any {
			msg := "its worker stopped"
			if len(args) > 0 && args[0].Get("message").Type() == js.TypeString {
				msg = "it failed: " + args[0].Get("message").String()
			}
			if h.dead == "" {
				h.dead = msg
			}
			return nil
		})
		onMessage := js.FuncOf(func(_ js.Value, args []js.Value) any {
			// A helper speaks only to say it stopped (worker.js's fail, or
			// its own report): {"type":"error","data":{"message":…}}.
			var e struct {
				Data struct {
					Message string `json:"message"`
				} `json:"data"`
			}
			if d := args[0].Get("data"); d.Type() == js.TypeString && json.Unmarshal([]byte(d.String()), &e) == nil && h.dead == "" {
				h.dead = "it failed: " + e.Data.Message
			}
			return nil
		})
		h.w.Set("onerror", onError)
		h.w.Set("onmessage", onMessage)
		h.funcs = []js.Func{onError, onMessage}
		g.helpers = append(g.helpers, h)
	}
	return g, nil
}

// Reset makes the helpers replicas of model m (its spec JSON): the next
// batch hands out a new buffer with the spec, which each helper builds.
func (g *Group) Reset(m *nn.Sequential, spec []byte) error {
	g.model, g.spec, g.collect = m, string(spec), collectOf(m)
	g.detach()
	g.fresh = true
	return nil
}

// collectOf is the most values one collective sum of m's training pass
// adds: BatchNormalization's 2·channels (and one count).
func collectOf(m *nn.Sequential) int {
	n := 1
	for _, l := range m.Layers() {
		if b, ok := l.(*nn.BatchNormalization); ok {
			n = max2(n, 2*len(b.Gamma.Value.Float32s())+1)
		}
	}
	return n
}

// Len is the number of helpers.
func (g *Group) Len() int { return len(g.helpers) }

// FaultNext makes helper rank fail in the next batch, a test hook: its
// worker terminated as the batch starts (protocol.FaultWorker), as one
// that dies, or throwing in it (protocol.FaultWorkerThrows), as a bug.
func (g *Group) FaultNext(rank int, fault string) {
	if fault == protocol.FaultWorkerThrows {
		g.throw = rank
		return
	}
	g.kill = rank
}

// Begin writes the batch's weights, random state and every helper's rows
// into the buffer and starts the helpers.
func (g *Group) Begin(work []ddp.Work) (nn.Collective, error) {
	for r, h := range g.helpers {
		if h.dead != "" {
			return nil, &ddp.LostError{Rank: r + 1, Reason: h.dead}
		}
	}
	if len(work) != len(g.helpers) {
		return nil, fmt.Errorf("replicas: %d shares of work for %d helpers", len(work), len(g.helpers))
	}
	x0 := work[0].X.Shape()
	lay := Layout{
		Helpers: len(g.helpers), Weights: total(work[0].Weights), Grads: gradCount(g.model),
		XWidth: x0.TotalSize() / max2(x0[0], 1), YWidth: width(work[0].Y.Shape()), YRank: len(work[0].Y.Shape()), Collect: g.collect,
	}
	for _, w := range work {
		lay.Rows = max2(lay.Rows, w.X.Shape()[0])
	}
	if len(work[0].Random) > randomBytes {
		return nil, fmt.Errorf("replicas: %d bytes of random state, room for %d", len(work[0].Random), randomBytes)
	}
	if g.fresh || g.sh == nil || !g.fits(lay) {
		if err := g.setup(lay); err != nil {
			return nil, err
		}
	}
	sh, l := g.sh, g.lay
	sh.put(l.random(), work[0].Random)
	sh.store(ctrlRandLen, int32(len(work[0].Random)))
	at := l.weights()
	for _, w := range work[0].Weights {
		sh.put(at, f32bytes(w))
		at += 4 * len(w)
	}
	for r, w := range work {
		rank := r + 1
		sh.put(l.x(rank), f32bytes(w.X.Float32s()))
		sh.put(l.y(rank), f32bytes(w.Y.Float32s()))
		sh.store(word(rank, hRows), int32(w.X.Shape()[0]))
		sh.store(word(rank, hOffset), int32(w.Offset))
		sh.store(word(rank, hTotal), int32(w.Total))
		sh.store(word(rank, hUp), 0)
	}
	sh.store(ctrlDown, 0)
	sh.store(ctrlThrow, int32(g.throw))
	g.throw = 0
	g.k = 0
	g.seq++
	sh.store(ctrlCmd, cmdStep)
	sh.store(ctrlSeq, g.seq)
	sh.notify(ctrlSeq)
	if k := g.kill; k > 0 && k <= len(g.helpers) {
		g.kill = 0
		g.helpers[k-1].w.Call("terminate")
		g.helpers[k-1].dead = "its worker was terminated"
	}
	return coordinator{g}, nil
}

// fits says the buffer's layout has room for lay.
func (g *Group) fits(lay Layout) bool {
	l := g.lay
	return l.Helpers == lay.Helpers && l.Weights == lay.Weights && l.Grads == lay.Grads && l.XWidth == lay.XWidth &&
		l.YWidth == lay.YWidth && l.YRank == lay.YRank && l.Collect == lay.Collect && l.Rows >= lay.Rows
}

// setup makes a new buffer for lay and hands it to every helper.
func (g *Group) setup(lay Layout) error {
	if err := lay.check(); err != nil {
		return err
	}
	g.detach()
	sab := js.Global().Get("SharedArrayBuffer").New(lay.Size())
	g.sh, g.lay, g.seq, g.fresh = newShared(sab), lay, 0, false
	for r, h := range g.helpers {
		msg, err := json.Marshal(setupMessage{Spec: g.spec, Rank: r + 1, Layout: lay})
		if err != nil {
			return err
		}
		o := js.Global().Get("Object").New()
		o.Set("setup", string(msg))
		o.Set("buffer", sab)
		h.w.Call("postMessage", o)
	}
	return nil
}

// setupMessage is what a helper is told with a new buffer.
type setupMessage struct {
	Spec   string `json:"spec"`
	Rank   int    `json:"rank"`
	Layout Layout `json:"layout"`
}

// detach tells the helpers to leave the current buffer.
func (g *Group) detach() {
	if g.sh == nil {
		return
	}
	g.seq++
	g.sh.store(ctrlCmd, cmdDetach)
	g.sh.store(ctrlSeq, g.seq)
	g.sh.notify(ctrlSeq)
	g.sh = nil
}

// await waits until helper rank's word w holds want, or the helper is
// lost (an error naming why).
func (g *Group) await(rank, w int, want int32) error {
	idx := word(rank, w)
	h := g.helpers[rank-1]
	start := time.Now()
	for {
		v := g.sh.load(idx)
		if v == want {
			return nil
		}
		if g.sh.load(word(rank, hFailed)) == 1 {
			return &ddp.LostError{Rank: rank, Reason: g.reason(rank)}
		}
		if h.dead != "" {
			return &ddp.LostError{Rank: rank, Reason: h.dead}
		}
		if !g.sh.wait(idx, v, 20) && time.Since(start) > 200*time.Millisecond {
			// A worker that died says so in an event: let it in.
			time.Sleep(time.Millisecond)
		}
	}
}

func (g *Group) reason(rank int) string {
	n := int(g.sh.load(word(rank, hReason)))
	b := make([]byte, min(n, reasonBytes))
	g.sh.get(g.lay.reason(rank), b)
	return string(b)
}

// Gather adds every helper's gradients to grads in rank order.
func (g *Group) Gather(grads []float32) (lossSum float64, correct int, err error) {
	if len(grads) != g.lay.Grads {
		return 0, 0, fmt.Errorf("replicas: %d gradients, the buffer has room for %d", len(grads), g.lay.Grads)
	}
	if cap(g.grads) < len(grads) {
		g.grads = make([]float32, len(grads))
	}
	buf := g.grads[:len(grads)]
	var loss [1]float64
	for r := range g.helpers {
		rank := r + 1
		if err := g.await(rank, hDone, g.seq); err != nil {
			return 0, 0, err
		}
		g.sh.get(g.lay.grads(rank), f32bytes(buf))
		for i, v := range buf {
			grads[i] += v
		}
		g.sh.get(g.lay.loss(rank), f64bytes(loss[:]))
		lossSum += loss[0]
		correct += int(g.sh.load(word(rank, hCorrect)))
	}
	return lossSum, correct, nil
}

// Abort ends the batch: helpers inside it leave at their next sum, the
// others at once; the next batch hands out a new buffer.
func (g *Group) Abort() {
	if g.sh != nil {
		g.sh.store(ctrlAbort, g.seq)
		g.sh.notify(ctrlDown)
	}
	g.detach()
	g.fresh = true
}

// Drop terminates helper rank and forgets it.
func (g *Group) Drop(rank int) {
	h := g.helpers[rank-1]
	h.w.Call("terminate")
	for _, f := range h.funcs {
		f.Release()
	}
	g.helpers = append(g.helpers[:rank-1], g.helpers[rank:]...)
	g.detach()
	g.fresh = true
}

// Close stops every helper.
func (g *Group) Close() {
	g.detach()
	for len(g.helpers) > 0 {
		g.Drop(1)
	}
}

// coordinator is rank 0's collective: it adds the helpers' values in rank
// order to its own and publishes the total.
type coordinator struct{ g *Group }

func (c coordinator) AllSum(v []float64) {
	g := c.g
	g.k++
	if cap(g.sums) < len(v) {
		g.sums = make([]float64, len(v))
	}
	buf := g.sums[:len(v)]
	if len(v) > g.lay.Collect {
		panic(fmt.Sprintf("replicas: a sum of %d values, room for %d", len(v), g.lay.Collect))
	}
	for r := range g.helpers {
		rank := r + 1
		if err := g.await(rank, hUp, g.k); err != nil {
			panic(err) // a *ddp.LostError, which ddp recovers
		}
		g.sh.get(g.lay.up(rank), f64bytes(buf))
		for i, u := range buf {
			v[i] += u
		}
	}
	g.sh.put(g.lay.down(), f64bytes(v))
	g.sh.store(ctrlDown, g.k)
	g.sh.notify(ctrlDown)
}

func total(ws [][]float32) int {
	n := 0
	for _, w := range ws {
		n += len(w)
	}
	return n
}

func gradCount(m *nn.Sequential) int {
	n := 0
	for _, p := range m.TrainableParams() {
		n += len(p.Grad.Float32s())
	}
	return n
}

func width(s []int) int {
	n := 1
	for _, d := range s[1:] {
		n *= d
	}
	return n
}
