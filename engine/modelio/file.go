package modelio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"github.com/nnplay/nnplay/engine/units"
	"hash/crc32"
	"io"
	"strings"

	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/share"
)

// A model file (.nnplay) is share's binary format (share.EncodeBinary: the
// bytes of a link before base64) in a frame that lets a truncated or
// damaged download be told apart from a model that does not fit:
//
//	"nnplay model\n"   13 bytes, the magic (readable in a text editor)
//	version            1 byte, FileVersion
//	size               uint32 little-endian, the bytes of share data
//	crc                uint32 little-endian, CRC-32 (IEEE) of them
//	share data         size bytes
//
// A file holds no more than share's body cap (share.MaxDecompressed of
// uncompressed model), unlike a link, which is also held to
// share.MaxLinkBytes characters.
const (
	// FileExtension is the model file's name extension.
	FileExtension = ".nnplay"
	// FileVersion is the frame's version this package writes and reads.
	FileVersion = 1
	// MaxFileBytes is the largest file Read accepts: share's body cap
	// plus room for deflate's worst case (incompressible data grows by a
	// few bytes per 16 KiB block) and the header.
	MaxFileBytes = share.MaxDecompressed + share.MaxDecompressed/256 + 1024
)

const fileMagic = "nnplay model\n"

// headerSize is the frame's header: magic, version, size, crc.
const headerSize = len(fileMagic) + 1 + 4 + 4

// WriteFile writes p as a model file to w. It refuses what share refuses
// (an invalid spec, weights that do not fit it, NaN or infinite weights).
func WriteFile(w io.Writer, p share.Payload, opt share.Options) error {
	data, err := share.EncodeBinary(p, opt)
	if err != nil {
		return err
	}
	head := make([]byte, 0, headerSize)
	head = append(head, fileMagic...)
	head = append(head, FileVersion)
	head = binary.LittleEndian.AppendUint32(head, uint32(len(data)))
	head = binary.LittleEndian.AppendUint32(head, crc32.ChecksumIEEE(data))
	if _, err := w.Write(head); err != nil {
		return fmt.Errorf("writing the model file: %w", err)
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("writing the model file: %w", err)
	}
	return nil
}

// WriteModel writes m (see ToPayload) as a model file to w.
func WriteModel(w io.Writer, m *nn.Sequential, epochs, steps int, opt share.Options) error {
	return WriteFile(w, ToPayload(m, epochs, steps), opt)
}

// ReadFile reads a model file. It reads at most MaxFileBytes+1 bytes from
// r, never panics, and refuses with a message a person can act on: a
// file that is not a model file (it names a PNG, a JPEG, a zip, a
// TensorFlow.js model.json, a model link saved as text…), one cut short or
// damaged, one made by a newer nnplay, or one whose model is invalid.
func ReadFile(r io.Reader) (share.Payload, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return share.Payload{}, fmt.Errorf("reading the model file: %w", err)
	}
	return DecodeFile(raw)
}

// ReadModel reads a model file and builds its model (FromPayload).
func ReadModel(r io.Reader) (*nn.Sequential, share.Payload, error) {
	p, err := ReadFile(r)
	if err != nil {
		return nil, share.Payload{}, err
	}
	m, err := FromPayload(p)
	if err != nil {
		return nil, share.Payload{}, err
	}
	return m, p, nil
}

