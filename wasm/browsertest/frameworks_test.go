//go:build browser

package browsertest

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/nnplay/nnplay/engine/npz"
	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/engine/torch"
)

// Browser tests of the Share & keep place's PyTorch project, ONNX and
// Import weights buttons (ui/keep/frameworks.go), on a trained seed model.

// exportProject clicks Export PyTorch project and returns the zip's files
// by base name (downloads must be caught).
func (u *user) exportProject() (zipped []byte, files map[string][]byte) {
	u.t.Helper()
	u.goTo("keep")
	u.waitEnabled("#torch-export", 60*time.Second)
	u.click("#torch-export")
	got := u.downloads(1, 120*time.Second)
	if len(got) != 1 || got[0].Name != torch.DefaultFolder+".zip" {
		u.t.Fatalf("Export PyTorch project downloaded %v; want %s.zip", names(got), torch.DefaultFolder)
	}
	u.WaitText("#frameworks-note", 30*time.Second, func(s string) bool { return strings.HasPrefix(s, "Downloaded "+torch.DefaultFolder+".zip (") })
	zr, err := zip.NewReader(bytes.NewReader(got[0].Data), int64(len(got[0].Data)))
	if err != nil {
		u.t.Fatalf("the PyTorch project is not a zip: %v", err)
	}
	files = map[string][]byte{}
	for _, f := range zr.File {
		if dir := path.Dir(f.Name); dir != torch.DefaultFolder {
			u.t.Errorf("%s is in %s/, not in %s/", f.Name, dir, torch.DefaultFolder)
		}
		rc, err := f.Open()
		if err != nil {
			u.t.Fatalf("%s: %v", f.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			u.t.Fatalf("%s: %v", f.Name, err)
		}
		files[path.Base(f.Name)] = b
	}
	return got[0].Data, files
}

// TestExportPyTorchProjectAndONNX exports a trained seed model through the
// buttons: the zip holds the five files, its weights.npz the model's
// weights under Keras' names; model.onnx decodes, holds the same weights,
// and its graph, evaluated here, predicts the page's digits on the first
// 100 test images.
func TestExportPyTorchProjectAndONNX(t *testing.T) {
	u, _ := openApp(t, 8*time.Minute)
	u.stepN(4)
	digits, _, _ := u.check100()
	u.catchDownloads()

	_, files := u.exportProject()
	var got []string
	for n := range files {
		got = append(got, n)
	}
	slices.Sort(got)
	if want := []string{"README.md", "data.py", "model.py", "train.py", "weights.npz"}; !slices.Equal(got, want) {
		t.Errorf("the project holds %v; want %v", got, want)
	}
	for _, c := range []struct{ file, want string }{
		{"README.md", "torchrun --nproc_per_node"},
		{"model.py", "nn.Module"},
		{"train.py", "DistributedDataParallel"},
		{"data.py", "t10k-images-idx3-ubyte"},
	} {
		if !bytes.Contains(files[c.file], []byte(c.want)) {
			t.Errorf("%s does not mention %q", c.file, c.want)
		}
	}
	arrays, err := npz.Decode(files["weights.npz"])
	if err != nil {
		t.Fatalf("weights.npz does not decode: %v", err)
	}
	want, _ := share.ExpectedWeights(spec.Seed())
	weights := map[string]npz.Array{}
	for i, a := range arrays {
		if i >= len(want) || a.Name != want[i].Name || !slices.Equal(a.Shape, want[i].Shape) {
			t.Fatalf("weights.npz array %d is %s %v; want the seed model's %v", i, a.Name, a.Shape, want)
		}
		weights[a.Name] = a
	}

	u.goTo("keep")
	u.waitEnabled("#onnx-export", 60*time.Second)
	u.click("#onnx-export")
	dl := u.downloads(1, 120*time.Second)
	if len(dl) != 1 || dl[0].Name != "model.onnx" {
		t.Fatalf("Export ONNX downloaded %v; want model.onnx", names(dl))
	}
	u.WaitText("#frameworks-note", 30*time.Second, func(s string) bool { return strings.HasPrefix(s, "Downloaded model.onnx (") })
	m := decodeONNX(t, dl[0].Data)
	t.Logf("the project's weights.npz is %d bytes; model.onnx %d bytes: IR %d, opset %d, ops %v", len(files["weights.npz"]), len(dl[0].Data), m.ir, m.opset, m.ops())
	if m.ir != 7 || m.opset != 13 {
		t.Errorf("model.onnx has IR version %d and opset %d; want 7 and 13", m.ir, m.opset)
	}
	for name, a := range weights {
		init, ok := m.inits[name]
		if !ok || !slices.Equal(init.dims, a.Shape) || !slices.Equal(init.values, a.Data) {
			t.Errorf("model.onnx's initializer %s is not weights.npz's (%v, %d values)", name, init.dims, len(init.values))
		}
	}
	images := testImages(t, len(digits))
	for i, x := range images {
		probs := m.run(t, x)
		if d := fmt.Sprint(argmax(probs)); d != digits[i] {
			t.Errorf("test image %d: model.onnx predicts %s, the page %s", i, d, digits[i])
		}
	}
}

// TestImportWeightsBringsTheTrainedModelBack exports a trained model,
// trains it on, imports the project's weights.npz (then the whole zip)
// through the real file input: the predictions on the first 100 test
// images are the exported model's again, bit for bit, and the model shares
// as a link. A weights.npz for another model, a truncated one and a PNG
// each show their message and change nothing.
func TestImportWeightsBringsTheTrainedModelBack(t *testing.T) {
	u, _ := openApp(t, 10*time.Minute)
	u.stepN(4)
	summary := u.text("#summary")
	digits, crc, _ := u.check100()
	u.catchDownloads()
	zipped, files := u.exportProject()
	dir := t.TempDir()
	weightsPath := filepath.Join(dir, "weights.npz")
	zipPath := filepath.Join(dir, torch.DefaultFolder+".zip")
	must(t, os.WriteFile(weightsPath, files["weights.npz"], 0o644))
	must(t, os.WriteFile(zipPath, zipped, 0o644))

	for _, file := range []string{weightsPath, zipPath} {
		name := filepath.Base(file)
		u.goTo("build")
		u.stepN(u.batchCounter() + 2) // other weights than the export's
		if _, c, _ := u.check100(); c == crc {
			t.Fatalf("training on did not change the predictions' CRC (%s)", c)
		}
		u.waitEnabled("#weights-import", 60*time.Second)
		u.Run("import "+name, chromedp.SetUploadFiles("#weights-import", []string{file}, chromedp.ByQuery))
		u.WaitText("#share-opened", 60*time.Second, func(s string) bool { return strings.Contains(s, "Imported the weights in "+name) })
		u.WaitText("#status", 60*time.Second, func(s string) bool { return strings.Contains(s, "Ready to train") })
		u.WaitText("#frameworks-note", 30*time.Second, func(s string) bool { return strings.HasPrefix(s, "Imported the weights in "+name+".") })
		d2, crc2, _ := u.check100()
		if strings.Join(d2, ",") != strings.Join(digits, ",") || crc2 != crc {
			t.Errorf("after importing %s the check on 100 test images gives CRC %s; the exported model's was %s", name, crc2, crc)
		}
	}
	u.goTo("build")
	if got := u.text("#summary"); got != summary {
		t.Errorf("after the import the summary reads\n%s\nwant\n%s", got, summary)
	}

	// It shares as a link holding the imported weights.
	u.goTo("keep")
	u.choose("#share-precision", "float32")
	u.waitJS("the float32 link", 60*time.Second, `document.querySelector("#share-link").value !== "" && document.querySelector("#share-make").textContent === "Make link"`)
	p, err := share.Decode(u.value("#share-link"))
	if err != nil {
		t.Fatalf("the link of the imported model does not decode: %v", err)
	}
	arrays, err := npz.Decode(files["weights.npz"])
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range arrays {
		if i >= len(p.Weights) || !slices.Equal(p.Weights[i].Values, a.Data) {
			t.Errorf("the link's weight %d is not weights.npz's %s", i, a.Name)
		}
	}

	// Bad files: each is named, and the predictions stay.
	lenet, err := torch.WeightsNPZ(payloadFor(t, spec.LeNet()))
	if err != nil {
		t.Fatal(err)
	}
	bad := map[string][]byte{
		"lenet/weights.npz":     lenet,
		"truncated/weights.npz": files["weights.npz"][:len(files["weights.npz"])/2],
		"digit.png":             []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
	}
	for _, c := range []struct{ file, want string }{
		{"lenet/weights.npz", `weight "dense/kernel" (layer 1, Dense) has shape [400 120] but the model's is [784 128]. The model is unchanged.`},
		{"truncated/weights.npz", "weights.npz cannot be read: npz: not a readable zip archive (truncated or damaged"},
		{"digit.png", "digit.png is a PNG image: choose the weights.npz that train.py wrote, or the whole project zip. The model is unchanged."},
	} {
		file := filepath.Join(dir, filepath.FromSlash(c.file))
		must(t, os.MkdirAll(filepath.Dir(file), 0o755))
		must(t, os.WriteFile(file, bad[c.file], 0o644))
		u.goTo("keep")
		u.waitEnabled("#weights-import", 60*time.Second)
		u.Run("import "+c.file, chromedp.SetUploadFiles("#weights-import", []string{file}, chromedp.ByQuery))
		u.WaitText("#error-banner", 60*time.Second, func(s string) bool { return strings.Contains(s, c.want) })
		d2, crc2, _ := u.check100()
		if strings.Join(d2, ",") != strings.Join(digits, ",") || crc2 != crc {
			t.Errorf("after the refused %s the check on 100 test images gives CRC %s; want %s (unchanged)", c.file, crc2, crc)
		}
	}
	u.goTo("build")
	if got := u.text("#summary"); got != summary {
		t.Errorf("after the refused imports the summary reads\n%s\nwant\n%s", got, summary)
	}
}

// payloadFor is m with small weights that differ from value to value.
func payloadFor(t *testing.T, m spec.Model) share.Payload {
	t.Helper()
	want, err := share.ExpectedWeights(m.Defaults())
	if err != nil {
		t.Fatal(err)
	}
	p := share.Payload{Spec: m}
	for i, w := range want {
		n := 1
		for _, d := range w.Shape {
			n *= d
		}
		v := make([]float32, n)
		for j := range v {
			v[j] = float32((i*31+j)%200)/1000 - 0.1
		}
		p.Weights = append(p.Weights, share.Tensor{Name: w.Name, Shape: w.Shape, Values: v})
	}
	return p
}

// testImages reads the first n MNIST test images as the model's input
// (pixels / 255) from the idx file the page serves.
func testImages(t *testing.T, n int) [][]float32 {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(repoRoot, "static", "data", "mnist", "t10k-images-idx3-ubyte"))
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) < 16+n*784 || binary.BigEndian.Uint32(raw) != 0x803 {
		t.Fatalf("t10k-images-idx3-ubyte is not an idx file of images")
	}
	out := make([][]float32, n)
	for i := range out {
		out[i] = make([]float32, 784)
		for j, p := range raw[16+i*784 : 16+(i+1)*784] {
			out[i][j] = float32(p) / 255
		}
	}
	return out
}

