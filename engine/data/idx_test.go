package data

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

func TestReadIDXImagesRoundTrip(t *testing.T) {
	file := idxImages(0x803, 3, 2, 5, 30)
	for name, in := range map[string][]byte{"raw": file, "gzip": gz(file)} {
		t.Run(name, func(t *testing.T) {
			pixels, n, rows, cols, err := ReadIDXImages(bytes.NewReader(in), "x")
			if err != nil {
				t.Fatal(err)
			}
			if n != 3 || rows != 2 || cols != 5 {
				t.Fatalf("got n=%d rows=%d cols=%d, want 3, 2, 5", n, rows, cols)
			}
			if !bytes.Equal(pixels, file[16:]) {
				t.Fatalf("pixels %v, want %v", pixels, file[16:])
			}
		})
	}
}

func TestReadIDXLabelsRoundTrip(t *testing.T) {
	file := idxLabels(0x801, 4, []byte{5, 0, 4, 1})
	for name, in := range map[string][]byte{"raw": file, "gzip": gz(file)} {
		got, err := ReadIDXLabels(bytes.NewReader(in), "y")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !bytes.Equal(got, []byte{5, 0, 4, 1}) {
			t.Fatalf("%s: labels %v", name, got)
		}
	}
}

// corruptGzip flips a byte in the middle of the deflate stream.
func corruptGzip(b []byte) []byte {
	c := bytes.Clone(b)
	c[len(c)/2] ^= 0xff
	return c
}

func TestReadIDXImagesErrors(t *testing.T) {
	const name = "t10k-images-idx3-ubyte.gz"
	good := idxImages(0x803, 2, 3, 3, 18)
	withTrailer := append(bytes.Clone(good), 1, 2, 3)
	// A gzip whose CRC no longer matches its content.
	badCRC := gz(good)
	badCRC[len(badCRC)-8] ^= 0xff
	cases := []struct {
		what string
		in   []byte
		want string
	}{
		{"empty", nil, "file t10k-images-idx3-ubyte.gz: empty file"},
		{"labels given as images", idxLabels(0x801, 2, []byte{1, 2}),
			"file t10k-images-idx3-ubyte.gz: bad magic 0x00000801, want 0x00000803 (idx3 unsigned-byte images); this is an idx1 unsigned-byte labels file"},
		{"not idx", []byte("<html>Not found</html>"),
			"file t10k-images-idx3-ubyte.gz: bad magic 0x3c68746d, want 0x00000803 (idx3 unsigned-byte images)"},
		{"truncated header", good[:10], "file t10k-images-idx3-ubyte.gz: truncated header: need 16 bytes, got 10"},
		{"truncated data", gz(idxImages(0x803, 10000, 28, 28, 123)),
			"file t10k-images-idx3-ubyte.gz: truncated: header says 10000 images of 28×28 (7840000 bytes) but only 123 bytes follow"},
		{"trailing garbage", withTrailer,
			"file t10k-images-idx3-ubyte.gz: trailing data: header says 2 images of 3×3 (18 bytes) but 3 more bytes follow"},
		{"trailing garbage in gzip", gz(withTrailer),
			"file t10k-images-idx3-ubyte.gz: trailing data: header says 2 images of 3×3 (18 bytes) but 3 more bytes follow"},
		{"zero rows", idxImages(0x803, 1, 0, 28, 0), "file t10k-images-idx3-ubyte.gz: image size 0×28 is out of range 1..1024"},
		{"huge cols", idxImages(0x803, 1, 28, 5000, 0), "file t10k-images-idx3-ubyte.gz: image size 28×5000 is out of range 1..1024"},
		{"huge count", idxImages(0x803, 10_000_001, 28, 28, 0),
			"file t10k-images-idx3-ubyte.gz: header claims 10000001 items, more than the limit 10000000"},
		{"corrupt gzip header", []byte{0x1f, 0x8b, 0, 0, 0}, "file t10k-images-idx3-ubyte.gz: corrupt gzip data: unexpected EOF"},
		{"corrupt gzip stream", corruptGzip(gz(idxImages(0x803, 50, 28, 28, 50*784))), "file t10k-images-idx3-ubyte.gz: corrupt or truncated gzip data: "},
		{"truncated gzip stream", gz(good)[:30], "file t10k-images-idx3-ubyte.gz: corrupt or truncated gzip data: unexpected EOF"},
		{"gzip checksum", badCRC, "file t10k-images-idx3-ubyte.gz: corrupt or truncated gzip data: gzip: invalid checksum"},
	}
	cases = append(cases, struct {
		what string
		in   []byte
		want string
	}{"truncated raw data", idxImages(0x803, 10000, 28, 28, 123),
		"file t10k-images-idx3-ubyte.gz: truncated: header says 10000 images of 28×28 (7840000 bytes) but only 123 bytes follow"})
	// Bytes in memory (a *bytes.Reader) take a shorter way than a stream;
	// both must say the same.
	for _, src := range readerKinds {
		for _, c := range cases {
			t.Run(src.name+"/"+c.what, func(t *testing.T) {
				_, _, _, _, err := ReadIDXImages(src.open(c.in), name)
				if err == nil {
					t.Fatalf("no error, want %q", c.want)
				}
				if !strings.HasPrefix(err.Error(), c.want) {
					t.Fatalf("error %q\nwant      %q", err, c.want)
				}
			})
		}
	}
}

