package protocol

import (
	"encoding/json"
	"fmt"
	"sort"
)

// MaxPartsBytes bounds the bytes a message carries beside its text (Wire):
// one upload of the user's files, or a model file, is read up to this size.
const MaxPartsBytes = 256 << 20

// Wire is a message as posted between the page and the worker: its JSON
// text and, for a message that carries large byte payloads (files the user
// chose, a model file, a run's snapshot), those payloads beside the text,
// posted as transferred ArrayBuffers: {text, parts: [Uint8Array, ...]}.
// Base64 inside JSON costs a third more bytes, the sender an encode and the
// receiver a scan of every byte and a decode; beside it, each part is one
// copy, and a part's size is not bound by the text's MaxMessageBytes. Parts
// is nil for every other message, whose Text is Encode's.
type Wire struct {
	Text  string
	Parts [][]byte
}

// A carrier is a message with byte fields that may travel beside its JSON.
type carrier interface {
	Message
	// parts is the message without its byte fields, and their bytes in a
	// fixed order (an empty field is an empty part).
	parts() (Message, [][]byte)
	// with is the message with its byte fields set from p, in parts'
	// order; false when p has not as many parts as the message holds.
	with(p [][]byte) (Message, bool)
}

var (
	_ carrier = ModelExport{}
	_ carrier = RunSnapshot{}
	_ carrier = TFJSExport{}
	_ carrier = LoadModel{}
	_ carrier = ImportTFJS{}
	_ carrier = LoadDataset{}
)

func (m ModelExport) parts() (Message, [][]byte) { b := m.File; m.File = nil; return m, [][]byte{b} }
func (m ModelExport) with(p [][]byte) (Message, bool) {
	if len(p) != 1 {
		return nil, false
	}
	m.File = p[0]
	return m, true
}

func (m RunSnapshot) parts() (Message, [][]byte) { b := m.Data; m.Data = nil; return m, [][]byte{b} }
func (m RunSnapshot) with(p [][]byte) (Message, bool) {
	if len(p) != 1 {
		return nil, false
	}
	m.Data = p[0]
	return m, true
}

func (m TFJSExport) parts() (Message, [][]byte) {
	p := [][]byte{m.ModelJSON, m.Weights}
	m.ModelJSON, m.Weights = nil, nil
	return m, p
}
func (m TFJSExport) with(p [][]byte) (Message, bool) {
	if len(p) != 2 {
		return nil, false
	}
	m.ModelJSON, m.Weights = p[0], p[1]
	return m, true
}

func (m LoadModel) parts() (Message, [][]byte) {
	p := [][]byte{m.File, m.Weights}
	m.File, m.Weights = nil, nil
	return m, p
}
func (m LoadModel) with(p [][]byte) (Message, bool) {
	if len(p) != 2 {
		return nil, false
	}
	m.File, m.Weights = p[0], p[1]
	return m, true
}

// ImportTFJS's parts: model.json, then the weight files in name order (the
// text keeps each name, with no bytes).
func (m ImportTFJS) parts() (Message, [][]byte) {
	p := [][]byte{m.ModelJSON}
	names := m.fileNames()
	bare := make(map[string][]byte, len(names))
	for _, n := range names {
		p = append(p, m.Files[n])
		bare[n] = []byte{}
	}
	m.ModelJSON, m.Files = nil, bare
	return m, p
}
func (m ImportTFJS) with(p [][]byte) (Message, bool) {
	names := m.fileNames()
	if len(p) != 1+len(names) {
		return nil, false
	}
	files := make(map[string][]byte, len(names))
	for i, n := range names {
		files[n] = p[1+i]
	}
	m.ModelJSON, m.Files = p[0], files
	return m, true
}

