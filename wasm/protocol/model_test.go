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
		ExportModel{ID: 6, Format: FormatPyTorch, Precision: "float32"},
		ExportModel{ID: 7, Format: FormatONNX, Precision: "float32"},
		LoadModel{ID: 8, Weights: []byte("PK\x03\x04"), Name: "weights.npz"},
	)
	allEvents = append(allEvents,
		ModelLoaded{ID: 1, Spec: spec.Seed(), Epochs: 2, Steps: 1876, Weights: true, Precision: "int4", PerChannel: true},
		ModelLoaded{ID: 2, Spec: spec.Seed()},
		ModelExport{ID: 3, Format: FormatLink, Precision: "float16", Link: "bm5wAQEAabc", Epochs: 1, Steps: 938,
			Evaluated: true, Accuracy: 0.9731, DecodedAccuracy: 0.9729},
		ModelExport{ID: 4, Format: FormatFile, Precision: "float32", File: []byte{1, 2, 3}},
		ModelExport{ID: 5, Format: FormatPyTorch, Precision: "float32", File: []byte("PK\x03\x04"), Epochs: 2, Steps: 1876},
		ModelExport{ID: 6, Format: FormatONNX, Precision: "float32", File: []byte{8, 7}},
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
	s, err = Encode(LoadModel{ID: 2, Weights: []byte{0xff, 0}, Name: "weights.npz"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"type":"load_model","data":{"id":2,"weights":"/wA=","name":"weights.npz"}}`; s != want {
		t.Errorf("Encode(LoadModel weights) = %s; want %s", s, want)
	}
	s, err = Encode(ExportModel{ID: 3, Format: FormatPyTorch, Precision: "float32"})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"type":"export_model","data":{"id":3,"format":"pytorch","precision":"float32"}}`; s != want {
		t.Errorf("Encode(ExportModel pytorch) = %s; want %s", s, want)
	}
}

// The other frameworks' files travel beside the text, as a model file does.
func TestFrameworkExportsTravelBesideTheText(t *testing.T) {
	file := []byte("PK\x03\x04 a zip")
	for _, f := range []string{FormatPyTorch, FormatONNX} {
		m := ModelExport{ID: 9, Format: f, Precision: "float32", File: file, Epochs: 1, Steps: 938}
		w, err := EncodeWire(m)
		if err != nil {
			t.Fatal(err)
		}
		if len(w.Parts) != 1 || string(w.Parts[0]) != string(file) || strings.Contains(w.Text, `"file"`) {
			t.Errorf("%s: text %s with %d parts beside it; want the file beside the text", f, w.Text, len(w.Parts))
		}
		back, err := DecodeEventWire(w)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if got := back.(ModelExport); got.Format != f || string(got.File) != string(file) {
			t.Errorf("%s: decoded %+v", f, got)
		}
	}
}

func TestModelMessagesReject(t *testing.T) {
	for _, c := range []struct{ msg, want string }{
		{`{"type":"load_model","data":{"id":1}}`, "protocol: load_model: give the model as link or file, or weights to import"},
		{`{"type":"load_model","data":{"id":1,"name":"weights.npz"}}`, "give the model as link or file, or weights to import"},
		{`{"type":"load_model","data":{"id":1,"link":"x","file":"AA=="}}`, "give exactly one of link, file and weights"},
		{`{"type":"load_model","data":{"id":1,"file":"AA==","weights":"AA=="}}`, "give exactly one of link, file and weights"},
		{`{"type":"load_model","data":{"id":1,"link":"x","weights":"AA=="}}`, "give exactly one of link, file and weights"},
		{`{"type":"export_model","data":{"id":1,"format":"zip","precision":"int8"}}`, `unknown format "zip" (want link, file, pytorch or onnx)`},
		{`{"type":"export_model","data":{"id":1,"format":"pytorch","precision":"int8"}}`, `a pytorch export holds float32 weights; precision "int8" is refused (want float32)`},
		{`{"type":"export_model","data":{"id":1,"format":"onnx","precision":"recipe"}}`, `an onnx export holds float32 weights; precision "recipe" is refused`},
		{`{"type":"export_model","data":{"id":1,"format":"onnx","precision":"float32","evaluate":true}}`, "an onnx export is not evaluated"},
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
		{`{"type":"model_export","data":{"id":1,"format":"pytorch","precision":"float32","epochs":0,"steps":0}}`, "a pytorch export holds exactly its file"},
		{`{"type":"model_export","data":{"id":1,"format":"onnx","precision":"float32","link":"abc","file":"AA==","epochs":0,"steps":0}}`, "an onnx export holds exactly its file"},
		{`{"type":"model_export","data":{"id":1,"format":"onnx","precision":"float16","file":"AA==","epochs":0,"steps":0}}`, `precision "float16" is refused`},
		{`{"type":"model_loaded","data":{"id":1,"spec":{},"epochs":-1,"steps":0,"weights":false}}`, "epochs is -1"},
	} {
		if _, err := DecodeEvent(c.msg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("DecodeEvent(%s) err = %v; want it to contain %q", c.msg, err, c.want)
		}
	}
}