// readerKinds are the two ways a file reaches the idx reader.
var readerKinds = []struct {
	name string
	open func([]byte) io.Reader
}{
	{"in memory", func(b []byte) io.Reader { return bytes.NewReader(b) }},
	{"streamed", func(b []byte) io.Reader { return iotest.HalfReader(bytes.NewReader(b)) }},
}

func TestReadIDXImagesInMemoryOrStreamed(t *testing.T) {
	want := idxImages(0x803, 3, 2, 2, 12)
	for _, src := range readerKinds {
		for _, in := range [][]byte{want, gz(want)} {
			pixels, n, rows, cols, err := ReadIDXImages(src.open(in), "x")
			if err != nil || n != 3 || rows != 2 || cols != 2 || !bytes.Equal(pixels, want[16:]) {
				t.Errorf("%s: %v, %d×%d×%d, %v; want the 12 pixels of 3 2×2 images", src.name, pixels, n, rows, cols, err)
			}
		}
	}
}

func TestReadIDXLabelsErrors(t *testing.T) {
	const name = "train-labels-idx1-ubyte.gz"
	cases := []struct {
		what string
		in   []byte
		want string
	}{
		{"images given as labels", idxImages(0x803, 1, 1, 1, 1),
			"file train-labels-idx1-ubyte.gz: bad magic 0x00000803, want 0x00000801 (idx1 unsigned-byte labels); this is an idx3 unsigned-byte images file"},
		{"truncated header", []byte{0, 0, 8, 1, 0, 0}, "file train-labels-idx1-ubyte.gz: truncated header: need 8 bytes, got 6"},
		{"truncated data", gz(idxLabels(0x801, 60000, []byte{5, 0, 4})),
			"file train-labels-idx1-ubyte.gz: truncated: header says 60000 labels (60000 bytes) but only 3 bytes follow"},
		{"trailing garbage", idxLabels(0x801, 2, []byte{1, 2, 3}),
			"file train-labels-idx1-ubyte.gz: trailing data: header says 2 labels (2 bytes) but 1 more bytes follow"},
		{"huge count", idxLabels(0x801, 1<<31, nil),
			"file train-labels-idx1-ubyte.gz: header claims 2147483648 items, more than the limit 10000000"},
	}
	for _, c := range cases {
		t.Run(c.what, func(t *testing.T) {
			_, err := ReadIDXLabels(bytes.NewReader(c.in), name)
			if err == nil || err.Error() != c.want {
				t.Fatalf("error %v\nwant  %q", err, c.want)
			}
		})
	}
}

// failingReader returns some bytes, then an I/O error.
type failingReader struct{ data []byte }

var errDisk = errors.New("disk on fire")

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, errDisk
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestReadIDXReadError(t *testing.T) {
	_, _, _, _, err := ReadIDXImages(&failingReader{idxImages(0x803, 5, 2, 2, 7)}, "img")
	if !errors.Is(err, errDisk) || err.Error() != "file img: read error: disk on fire" {
		t.Fatalf("error %v, want the wrapped I/O error", err)
	}
}

// allocated reports the bytes allocated while f runs.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A header that promises 10^7 images of 1024×1024 (10 TB) in a 100-byte file
// must fail at once, allocating about as much as the file holds, not what
// the header claims.
func TestReadIDXHugeHeaderSmallFile(t *testing.T) {
	file := idxImages(0x803, 10_000_000, 1024, 1024, 84)
	var err error
	bytesUsed := allocated(func() { _, _, _, _, err = ReadIDXImages(bytes.NewReader(file), "liar") })
	if err == nil || !strings.Contains(err.Error(), "but only 84 bytes follow") {
		t.Fatalf("error %v, want a truncation error", err)
	}
	if bytesUsed > 2<<20 {
		t.Fatalf("allocated %d bytes for a 100-byte file", bytesUsed)
	}
	// The same through gzip, and for labels.
	bytesUsed = allocated(func() { _, err = ReadIDXLabels(bytes.NewReader(gz(idxLabels(0x801, 10_000_000, nil))), "liar") })
	if err == nil || bytesUsed > 2<<20 {
		t.Fatalf("labels: error %v, allocated %d bytes", err, bytesUsed)
	}
}

// Data that arrives in dribs and drabs (a network stream) reads the same.
func TestReadIDXOneByteReads(t *testing.T) {
	file := gz(idxImages(0x803, 4, 28, 28, 4*784))
	pixels, n, _, _, err := ReadIDXImages(iotestOneByte{bytes.NewReader(file)}, "slow")
	if err != nil || n != 4 || len(pixels) != 4*784 || pixels[785] != byte(785%256) {
		t.Fatalf("n=%d len=%d err=%v", n, len(pixels), err)
	}
}

type iotestOneByte struct{ r io.Reader }

func (o iotestOneByte) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	return o.r.Read(p[:1])
}
