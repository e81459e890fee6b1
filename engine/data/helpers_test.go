package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
)

// idxImages builds an idx3 image file of n images rows×cols whose pixel k
// is byte(k).
func idxImages(magic uint32, n, rows, cols int, dataBytes int) []byte {
	var b bytes.Buffer
	for _, v := range []uint32{magic, uint32(n), uint32(rows), uint32(cols)} {
		binary.Write(&b, binary.BigEndian, v)
	}
	for k := range dataBytes {
		b.WriteByte(byte(k))
	}
	return b.Bytes()
}

// idxLabels builds an idx1 label file holding labels.
func idxLabels(magic uint32, n int, labels []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, magic)
	binary.Write(&b, binary.BigEndian, uint32(n))
	b.Write(labels)
	return b.Bytes()
}

// gz compresses b.
func gz(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	w.Write(b)
	w.Close()
	return out.Bytes()
}

// mnistDir finds static/data/mnist by walking up from the package
// directory to the module root (the directory holding go.mod).
func mnistDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "static", "data", "mnist")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("cannot find the module root (go.mod) above the test directory")
		}
		dir = parent
	}
}
