package nn

import "fmt"

// Slots is one param's optimizer state, as plain slices, so training can
// move between implementations mid-run (the browser's WebGPU backend
// takes it to the GPU and brings it back) without restarting the
// optimizer:
//
//	Adam:                Step = t (steps taken), M and V the moments m and v
//	SGD with momentum:   M is the velocity (Step and V unused)
//	SGD without:         nothing
//	RMSProp:             M is the mean square a
//	Adagrad:             M is the sum of squares s (0.1 before the first step)
type Slots struct {
	Step int
	M, V []float32
}

// SlotsOf returns a copy of p's state in opt: its starting state (zeros,
// Step 0; Adagrad's 0.1) for a param opt has not stepped yet.
func SlotsOf(opt Optimizer, p *Param) (Slots, error) {
	n := len(p.Value.Float32s())
	switch o := opt.(type) {
	case *Adam:
		s := Slots{M: make([]float32, n), V: make([]float32, n)}
		if st := o.state[p]; st != nil {
			copy(s.M, st.m)
			copy(s.V, st.v)
			s.Step = st.t
		}
		return s, nil
	case *SGD:
		if o.Momentum == 0 {
			return Slots{}, nil
		}
		s := Slots{M: make([]float32, n)}
		copy(s.M, o.velocity[p])
		return s, nil
	case *RMSProp:
		return Slots{M: append(make([]float32, 0, n), stateOr(o.avg, p, 0)...)}, nil
	case *Adagrad:
		return Slots{M: append(make([]float32, 0, n), stateOr(o.sum, p, AdagradInitialAccumulator)...)}, nil
	}
	return Slots{}, fmt.Errorf("optimizer %T: its state cannot be moved", opt)
}

// stateOr is p's state in a per-param map, or n copies of init where p
// has none yet; a read that leaves the map alone.
func stateOr(state map[*Param][]float32, p *Param, init float32) []float32 {
	if s, ok := state[p]; ok {
		return s
	}
	s := make([]float32, len(p.Value.Float32s()))
	for i := range s {
		s[i] = init
	}
	return s
}

// SetSlots replaces p's state in opt with a copy of s (as SlotsOf gives
// it). Slices of the wrong length are an error and change nothing.
func SetSlots(opt Optimizer, p *Param, s Slots) error {
	n := len(p.Value.Float32s())
	switch o := opt.(type) {
	case *Adam:
		if len(s.M) != n || len(s.V) != n || s.Step < 0 {
			return fmt.Errorf("adam state for %s: m has %d values and v %d, step %d; want %d each and step ≥ 0", p.Name, len(s.M), len(s.V), s.Step, n)
		}
		if o.state == nil {
			o.state = map[*Param]*adamState{}
		}
		o.state[p] = &adamState{m: append([]float32(nil), s.M...), v: append([]float32(nil), s.V...), t: s.Step}
		return nil
	case *SGD:
		if o.Momentum == 0 {
			return nil
		}
		if len(s.M) != n {
			return fmt.Errorf("sgd velocity for %s has %d values; want %d", p.Name, len(s.M), n)
		}
		if o.velocity == nil {
			o.velocity = map[*Param][]float32{}
		}
		o.velocity[p] = append([]float32(nil), s.M...)
		return nil
	case *RMSProp:
		return setState(&o.avg, p, s.M, "rmsprop mean square")
	case *Adagrad:
		return setState(&o.sum, p, s.M, "adagrad sum of squares")
	}
	return fmt.Errorf("optimizer %T: its state cannot be moved", opt)
}

// setState replaces p's entry in a per-param state map with a copy of v.
func setState(state *map[*Param][]float32, p *Param, v []float32, what string) error {
	if n := len(p.Value.Float32s()); len(v) != n {
		return fmt.Errorf("%s for %s has %d values; want %d", what, p.Name, len(v), n)
	}
	if *state == nil {
		*state = map[*Param][]float32{}
	}
	(*state)[p] = append([]float32(nil), v...)
	return nil
}
