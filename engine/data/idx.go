package data

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// The idx format (LeCun's MNIST files) is a big-endian header followed by
// raw unsigned bytes:
//
//	images: magic 0x00000803, count n, rows, cols, then n·rows·cols pixels
//	labels: magic 0x00000801, count n, then n labels
//
// The magic's third byte (0x08) says "unsigned byte" and the fourth the
// number of dimensions. The files may be gzip-compressed (they usually are).
const (
	idxImagesMagic = 0x00000803
	idxLabelsMagic = 0x00000801

	// MaxIDXCount caps the example count a header may claim (MNIST has 60000).
	MaxIDXCount = 10_000_000
	// MaxIDXSide caps an image's rows and cols (MNIST's are 28).
	MaxIDXSide = 1024

	// readChunk is the first buffer size; the buffer then doubles as data
	// actually arrives, so a header that lies about its size costs at most
	// about twice the bytes really present, never what the header claims.
	readChunk = 1 << 20
)

// ReadIDXImages reads an idx3 image file (gzip or raw) and returns its
// pixels, n·rows·cols bytes with image i at pixels[i·rows·cols:], row-major.
// name is the file's name, used in every error message.
func ReadIDXImages(r io.Reader, name string) (pixels []byte, n, rows, cols int, err error) {
	in, err := openIDX(r, name)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	h, err := in.header(idxImagesMagic, 3)
	if err != nil {
		return nil, 0, 0, 0, err
	}
	n, rows, cols = h[0], h[1], h[2]
	if rows < 1 || rows > MaxIDXSide || cols < 1 || cols > MaxIDXSide {
		return nil, 0, 0, 0, in.errorf("image size %d×%d is out of range 1..%d", rows, cols, MaxIDXSide)
	}
	size := n * rows * cols // ≤ 10^7 · 2^20, fits in a 64-bit int (wasm's int is 64-bit)
	what := fmt.Sprintf("%d images of %d×%d (%d bytes)", n, rows, cols, size)
	if pixels, err = in.body(size, what); err != nil {
		return nil, 0, 0, 0, err
	}
	return pixels, n, rows, cols, nil
}

// ReadIDXLabels reads an idx1 label file (gzip or raw) and returns one byte
// per label. It does not check the labels' range; NewMNIST does.
func ReadIDXLabels(r io.Reader, name string) ([]byte, error) {
	in, err := openIDX(r, name)
	if err != nil {
		return nil, err
	}
	h, err := in.header(idxLabelsMagic, 1)
	if err != nil {
		return nil, err
	}
	return in.body(h[0], fmt.Sprintf("%d labels (%d bytes)", h[0], h[0]))
}

// idxReader reads one idx file and names it in its errors.
type idxReader struct {
	r    io.Reader
	name string
}

// gzipError marks an error raised by the gzip decoder, as opposed to the
// idx content ending early.
type gzipError struct{ err error }

func (e gzipError) Error() string { return e.err.Error() }

// gzipReader passes reads through, tagging the decoder's errors.
type gzipReader struct{ z *gzip.Reader }

func (g gzipReader) Read(p []byte) (int, error) {
	n, err := g.z.Read(p)
	if err != nil && err != io.EOF {
		err = gzipError{err}
	}
	return n, err
}

// openIDX detects gzip by its magic bytes 1f 8b and decompresses if so.
func openIDX(r io.Reader, name string) (*idxReader, error) {
	in := &idxReader{name: name}
	if mem, ok := r.(*bytes.Reader); ok {
		// Already in memory (the browser worker's downloads): read it as it
		// is, so that body can take the pixels in one piece. Gzip data goes
		// the general way below.
		var magic [2]byte
		n, _ := mem.ReadAt(magic[:], mem.Size()-int64(mem.Len()))
		if n > 0 && !(n == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
			in.r = mem
			return in, nil
		}
	}
	br := bufio.NewReader(r)
	magic, err := br.Peek(2)
	if len(magic) == 0 && err == io.EOF {
		return nil, in.errorf("empty file")
	}
	if err != nil && err != io.EOF {
		return nil, in.errorf("read error: %w", err)
	}
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		z, err := gzip.NewReader(br)
		if err != nil {
			return nil, in.errorf("corrupt gzip data: %w", err)
		}
		in.r = gzipReader{z}
	} else {
		in.r = br
	}
	return in, nil
}

