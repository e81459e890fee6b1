package runs

import (
	"bytes"
	"testing"

	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// FuzzDecode feeds arbitrary bytes to Decode: it must never panic, and a
// run it accepts must store and read back to the same bytes.
func FuzzDecode(f *testing.F) {
	r := New("id", "seed", "2026-12-07T00:00:00Z", spec.Seed(), map[string]string{"backend": "simd"})
	r.AddBatch(BatchPoint{Step: 1, Epoch: 1, Loss: 2.3, Accuracy: 0.1})
	small := spec.Seed()
	small.Layers[0].Units, small.Layers[1].Units = 4, 3
	ws, err := share.ExpectedWeights(small)
	if err != nil {
		f.Fatal(err)
	}
	p := share.Payload{Spec: small, Epochs: 1, Steps: 938}
	for _, w := range ws {
		n := 1
		for _, d := range w.Shape {
			n *= d
		}
		p.Weights = append(p.Weights, share.Tensor{Name: w.Name, Shape: w.Shape, Values: make([]float32, n)})
	}
	snap, err := NewSnapshot(p, share.Int8)
	if err != nil {
		f.Fatal(err)
	}
	r.Spec = small
	_ = r.AddEpoch(EpochPoint{Epoch: 1, Steps: 938, Loss: 0.3, Accuracy: 0.9, PerClass: []Num{0.9, 0.8}}, snap)
	good, err := r.Encode()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"version":1}`))
	f.Add([]byte(`{"version":1,"spec":{},"snapshots":[{"epoch":1,"precision":"int8","data":"bm5wAQFa"}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Decode(data)
		if err != nil {
			return
		}
		b, err := r.Encode()
		if err != nil {
			t.Fatalf("a decoded run does not encode: %v", err)
		}
		r2, err := Decode(b)
		if err != nil {
			t.Fatalf("a decoded run, encoded, does not decode: %v", err)
		}
		b2, _ := r2.Encode()
		if !bytes.Equal(b, b2) {
			t.Fatalf("encode/decode is not stable:\n%s\n%s", b, b2)
		}
	})
}

// FuzzDecodeApart feeds arbitrary JSON and snapshot bytes to DecodeApart:
// it must never panic, and a run it accepts must store apart and read back
// to the same run.
func FuzzDecodeApart(f *testing.F) {
	f.Add([]byte(`{"version":1,"spec":{},"snapshots":[{"epoch":1,"precision":"int8","data":null}]}`), []byte("nnp\x01\x01Z"))
	f.Add([]byte(`{"version":1}`), []byte{})
	f.Add([]byte(`[]`), []byte("nnp"))
	f.Fuzz(func(t *testing.T, meta, snap []byte) {
		r, err := DecodeApart(meta, [][]byte{snap})
		if err != nil {
			return
		}
		m, snaps, err := r.EncodeApart()
		if err != nil {
			t.Fatalf("a decoded run does not encode: %v", err)
		}
		r2, err := DecodeApart(m, snaps)
		if err != nil {
			t.Fatalf("a decoded run, stored apart, does not decode: %v", err)
		}
		a, _ := r.Encode()
		b, _ := r2.Encode()
		if !bytes.Equal(a, b) {
			t.Fatalf("storing apart is not stable:\n%s\n%s", a, b)
		}
	})
}
