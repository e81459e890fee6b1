//go:build js && wasm

package webgpu

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"syscall/js"

	"github.com/nnplay/nnplay/wasm/jsloop"
	"github.com/nnplay/nnplay/wasm/worker/trainer"
)

// GPUBufferUsage and GPUMapMode flags (WebGPU spec).
const (
	usageMapRead = 0x0001
	usageCopySrc = 0x0004
	usageCopyDst = 0x0008
	usageUniform = 0x0040
	usageStorage = 0x0080
	mapModeRead  = 0x0001
)

// requestAdapter asks navigator.gpu for an adapter and describes it.
func requestAdapter() (js.Value, trainer.GPUAdapter, error) {
	gpu := js.Global().Get("navigator").Get("gpu")
	if !gpu.Truthy() {
		return js.Null(), trainer.GPUAdapter{}, errors.New("this browser has no WebGPU (navigator.gpu is missing)")
	}
	a, err := jsloop.Await(gpu.Call("requestAdapter"))
	if err != nil {
		return js.Null(), trainer.GPUAdapter{}, fmt.Errorf("requestAdapter failed: %v", err)
	}
	if !a.Truthy() {
		return js.Null(), trainer.GPUAdapter{}, errors.New("no adapter (navigator.gpu.requestAdapter() gave null)")
	}
	return a, describe(a), nil
}

// describe names an adapter from its GPUAdapterInfo: the description when
// the browser gives one, else vendor and architecture ("SwiftShader" for
// Chromium's software adapter).
func describe(a js.Value) trainer.GPUAdapter {
	info := a.Get("info")
	field := func(k string) string {
		if !info.Truthy() {
			return ""
		}
		if v := info.Get(k); v.Type() == js.TypeString {
			return v.String()
		}
		return ""
	}
	arch := field("architecture")
	software := arch == "swiftshader" || (info.Truthy() && info.Get("isFallbackAdapter").Truthy()) || a.Get("isFallbackAdapter").Truthy()
	desc := field("description")
	if desc == "" && arch == "swiftshader" {
		desc = "SwiftShader"
	}
	if desc == "" {
		desc = strings.TrimSpace(field("vendor") + " " + arch + " " + field("device"))
	}
	if desc == "" {
		desc = "unnamed adapter"
	}
	return trainer.GPUAdapter{Description: desc, Software: software}
}

// device is a GPUDevice with what nnplay keeps for it: its compiled
// pipelines, a scratch array for uploads, and the first failure seen (a
// lost device, an uncaptured error), after which it is not used again.
type device struct {
	gpu, queue js.Value

	mu      sync.Mutex
	failure string // set by the JS callbacks: read through err

	pipelines map[string]js.Value
	scratch   js.Value // a Uint8Array for queue.writeBuffer
	// maxBinding is the largest storage buffer a shader can bind, in bytes.
	maxBinding float64
	funcs      []js.Func
}

// newDevice requests a device from adapter and watches it for loss and
// uncaptured errors.
func newDevice(adapter js.Value) (*device, error) {
	// The adapter's own buffer limits, not WebGPU's defaults: a Conv2D's
	// im2col matrix for a large batch outgrows the default 128 MiB binding.
	limits := adapter.Get("limits")
	required := map[string]any{}
	for _, k := range []string{"maxStorageBufferBindingSize", "maxBufferSize"} {
		if v := limits.Get(k); v.Type() == js.TypeNumber {
			required[k] = v.Float()
		}
	}
	g, err := jsloop.Await(adapter.Call("requestDevice", map[string]any{"requiredLimits": required}))
	if err != nil {
		return nil, fmt.Errorf("requestDevice failed: %v", err)
	}
	d := &device{gpu: g, queue: g.Get("queue"), pipelines: map[string]js.Value{}}
	d.maxBinding = min(g.Get("limits").Get("maxStorageBufferBindingSize").Float(), g.Get("limits").Get("maxBufferSize").Float())
	lost := js.FuncOf(func(_ js.Value, args []js.Value) any {
		info := args[0]
		d.fail(fmt.Sprintf("device lost (%s: %s)", info.Get("reason").String(), info.Get("message").String()))
		return nil
	})
	uncaptured := js.FuncOf(func(_ js.Value, args []js.Value) any {
		d.fail("uncaptured error: " + jsloop.ErrorText(args[0].Get("error")))
		return nil
	})
	d.funcs = append(d.funcs, lost, uncaptured)
	g.Get("lost").Call("then", lost)
	g.Call("addEventListener", "uncapturederror", uncaptured)
	return d, nil
}

func (d *device) fail(why string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.failure == "" {
		d.failure = why
	}
}

// err is the device's failure, nil while it works.
func (d *device) err() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.failure != "" {
		return errors.New(d.failure)
	}
	return nil
}

// release lets go of the JS callbacks of a device no longer used.
func (d *device) release() {
	for _, f := range d.funcs {
		f.Release()
	}
	d.funcs = nil
}

