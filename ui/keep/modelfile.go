package keep

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"

	"github.com/nnplay/nnplay/engine/share"
)

// A model file (.nnplay) as engine/modelio frames it: share's binary
// format behind a header,
//
//	"nnplay model\n"   13 bytes, the magic
//	version            1 byte, 1
//	size               uint32 little-endian, the bytes of share data
//	crc                uint32 little-endian, CRC-32 (IEEE) of them
//	share data         size bytes
//
// The page cannot import engine/modelio (it builds models, which needs the
// training engine), so the few lines the page needs to read the worker's
// float32 file and to write one back are here;
// TestModelFileAgreesWithModelio holds them to modelio's.
const (
	modelFileMagic   = "nnplay model\n"
	modelFileVersion = 1
	modelFileHeader  = len(modelFileMagic) + 1 + 4 + 4
)

// payloadOfFile reads a model file the worker wrote (ExportModel,
// FormatFile).
func payloadOfFile(raw []byte) (share.Payload, error) {
	if !bytes.HasPrefix(raw, []byte(modelFileMagic)) || len(raw) < modelFileHeader {
		return share.Payload{}, errors.New("the worker's model file has no model file header")
	}
	at := len(modelFileMagic)
	if v := raw[at]; v != modelFileVersion {
		return share.Payload{}, fmt.Errorf("the worker's model file is version %d; the page reads version %d", v, modelFileVersion)
	}
	size := binary.LittleEndian.Uint32(raw[at+1:])
	sum := binary.LittleEndian.Uint32(raw[at+5:])
	data := raw[modelFileHeader:]
	if int64(size) != int64(len(data)) || crc32.ChecksumIEEE(data) != sum {
		return share.Payload{}, errors.New("the worker's model file is damaged (its size or checksum does not match)")
	}
	return share.DecodeBinary(data)
}

// fileOptions are the model file's for load_model: float32, and not
// compressed, as the file only goes to the worker (float32 weights
// barely deflate, and deflate at level 9 would hold up the page).
var fileOptions = share.Options{Precision: share.Float32, Codec: share.CodecNone}

// fileOfPayload writes p as a model file for load_model.
func fileOfPayload(p share.Payload) ([]byte, error) {
	data, err := share.EncodeBinary(p, fileOptions)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, modelFileHeader+len(data))
	out = append(out, modelFileMagic...)
	out = append(out, modelFileVersion)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(data)))
	out = binary.LittleEndian.AppendUint32(out, crc32.ChecksumIEEE(data))
	return append(out, data...), nil
}
