package data

import (
	"bytes"
	"compress/gzip"
	"io"
	"testing"
)

// payloadSize is how many bytes ReadIDX* could see after decompression,
// counted up to limit.
func payloadSize(data []byte, limit int64) int64 {
	var r io.Reader = bytes.NewReader(data)
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		z, err := gzip.NewReader(r)
		if err != nil {
			return int64(len(data))
		}
		r = z
	}
	n, _ := io.Copy(io.Discard, io.LimitReader(r, limit))
	return max(n, int64(len(data)))
}

// FuzzReadIDX feeds arbitrary bytes to both readers: they must never panic,
// must return data consistent with what they report, and must allocate in
// proportion to the bytes actually present, never to what a header claims.
// The seed corpus is in testdata/fuzz/FuzzReadIDX.
func FuzzReadIDX(f *testing.F) {
	f.Add(idxImages(0x803, 2, 2, 2, 8))
	f.Add(gz(idxLabels(0x801, 3, []byte{1, 2, 3})))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Generous bound: the doubling buffer, bufio, gzip's window and
		// tables, and the error text; a lying header would cost gigabytes.
		bound := uint64(4<<20) + 4*uint64(payloadSize(data, 64<<20))
		var (
			pixels           []byte
			n, rows, cols    int
			imgErr, labelErr error
			labels           []byte
		)
		used := allocated(func() {
			pixels, n, rows, cols, imgErr = ReadIDXImages(bytes.NewReader(data), "fuzz")
			labels, labelErr = ReadIDXLabels(bytes.NewReader(data), "fuzz")
		})
		if used > bound {
			t.Fatalf("allocated %d bytes for %d input bytes (bound %d)", used, len(data), bound)
		}
		if imgErr == nil {
			if rows < 1 || rows > MaxIDXSide || cols < 1 || cols > MaxIDXSide || n < 0 || n > MaxIDXCount {
				t.Fatalf("accepted n=%d rows=%d cols=%d", n, rows, cols)
			}
			if len(pixels) != n*rows*cols {
				t.Fatalf("%d pixels for %d images of %d×%d", len(pixels), n, rows, cols)
			}
		} else if pixels != nil || !bytes.HasPrefix([]byte(imgErr.Error()), []byte("file fuzz: ")) {
			t.Fatalf("error %q with %d pixels", imgErr, len(pixels))
		}
		if labelErr != nil && (labels != nil || !bytes.HasPrefix([]byte(labelErr.Error()), []byte("file fuzz: "))) {
			t.Fatalf("error %q with %d labels", labelErr, len(labels))
		}
		if imgErr == nil && labelErr == nil {
			t.Fatal("one file read as both images and labels")
		}
	})
}
