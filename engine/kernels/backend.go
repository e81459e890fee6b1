package kernels

import (
	"fmt"
	"strings"
	"sync/atomic"
)

// forceGo, when set, makes every kernel run the pure-Go implementation.
var forceGo atomic.Bool

// Backend names the implementation the kernels use now:
//
//	"simd"  the WebAssembly SIMD (f32x4) module (js/wasm built with -tags nnsimd,
//	        once the page's JS glue has loaded static/kernels.wasm)
//	"gonum" gonum's assembly (native amd64)
//	"go"    plain Go, everywhere (and forced by SetBackend("go"))
//
// Every backend gives the same bits as the pure-Go one (see Gemm), so a
// switch never changes a training run.
func Backend() string {
	if forceGo.Load() {
		return "go"
	}
	return platformBackend()
}

// Backends lists the implementations SetBackend accepts here, fastest
// first; "go" is always there, last.
func Backends() []string {
	if p := platformBackend(); p != "go" {
		return []string{p, "go"}
	}
	return []string{"go"}
}

// SetBackend chooses the implementation: "go" forces plain Go (for tests
// and the page's backend switch), "auto" or "" goes back to the fastest
// available, and any name in Backends() picks that one.
func SetBackend(name string) error {
	switch {
	case name == "go":
		forceGo.Store(true)
	case name == "" || name == "auto" || name == platformBackend():
		forceGo.Store(false)
	default:
		return fmt.Errorf("kernels: backend %q is not available here (have %s, or auto)", name, strings.Join(Backends(), ", "))
	}
	return nil
}
