package share

import (
	"bytes"
	"compress/flate"
	"fmt"
	"github.com/nnplay/nnplay/engine/units"
	"io"
)

// Codec is how a link's body is compressed; its value is the format's
// codec byte, so the choice can change without a new format version.
type Codec uint8

// Codecs. Values that are not listed are refused by Decode.
const (
	// CodecNone stores the body as it is.
	CodecNone Codec = 1
	// CodecDeflate is RFC 1951 deflate (compress/flate, level 9) with
	// specDictionary as its preset dictionary. Brotli and zstd compress
	// the seed model's weights little better or worse, while their
	// decoders would add far more to the page's wasm than compress/flate
	// (README: Performance).
	CodecDeflate Codec = 2
	// CodecDeflate2 is CodecDeflate with specDictionary2, which also holds
	// the settings and presets added since (learning-rate schedules,
	// gradient clipping, recurrent layers, the tuned CNN presets), so their
	// recipe links stay a few dozen characters.
	CodecDeflate2 Codec = 3
)

// DefaultCodec is the codec Encode uses when Options.Codec is 0.
const DefaultCodec = CodecDeflate2

// dictionary is the preset dictionary of a deflate codec.
func dictionary(c Codec) []byte {
	if c == CodecDeflate2 {
		return []byte(specDictionary2)
	}
	return []byte(specDictionary)
}

// String is the codec's name.
func (c Codec) String() string {
	switch c {
	case CodecNone:
		return "none"
	case CodecDeflate:
		return "deflate"
	case CodecDeflate2:
		return "deflate2"
	}
	return fmt.Sprintf("codec(%d)", uint8(c))
}

// compress compresses body with codec.
func compress(codec Codec, body []byte) ([]byte, error) {
	switch codec {
	case CodecNone:
		return body, nil
	case CodecDeflate, CodecDeflate2:
		var buf bytes.Buffer
		w, err := flate.NewWriterDict(&buf, flate.BestCompression, dictionary(codec))
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(body); err != nil {
			return nil, err
		}
		if err := w.Close(); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}
	return nil, fmt.Errorf("unknown codec %d; use CodecDeflate2, CodecDeflate or CodecNone", codec)
}

// decompress expands packed, which must give exactly size bytes (size is
// already checked against MaxDecompressed). It reads through a limit of
// size+1 bytes, so a stream that expands further costs nothing past it.
func decompress(codec Codec, packed []byte, size int) ([]byte, error) {
	src := bytes.NewReader(packed)
	var r io.Reader
	switch codec {
	case CodecNone:
		r = src
	case CodecDeflate, CodecDeflate2:
		// src is an io.ByteReader, so flate reads no further than its
		// stream's end and src.Len() tells what follows it.
		fr := flate.NewReaderDict(src, dictionary(codec))
		defer fr.Close()
		r = fr
	default:
		return nil, fmt.Errorf("the link is damaged or made by a newer nnplay: it uses compression %d, which this page does not know", uint8(codec))
	}
	// Grow as the bytes arrive (io.ReadAll's doubling), not to the
	// declared size at once: a lying header costs only what is there.
	body, err := io.ReadAll(io.LimitReader(r, int64(size)+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("the link is damaged: its compressed data is corrupt or cut short (%s); copy the whole link again", err)
	case len(body) < size:
		return nil, fmt.Errorf("the link is cut short: it declares %s bytes but holds %s; copy the whole link again", units.Thousands(size), units.Thousands(len(body)))
	case len(body) > size:
		return nil, fmt.Errorf("the link is damaged: it holds more data than the %s bytes it declares", units.Thousands(size))
	case src.Len() > 0:
		return nil, fmt.Errorf("the link is damaged: %s unexpected bytes follow its data", units.Thousands(src.Len()))
	}
	return body, nil
}
