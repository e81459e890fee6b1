package trainer

import (
	"fmt"

	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// backend sets where later batches train (r.Name non-empty) and answers
// what trains now. The CPU kernels are switched worker-wide and every one
// computes the same bits, so a switch mid-training changes only the
// speed; WebGPU agrees with them within float rounding. A CPU backend this
// engine lacks (simd without WebAssembly SIMD) is an error event naming
// the ones it has. Choosing again retries a GPU that failed.
func (t *Trainer) backend(r protocol.BackendRequest) error {
	t.gpu.asked = true
	if r.Workers > 0 {
		t.setWorkers(r.Workers)
	}
	if r.Fault == protocol.FaultWorker || r.Fault == protocol.FaultWorkerThrows {
		if n, _ := t.workersFor(); n < 2 {
			return fmt.Errorf("backend: only one training worker runs, so none can be terminated (fault %s)", r.Fault)
		}
		t.par.fault = r.Fault
	} else if r.Fault != "" {
		f, ok := t.env.GPU.(GPUFaulter)
		if !ok {
			return fmt.Errorf("backend: there is no WebGPU here to break (fault %s)", r.Fault)
		}
		if err := f.Fault(r.Fault); err != nil {
			return err
		}
	}
	if r.Name != "" {
		cpu := r.Name
		if cpu == protocol.BackendWebGPU {
			cpu = protocol.BackendAuto // the CPU work (evaluation, CNNs) takes the fastest kernels
		}
		if err := kernels.SetBackend(cpu); err != nil {
			return err
		}
		t.gpu.choice = r.Name
		t.gpu.failed = ""
		t.gpu.decided = false
	}
	t.announceBackend(announceAlways)
	return nil
}

// backendEvent says what trains now, what could, and why the page's
// choice is not in use when it is not.
func (t *Trainer) backendEvent() protocol.Backend {
	use, note := t.gpuDecision()
	b := protocol.Backend{Name: kernels.Backend(), Available: kernels.Backends(), Choice: t.gpu.choice, Note: note}
	if b.Choice == "" {
		b.Choice = protocol.BackendAuto
	}
	if t.env.GPU != nil {
		if a, err := t.probe(); err == nil {
			b.Available = append([]string{protocol.BackendWebGPU}, b.Available...)
			b.Adapter, b.Software = a.Description, a.Software
		}
	}
	if use {
		b.Name = protocol.BackendWebGPU
	}
	t.workersEvent(&b)
	return b
}

// announceBackend's force.
const (
	announceAlways   = true
	announceOnChange = false
)

// announceBackend posts a backend event: always when force is set,
// otherwise only when the page has asked about backends once and what
// trains (or why) has changed since the last one.
func (t *Trainer) announceBackend(force bool) {
	if !force && !t.gpu.asked {
		return
	}
	b := t.backendEvent()
	key := fmt.Sprint(b.Name, "\x00", b.Choice, "\x00", b.Note, "\x00", b.Workers, "\x00", b.WorkersNote)
	if !force && key == t.gpu.last {
		return
	}
	t.gpu.last = key
	t.post(b)
}

// cpuName is the user's name for the CPU kernels in use: "SIMD", "gonum"
// or "pure Go".
func cpuName() string {
	switch k := kernels.Backend(); k {
	case protocol.BackendSIMD:
		return "SIMD"
	case protocol.BackendGo:
		return "pure Go"
	default:
		return k
	}
}
