// Package archive reads a folder of images, one sub-folder per class, from
// a .zip file or from the paths of files the user picked (a folder upload),
// and refuses what could exhaust a browser tab: nested archives, too many
// entries, too many decoded bytes, and entries that inflate suspiciously
// (zip bombs). It returns each image's encoded bytes and class; the worker
// decodes them with the browser (createImageBitmap), tests with image/png.
//
// It holds no tensor code, so the page can list a zip's classes with it.
package archive

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
)

// Limits on an image folder.
const (
	// MaxZipBytes caps the .zip file itself.
	MaxZipBytes = 256 << 20
	// MaxEntries caps the entries of a zip (files and folders) and the
	// images of a folder.
	MaxEntries = 20_000
	// MaxFileBytes caps one image file, uncompressed.
	MaxFileBytes = 16 << 20
	// MaxTotalBytes caps all image files together, uncompressed.
	MaxTotalBytes = 256 << 20
	// MaxRatio caps how much one entry larger than 64 KiB compressed may
	// inflate: images are already compressed, so a large ratio means a
	// bomb. (An entry of up to 64 KiB may inflate to 100 × 64 KiB.)
	MaxRatio = 100
	// MaxClasses caps the sub-folders.
	MaxClasses = 256
)

// File is one image file and the class (sub-folder) it belongs to.
type File struct {
	Path  string // as in the archive or folder
	Class string
	Data  []byte // the encoded image (PNG, JPEG, ...)
}

// Folder is an image folder: its classes, sorted, and its images in path
// order, with what was left out.
type Folder struct {
	Classes []string
	Files   []File
	// Skipped lists files that are not images by their extension (or sit
	// outside a class folder), and system files are not listed.
	Skipped []string
}

// Counts returns how many images each class has, in Classes order.
func (f *Folder) Counts() []int {
	counts := make([]int, len(f.Classes))
	for _, file := range f.Files {
		counts[slices.Index(f.Classes, file.Class)]++
	}
	return counts
}

// imageExts are the extensions the browser decodes.
var imageExts = []string{".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp"}

// IsImage says whether a path names an image by its extension.
func IsImage(p string) bool {
	return slices.Contains(imageExts, strings.ToLower(path.Ext(p)))
}

// isSystem says whether a path is an operating system's extra file:
// macOS's __MACOSX folder and ._ files, .DS_Store, Thumbs.db, and other
// hidden files and folders.
func isSystem(p string) bool {
	for _, part := range strings.Split(p, "/") {
		if part == "__MACOSX" || strings.HasPrefix(part, ".") || strings.EqualFold(part, "Thumbs.db") || strings.EqualFold(part, "desktop.ini") {
			return true
		}
	}
	return false
}

// isArchive says whether an entry is itself an archive, by name or magic.
func isArchive(name string, head []byte) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".zip", ".jar", ".7z", ".rar", ".gz", ".tgz", ".tar", ".bz2", ".xz":
		return true
	}
	for _, magic := range [][]byte{{'P', 'K', 3, 4}, {0x1f, 0x8b}, {'7', 'z', 0xbc, 0xaf}, {'R', 'a', 'r', '!'}} {
		if bytes.HasPrefix(head, magic) {
			return true
		}
	}
	return false
}

// ReadZip reads an image folder from a .zip file.
func ReadZip(b []byte) (*Folder, error) {
	if len(b) > MaxZipBytes {
		return nil, fmt.Errorf("the zip file is %d bytes, more than the limit %d", len(b), MaxZipBytes)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("not a readable zip file: %v", err)
	}
	if len(zr.File) > MaxEntries {
		return nil, fmt.Errorf("the zip holds %d entries, more than the limit %d", len(zr.File), MaxEntries)
	}
	var files []File
	var total int64
	for _, e := range zr.File {
		name := strings.TrimPrefix(strings.ReplaceAll(e.Name, "\\", "/"), "/")
		if e.FileInfo().IsDir() || strings.HasSuffix(name, "/") || isSystem(name) {
			continue
		}
		if isArchive(name, nil) {
			return nil, fmt.Errorf("%s is an archive inside the zip; nested archives are refused: unpack it first", name)
		}
		if !IsImage(name) {
			files = append(files, File{Path: name}) // listed as skipped by group
			continue
		}
		if e.UncompressedSize64 > MaxFileBytes {
			return nil, fmt.Errorf("%s is %d bytes uncompressed, more than the limit %d per image", name, e.UncompressedSize64, MaxFileBytes)
		}
		data, err := readEntry(e, name)
		if err != nil {
			return nil, err
		}
		total += int64(len(data))
		if total > MaxTotalBytes {
			return nil, fmt.Errorf("the zip's images inflate to more than %d bytes, the limit", MaxTotalBytes)
		}
		if isArchive("", data) {
			return nil, fmt.Errorf("%s holds an archive, not an image; nested archives are refused", name)
		}
		files = append(files, File{Path: name, Data: data})
	}
	return Group(files)
}

