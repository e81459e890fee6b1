package session

import (
	"testing"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// TestBackendSelect: the page asks what trains once the worker is up,
// shows the worker's answer, and sends the user's choice.
func TestBackendSelect(t *testing.T) {
	var sent []protocol.Request
	a := New(func(r protocol.Request) {
		if r.Type() == "backend" {
			sent = append(sent, r)
		}
	})
	if got := a.BackendInUse(); got != "in use: …" || a.BackendChoice() != protocol.BackendAuto {
		t.Errorf("before the worker answers: %q, choice %q; want a placeholder and auto", got, a.BackendChoice())
	}
	a.Handle(protocol.Ready{})
	if len(sent) != 1 || sent[0] != (protocol.BackendRequest{}) {
		t.Fatalf("on ready the app sent %v; want one backend query", sent)
	}
	a.Handle(protocol.Backend{Name: "simd", Available: []string{"webgpu", "simd", "go"}, Choice: "auto", Adapter: "SwiftShader", Software: true,
		Note: "Auto: the WebGPU adapter (SwiftShader) is software, slower than the CPU kernels"})
	if got := a.BackendInUse(); got != "in use: SIMD" || a.BackendNote() == "" {
		t.Errorf("auto on SIMD: %q, note %q", got, a.BackendNote())
	}
	a.SetBackend(protocol.BackendWebGPU)
	if len(sent) != 2 || sent[1] != (protocol.BackendRequest{Name: protocol.BackendWebGPU}) || a.BackendChoice() != protocol.BackendWebGPU {
		t.Fatalf("choosing WebGPU sent %v (choice %q); want a backend request for webgpu", sent, a.BackendChoice())
	}
	a.Handle(protocol.Backend{Name: "webgpu", Available: []string{"webgpu", "simd", "go"}, Choice: "webgpu", Adapter: "SwiftShader", Software: true})
	if got := a.BackendInUse(); got != "in use: WebGPU (SwiftShader, software)" || a.BackendNote() != "" {
		t.Errorf("on WebGPU: %q, note %q", got, a.BackendNote())
	}
	a.Handle(protocol.Backend{Name: "go", Available: []string{"go"}, Choice: "go"})
	if got := a.BackendInUse(); got != "in use: CPU (pure Go)" {
		t.Errorf("on pure Go: %q", got)
	}
	a.Handle(protocol.Backend{Name: "simd", Available: []string{"simd", "go"}, Workers: 1, WorkersChoice: 1, MaxWorkers: 4})
	if got := a.WorkerChoices(); len(got) != 4 || got[3] != 4 || a.WorkersChoice() != 1 || a.BackendInUse() != "in use: SIMD" {
		t.Errorf("4 cores: choices %v, choice %d, %q", got, a.WorkersChoice(), a.BackendInUse())
	}
	a.SetWorkers(3)
	if last := sent[len(sent)-1]; last != (protocol.BackendRequest{Workers: 3}) || a.WorkersChoice() != 3 {
		t.Fatalf("choosing 3 workers sent %v (choice %d)", last, a.WorkersChoice())
	}
	a.Handle(protocol.Backend{Name: "simd", Available: []string{"simd", "go"}, Workers: 3, WorkersChoice: 3, MaxWorkers: 4})
	if got := a.BackendInUse(); got != "in use: SIMD × 3 workers" || a.BackendNote() != "" {
		t.Errorf("3 workers: %q, note %q", got, a.BackendNote())
	}
	a.Handle(protocol.Backend{Name: "simd", Available: []string{"simd", "go"}, Workers: 1, WorkersChoice: 3, MaxWorkers: 1,
		WorkersNote: "the page is not cross-origin isolated"})
	if got := a.BackendInUse(); got != "in use: SIMD" || a.BackendNote() != "The page is not cross-origin isolated" {
		t.Errorf("no shared memory: %q, note %q", got, a.BackendNote())
	}
}
