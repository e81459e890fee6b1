// Package npz reads and writes NumPy's array files: .npy (one array) and
// .npz (a zip of .npy files, what numpy.savez writes and numpy.load
// reads), for float32 arrays in C order.
//
// The writer emits format version 1.0 with dtype '<f4' (little-endian
// float32) and fortran_order False, the header padded so the data starts
// on a 64-byte boundary, as NumPy does. The reader accepts versions 1.0,
// 2.0 and 3.0 of that layout, in C or Fortran order (returned in C order),
// and refuses anything else (another dtype, a truncated file) with a
// message naming what it found.
// It needs no tensors, so the page can use it.
package npz

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Magic starts every .npy file.
const Magic = "\x93NUMPY"

// MaxValues bounds the values one array may hold (1 GiB of float32), so a
// corrupt header cannot make the reader allocate without limit.
const MaxValues = 1 << 28

// headerAlign is the boundary NumPy pads the header to.
const headerAlign = 64

// Array is one named float32 array in C order (the last index varies
// fastest). A scalar has an empty Shape and one value.
type Array struct {
	Name  string
	Shape []int
	Data  []float32
}

// size is the number of values a shape holds.
func size(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// EncodeNPY is the .npy file (version 1.0, '<f4', C order) of an array of
// this shape and these values. len(values) must be the shape's size and
// no dimension may be negative.
func EncodeNPY(shape []int, values []float32) ([]byte, error) {
	for i, d := range shape {
		if d < 0 {
			return nil, fmt.Errorf("npy: dimension %d of shape %v is negative", i, shape)
		}
	}
	if n := size(shape); n != len(values) {
		return nil, fmt.Errorf("npy: shape %v holds %d values, got %d", shape, n, len(values))
	}
	var dims []string
	for _, d := range shape {
		dims = append(dims, strconv.Itoa(d))
	}
	tuple := "(" + strings.Join(dims, ", ")
	if len(shape) == 1 {
		tuple += ","
	}
	tuple += ")"
	header := "{'descr': '<f4', 'fortran_order': False, 'shape': " + tuple + ", }"
	// magic (6) + version (2) + length (2) + header + padding + '\n'.
	pre := len(Magic) + 4
	total := (pre + len(header) + 1 + headerAlign - 1) / headerAlign * headerAlign
	header += strings.Repeat(" ", total-pre-len(header)-1) + "\n"
	out := make([]byte, 0, total+4*len(values))
	out = append(out, Magic...)
	out = append(out, 1, 0)
	out = binary.LittleEndian.AppendUint16(out, uint16(len(header)))
	out = append(out, header...)
	for _, v := range values {
		out = binary.LittleEndian.AppendUint32(out, math.Float32bits(v))
	}
	return out, nil
}

// DecodeNPY reads a .npy file holding a float32 array in C order.
func DecodeNPY(data []byte) (shape []int, values []float32, err error) {
	if len(data) < len(Magic)+2 || string(data[:len(Magic)]) != Magic {
		return nil, nil, fmt.Errorf("npy: not a .npy file (it does not start with %q)", Magic)
	}
	major, minor := data[6], data[7]
	var hlen, start int
	switch major {
	case 1:
		if len(data) < 10 {
			return nil, nil, fmt.Errorf("npy: truncated: %d bytes, the header length needs 10", len(data))
		}
		hlen, start = int(binary.LittleEndian.Uint16(data[8:])), 10
	case 2, 3:
		if len(data) < 12 {
			return nil, nil, fmt.Errorf("npy: truncated: %d bytes, the header length needs 12", len(data))
		}
		n := binary.LittleEndian.Uint32(data[8:])
		if n > 1<<20 {
			return nil, nil, fmt.Errorf("npy: header length %d is over 1 MiB", n)
		}
		hlen, start = int(n), 12
	default:
		return nil, nil, fmt.Errorf("npy: format version %d.%d is not supported (1.0, 2.0 and 3.0 are)", major, minor)
	}
	if len(data) < start+hlen {
		return nil, nil, fmt.Errorf("npy: truncated: the header needs %d bytes, the file has %d", start+hlen, len(data))
	}
	descr, fortran, shape, err := parseHeader(string(data[start : start+hlen]))
	if err != nil {
		return nil, nil, err
	}
	if descr != "<f4" {
		return nil, nil, fmt.Errorf("npy: dtype %q is not supported; save float32 ('<f4'), e.g. array.astype(numpy.float32)", descr)
	}
	n := 1
	for _, d := range shape {
		if d > 0 && n > MaxValues/d {
			return nil, nil, fmt.Errorf("npy: shape %v holds more than %d values", shape, MaxValues)
		}
		n *= d
	}
	body := data[start+hlen:]
	if len(body) != 4*n {
		if len(body) < 4*n {
			return nil, nil, fmt.Errorf("npy: truncated: shape %v needs %d bytes of data, the file has %d", shape, 4*n, len(body))
		}
		return nil, nil, fmt.Errorf("npy: shape %v needs %d bytes of data, the file has %d (extra bytes at the end)", shape, 4*n, len(body))
	}
	values = make([]float32, n)
	for i := range values {
		values[i] = math.Float32frombits(binary.LittleEndian.Uint32(body[4*i:]))
	}
	if fortran && len(shape) > 1 {
		values = fromFortran(shape, values)
	}
	return shape, values, nil
}

// fromFortran is values, stored in Fortran order (the first index varies
// fastest; what numpy.save writes for a transposed array), in C order.
func fromFortran(shape []int, values []float32) []float32 {
	out := make([]float32, len(values))
	idx := make([]int, len(shape))
	for c := range out {
		// idx is c's multi-index in C order; f its Fortran offset.
		f, stride := 0, 1
		for d := 0; d < len(shape); d++ {
			f += idx[d] * stride
			stride *= shape[d]
		}
		out[c] = values[f]
		for d := len(shape) - 1; d >= 0; d-- {
			if idx[d]++; idx[d] < shape[d] {
				break
			}
			idx[d] = 0
		}
	}
	return out
}

// parseHeader reads the header's Python dict literal:
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }.
func parseHeader(h string) (descr string, fortran bool, shape []int, err error) {
	p := &parser{s: strings.TrimRight(h, " \n\x00")}
	seen := map[string]bool{}
	if !p.eat('{') {
		return "", false, nil, p.errorf("the header does not start with {")
	}
	for {
		if p.eat('}') {
			break
		}
		key, ok := p.str()
		if !ok {
			return "", false, nil, p.errorf("expected a quoted key")
		}
		if !p.eat(':') {
			return "", false, nil, p.errorf("expected : after %q", key)
		}
		switch key {
		case "descr":
			if descr, ok = p.str(); !ok {
				return "", false, nil, p.errorf("descr must be a string")
			}
		case "fortran_order":
			switch {
			case p.word("True"):
				fortran = true
			case p.word("False"):
			default:
				return "", false, nil, p.errorf("fortran_order must be True or False")
			}
		case "shape":
			if shape, err = p.tuple(); err != nil {
				return "", false, nil, err
			}
		default:
			return "", false, nil, p.errorf("unknown key %q", key)
		}
		if seen[key] {
			return "", false, nil, p.errorf("key %q appears twice", key)
		}
		seen[key] = true
		if !p.eat(',') {
			if !p.eat('}') {
				return "", false, nil, p.errorf("expected , or }")
			}
			break
		}
	}
	if p.skip(); p.i != len(p.s) {
		return "", false, nil, p.errorf("unexpected text after the dict")
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return "", false, nil, fmt.Errorf("npy: the header has no %q", k)
		}
	}
	return descr, fortran, shape, nil
}

