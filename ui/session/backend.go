package session

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// The training panel's Backend select: where the worker trains (the CPU
// kernels, or WebGPU for Dense and convolutional models), and what it says is in use.

// BackendChoice is one option of the Backend select.
type BackendChoice struct {
	Value, Label string
}

// BackendChoices are the select's options, in order.
var BackendChoices = []BackendChoice{
	{protocol.BackendAuto, "Auto"},
	{protocol.BackendGo, "CPU (pure Go)"},
	{protocol.BackendSIMD, "SIMD"},
	{protocol.BackendWebGPU, "WebGPU"},
}

// backendNames are the user's names of what can train.
var backendNames = map[string]string{
	protocol.BackendWebGPU: "WebGPU",
	protocol.BackendSIMD:   "SIMD",
	protocol.BackendGo:     "CPU (pure Go)",
	"gonum":                "CPU (gonum)",
}

// BackendState is the user's choice and the worker's last word on it.
type BackendState struct {
	Choice  string           // protocol.Backend*; "" until chosen (auto)
	Workers int              // training workers chosen; 0 until chosen
	InUse   protocol.Backend // the last backend event; Name "" before one
}

// BackendChoice is the select's value: the user's choice, else the
// worker's, else auto.
func (s *Session) BackendChoice() string {
	switch {
	case s.Backend.Choice != "":
		return s.Backend.Choice
	case s.Backend.InUse.Choice != "":
		return s.Backend.InUse.Choice
	}
	return protocol.BackendAuto
}

// SetBackend sends the user's choice to the worker, which answers with
// what is in use.
func (s *Session) SetBackend(choice string) {
	s.Backend.Choice = choice
	s.send(protocol.BackendRequest{Name: choice})
}

// WorkerChoices are the Workers select's options: 1 to the most this
// browser offers (the worker's last word; 1 before it).
func (s *Session) WorkerChoices() []int {
	n := max(s.Backend.InUse.MaxWorkers, 1)
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// WorkersChoice is the Workers select's value: the user's choice, else the
// worker's (its default: cores − 1 for a model with a convolution or a
// recurrent layer, 1 for the others), else 1.
func (s *Session) WorkersChoice() int {
	switch {
	case s.Backend.Workers > 0:
		return s.Backend.Workers
	case s.Backend.InUse.WorkersChoice > 0:
		return s.Backend.InUse.WorkersChoice
	}
	return 1
}

// SetWorkers sends how many training workers share each batch.
func (s *Session) SetWorkers(n int) {
	s.Backend.Workers = n
	s.send(protocol.BackendRequest{Workers: n})
}

// SetWorkersValue is SetWorkers from the select's value ("3").
func (s *Session) SetWorkersValue(v string) {
	if n, err := strconv.Atoi(v); err == nil && n >= 1 {
		s.SetWorkers(n)
	}
}

// BackendInUse is the text of #backend-in-use: "in use: WebGPU
// (SwiftShader, software)", "in use: SIMD", "in use: SIMD × 3 workers".
func (s *Session) BackendInUse() string {
	if w := s.Backend.InUse.Workers; w > 1 {
		return s.backendInUse() + " × " + strconv.Itoa(w) + " workers"
	}
	return s.backendInUse()
}

func (s *Session) backendInUse() string {
	b := s.Backend.InUse
	if b.Name == "" {
		return "in use: …"
	}
	name := backendNames[b.Name]
	if name == "" {
		name = b.Name
	}
	if b.Name == protocol.BackendWebGPU && b.Adapter != "" {
		name += " (" + b.Adapter
		if b.Software {
			name += ", software"
		}
		name += ")"
	}
	return "in use: " + name
}

// BackendNote is why the choice is not what trains, or what failed, and
// the same of the workers ("" if nothing to say), each a sentence (the
// worker's notes start in lower case).
func (s *Session) BackendNote() string {
	var parts []string
	for _, n := range []string{s.Backend.InUse.Note, s.Backend.InUse.WorkersNote} {
		if n != "" {
			r, size := utf8.DecodeRuneInString(n)
			parts = append(parts, string(unicode.ToUpper(r))+n[size:])
		}
	}
	return strings.Join(parts, ". ")
}

// applyBackend takes the worker's backend event.
func (s *Session) applyBackend(e protocol.Backend) {
	s.Backend.InUse = e
}