// readEntry inflates one entry, at most MaxFileBytes and MaxRatio times
// its compressed size, whatever its header claims.
func readEntry(e *zip.File, name string) ([]byte, error) {
	rc, err := e.Open()
	if err != nil {
		return nil, fmt.Errorf("%s cannot be read from the zip: %v", name, err)
	}
	defer rc.Close()
	limit := int64(MaxFileBytes)
	if e.Method != zip.Store {
		limit = min(limit, max(int64(e.CompressedSize64), 64<<10)*MaxRatio)
	}
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s cannot be read from the zip: %v", name, err)
	}
	if int64(len(data)) > limit {
		if limit < MaxFileBytes {
			return nil, fmt.Errorf("%s inflates more than %d times its %d compressed bytes; this looks like a zip bomb and is refused", name, MaxRatio, e.CompressedSize64)
		}
		return nil, fmt.Errorf("%s is more than %d bytes uncompressed, the limit per image", name, MaxFileBytes)
	}
	return data, nil
}

// Group sorts files into classes by the top folder they are in, after
// removing root folders that all files share ("photos/cat/1.png" and
// "photos/dog/big/2.png" give cat and dog, as Keras'
// image_dataset_from_directory reads sub-folders of a class). Files that
// are not images, or not in a folder, are skipped and listed. It needs at
// least two classes.
func Group(files []File) (*Folder, error) {
	if len(files) > MaxEntries {
		return nil, fmt.Errorf("%d files, more than the limit %d", len(files), MaxEntries)
	}
	var total int64
	for _, f := range files {
		if int64(len(f.Data)) > MaxFileBytes {
			return nil, fmt.Errorf("%s is %d bytes, more than the limit %d per image", f.Path, len(f.Data), MaxFileBytes)
		}
		total += int64(len(f.Data))
		if total > MaxTotalBytes {
			return nil, fmt.Errorf("the images come to more than %d bytes, the limit", MaxTotalBytes)
		}
	}
	out := &Folder{}
	var paths [][]string
	var kept []File
	for _, f := range files {
		p := strings.Trim(strings.ReplaceAll(f.Path, "\\", "/"), "/")
		if isSystem(p) {
			continue
		}
		if isArchive(p, f.Data) && len(f.Data) > 0 {
			return nil, fmt.Errorf("%s is an archive; nested archives are refused: unpack it first", f.Path)
		}
		if !IsImage(p) {
			out.Skipped = append(out.Skipped, f.Path)
			continue
		}
		paths = append(paths, strings.Split(p, "/"))
		kept = append(kept, f)
	}
	// Strip root folders that every image shares, as long as some images
	// stay inside a folder (images beside the class folders are skipped).
	for len(paths) > 0 {
		root := paths[0][0]
		shared, deeper := true, false
		for _, p := range paths {
			shared = shared && len(p) >= 2 && p[0] == root
			deeper = deeper || len(p) >= 3
		}
		if !shared || !deeper {
			break
		}
		for i := range paths {
			paths[i] = paths[i][1:]
		}
	}
	seen := map[string]bool{}
	for i, p := range paths {
		if len(p) < 2 {
			out.Skipped = append(out.Skipped, kept[i].Path)
			continue
		}
		class := p[0]
		f := kept[i]
		f.Class = class
		out.Files = append(out.Files, f)
		if !seen[class] {
			seen[class] = true
			out.Classes = append(out.Classes, class)
		}
	}
	slices.Sort(out.Classes)
	slices.SortFunc(out.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	switch {
	case len(out.Classes) > MaxClasses:
		return nil, fmt.Errorf("%d class folders, more than the limit %d", len(out.Classes), MaxClasses)
	case len(out.Classes) < 2:
		return nil, errors.New(noClassesMessage(out))
	}
	for c, n := range out.Counts() {
		if n < 2 {
			return nil, fmt.Errorf("class %q has %d image; every class needs at least 2 (one to learn from, one to test on)", out.Classes[c], n)
		}
	}
	return out, nil
}

func noClassesMessage(f *Folder) string {
	msg := fmt.Sprintf("found %d class folder(s) with images; put each class's images in its own folder (cat/1.png, dog/1.png), at least two classes", len(f.Classes))
	if len(f.Skipped) > 0 {
		msg += fmt.Sprintf("; %d file(s) were skipped, e.g. %s", len(f.Skipped), f.Skipped[0])
	}
	return msg
}