// parser walks a header string.
type parser struct {
	s string
	i int
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("npy: bad header at byte %d: %s", p.i, fmt.Sprintf(format, args...))
}

func (p *parser) skip() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

// eat consumes c (after spaces) if it is next.
func (p *parser) eat(c byte) bool {
	p.skip()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

// word consumes w (after spaces) if it is next.
func (p *parser) word(w string) bool {
	p.skip()
	if strings.HasPrefix(p.s[p.i:], w) {
		p.i += len(w)
		return true
	}
	return false
}

// str reads a '…' or "…" string without escapes.
func (p *parser) str() (string, bool) {
	p.skip()
	if p.i >= len(p.s) || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
		return "", false
	}
	q := p.s[p.i]
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", false
	}
	v := p.s[p.i+1 : p.i+1+end]
	p.i += end + 2
	return v, true
}

// tuple reads (), (n,) or (n, m, …) of non-negative integers.
func (p *parser) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, p.errorf("shape must be a tuple")
	}
	shape := []int{}
	for {
		if p.eat(')') {
			return shape, nil
		}
		p.skip()
		j := p.i
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
		if j == p.i || j-p.i > 9 {
			return nil, p.errorf("shape must hold whole numbers below 10⁹")
		}
		d, _ := strconv.Atoi(p.s[p.i:j])
		p.i = j
		p.word("L") // Python 2's long suffix
		shape = append(shape, d)
		if !p.eat(',') {
			if !p.eat(')') {
				return nil, p.errorf("expected , or ) in the shape")
			}
			return shape, nil
		}
	}
}
