package trainer

import (
	"fmt"
	"slices"
	"time"

	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Fine-tuning: a new head for new classes with some layers frozen
// (replace_head), and runs towards a goal (train_goal) — an accuracy, or
// a number of batches — which the fine-tuning lesson uses to compare a
// fine-tuned model with one trained from scratch. The maths is
// engine/nn's (ReplaceHead, SetTrainable); this is the worker's glue.

// goal is a run towards a TrainGoal. It trains the worker's model through
// the usual loop (progress, pause, stop); goalBatch counts its batches.
type goal struct {
	req     protocol.TrainGoal
	model   *nn.Sequential // the model it trains; another model ends it
	batches int
	spent   time.Duration // training time, the accuracy checks left out
	mark    time.Time     // when the current stretch of training began
	epochs  int           // the spec's epochs, put back at the end
	// stash holds the worker's own model during a scratch run.
	stash *stashed
}

// stashed is a model put aside with its training position.
type stashed struct {
	spec       spec.Model
	model      *nn.Sequential
	pos        position
	epochsDone int
}

// replaceHead makes the worker's own model with a new head for r.Classes
// and the layers r.Freeze lists frozen (see protocol.ReplaceHead), from
// its live weights. The model before is not changed.
func (t *Trainer) replaceHead(r protocol.ReplaceHead) (*replacement, error) {
	if err := t.haveMNISTModel("replace the head"); err != nil {
		return nil, err
	}
	own, model := t.own()
	layers := len(model.Layers())
	for _, i := range r.Freeze {
		if i >= layers-1 {
			return nil, fmt.Errorf("replace the head: layer %d cannot be frozen; the new model's layers before its head are 0 to %d", i, layers-2)
		}
	}
	var tuned *nn.Sequential
	err := t.withLiveWeights(model, func() (err error) {
		tuned, err = nn.ReplaceHead(model, len(r.Classes), r.Seed)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("replace the head: %v", err)
	}
	for _, i := range r.Freeze {
		if err := tuned.SetTrainable(i, false); err != nil {
			return nil, fmt.Errorf("replace the head: %v", err)
		}
	}
	tuned.SetClasses(r.Classes)
	s := tuned.Spec()
	s.BatchSize = own.BatchSize
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("replace the head: %v", err)
	}
	infos, err := s.Infer()
	if err != nil {
		return nil, fmt.Errorf("replace the head: %v", err)
	}
	if t.train == nil {
		if err := t.loadData(t.dataBase); err != nil {
			return nil, err
		}
	}
	sub, err := t.test.Subset(r.Classes)
	if err != nil {
		return nil, fmt.Errorf("replace the head: %v", err)
	}
	x, y := sub.Tensors()
	ev, err := tuned.Evaluate(t.inputs(x), t.targets(y))
	if err != nil {
		return nil, fmt.Errorf("replace the head: %v", err)
	}
	return &replacement{spec: s, model: tuned, infos: infos,
		news: []protocol.Event{protocol.HeadReplaced{ID: r.ID, Spec: s, Accuracy: ev.Accuracy}}}, nil
}

// trainGoal starts a run towards r's goal (see protocol.TrainGoal).
func (t *Trainer) trainGoal(r protocol.TrainGoal) error {
	if err := t.haveMNISTModel("train towards a goal"); err != nil {
		return err
	}
	if t.state == protocol.StateRunning || t.state == protocol.StatePaused {
		return fmt.Errorf("a run is in progress; stop it before starting another")
	}
	g := &goal{req: r, epochs: t.spec.Epochs}
	if r.Scratch {
		// A fresh copy of the architecture, every layer trainable.
		s := t.spec
		s.Layers = slices.Clone(s.Layers)
		for i := range s.Layers {
			s.Layers[i].Frozen = false
		}
		s.Seed = r.ScratchSeed
		fresh, err := nn.Build(s)
		if err != nil {
			return fmt.Errorf("train from scratch: %v", err)
		}
		g.stash = &stashed{spec: t.spec, model: t.model, pos: t.pos, epochsDone: t.epochsDone}
		t.spec, t.model = s, fresh
		t.pos, t.epochsDone = position{epoch: 1}, 0
		t.resetStats()
	}
	// Progress reports epochs: count those the goal's batches span.
	if train := t.trainSetLoaded(); train != nil {
		per := (train.Len() + t.spec.BatchSize - 1) / t.spec.BatchSize
		t.spec.Epochs = max(1, (r.MaxBatches+per-1)/per)
	}
	g.model = t.model
	t.goal = g
	if err := t.start(keepTraining); err != nil {
		t.dropGoal()
		return err
	}
	g.mark = t.env.Now()
	return nil
}

// trainSetLoaded is the training set, loading MNIST first if needed (nil
// if it cannot be loaded: start reports why).
func (t *Trainer) trainSetLoaded() *data.Set {
	if t.train == nil && t.loadData(t.dataBase) != nil {
		return nil
	}
	return t.trainSet()
}

// goalBatch follows a goal after each batch trained: it counts the batch
// and its time, checks the accuracy when due and ends the run at the goal.
func (t *Trainer) goalBatch() {
	g := t.goal
	if g == nil {
		return
	}
	if g.model != t.model {
		t.goal = nil
		return
	}
	now := t.env.Now()
	g.batches++
	g.spent += now.Sub(g.mark)
	r := g.req
	check := r.Target > 0 && g.batches%r.Every == 0
	if g.batches >= r.MaxBatches {
		t.finishGoal(goalEnded)
		return
	}
	if check {
		t.gpuSync() // measure the weights the GPU has trained
		acc, err := t.accuracy(t.model)
		if err != nil {
			t.post(protocol.Error{Message: err.Error()})
		} else if acc >= r.Target {
			t.finishGoal(goalEnded)
			return
		}
	}
	g.mark = t.env.Now()
}

// goalEpoch moves a goal's run on to the next epoch without the usual
// end-of-epoch evaluation (the goal checks accuracy itself); false when no
// goal is being followed.
func (t *Trainer) goalEpoch() bool {
	if t.goal == nil || t.goal.model != t.model {
		return false
	}
	t.epochsDone++
	t.pos = position{epoch: t.pos.epoch + 1, global: t.pos.global}
	return true
}

// finishGoal's stopped: a Stop ended the run, or its goal did (the target
// accuracy or the most batches).
const (
	goalStopped = true
	goalEnded   = false
)

// finishGoal ends the run: the test set is evaluated (evaluation, for the
// Evaluate panel), the worker's own model comes back after a scratch run,
// and GoalDone reports. Stopped runs end in state stopped, others in done.
func (t *Trainer) finishGoal(stopped bool) {
	g := t.goal
	t.goal = nil
	done := protocol.GoalDone{ID: g.req.ID, Stopped: stopped, Batches: g.batches, Seconds: g.spent.Seconds()}
	t.gpuSync()
	ev, err := t.evaluation(0)
	if err != nil {
		t.post(protocol.Error{Message: fmt.Sprintf("evaluating the run: %v", err)})
	} else {
		done.Accuracy = ev.Accuracy
		done.Reached = g.req.Target > 0 && ev.Accuracy >= g.req.Target
		t.post(ev)
	}
	if g.req.Target == 0 {
		done.Reached = !stopped
	}
	t.spec.Epochs = g.epochs
	t.restore(g)
	state := protocol.StateDone
	if stopped {
		state = protocol.StateStopped
	}
	t.setState(state)
	t.postProgress()
	t.post(done)
}

// restore puts the worker's own model back after a scratch run.
func (t *Trainer) restore(g *goal) {
	if s := g.stash; s != nil {
		t.gpuRelease() // the device holds the scratch model
		t.spec, t.model, t.pos, t.epochsDone = s.spec, s.model, s.pos, s.epochsDone
		t.resetStats()
	}
}

// dropGoal abandons a goal because another request replaces the model
// (the scratch run's stash comes back first) and reports it stopped.
func (t *Trainer) dropGoal() {
	g := t.goal
	t.goal = nil
	t.spec.Epochs = g.epochs
	t.restore(g)
	t.post(protocol.GoalDone{ID: g.req.ID, Stopped: true, Batches: g.batches, Seconds: g.spent.Seconds()})
}

// goalRequest lets a goal follow the requests that affect it, before they
// are handled: a resumed run's clock restarts and a stop ends it. (A new
// model abandons it: replace.)
func (t *Trainer) goalRequest(r protocol.Request) {
	g := t.goal
	if g == nil {
		return
	}
	switch r.(type) {
	case protocol.Start, protocol.Resume, protocol.Step:
		g.mark = t.env.Now()
	case protocol.Stop:
		if t.state == protocol.StateRunning || t.state == protocol.StatePaused {
			t.finishGoal(goalStopped)
		}
	}
}
