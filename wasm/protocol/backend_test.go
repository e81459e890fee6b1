package protocol

import (
	"strings"
	"testing"
)

// The backend messages join the round-trip tables of codec_test.go.
func init() {
	allRequests = append(allRequests,
		BackendRequest{}, BackendRequest{Name: BackendGo}, BackendRequest{Name: BackendAuto}, BackendRequest{Name: BackendSIMD},
		BackendRequest{Name: BackendWebGPU}, BackendRequest{Fault: FaultShader}, BackendRequest{Name: BackendWebGPU, Fault: FaultDevice},
		BackendRequest{Workers: 3}, BackendRequest{Fault: FaultWorker}, BackendRequest{Fault: FaultWorkerThrows})
	allEvents = append(allEvents, Backend{Name: "simd", Available: []string{"simd", "go"}},
		Backend{Name: "webgpu", Available: []string{"webgpu", "simd", "go"}, Choice: BackendAuto, Adapter: "NVIDIA GeForce RTX 4070"},
		Backend{Name: "simd", Available: []string{"webgpu", "simd", "go"}, Choice: BackendAuto, Adapter: "SwiftShader", Software: true,
			Note: "Auto: the WebGPU adapter (SwiftShader) is software, slower than the CPU kernels"},
		Backend{Name: "simd", Available: []string{"simd", "go"}, Choice: BackendWebGPU, Note: "WebGPU does not run LSTM layers (layer 2)"},
		Backend{Name: "simd", Available: []string{"simd", "go"}, Workers: 2, WorkersChoice: 3, MaxWorkers: 4,
			WorkersNote: "training worker 2 stopped: its worker was terminated; training goes on with 2 workers from the last weights"})
}

func TestBackendWireFormat(t *testing.T) {
	s, err := Encode(BackendRequest{Name: BackendGo})
	if err != nil {
		t.Fatal(err)
	}
	if s != `{"type":"backend","data":{"name":"go"}}` {
		t.Errorf("Encode(BackendRequest{go}) = %s", s)
	}
	if s, _ := Encode(BackendRequest{}); s != `{"type":"backend"}` {
		t.Errorf("Encode(BackendRequest{}) = %s; want no data (a query)", s)
	}
}

func TestBackendRejects(t *testing.T) {
	if _, err := DecodeRequest(`{"type":"backend","data":{"name":"webgl"}}`); err == nil ||
		!strings.Contains(err.Error(), `protocol: backend: unknown backend "webgl" (want auto, webgpu, simd or go)`) {
		t.Errorf("backend webgl: err = %v; want it to name the backend and the choices", err)
	}
	if _, err := DecodeEvent(`{"type":"backend","data":{"name":"go"}}`); err == nil ||
		!strings.Contains(err.Error(), "backend needs the name in use and the available ones") {
		t.Errorf("backend event without available: err = %v", err)
	}
	if _, err := Encode(Backend{Available: []string{"go"}}); err == nil || !strings.Contains(err.Error(), "encode backend") {
		t.Errorf("Encode(Backend without a name): err = %v", err)
	}
	if _, err := DecodeRequest(`{"type":"backend","data":{"fault":"cosmic-ray"}}`); err == nil ||
		!strings.Contains(err.Error(), `unknown fault "cosmic-ray" (want shader, device, worker or worker-throws)`) {
		t.Errorf("fault cosmic-ray: err = %v; want it to name the fault and the choices", err)
	}
	if _, err := DecodeRequest(`{"type":"backend","data":{"workers":17}}`); err == nil ||
		!strings.Contains(err.Error(), "workers must be from 1 to 16, got 17") {
		t.Errorf("17 workers: err = %v", err)
	}
	if _, err := DecodeEvent(`{"type":"backend","data":{"name":"go","available":["go"],"choice":"tpu"}}`); err == nil ||
		!strings.Contains(err.Error(), `unknown choice "tpu"`) {
		t.Errorf("choice tpu: err = %v", err)
	}
}
