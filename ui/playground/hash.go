package playground

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/ui/route"
)

// The playground's settings in the address bar. Like TensorFlow
// Playground, the whole state lives in the location hash, so a link opens
// the same run:
//
//	#/playground&dataset=spiral&classes=3&points=500&noise=10&ratio=50&test=1
//	  &features=x,y,x2&layers=8,8&activation=relu&optimizer=adam&lr=0.01
//	  &batch=10&seed=1&discretize=0
//
// The place's address (route.Playground.Hash()) comes first; links of
// older versions, #playground&… or settings alone (#dataset=xor&…), are
// read the same way. noise and ratio are percentages (ratio: the share
// of points used for training); layers lists the hidden layers ("" for
// none; net.go gives the form of each); activation is one name for every
// units-only layer or one per such layer. A setting left out takes its
// default; a bad one is reported and replaced by its default, so a
// damaged link still opens a working playground.

// Hash is c as a location hash (with the leading #), settings in a fixed
// order so equal configs give equal hashes.
func (c Config) Hash() string {
	var b strings.Builder
	b.WriteString(route.Playground.Hash())
	add := func(k, v string) { b.WriteString("&" + k + "=" + v) }
	add("dataset", c.Dataset)
	add("classes", strconv.Itoa(c.Classes))
	add("points", strconv.Itoa(c.Points))
	add("noise", strconv.Itoa(c.Noise))
	add("ratio", strconv.Itoa(c.Ratio))
	add("test", boolDigit(c.ShowTest))
	add("features", strings.Join(c.Features, ","))
	layers, act := layersHash(c.Hidden)
	add("layers", layers)
	if act != "" {
		add("activation", act)
	}
	add("optimizer", c.Optimizer)
	add("lr", strconv.FormatFloat(c.LR, 'g', -1, 64))
	add("batch", strconv.Itoa(c.Batch))
	add("seed", strconv.FormatInt(c.Seed, 10))
	add("discretize", boolDigit(c.Discretize))
	return b.String()
}

// Settings is the settings part of a playground hash: "dataset=xor&noise=5"
// for #/playground&dataset=xor&noise=5, #playground&dataset=xor&noise=5
// or #dataset=xor&noise=5; "" for the bare address #/playground, which
// keeps the settings the playground has.
func Settings(hash string) string {
	h := strings.TrimPrefix(strings.TrimPrefix(hash, "#"), "/")
	if rest, ok := strings.CutPrefix(h, string(route.Playground)); ok && (rest == "" || rest[0] == '&') {
		h = rest
	}
	return strings.Trim(h, "&")
}

// ParseHash reads a location hash in any of the forms above (with or
// without the #). Settings it cannot use keep their defaults; problems
// lists each, in words.
func ParseHash(hash string) (c Config, problems []string) {
	c = DefaultConfig()
	vals := map[string]string{}
	for _, part := range strings.Split(Settings(hash), "&") {
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			problems = append(problems, fmt.Sprintf("%q is not a setting (want name=value)", clip(part)))
			continue
		}
		if u, err := url.QueryUnescape(v); err == nil {
			v = u
		}
		if _, known := hashKeys[k]; !known {
			problems = append(problems, fmt.Sprintf("%q is not a playground setting", clip(k)))
			continue
		}
		vals[k] = strings.TrimSpace(v)
	}
	p := &hashParser{vals: vals}
	p.choice("dataset", Datasets, &c.Dataset)
	p.intIn("classes", 2, MaxClasses, &c.Classes)
	if c.Classes != 2 && c.Dataset != spec.DatasetSpiral {
		p.fail("classes", fmt.Sprintf("%d classes need the spiral data set (the %s has 2)", c.Classes, c.Dataset), "2")
		c.Classes = 2
	}
	p.intIn("points", MinPoints, MaxPoints, &c.Points)
	p.intIn("noise", 0, MaxNoise, &c.Noise)
	p.intIn("ratio", MinRatio, MaxRatio, &c.Ratio)
	p.flag("test", &c.ShowTest)
	p.flag("discretize", &c.Discretize)
	p.features(&c.Features)
	p.layers(&c)
	p.choice("optimizer", Optimizers, &c.Optimizer)
	if v, ok := vals["lr"]; ok {
		lr, err := strconv.ParseFloat(v, 64)
		if err != nil || !(lr > 0 && lr <= spec.MaxLearningRate) {
			p.fail("lr", fmt.Sprintf("must be a number above 0 and at most %d", spec.MaxLearningRate), fmtFloat(c.LR))
		} else {
			c.LR = lr
		}
	}
	p.intIn("batch", 1, MaxBatch, &c.Batch)
	if v, ok := vals["seed"]; ok {
		s, err := strconv.ParseInt(v, 10, 64)
		if err != nil || s < 0 || s > MaxSeed {
			p.fail("seed", fmt.Sprintf("must be a whole number from 0 to %d", MaxSeed), "1")
		} else {
			c.Seed = s
		}
	}
	// Layers that parse but make no valid model (a BatchNormalization's
	// momentum of 1, say) give way to the default's, as a bad setting does.
	if c.FeaturesProblem() == "" {
		if err := c.Build().Spec.Validate(); err != nil {
			c.Hidden = DefaultConfig().Hidden
			p.fail("layers", err.Error(), layersSetting(c.Hidden))
		}
	}
	return c, append(problems, p.problems...)
}

// layersSetting is the layers setting of hidden.
func layersSetting(hidden []spec.Layer) string {
	h, _ := layersHash(hidden)
	return h
}

// hashKeys are the settings a hash may hold.
var hashKeys = map[string]struct{}{
	"dataset": {}, "classes": {}, "points": {}, "noise": {}, "ratio": {}, "test": {},
	"discretize": {}, "features": {}, "layers": {}, "activation": {}, "optimizer": {},
	"lr": {}, "batch": {}, "seed": {},
}

func boolDigit(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func allSame(s []string) bool {
	for _, v := range s {
		if v != s[0] {
			return false
		}
	}
	return true
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// clip shortens a pasted value for a message.
func clip(s string) string {
	if r := []rune(s); len(r) > 24 {
		return string(r[:24]) + "…"
	}
	return s
}
