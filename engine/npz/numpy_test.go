//go:build !js

package npz

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// TestNumPyReadsAndWrites checks the format against NumPy itself: numpy
// loads what Encode writes, and Decode reads what numpy.savez and
// numpy.savez_compressed write.
func TestNumPyReadsAndWrites(t *testing.T) {
	py := Python(t)
	dir := t.TempDir()
	ours := filepath.Join(dir, "ours.npz")
	b, err := Encode(sample())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ours, b, 0o644); err != nil {
		t.Fatal(err)
	}
	script := `
import sys, numpy as np
z = np.load(sys.argv[1])
assert list(z.keys()) == ["dense/kernel", "dense/bias", "scalar", "empty"], list(z.keys())
k = z["dense/kernel"]
assert k.dtype == np.float32 and k.shape == (3, 2), (k.dtype, k.shape)
assert k[1, 1] == np.float32(np.pi) and k[2, 1] == np.float32(-0.25)
assert z["scalar"].shape == () and z["scalar"] == 42
assert z["empty"].shape == (0, 4)
a = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7
np.savez(sys.argv[2], a=a, b=np.float32([1.5, -2]), f=np.asfortranarray(a))
np.savez_compressed(sys.argv[3], a=a, b=np.float32([1.5, -2]), f=a.transpose(2, 1, 0).T)
`
	plain, packed := filepath.Join(dir, "plain.npz"), filepath.Join(dir, "packed.npz")
	if out, err := exec.Command(py, "-c", script, ours, plain, packed).CombinedOutput(); err != nil {
		t.Fatalf("numpy: %v\n%s", err, out)
	}
	for _, path := range []string{plain, packed} {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Decode(b)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(path), err)
		}
		if len(got) != 3 || got[0].Name != "a" || !slices.Equal(got[0].Shape, []int{2, 3, 4}) || got[1].Name != "b" {
			t.Fatalf("%s: got %+v", filepath.Base(path), got)
		}
		for i, v := range got[0].Data {
			if v != float32(i)/7 {
				t.Fatalf("%s: a[%d] = %v, want %v", filepath.Base(path), i, v, float32(i)/7)
			}
		}
		if got[2].Name != "f" || !slices.Equal(got[2].Shape, got[0].Shape) || !slices.Equal(got[2].Data, got[0].Data) {
			t.Errorf("%s: the Fortran-order copy reads back as %v %v", filepath.Base(path), got[2].Shape, got[2].Data)
		}
		if !slices.Equal(got[1].Data, []float32{1.5, -2}) {
			t.Errorf("%s: b = %v", filepath.Base(path), got[1].Data)
		}
	}
}

// Python is Debian's python3 after checking that it has NumPy (make
// deps-torch installs it).
func Python(t *testing.T) string {
	t.Helper()
	const py = "/usr/bin/python3"
	if out, err := exec.Command(py, "-c", "import numpy").CombinedOutput(); err != nil {
		t.Fatalf("%s with NumPy is needed: %v\n%s\ninstall it with: make deps-torch   (apt-get install -y python3-numpy python3-torch)", py, err, out)
	}
	return py
}
