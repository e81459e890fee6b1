package protocol

import (
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
)

// The share messages join the round-trip tables of codec_test.go (and so
// FuzzDecode's seed corpus).
func init() {
	allRequests = append(allRequests,
		LoadModel{ID: 1, Link: "bm5wAQEA"},
		LoadModel{ID: 2, File: []byte("nnplay model\n\x01")},
		ExportModel{ID: 3, Format: FormatLink, Precision: "float16"},
		ExportModel{ID: 4, Format: FormatFile, Precision: "int8", PerChannel: true, Evaluate: true},
		ExportModel{ID: 5, Format: FormatLink, Precision: PrecisionRecipe},
	)
	allEvents = append(allEvents,
		ModelLoaded{ID: 1, Spec: spec.Seed(), Epochs: 2, Steps: 1876, Weights: true, Precision: "int4", PerChannel: true},
		ModelLoaded{ID: 2, Spec: spec.Seed()},
		ModelExport{ID: 3, Format: FormatLink, Precision: "float16", Link: "bm5wAQEAabc", Epochs: 1, Steps: 938,
			Evaluated: true, Accuracy: 0.9731, DecodedAccuracy: 0.9729},
		ModelExport{ID: 4, Format: FormatFile, Precision: "float32", File: []byte{1, 2, 3}},
	)
}

func TestModelMessagesWireFormat(t *testing.T) {
	s, err := Encode(ExportModel{ID: 3, Format: FormatLink, Precision: "int8", PerChannel: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"type":"export_model","data":{"id":3,"format":"link","precision":"int8","per_channel":true}}`; s != want {
		t.Errorf("Encode(ExportModel) = %s; want %s", s, want)
	}
	s, err = Encode(LoadModel{ID: 1, File: []byte{0xff, 0}})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"type":"load_model","data":{"id":1,"file":"/wA="}}`; s != want {
		t.Errorf("Encode(LoadModel file) = %s; want %s (bytes as base64)", s, want)
	}
}

func TestModelMessagesReject(t *testing.T) {
	for _, c := range []struct{ msg, want string }{
		{`{"type":"load_model","data":{"id":1}}`, "protocol: load_model: give the model as link or file"},
		{`{"type":"load_model","data":{"id":1,"link":"x","file":"AA=="}}`, "link or file, not both"},
		{`{"type":"export_model","data":{"id":1,"format":"zip","precision":"int8"}}`, `unknown format "zip" (want link or file)`},
		{`{"type":"export_model","data":{"id":1,"format":"link","precision":"int2"}}`, `unknown precision "int2" (want float32, float16, int8, int4 or recipe)`},
		{`{"type":"load_model","data":{"id":1,"link":"` + strings.Repeat("A", 2<<20+1) + `"}}`, "links over 2097152 are refused"},
	} {
		if _, err := DecodeRequest(c.msg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("DecodeRequest(%.60s…) err = %v; want it to contain %q", c.msg, err, c.want)
		}
	}
	for _, c := range []struct{ msg, want string }{
		{`{"type":"model_export","data":{"id":1,"format":"link","precision":"int8","epochs":0,"steps":0}}`, "a link export holds exactly its link"},
		{`{"type":"model_export","data":{"id":1,"format":"file","precision":"int8","link":"abc","epochs":0,"steps":0}}`, "a file export holds exactly its file"},
		{`{"type":"model_loaded","data":{"id":1,"spec":{},"epochs":-1,"steps":0,"weights":false}}`, "epochs is -1"},
	} {
		if _, err := DecodeEvent(c.msg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("DecodeEvent(%s) err = %v; want it to contain %q", c.msg, err, c.want)
		}
	}
}
