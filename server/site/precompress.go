package site

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

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
	Files    int    // files that qualified (extension and size)
	Written  int    // variant files written
	UpToDate int    // variant files already matching their original, left alone
	Bytes    int64  // total size of the qualifying originals
	BrBytes  int64  // total size of their .br files (written or up to date)
	GzBytes  int64  // total size of their .gz files (written or up to date)
	Brotli   string // how files of 1 MiB or more were brotli'ed (see BrotliLarge)
}

// Precompress writes NAME.gz (gzip -9) and NAME.br (brotli, see brotliQuality and BrotliLarge)
// beside every .wasm, .js, .html and .css file of at least PrecompressMinSize bytes under dir, for
// New's handler to serve. Each variant gets its original's modification time, which is how the
// handler tells a fresh variant from a stale one; so Precompress is idempotent: a variant whose
// time equals its original's is left alone, any other is rewritten. The top-level "data"
// directory (MNIST files, served as they are) and dot-directories are skipped; symlinks are not
// followed. Each variant is written to a temporary file and renamed into place, so a running
// server never sees half a file. A variant that would not be smaller than its original is not
// written (and an old one is removed), so the original is served. Files are compressed in
// parallel, one per CPU; the output depends only on the input and the compressor.
func Precompress(dir string) (PrecompressStats, error) {
	st := PrecompressStats{Brotli: BrotliLarge().Name}
	type job struct {
		path string
		info fs.FileInfo
	}
	var jobs []job
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
		jobs = append(jobs, job{p, info})
		return nil
	})
	if err != nil {
		return st, fmt.Errorf("precompress %s: %w", dir, err)
	}

	for _, j := range jobs {
		st.Files++
		st.Bytes += j.info.Size()
	}
	var (
		mu       sync.Mutex
		firstErr error
		wg       sync.WaitGroup
		slots    = make(chan struct{}, runtime.GOMAXPROCS(0))
	)
	for _, j := range jobs {
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			for _, v := range variants {
				n, wrote, err := precompressOne(j.path, j.info, v.encoding)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				if err == nil {
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
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return st, fmt.Errorf("precompress %s: %w", dir, firstErr)
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
// brotliQuality and BrotliLarge say. The gzip header carries no name or time, so the output
// depends only on the input (and, for brotli, on the compressor).
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
		if len(src) >= 1<<20 {
			return BrotliLarge().compress(w, src)
		}
		zw = brotli.NewWriterOptions(w, brotli.WriterOptions{Quality: brotli.BestCompression})
	default:
		return fmt.Errorf("unknown encoding %q", encoding)
	}
	if _, err := zw.Write(src); err != nil {
		return err
	}
	return zw.Close()
}

// brotliQuality is what the Go library uses: 11 (the best) for files under 1 MiB and 9 above,
// where 11 takes the library many times longer for a little more (README: Performance). Files of
// 1 MiB or more go to the brotli command instead where there is one (BrotliLarge).
func brotliQuality(size int) int {
	if size < 1<<20 {
		return brotli.BestCompression
	}
	return 9
}

// BrotliCompressor is how files of 1 MiB or more (the wasm binaries) are brotli'ed.
type BrotliCompressor struct {
	Name    string // for the build log, e.g. "brotli -q 11 -w 24 (/usr/bin/brotli)"
	command string // the brotli command's path; "" for the Go library at brotliQuality
}

// BrotliLarge picks the compressor for large files once: the brotli command (Debian package
// brotli, C) at quality 11 with a 16 MiB window if it is on PATH, else the Go library at quality
// 9. On this project's wasm the command makes smaller files than the library's quality 9 but
// costs several times the CPU (README: Performance); files are compressed in parallel. Its
// output, like the library's, depends only on the input. NNPLAY_BROTLI=go forces the library
// (quick rebuilds); NNPLAY_BROTLI=PATH names the command.
func BrotliLarge() BrotliCompressor { return brotliLarge() }

var brotliLarge = sync.OnceValue(func() BrotliCompressor { return pickBrotli(os.Getenv("NNPLAY_BROTLI")) })

// pickBrotli chooses by NNPLAY_BROTLI's value: "go", a command, or "" for brotli on PATH.
func pickBrotli(env string) BrotliCompressor {
	lib := BrotliCompressor{Name: fmt.Sprintf("Go brotli library, quality %d", brotliQuality(1<<20))}
	name := env
	switch env {
	case "go":
		return lib
	case "":
		name = "brotli"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		if env != "" {
			lib.Name += " (NNPLAY_BROTLI=" + env + " is not a command)"
		}
		return lib
	}
	return BrotliCompressor{Name: "brotli -q 11 -w 24 (" + path + ")", command: path}
}

func (c BrotliCompressor) compress(w io.Writer, src []byte) error {
	if c.command == "" {
		zw := brotli.NewWriterOptions(w, brotli.WriterOptions{Quality: brotliQuality(len(src))})
		if _, err := zw.Write(src); err != nil {
			return err
		}
		return zw.Close()
	}
	var stderr bytes.Buffer
	cmd := exec.Command(c.command, "-c", "-q", "11", "-w", "24")
	cmd.Stdin = bytes.NewReader(src)
	cmd.Stdout = w
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %v %s (NNPLAY_BROTLI=go uses the Go library instead)", c.command, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
