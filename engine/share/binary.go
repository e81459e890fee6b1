package share

import "fmt"

// EncodeBinary is Encode without the base64 step and without the link's
// length limit: the bytes a model file holds (engine/modelio frames them).
// The body is still capped at MaxDecompressed, so Decode's guarantees hold.
func EncodeBinary(p Payload, opt Options) ([]byte, error) {
	codec := opt.Codec
	if codec == 0 {
		codec = DefaultCodec
	}
	body, err := encodeBody(p, opt)
	if err != nil {
		return nil, err
	}
	if len(body) > MaxDecompressed {
		return nil, fmt.Errorf("the model's weights take %s at %s, more than the %s a model file may hold; save at a lower precision",
			mib(len(body)), opt.Precision, mib(MaxDecompressed))
	}
	packed, err := compress(codec, body)
	if err != nil {
		return nil, err
	}
	bin := make([]byte, 0, len(magic)+2+10+len(packed))
	bin = append(bin, magic...)
	bin = append(bin, FormatVersion, byte(codec))
	bin = appendUvarint(bin, uint64(len(body)))
	return append(bin, packed...), nil
}

// DecodeBinary reads what EncodeBinary wrote, with every check Decode
// makes except the link's length. Its messages speak of "the link", as
// Decode's do: a caller reading a file words its own framing errors.
func DecodeBinary(bin []byte) (Payload, error) { return decodeFramed(bin, "model", "model") }

// decodeFramed reads magic, version, codec, the declared body size and the
// compressed body, for a link (noun "link", kind "model link") or a file's
// bytes (noun "model", kind "model"); only the wording differs.
func decodeFramed(bin []byte, noun, kind string) (Payload, error) {
	if len(bin) < len(magic)+2 || string(bin[:len(magic)]) != magic {
		return Payload{}, fmt.Errorf("this is not an nnplay %s (it does not start with nnplay's marker)", kind)
	}
	if v := bin[len(magic)]; v != FormatVersion {
		if v > FormatVersion {
			return Payload{}, fmt.Errorf("this %s was made by a newer nnplay (format v%d; this page reads up to v%d); open it with a newer nnplay", noun, v, FormatVersion)
		}
		return Payload{}, fmt.Errorf("the %s is damaged: format version %d does not exist", noun, v)
	}
	codec := Codec(bin[len(magic)+1])
	r := &reader{buf: bin[len(magic)+2:]}
	size := r.uvarint("the body's size")
	if r.err != nil {
		return Payload{}, r.err
	}
	if size > MaxDecompressed {
		return Payload{}, fmt.Errorf("the %s declares a model of %s, more than the %s a %s may hold", noun, mib64(size), mib(MaxDecompressed), noun)
	}
	body, err := decompress(codec, r.buf, int(size))
	if err != nil {
		return Payload{}, err
	}
	return decodeBody(body)
}
