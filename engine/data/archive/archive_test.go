package archive

import (
	"archive/zip"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"slices"
	"strings"
	"testing"
)

// pngBytes is a tiny w×w PNG of one colour.
func pngBytes(t testing.TB, w int, c color.Color) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, w))
	for y := range w {
		for x := range w {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type entry struct {
	name   string
	data   []byte
	method uint16
}

func zipOf(t testing.TB, entries ...entry) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, e := range entries {
		f, err := w.CreateHeader(&zip.FileHeader{Name: e.name, Method: e.method})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadZip(t *testing.T) {
	red, blue := pngBytes(t, 4, color.NRGBA{255, 0, 0, 255}), pngBytes(t, 4, color.NRGBA{0, 0, 255, 255})
	z := zipOf(t,
		entry{"photos/", nil, zip.Store},
		entry{"photos/red/a.png", red, zip.Deflate},
		entry{"photos/red/b.PNG", red, zip.Store},
		entry{"photos/blue/a.png", blue, zip.Deflate},
		entry{"photos/blue/sub/b.png", blue, zip.Deflate},
		entry{"photos/blue/notes.txt", []byte("hello"), zip.Deflate},
		entry{"__MACOSX/photos/red/._a.png", []byte{0}, zip.Deflate},
		entry{"photos/.DS_Store", []byte{0}, zip.Deflate},
	)
	f, err := ReadZip(z)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f.Classes, []string{"blue", "red"}) || !slices.Equal(f.Counts(), []int{2, 2}) {
		t.Errorf("classes %q, counts %v", f.Classes, f.Counts())
	}
	if !slices.Equal(f.Skipped, []string{"photos/blue/notes.txt"}) {
		t.Errorf("skipped %q, want the text file only (system files are not listed)", f.Skipped)
	}
	want := []string{"photos/blue/a.png", "photos/blue/sub/b.png", "photos/red/a.png", "photos/red/b.PNG"}
	for i, file := range f.Files {
		if file.Path != want[i] || !bytes.Equal(file.Data, map[bool][]byte{true: blue, false: red}[file.Class == "blue"]) {
			t.Errorf("file %d: %s (%s), want %s", i, file.Path, file.Class, want[i])
		}
	}
}

// TestReadZipRefuses: nested archives, bombs, too many entries, too few
// classes or images, damaged files: each with a message naming it.
func TestReadZipRefuses(t *testing.T) {
	img := pngBytes(t, 2, color.White)
	two := func(extra ...entry) []byte {
		return zipOf(t, append([]entry{{"a/1.png", img, zip.Deflate}, {"a/2.png", img, zip.Deflate}, {"b/1.png", img, zip.Deflate}, {"b/2.png", img, zip.Deflate}}, extra...)...)
	}
	inner := two()
	zeros := make([]byte, 8<<20) // deflates about 1000 times
	many := make([]entry, MaxEntries+1)
	for i := range many {
		many[i] = entry{fmt.Sprintf("c%d/%d.png", i%2, i), nil, zip.Store}
	}
	for _, c := range []struct {
		name string
		zip  []byte
		want string
	}{
		{"nested by name", two(entry{"b/more.zip", inner, zip.Store}), "b/more.zip is an archive inside the zip; nested archives are refused"},
		{"nested by content", two(entry{"b/3.png", inner, zip.Store}), "b/3.png holds an archive, not an image; nested archives are refused"},
		{"bomb", two(entry{"b/big.png", zeros, zip.Deflate}), fmt.Sprintf("b/big.png inflates more than %d times", MaxRatio)},
		{"too many entries", zipOf(t, many...), fmt.Sprintf("the zip holds %d entries, more than the limit %d", MaxEntries+1, MaxEntries)},
		{"one class", zipOf(t, entry{"a/1.png", img, zip.Deflate}, entry{"a/2.png", img, zip.Deflate}, entry{"a/x.txt", nil, zip.Deflate}), "found 1 class folder(s) with images; put each class's images in its own folder"},
		{"small class", two(entry{"c/1.png", img, zip.Deflate}), `class "c" has 1 image; every class needs at least 2`},
		{"not a zip", []byte("hello"), "not a readable zip file"},
	} {
		_, err := ReadZip(c.zip)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	stored := make([]byte, MaxFileBytes+1)
	if _, err := ReadZip(two(entry{"b/huge.bmp", stored, zip.Store})); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("more than the limit %d per image", MaxFileBytes)) {
		t.Errorf("huge stored image: %v", err)
	}
}

// TestGroupFolderUpload: the paths of a folder upload (webkitRelativePath).
func TestGroupFolderUpload(t *testing.T) {
	img := pngBytes(t, 2, color.Black)
	f, err := Group([]File{
		{Path: "set/cats/1.jpg", Data: img}, {Path: "set/cats/2.jpg", Data: img},
		{Path: "set/dogs/1.webp", Data: img}, {Path: "set/dogs/2.gif", Data: img},
		{Path: "set/readme.md", Data: []byte("x")}, {Path: "set/cover.png", Data: img},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f.Classes, []string{"cats", "dogs"}) || !slices.Equal(f.Skipped, []string{"set/readme.md", "set/cover.png"}) {
		t.Errorf("classes %q skipped %q", f.Classes, f.Skipped)
	}
	if _, err := Group([]File{{Path: "a/1.png", Data: img}, {Path: "b/x.zip", Data: []byte("PK\x03\x04")}}); err == nil || !strings.Contains(err.Error(), "nested archives are refused") {
		t.Errorf("a zip in the folder: %v", err)
	}
}
