package protocol

import (
	"encoding/json"
	"fmt"
)

// Wire is a message as posted between the page and the worker: its JSON
// text and, for a message that carries a large byte payload (a model file,
// a run's snapshot), that payload beside the text, posted as a transferred
// ArrayBuffer. Base64 inside JSON costs the receiver a scan of every byte
// and a decode; beside it, the bytes are one copy. Bytes is nil for every
// other message, whose Text is Encode's.
type Wire struct {
	Text  string
	Bytes []byte
}

// A carrier is a message with one large byte field that may travel beside
// its JSON.
type carrier interface {
	Message
	// payload is the message without its bytes, and the bytes.
	payload() (Message, []byte)
	// with is the message with b as its bytes.
	with(b []byte) Message
}

func (m ModelExport) payload() (Message, []byte) { b := m.File; m.File = nil; return m, b }
func (m ModelExport) with(b []byte) Message      { m.File = b; return m }
func (m RunSnapshot) payload() (Message, []byte) { b := m.Data; m.Data = nil; return m, b }
func (m RunSnapshot) with(b []byte) Message      { m.Data = b; return m }

var (
	_ carrier = ModelExport{}
	_ carrier = RunSnapshot{}
)

// EncodeWire is Encode, with a carrier's bytes beside the text (when it
// has any). It checks the whole message, as Encode does.
func EncodeWire(m Message) (Wire, error) {
	c, ok := m.(carrier)
	if !ok {
		s, err := Encode(m)
		return Wire{Text: s}, err
	}
	bare, b := c.payload()
	if len(b) == 0 {
		s, err := Encode(m)
		return Wire{Text: s}, err
	}
	if err := check(m); err != nil {
		return Wire{}, fmt.Errorf("protocol: encode %s: %w", m.Type(), err)
	}
	s, err := marshal(bare)
	if err != nil {
		return Wire{}, err
	}
	return Wire{Text: s, Bytes: b}, nil
}

// DecodeEventWire parses a worker → page message in either form: Text
// alone is DecodeEvent's; Text with Bytes must be a carrier whose JSON
// holds no bytes of its own. The event is checked with its bytes in place.
func DecodeEventWire(w Wire) (Event, error) {
	if w.Bytes == nil {
		return DecodeEvent(w.Text)
	}
	if len(w.Text)+len(w.Bytes) > MaxMessageBytes {
		return nil, fmt.Errorf("protocol: message of %d bytes is over the %d-byte limit", len(w.Text)+len(w.Bytes), MaxMessageBytes)
	}
	typ, p, err := parseEvent(w.Text)
	if err != nil {
		return nil, err
	}
	c, ok := deref(p).(carrier)
	if !ok {
		return nil, fmt.Errorf("protocol: %s carries no bytes beside its JSON", typ)
	}
	if _, own := c.payload(); len(own) > 0 {
		return nil, fmt.Errorf("protocol: %s has bytes both in its JSON and beside it", typ)
	}
	ev := c.with(w.Bytes)
	if err := check(ev); err != nil {
		return nil, fmt.Errorf("protocol: %s: %w", typ, err)
	}
	return ev.(Event), nil
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
