package site

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Files of 1 MiB or more go to BrotliLarge's compressor (the brotli command
// where there is one): the variant decodes to the original, and two runs on
// the same input give the same bytes.
func TestPrecompressLargeFileIsReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("a long cross-check or training run: make test runs it (make check is -short)")
	}
	big := textLike(1<<20 + 4096)
	var outs [2][]byte
	for i := range outs {
		dir := t.TempDir()
		writeFile(t, dir, "big.wasm", big)
		st, err := Precompress(dir)
		if err != nil {
			t.Fatal(err)
		}
		if st.Written != 2 || st.Brotli != BrotliLarge().Name {
			t.Fatalf("run %d: %+v, want 2 variants written with %q", i, st, BrotliLarge().Name)
		}
		outs[i] = readFile(t, filepath.Join(dir, "big.wasm.br"))
		if !bytes.Equal(decode(t, "br", outs[i]), big) {
			t.Fatalf("run %d: big.wasm.br does not decode to big.wasm (%s)", i, st.Brotli)
		}
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Errorf("two runs on the same file gave different .br files (%d and %d B, %s)", len(outs[0]), len(outs[1]), BrotliLarge().Name)
	}
}

func TestPickBrotli(t *testing.T) {
	if c := pickBrotli("go"); c.command != "" || !strings.Contains(c.Name, "Go brotli library, quality 9") {
		t.Errorf(`NNPLAY_BROTLI=go: %+v, want the Go library`, c)
	}
	missing := filepath.Join(t.TempDir(), "no-such-brotli")
	if c := pickBrotli(missing); c.command != "" || !strings.Contains(c.Name, "NNPLAY_BROTLI="+missing+" is not a command") {
		t.Errorf("NNPLAY_BROTLI=%s: %+v, want the Go library and a note", missing, c)
	}
	fake := filepath.Join(t.TempDir(), "brotli")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if c := pickBrotli(fake); c.command != fake || c.Name != "brotli -q 11 -w 24 ("+fake+")" {
		t.Errorf("NNPLAY_BROTLI=%s: %+v, want that command", fake, c)
	}
}

// A brotli command that fails stops Precompress with its message and the way out.
func TestBrotliCommandFailureIsReported(t *testing.T) {
	fake := filepath.Join(t.TempDir(), "brotli")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\necho 'brotli: out of cheese' >&2\nexit 3\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	err := pickBrotli(fake).compress(&buf, textLike(5000))
	if err == nil || !strings.Contains(err.Error(), "out of cheese") || !strings.Contains(err.Error(), "NNPLAY_BROTLI=go") {
		t.Errorf("error %v, want the command's message and the NNPLAY_BROTLI=go hint", err)
	}
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
