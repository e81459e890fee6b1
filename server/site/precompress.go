package site

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/andybalholm/brotli"
)

// PrecompressMinSize is the smallest file Precompress compresses: below it the saving is a few
// hundred bytes at most, less than the extra stat calls cost.
const PrecompressMinSize = 1024

// precompressExts are the text-like build outputs worth compressing. Images and the MNIST .gz
// files are compressed already.
var precompressExts = map[string]bool{".wasm": true, ".js": true, ".html": true, ".css": true}

// PrecompressStats counts what Precompress did.
type PrecompressStats struct {
	Files    int   // files that qualified (extension and size)
	Written  int   // variant files written
	UpToDate int   // variant files already matching their original, left alone
	Bytes    int64 // total size of the qualifying originals
	BrBytes  int64 // total size of their .br files (written or up to date)
	GzBytes  int64 // total size of their .gz files (written or up to date)
}

// Precompress writes NAME.gz (gzip -9) and NAME.br (brotli, see brotliQuality) beside every .wasm, .js,
// .html and .css file of at least PrecompressMinSize bytes under dir, for New's handler to serve.
// Each variant gets its original's modification time, which is how the handler tells a fresh
// variant from a stale one; so Precompress is idempotent: a variant whose time equals its
// original's is left alone, any other is rewritten. The top-level "data"
// directory (MNIST files, served as they are) and dot-directories are skipped; symlinks are not
// followed. Each variant is written to a temporary file and renamed into place, so a running
// server never sees half a file. A variant that would not be smaller than its original is not
// written (and an old one is removed), so the original is served.
func Precompress(dir string) (PrecompressStats, error) {
	var st PrecompressStats
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p == dir {
				return nil
			}
			rel, _ := filepath.Rel(dir, p)
			if rel == "data" || strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !precompressExts[strings.ToLower(filepath.Ext(p))] {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if info.Size() < PrecompressMinSize {
			return nil
		}
		st.Files++
		st.Bytes += info.Size()
		for _, v := range variants {
			n, wrote, err := precompressOne(p, info, v.encoding)
			if err != nil {
				return err
			}
			if wrote {
				st.Written++
			} else if n > 0 {
				st.UpToDate++
			}
			if v.encoding == "br" {
				st.BrBytes += n
			} else {
				st.GzBytes += n
			}
		}
		return nil
	})
	if err != nil {
		return st, fmt.Errorf("precompress %s: %w", dir, err)
	}
	return st, nil
}

// precompressOne makes the variant of file p for one encoding unless an up-to-date one exists.
// It returns the variant's size (0 if there is none) and whether it wrote it.
func precompressOne(p string, info fs.FileInfo, encoding string) (int64, bool, error) {
	target := p + suffixOf(encoding)
	if vi, err := os.Stat(target); err == nil && vi.Mode().IsRegular() && vi.ModTime().Equal(info.ModTime()) {
		return vi.Size(), false, nil
	}
	src, err := os.ReadFile(p)
	if err != nil {
		return 0, false, err
	}
	var buf bytes.Buffer
	if err := compress(&buf, src, encoding); err != nil {
		return 0, false, fmt.Errorf("%s: %w", p, err)
	}
	if buf.Len() >= len(src) {
		if err := os.Remove(target); err != nil && !os.IsNotExist(err) {
			return 0, false, err
		}
		return 0, false, nil
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), "."+filepath.Base(target)+".tmp*")
	if err != nil {
		return 0, false, err
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	if _, err := tmp.Write(buf.Bytes()); err != nil {
		tmp.Close()
		return 0, false, err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return 0, false, err
	}
	if err := tmp.Close(); err != nil {
		return 0, false, err
	}
	if err := os.Chtimes(tmp.Name(), info.ModTime(), info.ModTime()); err != nil {
		return 0, false, err
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return 0, false, err
	}
	return int64(buf.Len()), true, nil
}

// compress writes src to w in the given encoding, gzip at its strongest setting, brotli as
// brotliQuality says. The gzip header carries no name or time, so the output depends only on the
// input.
func compress(w io.Writer, src []byte, encoding string) error {
	var zw io.WriteCloser
	switch encoding {
	case "gzip":
		gz, err := gzip.NewWriterLevel(w, gzip.BestCompression)
		if err != nil {
			return err
		}
		zw = gz
	case "br":
		zw = brotli.NewWriterOptions(w, brotli.WriterOptions{Quality: brotliQuality(len(src))})
	default:
		return fmt.Errorf("unknown encoding %q", encoding)
	}
	if _, err := zw.Write(src); err != nil {
		return err
	}
	return zw.Close()
}

// brotliQuality is 11 (the best) for files under 1 MiB and 9 above. Measured on a 3.7 MB Go wasm
// file with this library on one core: quality 9 makes 884 KB in under 1 s, quality 11 makes
// 780 KB in 8-20 s (gzip -9: 1,052 KB). Twelve percent is not worth a 10-20 s wait on every
// rebuild of a page served on localhost; for small scripts quality 11 costs nothing.
func brotliQuality(size int) int {
	if size < 1<<20 {
		return brotli.BestCompression
	}
	return 9
}
