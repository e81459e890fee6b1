package npz

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxArrays bounds how many arrays Decode reads from one file.
const MaxArrays = 4096

// Encode is the .npz file of these arrays: a zip holding NAME.npy for
// each, stored uncompressed (numpy.savez's layout), in the given order.
// numpy.load(path)[NAME] gives each array back. Names must be unique and
// not empty; "/" is allowed ("dense/kernel").
func Encode(arrays []Array) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	seen := map[string]bool{}
	for _, a := range arrays {
		if a.Name == "" {
			return nil, fmt.Errorf("npz: an array has no name")
		}
		if seen[a.Name] {
			return nil, fmt.Errorf("npz: two arrays are named %q", a.Name)
		}
		seen[a.Name] = true
		npy, err := EncodeNPY(a.Shape, a.Data)
		if err != nil {
			return nil, fmt.Errorf("npz: array %q: %w", a.Name, err)
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: a.Name + ".npy", Method: zip.Store})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(npy); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Decode reads a .npz file (stored or deflated, as numpy.savez and
// numpy.savez_compressed write) into its arrays, in the zip's order, each
// named without its .npy suffix. Every member must be a float32 .npy file;
// the first that is not is named in the error.
func Decode(data []byte) ([]Array, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if len(data) >= 4 && string(data[:2]) != "PK" {
			return nil, fmt.Errorf("npz: not a .npz file: it is not a zip archive (it starts with %q)", data[:4])
		}
		if errors.Is(err, zip.ErrFormat) {
			return nil, fmt.Errorf("npz: not a readable zip archive (truncated or damaged, %d bytes): %v", len(data), err)
		}
		return nil, fmt.Errorf("npz: %v", err)
	}
	if len(zr.File) > MaxArrays {
		return nil, fmt.Errorf("npz: %d members, more than %d", len(zr.File), MaxArrays)
	}
	var arrays []Array
	seen := map[string]bool{}
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, "/") {
			continue // a directory entry
		}
		name, ok := strings.CutSuffix(f.Name, ".npy")
		if !ok {
			return nil, fmt.Errorf("npz: member %q is not a .npy file", f.Name)
		}
		if seen[name] {
			return nil, fmt.Errorf("npz: two members are named %q", f.Name)
		}
		seen[name] = true
		raw, err := readMember(f)
		if err != nil {
			return nil, err
		}
		shape, values, err := DecodeNPY(raw)
		if err != nil {
			return nil, fmt.Errorf("npz: member %q: %w", f.Name, err)
		}
		arrays = append(arrays, Array{Name: name, Shape: shape, Data: values})
	}
	return arrays, nil
}

// readMember reads one zip member, at most what MaxValues float32 and a
// header can take.
func readMember(f *zip.File) ([]byte, error) {
	const limit = 4*MaxValues + 1<<20
	if f.UncompressedSize64 > limit {
		return nil, fmt.Errorf("npz: member %q is %d bytes, more than %d", f.Name, f.UncompressedSize64, int64(limit))
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("npz: member %q cannot be read: %v", f.Name, err)
	}
	defer rc.Close()
	raw, err := io.ReadAll(io.LimitReader(rc, int64(f.UncompressedSize64)+1))
	if err != nil {
		return nil, fmt.Errorf("npz: member %q is damaged or truncated: %v", f.Name, err)
	}
	return raw, nil
}
