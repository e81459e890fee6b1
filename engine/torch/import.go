package torch

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/nnplay/nnplay/engine/npz"
	"github.com/nnplay/nnplay/engine/share"
)

// ImportWeights is p with its weights replaced by those in data: a
// weights.npz (what train.py writes) or a zip holding one (the exported
// project, trained). Every array the model needs must be there under its
// Keras name with its shape, with no others and no NaN or infinite value;
// the first that is not is named in the error. On error the returned
// payload is the zero value and p is untouched (its Weights slice is never
// written to).
func ImportWeights(p share.Payload, data []byte) (share.Payload, error) {
	want, err := share.ExpectedWeights(p.Spec.Defaults())
	if err != nil {
		return share.Payload{}, fmt.Errorf("the model's weights cannot be listed: %w", err)
	}
	file := WeightsFile
	if inner, name, err := weightsInProject(data); err != nil {
		return share.Payload{}, err
	} else if inner != nil {
		data, file = inner, name
	}
	arrays, err := npz.Decode(data)
	if err != nil {
		return share.Payload{}, fmt.Errorf("%s cannot be read: %w", file, err)
	}
	byName := make(map[string]npz.Array, len(arrays))
	for _, a := range arrays {
		byName[a.Name] = a
	}
	weights := make([]share.Tensor, len(want))
	for i, w := range want {
		a, ok := byName[w.Name]
		where := fmt.Sprintf("%q (layer %d, %s)", w.Name, w.Layer+1, p.Spec.Layers[w.Layer].Type)
		if !ok {
			return share.Payload{}, fmt.Errorf("%s has no weight %s; it holds %s", file, where, names(arrays))
		}
		if !slices.Equal(a.Shape, w.Shape) {
			return share.Payload{}, fmt.Errorf("%s: weight %s has shape %v but the model's is %v", file, where, a.Shape, w.Shape)
		}
		if j := nonFinite(a.Data); j >= 0 {
			return share.Payload{}, fmt.Errorf("%s: weight %s holds %v at index %d; NaN and infinite weights are refused", file, where, a.Data[j], j)
		}
		weights[i] = share.Tensor{Name: w.Name, Shape: slices.Clone(w.Shape), Values: a.Data}
		delete(byName, w.Name)
	}
	if len(byName) > 0 {
		extra := make([]string, 0, len(byName))
		for n := range byName {
			extra = append(extra, n)
		}
		sort.Strings(extra)
		return share.Payload{}, fmt.Errorf("%s holds %q, which the model has no weight of that name for (is it another model's?)", file, extra[0])
	}
	out := p
	out.Weights = weights
	return out, nil
}

// weightsInProject returns the weights.npz inside data when data is a zip
// holding one (an exported project) and nil when data is not such a zip
// (then it is read as the .npz itself).
func weightsInProject(data []byte) ([]byte, string, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, "", nil // npz.Decode says what is wrong
	}
	var found *zip.File
	for _, f := range zr.File {
		if path.Base(f.Name) != WeightsFile {
			continue
		}
		if found != nil {
			return nil, "", fmt.Errorf("the zip holds two %s files, %s and %s; keep one", WeightsFile, found.Name, f.Name)
		}
		found = f
	}
	if found == nil {
		for _, f := range zr.File {
			if !strings.HasSuffix(f.Name, ".npy") && !strings.HasSuffix(f.Name, "/") {
				return nil, "", fmt.Errorf("the zip holds no %s (and is not a .npz itself: it holds %s)", WeightsFile, f.Name)
			}
		}
		return nil, "", nil
	}
	const limit = 4*npz.MaxValues + 1<<24
	if found.UncompressedSize64 > limit {
		return nil, "", fmt.Errorf("%s in the zip is %d bytes, more than %d", found.Name, found.UncompressedSize64, int64(limit))
	}
	rc, err := found.Open()
	if err != nil {
		return nil, "", fmt.Errorf("%s in the zip cannot be read: %v", found.Name, err)
	}
	defer rc.Close()
	inner, err := io.ReadAll(io.LimitReader(rc, int64(found.UncompressedSize64)+1))
	if err != nil {
		return nil, "", fmt.Errorf("%s in the zip is damaged or truncated: %v", found.Name, err)
	}
	return inner, found.Name, nil
}

// names lists the arrays' names for a message, the first ten.
func names(arrays []npz.Array) string {
	if len(arrays) == 0 {
		return "no arrays"
	}
	var s []string
	for i, a := range arrays {
		if i == 10 {
			s = append(s, fmt.Sprintf("and %d more", len(arrays)-10))
			break
		}
		s = append(s, a.Name)
	}
	return strings.Join(s, ", ")
}
