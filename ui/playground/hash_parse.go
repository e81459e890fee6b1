package playground

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/nnplay/nnplay/engine/data/features"
	"github.com/nnplay/nnplay/engine/spec"
)

// Reading the settings of a playground hash (see hash.go): each
// reader keeps the default and records a problem when a value is bad.

// hashParser reads the settings of a hash, collecting problems.
type hashParser struct {
	vals     map[string]string
	problems []string
}

func (p *hashParser) fail(key, why, def string) {
	p.problems = append(p.problems, fmt.Sprintf("%s=%s: %s; using %s", key, clip(p.vals[key]), why, def))
}

func (p *hashParser) choice(key string, options []string, dst *string) {
	if v, ok := p.vals[key]; ok {
		if !slices.Contains(options, v) {
			p.fail(key, "use one of "+strings.Join(options, ", "), *dst)
			return
		}
		*dst = v
	}
}

func (p *hashParser) intIn(key string, lo, hi int, dst *int) {
	if v, ok := p.vals[key]; ok {
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			p.fail(key, fmt.Sprintf("must be a whole number from %d to %d", lo, hi), strconv.Itoa(*dst))
			return
		}
		*dst = n
	}
}

func (p *hashParser) flag(key string, dst *bool) {
	if v, ok := p.vals[key]; ok {
		switch v {
		case "1", "true":
			*dst = true
		case "0", "false":
			*dst = false
		default:
			p.fail(key, "must be 0 or 1", boolDigit(*dst))
		}
	}
}

// features takes a comma list of distinct known features, kept in the
// playground's order; fewer than two is a problem (a model needs two).
func (p *hashParser) features(dst *[]string) {
	v, ok := p.vals["features"]
	if !ok {
		return
	}
	def := strings.Join(*dst, ",")
	var got []string
	for _, f := range strings.Split(v, ",") {
		if !slices.Contains(features.All, f) {
			p.fail("features", fmt.Sprintf("%q is not a feature (use %s)", clip(f), strings.Join(features.All, ", ")), def)
			return
		}
		if slices.Contains(got, f) {
			p.fail("features", fmt.Sprintf("%s is listed twice", f), def)
			return
		}
		got = append(got, f)
	}
	if len(got) < spec.MinToyFeatures {
		p.fail("features", fmt.Sprintf("choose at least %d", spec.MinToyFeatures), def)
		return
	}
	*dst = nil
	for _, f := range features.All {
		if slices.Contains(got, f) {
			*dst = append(*dst, f)
		}
	}
}

// layers reads the hidden layers and the activations of old-form ones.
func (p *hashParser) layers(c *Config) {
	def, _ := layersHash(c.Hidden)
	// Without an activation setting every layer takes the default's.
	acts := []string{spec.ActTanh}
	if len(c.Hidden) > 0 {
		acts[0] = c.Hidden[0].Activation
	}
	hidden, plain := c.Hidden, []int{}
	if v, ok := p.vals["layers"]; ok {
		h, pl, err := parseLayers(v)
		if err != "" {
			p.fail("layers", err, def)
		} else {
			hidden, plain = h, pl
		}
	}
	if _, ok := p.vals["layers"]; !ok {
		for i := range hidden {
			plain = append(plain, i) // the default's layers follow the activation setting
		}
	}
	if v, ok := p.vals["activation"]; ok {
		list := strings.Split(v, ",")
		bad := ""
		for _, a := range list {
			if !slices.Contains(Activations, a) {
				bad = fmt.Sprintf("%q is not an activation (use %s)", clip(a), strings.Join(Activations, ", "))
				break
			}
		}
		switch {
		case bad != "":
			p.fail("activation", bad, acts[0])
		case len(list) != 1 && len(list) != len(plain):
			p.fail("activation", fmt.Sprintf("%d names for %d hidden layers; give one, or one per layer", len(list), len(plain)), acts[0])
		default:
			acts = list
		}
	}
	c.Hidden = slices.Clone(hidden)
	for k, i := range plain {
		c.Hidden[i].Activation = acts[min(k, len(acts)-1)]
	}
}