func argmax(v []float32) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}

// An ONNX model, read with a protobuf reader of its own (field numbers
// from onnx.proto), as far as a Dense model needs: the IR version, the
// opset, the nodes and the float initializers.
type onnxModel struct {
	ir, opset     int64
	nodes         []onnxNode
	inits         map[string]onnxTensor
	input, output string
}

type onnxNode struct {
	op      string
	in, out []string
	ints    map[string]int64
}

type onnxTensor struct {
	dims   []int
	values []float32
}

func (m onnxModel) ops() []string {
	var ops []string
	for _, n := range m.nodes {
		ops = append(ops, n.op)
	}
	return ops
}

// pbField is one field of a protobuf message: a varint (v), 32 or 64 bits
// (v) or bytes (b).
type pbField struct {
	num  int
	wire int
	v    uint64
	b    []byte
}

func pbFields(t *testing.T, b []byte) []pbField {
	t.Helper()
	var out []pbField
	for len(b) > 0 {
		key, n := binary.Uvarint(b)
		if n <= 0 {
			t.Fatalf("protobuf: a bad field key")
		}
		b = b[n:]
		f := pbField{num: int(key >> 3), wire: int(key & 7)}
		switch f.wire {
		case 0:
			f.v, n = binary.Uvarint(b)
			if n <= 0 {
				t.Fatalf("protobuf: field %d: a bad varint", f.num)
			}
			b = b[n:]
		case 1:
			if len(b) < 8 {
				t.Fatalf("protobuf: field %d: truncated", f.num)
			}
			f.v, b = binary.LittleEndian.Uint64(b), b[8:]
		case 5:
			if len(b) < 4 {
				t.Fatalf("protobuf: field %d: truncated", f.num)
			}
			f.v, b = uint64(binary.LittleEndian.Uint32(b)), b[4:]
		case 2:
			l, n := binary.Uvarint(b)
			if n <= 0 || uint64(len(b)-n) < l {
				t.Fatalf("protobuf: field %d: a bad length", f.num)
			}
			f.b, b = b[n:n+int(l)], b[n+int(l):]
		default:
			t.Fatalf("protobuf: field %d has wire type %d", f.num, f.wire)
		}
		out = append(out, f)
	}
	return out
}

