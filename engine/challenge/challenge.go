// Package challenge holds class challenges: a teacher's task (a data set,
// its split and seed) and rules (most parameters, most epochs, the layer
// types allowed, a deadline), shared as a link (#c=…) with no server; and
// the leaderboard the teacher's tab builds from the students' model links,
// re-measuring every model on the test split, checking the rules, never
// trusting a claimed score, and exporting CSV.
//
// It holds no tensor code: the page decodes and shows challenges and
// boards without the training engine. The measuring is a callback
// (Evaluate); engine/challenge/measure gives one that runs the engine.
package challenge

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// Version is the challenge link format this package writes and the newest
// it reads.
const Version = 1

// magic starts every challenge link's bytes.
const magic = "nnc"

// Caps on what Decode reads.
const (
	// MaxLinkBytes is the longest link value Decode reads.
	MaxLinkBytes = 16 << 10
	// maxJSON caps the challenge's JSON after decompression.
	maxJSON = 32 << 10
	// maxText caps the title, notes and deadline, in bytes.
	maxText = 2000
)

// Challenge is what a challenge link holds.
type Challenge struct {
	Title string `json:"title"`
	// Notes are the teacher's words to the class, shown as written.
	Notes string `json:"notes,omitempty"`
	Task  Task   `json:"task"`
	Rules Rules  `json:"rules"`
}

// Task is what every submission is trained for and measured on.
type Task struct {
	// Dataset is the spec's data set name: "mnist", "penguins", "spiral", …
	Dataset string `json:"dataset"`
	// Classes restricts mnist to these digits (spec.Model.Classes).
	Classes []int `json:"classes,omitempty"`
	// Validation and Test are the shares held out of a data set that has
	// no split of its own (tables, the 2-D sets), split with Seed; MNIST
	// keeps its own 10,000 test images and ignores them.
	Validation float64 `json:"validation,omitempty"`
	Test       float64 `json:"test,omitempty"`
	// Seed fixes the split (and the 2-D sets' points).
	Seed int64 `json:"seed"`
}

// Rules are what a submission must keep to. Zero values mean no limit.
type Rules struct {
	// MaxParams caps the model's weights, trainable or not (Keras' "Total
	// params").
	MaxParams int `json:"max_params,omitempty"`
	// MaxEpochs caps the epochs trained, as the model link records them.
	MaxEpochs int `json:"max_epochs,omitempty"`
	// Layers are the layer types allowed (spec.Type* names); empty allows
	// every type.
	Layers []string `json:"layers,omitempty"`
	// Deadline is shown as written ("Friday 5 pm"); links carry no time a
	// rule could check, so it is not enforced.
	Deadline string `json:"deadline,omitempty"`
}

// LayerTypes are the layer types a rule may name (engine/spec's).
var LayerTypes = []string{
	"Dense", "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "Dropout", "Flatten",
	"Conv2D", "MaxPool2D", "AveragePooling2D", "GlobalAveragePooling2D", "BatchNormalization", "Reshape",
	"SimpleRNN", "LSTM", "GRU",
}

// Check says what is wrong with the challenge, if anything.
func (c Challenge) Check() error {
	for _, f := range []struct{ name, v string }{{"title", c.Title}, {"notes", c.Notes}, {"deadline", c.Rules.Deadline}} {
		if len(f.v) > maxText {
			return fmt.Errorf("the challenge's %s is %d bytes long; keep it under %d", f.name, len(f.v), maxText)
		}
		if !utf8.ValidString(f.v) {
			return fmt.Errorf("the challenge's %s is not valid text (UTF-8)", f.name)
		}
	}
	t := c.Task
	switch {
	case t.Dataset == "" || len(t.Dataset) > 64:
		return fmt.Errorf("the challenge names no data set (or one over 64 bytes); give one such as mnist")
	case !(t.Validation >= 0 && t.Test >= 0 && t.Validation+t.Test < 1):
		return fmt.Errorf("the challenge holds out %g for validation and %g for test; each must be at least 0 and together below 1", t.Validation, t.Test)
	case len(t.Classes) > 10:
		return fmt.Errorf("the challenge lists %d classes; mnist has 10", len(t.Classes))
	}
	for _, d := range t.Classes {
		if d < 0 || d > 9 {
			return fmt.Errorf("the challenge lists digit %d; digits are 0 to 9", d)
		}
	}
	r := c.Rules
	switch {
	case r.MaxParams < 0 || r.MaxEpochs < 0:
		return fmt.Errorf("the challenge's limits are negative (max parameters %d, max epochs %d); use 0 for no limit", r.MaxParams, r.MaxEpochs)
	case len(r.Layers) > len(LayerTypes):
		return fmt.Errorf("the challenge allows %d layer types; there are %d", len(r.Layers), len(LayerTypes))
	}
	for _, l := range r.Layers {
		if !slices.Contains(LayerTypes, l) {
			return fmt.Errorf("the challenge allows the layer type %q, which does not exist; use %s", l, strings.Join(LayerTypes, ", "))
		}
	}
	return nil
}