func (in *idxReader) errorf(format string, args ...any) error {
	return fmt.Errorf("file %s: "+format, append([]any{in.name}, args...)...)
}

// readError explains a failed read: gzip damage, an I/O error, or nil when
// the stream simply ended (the caller reports the truncation).
func (in *idxReader) readError(err error) error {
	var gz gzipError
	switch {
	case errors.As(err, &gz):
		return in.errorf("corrupt or truncated gzip data: %w", gz.err)
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		return nil
	default:
		return in.errorf("read error: %w", err)
	}
}

// header reads the magic and dims big-endian uint32 dimensions and checks
// the magic and the count. The magic is checked first, so a file of the
// wrong kind is named as such even when it is shorter than the header.
func (in *idxReader) header(magic uint32, dims int) ([]int, error) {
	buf := make([]byte, 4+4*dims)
	got, err := io.ReadFull(in.r, buf[:4])
	if err == nil {
		if m := binary.BigEndian.Uint32(buf); m != magic {
			return nil, in.errorf("bad magic 0x%08x, want 0x%08x (%s)%s", m, magic, magicName(magic), magicHint(m))
		}
		var more int
		more, err = io.ReadFull(in.r, buf[4:])
		got += more
	}
	if err != nil {
		if e := in.readError(err); e != nil {
			return nil, e
		}
		return nil, in.errorf("truncated header: need %d bytes, got %d", len(buf), got)
	}
	h := make([]int, dims)
	for i := range h {
		h[i] = int(binary.BigEndian.Uint32(buf[4+4*i:]))
	}
	if h[0] > MaxIDXCount {
		return nil, in.errorf("header claims %d items, more than the limit %d", h[0], MaxIDXCount)
	}
	return h, nil
}

func magicName(m uint32) string {
	switch m {
	case idxImagesMagic:
		return "idx3 unsigned-byte images"
	case idxLabelsMagic:
		return "idx1 unsigned-byte labels"
	}
	return "unknown"
}

// magicHint helps when the files were swapped.
func magicHint(m uint32) string {
	if m == idxImagesMagic || m == idxLabelsMagic {
		return "; this is an " + magicName(m) + " file"
	}
	return ""
}

// body reads exactly size bytes, then checks that nothing follows. It reads
// incrementally so that memory grows with the data that really arrives.
func (in *idxReader) body(size int, what string) ([]byte, error) {
	if mem, ok := in.r.(*bytes.Reader); ok && mem.Len() >= size {
		// In memory and all there: one buffer of the right size.
		buf := make([]byte, size)
		_, _ = io.ReadFull(mem, buf) // cannot fail: mem holds size bytes
		if err := in.nothingAfter(what); err != nil {
			return nil, err
		}
		return buf, nil
	}
	buf := make([]byte, 0, min(size, readChunk))
	for len(buf) < size {
		if len(buf) == cap(buf) {
			grown := make([]byte, len(buf), min(size, 2*cap(buf)))
			copy(grown, buf)
			buf = grown
		}
		got, err := io.ReadFull(in.r, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+got]
		if err != nil {
			if e := in.readError(err); e != nil {
				return nil, e
			}
			return nil, in.errorf("truncated: header says %s but only %d bytes follow", what, len(buf))
		}
	}
	if err := in.nothingAfter(what); err != nil {
		return nil, err
	}
	return buf, nil
}

// nothingAfter checks that the file ends after the body. Reading on to the
// end also makes gzip verify its checksum. It counts up to 1 MiB of
// whatever follows, enough to say how much is there.
func (in *idxReader) nothingAfter(what string) error {
	const maxTail = 1 << 20
	tail, err := io.Copy(io.Discard, io.LimitReader(in.r, maxTail))
	if err != nil {
		if e := in.readError(err); e != nil {
			return e
		}
	}
	if tail > 0 {
		atLeast := ""
		if tail == maxTail {
			atLeast = "at least "
		}
		return in.errorf("trailing data: header says %s but %s%d more bytes follow", what, atLeast, tail)
	}
	return nil
}
