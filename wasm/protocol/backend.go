package protocol

import "fmt"

// Backends a Backend request may name. The CPU ones choose the engine's
// kernels (see engine/kernels): BackendSIMD the WebAssembly SIMD module,
// BackendGo plain Go. BackendWebGPU trains the models the GPU can run
// (Dense and convolutional ones) on WebGPU, and everything else on the fastest CPU
// kernels. BackendAuto picks WebGPU when the browser has a hardware
// adapter and the model fits it, else the fastest CPU kernels.
const (
	BackendAuto   = "auto"
	BackendWebGPU = "webgpu"
	BackendSIMD   = "simd"
	BackendGo     = "go"
)

// Faults a Backend request may inject, a test hook: FaultShader makes the
// WebGPU backend's next start compile a broken shader, FaultDevice
// destroys its device before the next batch (as a lost GPU), FaultWorker
// terminates the second training worker as the next batch starts (as a
// worker that dies mid-batch), FaultWorkerThrows makes it throw in the
// next batch (as a bug in it).
const (
	FaultShader       = "shader"
	FaultDevice       = "device"
	FaultWorker       = "worker"
	FaultWorkerThrows = "worker-throws"
)

// MaxWorkers is the most training workers a Backend request may ask for.
const MaxWorkers = 16

// BackendRequest chooses where later batches train (between two batches; the
// CPU backends give the same bits, WebGPU agrees within float rounding). An
// empty Name changes nothing and only asks which is in use. The page sends
// it when it starts (to ask) and when the user picks a backend; the worker
// answers Backend.
type BackendRequest struct {
	Name string `json:"name,omitempty"`
	// Workers is how many training workers share each batch (data-parallel:
	// each computes its share's gradients, one step is taken from their
	// sum), 1 to MaxWorkers; 0 changes nothing.
	Workers int `json:"workers,omitempty"`
	// Fault, a test hook, makes a backend fail on purpose so the fallback
	// can be seen (FaultShader, FaultDevice, FaultWorker, FaultWorkerThrows).
	Fault string `json:"fault,omitempty"`
}

// Backend says where the worker trains now (webgpu, simd, gonum or go), what
// it could use (fastest first, go last), the page's choice, the WebGPU
// adapter, and why the choice is not in use or what failed. The worker sends
// it to answer a BackendRequest, and unasked (once the page has asked once)
// when that changes: a build of a model WebGPU cannot run, or a WebGPU
// failure that fell back to the CPU.
type Backend struct {
	// Name is what trains now: webgpu, or the CPU kernels (simd, gonum, go).
	Name string `json:"name"`
	// Available lists the backends this worker has, fastest first ("go" last).
	Available []string `json:"available"`
	// Choice is what the page chose (auto, webgpu, simd or go).
	Choice string `json:"choice,omitempty"`
	// Adapter describes the WebGPU adapter ("SwiftShader", "NVIDIA …"),
	// when the browser has one; Software says it runs on the CPU.
	Adapter  string `json:"adapter,omitempty"`
	Software bool   `json:"software,omitempty"`
	// Note says, for the user, why the choice is not what trains (the
	// model needs the CPU, there is no adapter) or what failed.
	Note string `json:"note,omitempty"`
	// Workers is how many training workers share each batch now (1 on
	// WebGPU and in the playground); WorkersChoice what the page chose (or
	// the default: cores − 1 for a model with a convolution or a recurrent
	// layer, 1 for the others); MaxWorkers the most this browser offers
	// (1 when workers cannot share memory).
	Workers       int `json:"workers,omitempty"`
	WorkersChoice int `json:"workers_choice,omitempty"`
	MaxWorkers    int `json:"max_workers,omitempty"`
	// WorkersNote says why fewer workers train than chosen (no shared
	// memory, the playground), or than cores − 1 by default (a model of
	// Dense layers), or that one stopped and training went on
	// without it.
	WorkersNote string `json:"workers_note,omitempty"`
}

func (BackendRequest) Type() string { return "backend" }
func (Backend) Type() string        { return "backend" }
func (BackendRequest) isRequest()   {}
func (Backend) isEvent()            {}

func (m BackendRequest) check() error {
	switch m.Name {
	case "", BackendAuto, BackendWebGPU, BackendSIMD, BackendGo:
	default:
		return fmt.Errorf("unknown backend %q (want auto, webgpu, simd or go)", m.Name)
	}
	if m.Workers < 0 || m.Workers > MaxWorkers {
		return fmt.Errorf("workers must be from 1 to %d, got %d", MaxWorkers, m.Workers)
	}
	switch m.Fault {
	case "", FaultShader, FaultDevice, FaultWorker, FaultWorkerThrows:
		return nil
	}
	return fmt.Errorf("unknown fault %q (want shader, device, worker or worker-throws)", m.Fault)
}

func (m Backend) check() error {
	if m.Name == "" || len(m.Available) == 0 {
		return fmt.Errorf("backend needs the name in use and the available ones; got %q and %v", m.Name, m.Available)
	}
	switch m.Choice {
	case "", BackendAuto, BackendWebGPU, BackendSIMD, BackendGo:
		return nil
	}
	return fmt.Errorf("backend: unknown choice %q", m.Choice)
}
