package data

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/nnplay/nnplay/engine/data/table"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// File is one file the user picked or dropped: its path (a folder upload's
// relative path, else its name) and bytes.
type File struct {
	Path string
	Data []byte
}

// Upload kinds: what the picked files are.
const (
	UploadTable = "table" // one CSV, TSV or JSON file
	UploadIDX   = "idx"   // an idx3 image file and an idx1 label file
	UploadZip   = "zip"   // a .zip of class folders
	UploadFiles = "files" // a folder of class folders
)

// MaxUploadBytes caps what one upload reads into the page: what one
// message takes to the worker beside its text.
const MaxUploadBytes = protocol.MaxPartsBytes

// Upload is what the user brought, read and recognized, before it is sent
// to the worker: the request's source and, for a table, the columns the
// form offers (a preview parsed in the page).
type Upload struct {
	Kind string
	Name string // the file's or folder's name, without its extension
	// Request holds the bytes (table, zip, idx or files); Fill adds the options.
	Request protocol.LoadDataset
	// Columns are a table's columns, as the page's reading found them.
	Columns []table.Summary
	// Rows is how many rows the table has.
	Rows int
	// Size is the bytes read.
	Size int
}

// imageExts are the extensions of images the browser decodes.
var imageExts = []string{".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp"}

// ReadUpload recognizes the picked files: one table, one zip, two idx
// files (in any order, gzip or raw, of any names) or a folder of images
// in class folders. It returns what is wrong with them otherwise; a table
// that cannot be read as detected comes back with the error too, so that
// its reading options can be set (lines to skip, delimiter, header).
func ReadUpload(files []File) (*Upload, error) {
	if len(files) == 0 {
		return nil, fmt.Errorf("no files were chosen")
	}
	size := 0
	for _, f := range files {
		size += len(f.Data)
	}
	if size > MaxUploadBytes {
		return nil, fmt.Errorf("the files are %d bytes together, more than the limit %d", size, MaxUploadBytes)
	}
	u := &Upload{Size: size}
	first := files[0]
	ext := strings.ToLower(path.Ext(first.Path))
	switch {
	case len(files) == 1 && (ext == ".zip" || bytes.HasPrefix(first.Data, []byte("PK\x03\x04"))):
		u.Kind, u.Name = UploadZip, baseName(first.Path)
		u.Request = protocol.LoadDataset{Source: protocol.SourceZip, Zip: first.Data}
		return u, nil
	case len(files) == 1 && slices.Contains([]string{".csv", ".tsv", ".json", ".txt"}, ext):
		return readTable(u, first)
	case len(files) == 2 && isIDX(first.Data) && isIDX(files[1].Data):
		return readIDX(u, files)
	case len(files) == 1 && isIDX(first.Data):
		return nil, fmt.Errorf("%s is an idx file; choose its image file and its label file together", first.Path)
	}
	images := 0
	for _, f := range files {
		if slices.Contains(imageExts, strings.ToLower(path.Ext(f.Path))) {
			images++
		}
	}
	if images == 0 {
		return nil, fmt.Errorf("%s is not a data set nnplay reads: choose a CSV, TSV or JSON table, an idx image file with its label file, a .zip or a folder of images in one folder per class", first.Path)
	}
	u.Kind, u.Name = UploadFiles, folderName(files)
	u.Request = protocol.LoadDataset{Source: protocol.SourceFiles}
	for _, f := range files {
		u.Request.Files = append(u.Request.Files, protocol.ImageFile{Path: f.Path, Data: f.Data})
	}
	return u, nil
}

// readTable parses the table in the page, for its columns (the worker
// reads it again with the options chosen).
func readTable(u *Upload, f File) (*Upload, error) {
	u.Kind, u.Name = UploadTable, baseName(f.Path)
	u.Request = protocol.LoadDataset{Source: protocol.SourceTable, Table: f.Data}
	raw, err := table.Parse(f.Data, table.Options{})
	if err != nil {
		return u, fmt.Errorf("%s: %v", f.Path, err)
	}
	u.Columns, u.Rows = raw.Summarize(), len(raw.Rows)
	return u, nil
}

// Reparse reads the table again with the form's delimiter, header and
// lines to skip, for the column list.
func (u *Upload) Reparse(f *Form) error {
	if u.Kind != UploadTable {
		return nil
	}
	o, err := f.tableOptions()
	if err != nil {
		return err
	}
	opt := table.Options{SkipLines: o.SkipLines}
	if o.Delimiter != "" {
		opt.Delimiter = []rune(o.Delimiter)[0]
	}
	switch o.Header {
	case "yes":
		opt.Header = table.HeaderYes
	case "no":
		opt.Header = table.HeaderNo
	}
	raw, err := table.Parse(u.Request.Table, opt)
	if err != nil {
		u.Columns, u.Rows = nil, 0
		return fmt.Errorf("%s: %v", u.Name, err)
	}
	u.Columns, u.Rows = raw.Summarize(), len(raw.Rows)
	return nil
}

// Ready says the upload can be loaded (a table once it reads).
func (u *Upload) Ready() bool { return u.Kind != UploadTable || len(u.Columns) > 0 }

// ColumnNames are a table's column names.
func (u *Upload) ColumnNames() []string {
	names := make([]string, len(u.Columns))
	for i, c := range u.Columns {
		names[i] = c.Name
	}
	return names
}

func readIDX(u *Upload, files []File) (*Upload, error) {
	a, b := files[0], files[1]
	da, db := idxDims(a.Data), idxDims(b.Data)
	if da == 1 && db == 3 {
		a, b, da, db = b, a, db, da
	}
	if da != 3 || db != 1 {
		return nil, fmt.Errorf("%s and %s: want an idx image file (3 dimensions) and an idx label file (1 dimension), got %d and %d dimensions", a.Path, b.Path, da, db)
	}
	u.Kind, u.Name = UploadIDX, strings.TrimSuffix(baseName(a.Path), "-images-idx3-ubyte")
	u.Request = protocol.LoadDataset{Source: protocol.SourceIDX, IDXImages: a.Data, IDXLabels: b.Data, IDXNames: [2]string{a.Path, b.Path}}
	return u, nil
}

// idxHeader returns the first 4 bytes of an idx file, gunzipped if needed.
func idxHeader(b []byte) []byte {
	if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil
		}
		h := make([]byte, 4)
		if _, err := io.ReadFull(zr, h); err != nil {
			return nil
		}
		return h
	}
	if len(b) < 4 {
		return nil
	}
	return b[:4]
}

// isIDX says whether b starts like an idx file of unsigned bytes.
func isIDX(b []byte) bool {
	h := idxHeader(b)
	return len(h) == 4 && h[0] == 0 && h[1] == 0 && h[2] == 0x08 && (h[3] == 1 || h[3] == 3)
}

func idxDims(b []byte) int {
	if h := idxHeader(b); len(h) == 4 {
		return int(h[3])
	}
	return 0
}

func baseName(p string) string {
	b := path.Base(p)
	if strings.HasSuffix(strings.ToLower(b), ".gz") {
		b = b[:len(b)-3]
	}
	return strings.TrimSuffix(b, path.Ext(b))
}

// folderName is the top folder of a folder upload ("my images" without one).
func folderName(files []File) string {
	p := files[0].Path
	if i := strings.IndexByte(p, '/'); i > 0 && strings.Count(p, "/") >= 2 {
		return p[:i]
	}
	return "my images"
}
