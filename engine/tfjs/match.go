package tfjs

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nnplay/nnplay/engine/share"
)

// matchWeights finds each weight the spec needs among the stored ones by
// name (see matches), or, when no name matches at all, in the manifest's
// order; a weight the layer was built without is filled in (bias and β
// zero, γ one).
func matchWeights(want []share.Weight, names []string, froms []weightsFrom, stored []*storedWeight) ([]share.Tensor, error) {
	out := make([]share.Tensor, len(want))
	found := make([]*storedWeight, len(want))
	anyByName := false
	index := map[int]int{} // per layer: the index of its next present weight
	for i, w := range want {
		_, short, _ := cutName(w.Name)
		layer, from := names[w.Layer], froms[w.Layer]
		if absent(short, from) {
			continue
		}
		k := index[w.Layer]
		index[w.Layer] = k + 1
		for _, s := range stored {
			if !s.used && matches(s.Name, layer, short, k) {
				s.used, found[i], anyByName = true, s, true
				break
			}
		}
	}
	if !anyByName {
		// No name fits: take the manifest in order, as Keras lists
		// weights layer by layer.
		next := 0
		for i, w := range want {
			_, short, _ := cutName(w.Name)
			if absent(short, froms[w.Layer]) || next >= len(stored) {
				continue
			}
			found[i] = stored[next]
			next++
		}
	}
	for i, w := range want {
		_, short, _ := cutName(w.Name)
		layer := names[w.Layer]
		out[i] = share.Tensor{Name: w.Name, Shape: w.Shape}
		switch s := found[i]; {
		case s != nil:
			if !slices.Equal(s.Shape, w.Shape) {
				return nil, fmt.Errorf("layer %q: weight %q has shape %v but the layer needs %v", layer, s.Name, s.Shape, w.Shape)
			}
			out[i].Values = s.Values
		case absent(short, froms[w.Layer]):
			out[i].Values = make([]float32, size(w.Shape))
			if short == "gamma" {
				for j := range out[i].Values {
					out[i].Values[j] = 1
				}
			}
		default:
			var have []string
			for _, s := range stored {
				have = append(have, s.Name)
			}
			return nil, fmt.Errorf("layer %q: its weight %q is not in model.json's weights manifest (which holds %s)", layer, layer+"/"+short, strings.Join(have, ", "))
		}
	}
	return out, nil
}

// absent reports whether a layer built as from has no weight short.
func absent(short string, from weightsFrom) bool {
	return short == "gamma" && from.noGamma || short == "beta" && from.noBeta
}

// matches reports whether a manifest name is one of the forms Keras writers
// use for layer L's weight w (its index i in the layer's list):
//
//	L/w                    Keras 2, TF.js
//	model/L/w, L/cell/w    Keras 3 and TF ≥ 2.2 prefixes and cell names
//	_layer_checkpoint_dependencies/L/vars/i   Keras 3 (.keras) files
func matches(name, layer, weight string, index int) bool {
	var parts []string
	for _, p := range strings.Split(name, "/") {
		p = strings.TrimPrefix(p, "_")
		if p != "vars" && p != "layer_checkpoint_dependencies" {
			parts = append(parts, p)
		}
	}
	if len(parts) < 2 {
		return false
	}
	last := parts[len(parts)-1]
	if last != weight && last != strconv.Itoa(index) {
		return false
	}
	// The layer's name is the part before the weight's, or the one before
	// that (a cell name between them).
	for k := len(parts) - 2; k >= max(0, len(parts)-3); k-- {
		if parts[k] == layer {
			return true
		}
	}
	return false
}
