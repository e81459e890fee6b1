package npz

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
)

func sample() []Array {
	return []Array{
		{Name: "dense/kernel", Shape: []int{3, 2}, Data: []float32{1, -2, 3.5, float32(math.Pi), 0, -0.25}},
		{Name: "dense/bias", Shape: []int{2}, Data: []float32{0.5, -1e-7}},
		{Name: "scalar", Shape: []int{}, Data: []float32{42}},
		{Name: "empty", Shape: []int{0, 4}, Data: []float32{}},
	}
}

func TestRoundTrip(t *testing.T) {
	want := sample()
	b, err := Encode(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d arrays back, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Name != want[i].Name || !slices.Equal(got[i].Shape, want[i].Shape) || !slices.Equal(got[i].Data, want[i].Data) {
			t.Errorf("array %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestHeaderIsAligned(t *testing.T) {
	for _, shape := range [][]int{{}, {7}, {784, 128}, {5, 5, 1, 6}} {
		b, err := EncodeNPY(shape, make([]float32, size(shape)))
		if err != nil {
			t.Fatal(err)
		}
		hlen := int(b[8]) | int(b[9])<<8
		if (10+hlen)%headerAlign != 0 || b[10+hlen-1] != '\n' {
			t.Errorf("shape %v: data starts at %d, not on a %d-byte boundary after a newline", shape, 10+hlen, headerAlign)
		}
	}
}

func TestRefusals(t *testing.T) {
	good, err := Encode(sample())
	if err != nil {
		t.Fatal(err)
	}
	npy, _ := EncodeNPY([]int{2, 2}, []float32{1, 2, 3, 4})
	f8 := bytes.Replace(npy, []byte("'<f4'"), []byte("'<f8'"), 1)
	zipOf := func(name string, body []byte) []byte { return rawZip(t, name, body) }
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"not a zip", []byte("hello, world"), "not a zip archive"},
		{"truncated zip", good[:len(good)/2], "truncated or damaged"},
		{"empty", nil, "not a readable zip"},
		{"float64", zipOf("w.npy", f8), `member "w.npy": npy: dtype "<f8" is not supported`},
		{"short data", zipOf("w.npy", npy[:len(npy)-3]), "truncated: shape [2 2] needs 16 bytes of data, the file has 13"},
		{"long data", zipOf("w.npy", append(slices.Clone(npy), 0)), "extra bytes"},
		{"not npy", zipOf("w.npy", []byte("PK not numpy")), "not a .npy file"},
		{"not .npy name", zipOf("w.txt", npy), `member "w.txt" is not a .npy file`},
		{"huge shape", zipOf("w.npy", bytes.Replace(npy, []byte("(2, 2)"), []byte("(999999999, 999999999)"), 1)), "more than"},
	} {
		_, err := Decode(c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// rawZip is a zip holding one member, written without Encode's checks.
func rawZip(t *testing.T, name string, body []byte) []byte {
	t.Helper()
	b, err := encodeRaw(name, body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func FuzzDecode(f *testing.F) {
	good, _ := Encode(sample())
	f.Add(good)
	f.Add(good[:len(good)-10])
	npy, _ := EncodeNPY([]int{2, 3}, make([]float32, 6))
	f.Add(npy)
	if b, err := encodeRaw("x.npy", npy); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		arrays, err := Decode(data)
		if err != nil {
			return
		}
		for _, a := range arrays {
			if size(a.Shape) != len(a.Data) {
				t.Fatalf("array %q: shape %v with %d values", a.Name, a.Shape, len(a.Data))
			}
		}
		again, err := Encode(arrays)
		if err != nil {
			t.Fatalf("a decoded file does not encode: %v", err)
		}
		back, err := Decode(again)
		if err != nil || len(back) != len(arrays) {
			t.Fatalf("round trip: %v, %d arrays of %d", err, len(back), len(arrays))
		}
	})
}
