package session

import (
	"github.com/nnplay/nnplay/wasm/protocol"
)

// The training panel's Backend select: where the worker trains (the CPU
// kernels, or WebGPU for Dense models), and what it says is in use.

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
	Choice string           // protocol.Backend*; "" until chosen (auto)
	InUse  protocol.Backend // the last backend event; Name "" before one
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

// BackendInUse is the text of #backend-in-use: "in use: WebGPU
// (SwiftShader, software)", "in use: SIMD".
func (s *Session) BackendInUse() string {
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

// BackendNote is why the choice is not what trains, or what failed ("" if
// nothing to say).
func (s *Session) BackendNote() string { return s.Backend.InUse.Note }

// applyBackend takes the worker's backend event.
func (s *Session) applyBackend(e protocol.Backend) {
	s.Backend.InUse = e
}
