package protocol

import "fmt"

// Kernel backends a Backend request may name (see engine/kernels):
// BackendAuto picks the fastest available, BackendSIMD the WebAssembly
// SIMD module, BackendGo plain Go.
const (
	BackendAuto = "auto"
	BackendSIMD = "simd"
	BackendGo   = "go"
)

// BackendRequest chooses the implementation of the engine's kernels for
// every later batch (between two batches; results are the same bits on
// every backend, only the speed changes). An empty Name changes nothing
// and only asks which is in use. Answered by Backend.
type BackendRequest struct {
	Name string `json:"name,omitempty"`
}

// Backend says which kernel backend the worker uses now and which it
// could use (fastest first, "go" last).
type Backend struct {
	Name      string   `json:"name"`
	Available []string `json:"available"`
}

func (BackendRequest) Type() string { return "backend" }
func (Backend) Type() string        { return "backend" }
func (BackendRequest) isRequest()   {}
func (Backend) isEvent()            {}

func (m BackendRequest) check() error {
	switch m.Name {
	case "", BackendAuto, BackendSIMD, BackendGo:
		return nil
	}
	return fmt.Errorf("unknown backend %q (want auto, simd or go)", m.Name)
}

func (m Backend) check() error {
	if m.Name == "" || len(m.Available) == 0 {
		return fmt.Errorf("backend needs the name in use and the available ones; got %q and %v", m.Name, m.Available)
	}
	return nil
}