// pbInts reads a repeated int64 field, packed or not.
func pbInts(t *testing.T, f pbField) []int64 {
	if f.wire == 0 {
		return []int64{int64(f.v)}
	}
	var out []int64
	for b := f.b; len(b) > 0; {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			t.Fatalf("protobuf: a bad packed varint")
		}
		out, b = append(out, int64(v)), b[n:]
	}
	return out
}

func decodeONNX(t *testing.T, b []byte) onnxModel {
	t.Helper()
	m := onnxModel{inits: map[string]onnxTensor{}}
	for _, f := range pbFields(t, b) {
		switch f.num {
		case 1: // ir_version
			m.ir = int64(f.v)
		case 8: // opset_import
			for _, g := range pbFields(t, f.b) {
				if g.num == 2 {
					m.opset = int64(g.v)
				}
			}
		case 7: // graph
			for _, g := range pbFields(t, f.b) {
				switch g.num {
				case 1: // node
					n := onnxNode{ints: map[string]int64{}}
					for _, h := range pbFields(t, g.b) {
						switch h.num {
						case 1:
							n.in = append(n.in, string(h.b))
						case 2:
							n.out = append(n.out, string(h.b))
						case 4:
							n.op = string(h.b)
						case 5: // attribute: name 1, i 3
							var name string
							var v int64
							for _, a := range pbFields(t, h.b) {
								switch a.num {
								case 1:
									name = string(a.b)
								case 3:
									v = int64(a.v)
								}
							}
							n.ints[name] = v
						}
					}
					m.nodes = append(m.nodes, n)
				case 5: // initializer: dims 1, data_type 2, name 8, raw_data 9
					var name string
					var tn onnxTensor
					for _, h := range pbFields(t, g.b) {
						switch h.num {
						case 1:
							for _, d := range pbInts(t, h) {
								tn.dims = append(tn.dims, int(d))
							}
						case 2:
							if h.v != 1 {
								t.Fatalf("an initializer of data type %d; the seed model's are float (1)", h.v)
							}
						case 8:
							name = string(h.b)
						case 9:
							for i := 0; i+4 <= len(h.b); i += 4 {
								tn.values = append(tn.values, math.Float32frombits(binary.LittleEndian.Uint32(h.b[i:])))
							}
						}
					}
					m.inits[name] = tn
				case 11: // input (ValueInfoProto: name 1)
					m.input = string(pbFields(t, g.b)[0].b)
				case 12: // output
					m.output = string(pbFields(t, g.b)[0].b)
				}
			}
		}
	}
	return m
}

