package archive

import (
	"archive/zip"
	"image/color"
	"testing"
)

// FuzzReadZip: any bytes give a folder or an error, never a panic, and a
// folder keeps the caps.
func FuzzReadZip(f *testing.F) {
	img := pngBytes(f, 2, color.White)
	f.Add(zipOf(f, entry{"a/1.png", img, zip.Deflate}, entry{"a/2.png", img, zip.Store}, entry{"b/1.png", img, zip.Deflate}, entry{"b/2.png", img, zip.Deflate}))
	f.Add(zipOf(f, entry{"r/a/1.png", img, zip.Deflate}, entry{"r/a/2.png", img, zip.Deflate}, entry{"r/b/x.zip", []byte("PK\x03\x04"), zip.Store}))
	f.Add([]byte("PK\x05\x06" + string(make([]byte, 18))))
	f.Fuzz(func(t *testing.T, b []byte) {
		folder, err := ReadZip(b)
		if err != nil {
			return
		}
		if len(folder.Classes) < 2 || len(folder.Files) > MaxEntries {
			t.Fatalf("%d classes, %d files", len(folder.Classes), len(folder.Files))
		}
		for _, n := range folder.Counts() {
			if n < 2 {
				t.Fatalf("a class of %d images", n)
			}
		}
		for _, file := range folder.Files {
			if len(file.Data) > MaxFileBytes || !IsImage(file.Path) {
				t.Fatalf("%s: %d bytes", file.Path, len(file.Data))
			}
		}
	})
}
