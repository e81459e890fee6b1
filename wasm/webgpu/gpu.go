//go:build js && wasm

// Package webgpu trains models on the GPU through the browser's WebGPU
// API: it is the training worker's trainer.GPU, for the models
// trainer.PlanGPU accepts (Dense and convolutional ones). The kernels are
// WGSL, in wgsl/ (embedded): a tiled GEMM in the three transpose forms
// with bias and activation fused in, standalone activations and their
// gradients, softmax with the cross-entropy, bias gradients, im2col and
// col2im around the GEMM for Conv2D, max and average pooling,
// BatchNormalization, reshapes between layouts and the optimizer update
// (Adam, SGD, RMSProp, Adagrad, in the engine's exact formulas). Each kind
// of op runs through its opPasses (ops.go), in a file of its own.
//
// The weights and the optimizer's state live on the GPU while a session
// trains; every batch is one command buffer and one queue.submit, and
// nothing is read back except the loss of the batches that report it and
// the weights when the trainer syncs (see trainer.GPUSession).
//
// It is plain syscall/js: promises are awaited with then-handlers that
// send on a channel, and data crosses with js.CopyBytesToJS,
// queue.writeBuffer and mapAsync, never through a JS view of Go's memory.
package webgpu

import (
	"errors"
	"fmt"
	"syscall/js"

	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/wasm/jsloop"
	"github.com/nnplay/nnplay/wasm/protocol"
	"github.com/nnplay/nnplay/wasm/worker/trainer"
)

// GPU is the browser's WebGPU, for trainer.Env.GPU. Only the trainer's
// goroutine uses it.
type GPU struct {
	probed     bool
	adapter    trainer.GPUAdapter
	adapterErr error
	spare      js.Value // the probed adapter, until a device is made from it

	dev         *device // nil until the first Open, and after a failure
	breakShader bool    // test hook: the next Open compiles a broken shader
}

// New returns the browser's WebGPU; nothing is asked of it until Adapter
// or Open.
func New() *GPU { return &GPU{} }

// Adapter probes for an adapter once and describes it.
func (g *GPU) Adapter() (trainer.GPUAdapter, error) {
	if !g.probed {
		g.spare, g.adapter, g.adapterErr = requestAdapter()
		g.probed = true
	}
	return g.adapter, g.adapterErr
}

// Fault is the test hook of protocol.BackendRequest.Fault: FaultShader
// makes the next Open compile a broken shader, FaultDevice destroys the
// device now (as a GPU reset would), so device.lost fires.
func (g *GPU) Fault(kind string) error {
	switch kind {
	case protocol.FaultShader:
		g.breakShader = true
		return nil
	case protocol.FaultDevice:
		if g.dev == nil {
			return errors.New("fault device: no WebGPU device has been made yet (train a batch on WebGPU first)")
		}
		g.dev.gpu.Call("destroy")
		return nil
	}
	return fmt.Errorf("unknown fault %q", kind)
}

// device returns a working device, making a new one when there is none or
// the last one failed (an adapter makes one device, so a new one comes
// from a new adapter).
func (g *GPU) device() (*device, error) {
	if g.dev != nil && g.dev.err() == nil {
		return g.dev, nil
	}
	if g.dev != nil {
		g.dev.release()
		g.dev = nil
	}
	if _, err := g.Adapter(); err != nil {
		return nil, err
	}
	adapter := g.spare
	g.spare = js.Null()
	if !adapter.Truthy() {
		var err error
		if adapter, _, err = requestAdapter(); err != nil {
			return nil, err
		}
	}
	d, err := newDevice(adapter)
	if err != nil {
		return nil, err
	}
	g.dev = d
	return d, nil
}

// Open uploads m's weights and optimizer state and compiles the kernels
// plan needs. Any validation error on the way fails it.
func (g *GPU) Open(plan *trainer.GPUPlan, m *nn.Sequential) (trainer.GPUSession, error) {
	d, err := g.device()
	if err != nil {
		return nil, err
	}
	broken := g.breakShader
	g.breakShader = false
	s := &session{dev: d, plan: plan}
	d.gpu.Call("pushErrorScope", "validation")
	err = s.open(m, broken)
	if e, perr := jsloop.Await(d.gpu.Call("popErrorScope")); err == nil && perr != nil {
		err = fmt.Errorf("setting up: %v", perr)
	} else if err == nil && e.Truthy() {
		err = fmt.Errorf("setting up: %s", jsloop.ErrorText(e))
	}
	if err == nil {
		err = d.err()
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}