// Fragment finds a challenge link value in a URL or hash
// ("https://host/#c=VALUE", "#c=VALUE", "c=VALUE", "#x=1&c=VALUE").
func Fragment(urlOrHash string) (value string, ok bool) {
	s := urlOrHash
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[i+1:]
	}
	for part := range strings.SplitSeq(s, "&") {
		if v, found := strings.CutPrefix(part, "c="); found {
			return v, true
		}
	}
	return "", false
}

// Hash is the location hash for a challenge link value: "#c=" + value.
func Hash(value string) string { return "#c=" + value }

// Encode writes the challenge as a link value (put it after "#c="):
// base64url (no padding) of "nnc", the version byte, and the challenge's
// JSON compressed with raw deflate.
func Encode(c Challenge) (string, error) {
	if err := c.Check(); err != nil {
		return "", err
	}
	js, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("the challenge cannot be written: %w", err)
	}
	body, err := deflate(js)
	if err != nil {
		return "", err
	}
	bin := append([]byte(magic), Version)
	return base64.RawURLEncoding.EncodeToString(append(bin, body...)), nil
}

// Decode reads a challenge link value (or a URL or hash holding one). It
// never panics and reads at most maxJSON bytes however the link was made;
// every refusal says what is wrong.
func Decode(link string) (Challenge, error) {
	if v, ok := Fragment(link); ok {
		link = v
	}
	link = strings.TrimRight(strings.TrimSpace(link), "=")
	if len(link) > MaxLinkBytes {
		return Challenge{}, fmt.Errorf("the challenge link is %d characters long; links over %d are refused", len(link), MaxLinkBytes)
	}
	if link == "" {
		return Challenge{}, fmt.Errorf("the challenge link is empty: the part after #c= is missing")
	}
	bin, err := base64.RawURLEncoding.DecodeString(link)
	if err != nil {
		return Challenge{}, fmt.Errorf("the challenge link is damaged (%v); copy the whole link again", err)
	}
	if len(bin) < len(magic)+1 || string(bin[:len(magic)]) != magic {
		return Challenge{}, fmt.Errorf("this is not an nnplay challenge link (it does not start with the challenge marker)")
	}
	if v := bin[len(magic)]; v != Version {
		if v > Version {
			return Challenge{}, fmt.Errorf("this challenge was made by a newer nnplay (format v%d; this page reads up to v%d)", v, Version)
		}
		return Challenge{}, fmt.Errorf("the challenge link is damaged: format version %d does not exist", v)
	}
	r := flate.NewReader(bytes.NewReader(bin[len(magic)+1:]))
	js, err := io.ReadAll(io.LimitReader(r, maxJSON+1))
	if err != nil {
		return Challenge{}, fmt.Errorf("the challenge link is damaged (%v); copy the whole link again", err)
	}
	if len(js) > maxJSON {
		return Challenge{}, fmt.Errorf("the challenge link holds more than %d bytes of settings; it was not made by nnplay", maxJSON)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	var c Challenge
	if err := dec.Decode(&c); err != nil {
		return Challenge{}, fmt.Errorf("the challenge link's settings are damaged: %v", err)
	}
	if dec.More() {
		return Challenge{}, fmt.Errorf("the challenge link's settings are damaged: data after them at byte %d", dec.InputOffset())
	}
	if err := c.Check(); err != nil {
		return Challenge{}, err
	}
	if len(c.Task.Classes) == 0 {
		c.Task.Classes = nil // "classes":[] reads as none, as Encode writes it
	}
	if len(c.Rules.Layers) == 0 {
		c.Rules.Layers = nil
	}
	return c, nil
}

// deflate compresses a link's JSON (raw deflate, best compression).
func deflate(js []byte) ([]byte, error) {
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(js); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
