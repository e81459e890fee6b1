package tfjs

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// WriteDir exports p (see Export) into dir as model.json and WeightsFile,
// creating dir if needed.
func WriteDir(dir string, p share.Payload) error {
	modelJSON, weights, err := Export(p)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, ModelFile), modelJSON, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, WeightsFile), weights, 0o644)
}

// ReadDir imports the model whose model.json is in dir, reading the weight
// files it names from beside it (see Import).
func ReadDir(dir string) (share.Payload, error) {
	modelJSON, err := readCapped(filepath.Join(dir, ModelFile), MaxModelJSON)
	if err != nil {
		return share.Payload{}, err
	}
	paths, err := WeightPaths(modelJSON)
	if err != nil {
		return share.Payload{}, err
	}
	files := map[string][]byte{}
	for _, p := range paths {
		if !filepath.IsLocal(p) {
			return share.Payload{}, fmt.Errorf("model.json names the weight file %q outside its folder; nnplay reads weight files beside model.json only", p)
		}
		b, err := readCapped(filepath.Join(dir, p), 4*spec.MaxParams)
		if err != nil {
			return share.Payload{}, err
		}
		files[p] = b
	}
	return Import(modelJSON, files)
}

// readCapped reads a file of at most limit bytes.
func readCapped(path string, limit int64) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if info.Size() > limit {
		return nil, fmt.Errorf("%s is %d bytes, more than the %d nnplay reads", path, info.Size(), limit)
	}
	return os.ReadFile(path)
}
