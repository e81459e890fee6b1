package site

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestPrecompress(t *testing.T) {
	dir := t.TempDir()
	big := textLike(8000)
	want := map[string][]byte{ // files that get .br and .gz
		"main.wasm":      big,
		"wasm_exec.js":   textLike(5000),
		"index.html":     textLike(2000),
		"style.css":      textLike(1024), // exactly the minimum
		"sub/page.HTML":  textLike(3000),
		"sub/data/x.js":  textLike(3000), // only the top-level data/ is skipped
		"kernels.wasm":   textLike(PrecompressMinSize * 3),
		"deep/a/b/c.css": textLike(4000),
	}
	skipped := map[string][]byte{ // files that must get none
		"small.js":                        textLike(PrecompressMinSize - 1),
		"random.js":                       randomBytes(5000, 9), // would not shrink
		"picture.png":                     textLike(5000),
		"model.json":                      textLike(5000),
		"data/mnist/train-images.gz":      randomBytes(3000, 4),
		"data/app.js":                     textLike(5000),
		".cache/app.js":                   textLike(5000),
		"sub/.hidden/app.js":              textLike(5000),
		"main.wasm.br.js.notreally.other": textLike(5000),
	}
	for name, b := range want {
		writeFile(t, dir, name, b)
	}
	for name, b := range skipped {
		writeFile(t, dir, name, b)
	}
	// A symlinked file is not followed (its target is compressed under its own name, if at all).
	if err := os.Symlink("main.wasm", filepath.Join(dir, "link.wasm")); err != nil {
		t.Fatal(err)
	}
	st, err := Precompress(dir)
	if err != nil {
		t.Fatal(err)
	}
	// random.js qualifies by name and size but neither variant is smaller, so none is written.
	if st.Files != len(want)+1 || st.Written != 2*len(want) || st.UpToDate != 0 {
		t.Errorf("first run: %+v, want %d files and %d written", st, len(want)+1, 2*len(want))
	}
	var total int64
	for name, original := range want {
		total += int64(len(original))
		p := filepath.Join(dir, filepath.FromSlash(name))
		info, _ := os.Stat(p)
		for _, v := range variants {
			b, err := os.ReadFile(p + v.suffix)
			if err != nil {
				t.Errorf("%s%s: %v", name, v.suffix, err)
				continue
			}
			if !bytes.Equal(decode(t, v.encoding, b), original) {
				t.Errorf("%s%s does not decode to %s", name, v.suffix, name)
			}
			if len(b) >= len(original) {
				t.Errorf("%s%s: %d bytes for a %d-byte file", name, v.suffix, len(b), len(original))
			}
			vi, _ := os.Stat(p + v.suffix)
			if !vi.ModTime().Equal(info.ModTime()) || vi.Mode().Perm() != 0o644 {
				t.Errorf("%s%s: mtime %v mode %v, want the original's mtime %v and 0644", name, v.suffix, vi.ModTime(), vi.Mode(), info.ModTime())
			}
		}
	}
	if st.Bytes != total+5000 {
		t.Errorf("Bytes %d, want %d", st.Bytes, total+5000)
	}
	for name := range skipped {
		for _, v := range variants {
			if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(name)) + v.suffix); !os.IsNotExist(err) {
				t.Errorf("%s%s exists (err %v); it should have been skipped", name, v.suffix, err)
			}
		}
	}
	for _, v := range variants {
		if _, err := os.Lstat(filepath.Join(dir, "link.wasm"+v.suffix)); !os.IsNotExist(err) {
			t.Errorf("link.wasm%s written: symlinks must not be followed", v.suffix)
		}
	}
	matches, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(matches) > 0 {
		t.Errorf("temporary files left behind: %v", matches)
	}

	// Second run: nothing to do, nothing touched.
	before := snapshot(t, dir)
	st2, err := Precompress(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st2.Written != 0 || st2.UpToDate != 2*len(want) || st2.BrBytes != st.BrBytes || st2.GzBytes != st.GzBytes {
		t.Errorf("second run: %+v, want nothing written and %d up to date (first run %+v)", st2, 2*len(want), st)
	}
	if after := snapshot(t, dir); !equalSnapshots(before, after) {
		t.Errorf("second run changed files")
	}

	// A rebuilt original gets new variants; the others stay as they were.
	rebuilt := textLike(9000)[500:]
	p := writeFile(t, dir, "main.wasm", rebuilt)
	later := time.Now().Add(time.Minute)
	os.Chtimes(p, later, later)
	st3, err := Precompress(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st3.Written != 2 || st3.UpToDate != 2*len(want)-2 {
		t.Errorf("after rebuilding main.wasm: %+v, want 2 written", st3)
	}
	for _, v := range variants {
		b, _ := os.ReadFile(p + v.suffix)
		if !bytes.Equal(decode(t, v.encoding, b), rebuilt) {
			t.Errorf("main.wasm%s is not the rebuilt file", v.suffix)
		}
	}
}

// The handler serves what Precompress wrote.
func TestPrecompressThenServe(t *testing.T) {
	dir := t.TempDir()
	original := textLike(50_000)
	writeFile(t, dir, "main.wasm", original)
	if _, err := Precompress(dir); err != nil {
		t.Fatal(err)
	}
	h := newHandler(t, dir)
	for _, enc := range []string{"br", "gzip"} {
		rec := do(h, "GET", "/main.wasm", "Accept-Encoding: "+enc)
		if rec.Header().Get("Content-Encoding") != enc || rec.Header().Get("Content-Type") != "application/wasm" {
			t.Errorf("%s: headers %v", enc, rec.Header())
		}
		if !bytes.Equal(decode(t, enc, rec.Body.Bytes()), original) {
			t.Errorf("%s: body does not decode to main.wasm", enc)
		}
	}
}

func TestPrecompressMissingDirectory(t *testing.T) {
	_, err := Precompress(filepath.Join(t.TempDir(), "nope"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want a not-exist error", err)
	}
}

type fileState struct {
	mtime time.Time
	data  string
}

func snapshot(t *testing.T, dir string) map[string]fileState {
	t.Helper()
	m := map[string]fileState{}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || !info.Mode().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		m[p] = fileState{info.ModTime(), string(b)}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func equalSnapshots(a, b map[string]fileState) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !w.mtime.Equal(v.mtime) || w.data != v.data {
			return false
		}
	}
	return true
}