// buffer creates a GPUBuffer of at least size bytes (rounded up to 16).
func (d *device) buffer(size, usage int, label string) js.Value {
	size = max(16, (size+15)/16*16)
	return d.gpu.Call("createBuffer", map[string]any{"size": size, "usage": usage, "label": label})
}

// write copies b into buf at offset through the queue (a copy is taken at
// once, so the scratch array can be reused right away).
func (d *device) write(buf js.Value, offset int, b []byte) {
	if len(b) == 0 {
		return
	}
	if !d.scratch.Truthy() || d.scratch.Length() < len(b) {
		d.scratch = js.Global().Get("Uint8Array").New(max(len(b), 1<<16))
	}
	js.CopyBytesToJS(d.scratch, b)
	d.queue.Call("writeBuffer", buf, offset, d.scratch, 0, len(b))
}

// read copies size bytes of buf, from offset, back to Go: it copies them
// to a mappable buffer, waits for the GPU and maps it.
func (d *device) read(copies []readCopy, size int) ([]byte, error) {
	staging := d.buffer(size, usageMapRead|usageCopyDst, "readback")
	defer staging.Call("destroy")
	enc := d.gpu.Call("createCommandEncoder")
	for _, c := range copies {
		enc.Call("copyBufferToBuffer", c.src, 0, staging, c.at, c.size)
	}
	d.queue.Call("submit", []any{enc.Call("finish")})
	if _, err := jsloop.Await(staging.Call("mapAsync", mapModeRead, 0, size)); err != nil {
		if derr := d.err(); derr != nil {
			return nil, derr
		}
		return nil, fmt.Errorf("mapAsync: %v", err)
	}
	out := make([]byte, size)
	js.CopyBytesToGo(out, js.Global().Get("Uint8Array").New(staging.Call("getMappedRange", 0, size)))
	staging.Call("unmap")
	return out, nil
}

// readCopy is one buffer's part in a read: size bytes to offset at.
type readCopy struct {
	src      js.Value
	at, size int
}

// pipeline returns the compute pipeline of a shader's entry point with
// the given override constants, compiling it the first time. broken (a
// test hook) compiles a shader with an error in it instead.
func (d *device) pipeline(shader, entry string, constants map[string]any, broken bool) (js.Value, error) {
	keys := make([]string, 0, len(constants))
	for k := range constants {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	key := shader + "." + entry
	for _, k := range keys {
		key += fmt.Sprintf(" %s=%v", k, constants[k])
	}
	if p, ok := d.pipelines[key]; ok && !broken {
		return p, nil
	}
	code := source(shader)
	if broken {
		code += "\nthis line is not WGSL (a test asked for a broken shader)\n"
	}
	d.gpu.Call("pushErrorScope", "validation")
	module := d.gpu.Call("createShaderModule", map[string]any{"code": code, "label": shader})
	if e, err := jsloop.Await(d.gpu.Call("popErrorScope")); err != nil || e.Truthy() {
		if err == nil {
			err = errors.New(compileMessage(module, e))
		}
		return js.Null(), fmt.Errorf("compiling %s.wgsl: %v", shader, err)
	}
	desc := map[string]any{
		"label":   key,
		"layout":  "auto",
		"compute": map[string]any{"module": module, "entryPoint": entry, "constants": constants},
	}
	p, err := jsloop.Await(d.gpu.Call("createComputePipelineAsync", desc))
	if err != nil {
		return js.Null(), fmt.Errorf("compiling %s.wgsl (%s): %v", shader, entry, err)
	}
	if !broken {
		d.pipelines[key] = p
	}
	return p, nil
}

// compileMessage is the first error of a shader module's compilation
// info ("line 3: …"), or the GPU error's message.
func compileMessage(module, gpuErr js.Value) string {
	if info, err := jsloop.Await(module.Call("getCompilationInfo")); err == nil {
		msgs := info.Get("messages")
		for i := 0; i < msgs.Length(); i++ {
			if m := msgs.Index(i); m.Get("type").String() == "error" {
				return fmt.Sprintf("line %d: %s", m.Get("lineNum").Int(), m.Get("message").String())
			}
		}
	}
	return jsloop.ErrorText(gpuErr)
}

// binding is one entry of a bind group: a buffer, or a part of it.
type binding struct {
	index        int
	buf          js.Value
	offset, size int // size 0: the whole buffer
}

// bindGroup makes the bind group 0 of pipeline from bindings.
func (d *device) bindGroup(pipeline js.Value, bindings ...binding) js.Value {
	entries := make([]any, len(bindings))
	for i, b := range bindings {
		res := map[string]any{"buffer": b.buf}
		if b.size > 0 {
			res["offset"], res["size"] = b.offset, b.size
		}
		entries[i] = map[string]any{"binding": b.index, "resource": res}
	}
	return d.gpu.Call("createBindGroup", map[string]any{
		"layout":  pipeline.Call("getBindGroupLayout", 0),
		"entries": entries,
	})
}