// DecodeFile is ReadFile on a file's bytes.
func DecodeFile(raw []byte) (share.Payload, error) {
	if len(raw) > MaxFileBytes {
		return share.Payload{}, fmt.Errorf("the file is larger than %s; nnplay model files are at most that", mib(MaxFileBytes))
	}
	if !bytes.HasPrefix(raw, []byte(fileMagic)) {
		if len(raw) < len(fileMagic) && strings.HasPrefix(fileMagic, string(raw)) && len(raw) > 0 {
			return share.Payload{}, fmt.Errorf("the file is cut short: it holds %d bytes, less than a model file's header; download it again", len(raw))
		}
		return share.Payload{}, errors.New(foreign(raw))
	}
	if len(raw) < headerSize {
		return share.Payload{}, fmt.Errorf("the file is cut short: it holds %d bytes, less than a model file's %d-byte header; download it again", len(raw), headerSize)
	}
	at := len(fileMagic)
	if v := raw[at]; v != FileVersion {
		if v > FileVersion {
			return share.Payload{}, fmt.Errorf("this model file was made by a newer nnplay (file version %d; this one reads version %d); open it with a newer nnplay", v, FileVersion)
		}
		return share.Payload{}, fmt.Errorf("the file is damaged: model file version %d does not exist", v)
	}
	size := int64(binary.LittleEndian.Uint32(raw[at+1:]))
	sum := binary.LittleEndian.Uint32(raw[at+5:])
	data := raw[headerSize:]
	switch {
	case size > int64(len(data)):
		return share.Payload{}, fmt.Errorf("the file is cut short: it should hold %s bytes of model but holds %s; download it again", units.Thousands(int(size)), units.Thousands(len(data)))
	case size < int64(len(data)):
		return share.Payload{}, fmt.Errorf("the file is damaged: %s unexpected bytes follow the model", units.Thousands(len(data)-int(size)))
	case crc32.ChecksumIEEE(data) != sum:
		return share.Payload{}, fmt.Errorf("the file is damaged: its checksum does not match its contents; download it again")
	}
	p, err := share.DecodeBinary(data)
	if err != nil {
		return share.Payload{}, errors.New(fileWords(err.Error()))
	}
	return p, nil
}

// fileWords rewords one of share's messages, written for links, for a
// file.
func fileWords(msg string) string {
	return strings.NewReplacer(
		"copy the whole link again", "download it again",
		"The link", "The file", "the link", "the file", "a link", "a file",
		"this page", "this nnplay",
	).Replace(msg)
}

// foreign says what a file that is not a model file seems to be.
func foreign(raw []byte) string {
	const not = "this is not an nnplay model file"
	trimmed := bytes.TrimLeft(raw, " \t\r\n\xef\xbb\xbf")
	switch {
	case len(raw) == 0:
		return "the file is empty; an nnplay model file starts with \"nnplay model\""
	case bytes.HasPrefix(raw, []byte("\x89PNG")):
		return not + ": it is a PNG image"
	case bytes.HasPrefix(raw, []byte("\xff\xd8\xff")):
		return not + ": it is a JPEG image"
	case bytes.HasPrefix(raw, []byte("GIF8")):
		return not + ": it is a GIF image"
	case bytes.HasPrefix(raw, []byte("%PDF")):
		return not + ": it is a PDF document"
	case bytes.HasPrefix(raw, []byte("PK\x03\x04")):
		return not + ": it is a zip archive (a Keras .keras file is one: convert it with tensorflowjs_converter and import the model.json)"
	case bytes.HasPrefix(raw, []byte("\x1f\x8b")):
		return not + ": it is gzip-compressed; decompress it first"
	case bytes.HasPrefix(raw, []byte("\x89HDF")):
		return not + ": it is an HDF5 file (a Keras .h5 model?): convert it with tensorflowjs_converter and import the model.json"
	case bytes.HasPrefix(raw, []byte("nnp")):
		return not + ": it holds nnplay model data without the model file's header; it may be damaged"
	case bytes.HasPrefix(trimmed, []byte("bm5w")) || bytes.Contains(raw[:min(len(raw), 4096)], []byte("#m=")):
		return not + ": it holds a model link as text; open the link instead"
	case bytes.HasPrefix(trimmed, []byte("{")):
		if bytes.Contains(raw, []byte(`"modelTopology"`)) || bytes.Contains(raw, []byte(`"weightsManifest"`)) {
			return not + ": it is a TensorFlow.js model.json; import it as a TensorFlow.js model (with its .bin weight files)"
		}
		if bytes.Contains(raw, []byte(`"layers"`)) && bytes.Contains(raw, []byte(`"optimizer"`)) {
			return not + ": it is JSON, perhaps a model spec without weights; paste it into the model builder instead"
		}
		return not + ": it is a JSON document"
	case bytes.HasPrefix(trimmed, []byte("<")):
		return not + ": it is an HTML or XML document"
	}
	return not + " (it does not start with \"nnplay model\")"
}

// mib formats a byte count: "16 MiB", "16.1 MiB".
func mib(n int) string {
	if n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}