func (m ImportTFJS) fileNames() []string {
	names := make([]string, 0, len(m.Files))
	for n := range m.Files {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// LoadDataset's parts: the idx files, the table, the zip, then each
// file's data and each frame's RGBA and Pixels, in order (the text keeps
// the files' paths and the frames' classes and sizes).
func (m LoadDataset) parts() (Message, [][]byte) {
	p := [][]byte{m.IDXImages, m.IDXLabels, m.Table, m.Zip}
	files := make([]ImageFile, len(m.Files))
	for i, f := range m.Files {
		p = append(p, f.Data)
		files[i] = ImageFile{Path: f.Path}
	}
	frames := make([]Frame, len(m.Frames))
	for i, f := range m.Frames {
		p = append(p, f.RGBA, f.Pixels)
		f.RGBA, f.Pixels = nil, nil
		frames[i] = f
	}
	m.IDXImages, m.IDXLabels, m.Table, m.Zip = nil, nil, nil, nil
	m.Files, m.Frames = nilIfEmpty(files), nilIfEmpty(frames)
	return m, p
}
func (m LoadDataset) with(p [][]byte) (Message, bool) {
	if len(p) != 4+len(m.Files)+2*len(m.Frames) {
		return nil, false
	}
	m.IDXImages, m.IDXLabels, m.Table, m.Zip = p[0], p[1], p[2], p[3]
	p = p[4:]
	files := make([]ImageFile, len(m.Files))
	for i, f := range m.Files {
		f.Data = p[i]
		files[i] = f
	}
	p = p[len(files):]
	frames := make([]Frame, len(m.Frames))
	for i, f := range m.Frames {
		f.RGBA, f.Pixels = p[2*i], p[2*i+1]
		frames[i] = f
	}
	m.Files, m.Frames = nilIfEmpty(files), nilIfEmpty(frames)
	return m, true
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// EncodeWire is Encode, with a carrier's bytes beside the text (when it
// has any). It checks the whole message, as Encode does.
func EncodeWire(m Message) (Wire, error) {
	c, ok := m.(carrier)
	if !ok {
		s, err := Encode(m)
		return Wire{Text: s}, err
	}
	bare, p := c.parts()
	if partsBytes(p) == 0 {
		s, err := Encode(m)
		return Wire{Text: s}, err
	}
	if err := check(m); err != nil {
		return Wire{}, fmt.Errorf("protocol: encode %s: %w", m.Type(), err)
	}
	if n := partsBytes(p); n > MaxPartsBytes {
		return Wire{}, fmt.Errorf("protocol: encode %s: %d bytes is over the %d-byte limit", m.Type(), n, MaxPartsBytes)
	}
	s, err := marshal(bare)
	if err != nil {
		return Wire{}, err
	}
	return Wire{Text: s, Parts: p}, nil
}

// DecodeEventWire parses a worker → page message in either form: Text
// alone is DecodeEvent's; Text with Parts must be a carrier whose JSON
// holds no bytes of its own. The event is checked with its bytes in place.
func DecodeEventWire(w Wire) (Event, error) {
	if w.Parts == nil {
		return DecodeEvent(w.Text)
	}
	m, err := decodeWire(w, parseEvent)
	if err != nil {
		return nil, err
	}
	return m.(Event), nil
}

// DecodeRequestWire parses a page → worker message in either form, as
// DecodeEventWire does events.
func DecodeRequestWire(w Wire) (Request, error) {
	if w.Parts == nil {
		return DecodeRequest(w.Text)
	}
	m, err := decodeWire(w, parseRequest)
	if err != nil {
		return nil, err
	}
	return m.(Request), nil
}

// decodeWire parses w's text with parse (unchecked), puts its parts in
// place and checks the message.
func decodeWire(w Wire, parse func(string) (string, Message, error)) (Message, error) {
	if n := partsBytes(w.Parts); n > MaxPartsBytes {
		return nil, fmt.Errorf("protocol: %d bytes beside the text is over the %d-byte limit", n, MaxPartsBytes)
	}
	typ, p, err := parse(w.Text)
	if err != nil {
		return nil, err
	}
	c, ok := deref(p).(carrier)
	if !ok {
		return nil, fmt.Errorf("protocol: %s carries no bytes beside its JSON", typ)
	}
	if _, own := c.parts(); partsBytes(own) > 0 {
		return nil, fmt.Errorf("protocol: %s has bytes both in its JSON and beside it", typ)
	}
	parts := make([][]byte, len(w.Parts))
	for i, b := range w.Parts {
		if len(b) > 0 { // an empty part is an absent field, as in JSON
			parts[i] = b
		}
	}
	m, ok := c.with(parts)
	if !ok {
		return nil, fmt.Errorf("protocol: %s came with %d parts beside its JSON; its fields take another number", typ, len(w.Parts))
	}
	if err := check(m); err != nil {
		return nil, fmt.Errorf("protocol: %s: %w", typ, err)
	}
	return m, nil
}

func partsBytes(p [][]byte) int {
	n := 0
	for _, b := range p {
		n += len(b)
	}
	return n
}

// check runs a message's own checks, if it has any.
func check(m Message) error {
	if c, ok := m.(checker); ok {
		return c.check()
	}
	return nil
}

// marshal is the envelope's JSON text of m, unchecked.
func marshal(m Message) (string, error) {
	env := envelope{Type: m.Type()}
	data, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("protocol: encode %s: %w", m.Type(), err)
	}
	if string(data) != "{}" {
		env.Data = data
	}
	out, err := json.Marshal(env)
	if err != nil {
		return "", fmt.Errorf("protocol: encode %s: %w", m.Type(), err)
	}
	return string(out), nil
}
