package trainer

import (
	"github.com/nnplay/nnplay/engine/kernels"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// backend switches the engine's kernels (r.Name non-empty) and answers
// which are in use. The switch is worker-wide and outlives builds; every
// backend computes the same bits, so a switch mid-training changes only
// the speed. A backend this engine lacks (simd without WebAssembly SIMD)
// is an error event naming the ones it has.
func (t *Trainer) backend(r protocol.BackendRequest) error {
	if r.Name != "" {
		if err := kernels.SetBackend(r.Name); err != nil {
			return err
		}
	}
	t.post(protocol.Backend{Name: kernels.Backend(), Available: kernels.Backends()})
	return nil
}
