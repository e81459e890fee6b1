package torch

import (
	"reflect"
	"slices"
	"testing"

	"github.com/nnplay/nnplay/engine/share"
)

// clonePayload is a deep copy of p's weights (the spec is shared: nothing
// here writes to it).
func clonePayload(p share.Payload) share.Payload {
	out := p
	out.Weights = make([]share.Tensor, len(p.Weights))
	for i, w := range p.Weights {
		w.Shape, w.Values = slices.Clone(w.Shape), slices.Clone(w.Values)
		out.Weights[i] = w
	}
	return out
}

// samePayload fails unless p still equals before.
func samePayload(t *testing.T, p, before share.Payload) {
	t.Helper()
	if !reflect.DeepEqual(p, before) {
		t.Fatal("the payload changed")
	}
}
