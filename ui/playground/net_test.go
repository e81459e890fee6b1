package playground

import (
	"reflect"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
)

// The network drawing's columns follow the Dense layers: a block's nodes
// show its last layer's output, and each kernel's links end in its column.
func TestNetColumnsFollowTheDenseLayers(t *testing.T) {
	c := DefaultConfig()
	c.Features = []string{"x", "y", "x2"}
	c.Hidden = []spec.Layer{
		spec.BatchNormalization(),           // 0: on the inputs, no column
		spec.Dense(8, spec.ActLinear),       // 1
		spec.BatchNormalization(),           // 2
		{Type: spec.TypeReLU},               // 3
		{Type: spec.TypeDropout, Rate: 0.5}, // 4
		spec.Dense(3, spec.ActTanh),         // 5
	}
	want := []NetColumn{
		{Units: 8, Dense: 1, Shown: 4, Label: "relu"},
		{Units: 3, Dense: 5, Shown: 5, Label: "tanh"},
	}
	if got := c.NetColumns(); !reflect.DeepEqual(got, want) {
		t.Errorf("columns %+v\nwant %+v", got, want)
	}
	if got := netColumns(c); !reflect.DeepEqual(got, []int{3, 8, 3, 2}) {
		t.Errorf("node counts %v, want [3 8 3 2]", got)
	}
	if got := kernelColumns(c); !reflect.DeepEqual(got, map[int]int{1: 1, 5: 2, 6: 3}) {
		t.Errorf("kernel columns %v, want Dense 1 → 1, Dense 5 → 2, the output (6) → 3", got)
	}
	if m := c.Model(); len(m.Layers) != 7 || !reflect.DeepEqual(m.Layers[6], spec.Dense(2, spec.ActSoftmax)) {
		t.Errorf("model layers %+v; want the hidden ones, then Dense(2, softmax)", m.Layers)
	}
}

// The playground's builder offers only its layer types and checks units.
func TestCheckLayer(t *testing.T) {
	for _, tc := range []struct {
		l    spec.Layer
		want string
	}{
		{spec.Dense(8, spec.ActReLU), ""},
		{spec.Dense(9, spec.ActReLU), "units must be 1 to 8 in the playground (each is drawn), got 9"},
		{spec.Conv2D(4, 3, spec.ActReLU), "the playground has no Conv2D layers"},
		{spec.BatchNormalization(), ""},
	} {
		if got := CheckLayer(tc.l); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.l.Type, got, tc.want)
		}
	}
	for _, typ := range LayerTypes {
		if l := NewLayer(typ); CheckLayer(l) != "" || l.Type != typ {
			t.Errorf("the palette's %s adds %+v: %q", typ, l, CheckLayer(l))
		}
	}
}
