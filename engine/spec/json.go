package spec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// Decode reads a model from JSON. It is strict, so that a typo does not
// silently become a default: it rejects unknown fields, values of the wrong
// type, anything but one JSON object, and data after it. It does not
// validate the model: call Defaults and Validate for that. Errors are *Error
// with a message that says what is wrong and where.
//
// Field names match case-insensitively (encoding/json's rule), so "Units"
// reads as "units"; Encode always writes the lower-case names.
func Decode(data []byte) (Model, error) {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 {
		return Model{}, &Error{Msg: "model JSON is empty"}
	}
	if trimmed[0] != '{' {
		// Also catches null, which encoding/json would read as "no change".
		return Model{}, &Error{Msg: fmt.Sprintf("model JSON must be an object {...}, got %s", describeStart(trimmed))}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m Model
	if err := dec.Decode(&m); err != nil {
		return Model{}, &Error{Msg: jsonMessage(err)}
	}
	rest := bytes.TrimLeft(data[dec.InputOffset():], " \t\r\n")
	if len(rest) > 0 {
		return Model{}, &Error{Msg: fmt.Sprintf("model JSON: unexpected data after the model at byte %d", len(data)-len(rest))}
	}
	return m, nil
}

// Encode writes the model as indented JSON that Decode reads back to an
// equal model. NaN and ±Inf cannot be written in JSON: Encode names the
// field that holds one.
func Encode(m Model) ([]byte, error) {
	for i, l := range m.Layers {
		if e := l.finiteFields(); e != nil {
			e.Layer, e.Type = i+1, l.Type
			return nil, e
		}
	}
	if e := m.finiteFields(); e != nil {
		return nil, e
	}
	return json.MarshalIndent(m, "", "  ")
}

// jsonMessage turns an encoding/json error into a message for a person.
func jsonMessage(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "model JSON ends too early; a bracket, brace or quote is not closed"
	case errors.As(err, &syntax):
		return fmt.Sprintf("model JSON: %s at byte %d", syntax.Error(), syntax.Offset)
	case errors.As(err, &typ):
		got := map[string]string{"string": "a string", "number": "a number", "bool": "true or false",
			"array": "a list", "object": "an object"}[typ.Value]
		if n, ok := strings.CutPrefix(typ.Value, "number "); ok {
			got = n
			if typ.Type.Kind() == reflect.Float64 {
				return fmt.Sprintf("model JSON: %s: %s is too large a number", typ.Field, n)
			}
		}
		if got == "" {
			got = typ.Value
		}
		return fmt.Sprintf("model JSON: %s must be %s, got %s", typ.Field, kindName(typ.Type), got)
	}
	return "model JSON: " + strings.TrimPrefix(err.Error(), "json: ")
}

// kindName says in words what a Go type holds in JSON.
func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int64:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "a list"
	}
	return "an object"
}

// describeStart names the kind of JSON value data starts with.
func describeStart(data []byte) string {
	switch c := data[0]; {
	case c == '[':
		return "a list"
	case c == '"':
		return "a string"
	case c == 'n':
		return "null"
	case c == 't' || c == 'f':
		return "true or false"
	case c == '-' || (c >= '0' && c <= '9'):
		return "a number"
	}
	return fmt.Sprintf("%q", data[:min(len(data), 10)])
}