// run evaluates the graph on one input: Gemm, Relu, Softmax, Flatten and
// Identity, which a Dense model uses.
func (m onnxModel) run(t *testing.T, x []float32) []float32 {
	t.Helper()
	vals := map[string][]float32{m.input: x}
	get := func(name string) []float32 {
		if init, ok := m.inits[name]; ok {
			return init.values
		}
		v, ok := vals[name]
		if !ok {
			t.Fatalf("model.onnx uses %q before any node makes it", name)
		}
		return v
	}
	for _, n := range m.nodes {
		in := get(n.in[0])
		var out []float32
		switch n.op {
		case "Gemm":
			w := m.inits[n.in[1]]
			if len(w.dims) != 2 || n.ints["transA"] != 0 || n.ints["transB"] != 0 || len(in) != w.dims[0] {
				t.Fatalf("Gemm %v on %d inputs: only plain x·W is read here", w.dims, len(in))
			}
			bias := get(n.in[2])
			out = slices.Clone(bias)
			for i, xi := range in {
				row := w.values[i*w.dims[1] : (i+1)*w.dims[1]]
				for j, wij := range row {
					out[j] += xi * wij
				}
			}
		case "Relu":
			out = make([]float32, len(in))
			for i, v := range in {
				out[i] = max(v, 0)
			}
		case "Softmax":
			out = make([]float32, len(in))
			top := slices.Max(in)
			var sum float64
			for i, v := range in {
				e := math.Exp(float64(v - top))
				out[i], sum = float32(e), sum+e
			}
			for i := range out {
				out[i] = float32(float64(out[i]) / sum)
			}
		case "Flatten", "Identity":
			out = in
		default:
			t.Fatalf("model.onnx of the seed model has a %s node", n.op)
		}
		vals[n.out[0]] = out
	}
	return get(m.output)
}
