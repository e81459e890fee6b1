//go:build !js

package torch

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nnplay/nnplay/engine/internal/exportcases"
	"github.com/nnplay/nnplay/engine/modelio"
	"github.com/nnplay/nnplay/engine/nn"
	"github.com/nnplay/nnplay/engine/npz"
	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// Tolerances the issue sets: predictions and loss within 1e-5, weights
// after a step within 1e-4.
const (
	predictTolerance = 1e-5
	lossTolerance    = 1e-5
	weightTolerance  = 1e-4
)

// checked is how many MNIST test images the models predict.
const checked = 100

// distributedSteps bounds the two-process run.
const distributedSteps = 2

// python is Debian's python3 after checking it has torch and NumPy.
func python(t *testing.T) string {
	t.Helper()
	const py = "/usr/bin/python3"
	if out, err := exec.Command(py, "-c", "import numpy, torch").CombinedOutput(); err != nil {
		t.Fatalf("%s with PyTorch and NumPy is needed: %v\n%s\ninstall them with: make deps-torch   (apt-get install -y python3-torch python3-numpy)", py, err, out)
	}
	return py
}

// unzip writes the zip's files under dir and returns the folder they are in.
func unzip(t *testing.T, b []byte, dir string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(rc); err != nil {
			t.Fatal(err)
		}
		rc.Close()
		path := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, DefaultFolder)
}

func writeNPZ(t *testing.T, path string, arrays []npz.Array) {
	t.Helper()
	b, err := npz.Encode(arrays)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readNPZ(t *testing.T, path string) map[string]npz.Array {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	arrays, err := npz.Decode(b)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	out := map[string]npz.Array{}
	for _, a := range arrays {
		out[a.Name] = a
	}
	return out
}

// maxDiff is the largest |a − b|; lengths must match.
func maxDiff(t *testing.T, what string, a, b []float32) float64 {
	t.Helper()
	if len(a) != len(b) {
		t.Fatalf("%s: %d values against %d", what, len(a), len(b))
	}
	d := 0.0
	for i := range a {
		if math.IsNaN(float64(a[i])) || math.IsNaN(float64(b[i])) {
			t.Fatalf("%s: NaN at %d", what, i)
		}
		d = max(d, math.Abs(float64(a[i])-float64(b[i])))
	}
	return d
}

// freePort is a TCP port nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// distributed runs the project's train.py as two processes that train
// together through DistributedDataParallel over gloo, started as torchrun
// starts them (MASTER_ADDR, MASTER_PORT, RANK, LOCAL_RANK, WORLD_SIZE:
// init_process_group's env:// path), for distributedSteps batches, and
// returns the weights file they wrote and rank 0's log.
func distributed(t *testing.T, py, project, mnistDir string) (string, string) {
	t.Helper()
	out := filepath.Join(project, "trained.npz")
	port := freePort(t)
	var logs [2]bytes.Buffer
	var cmds [2]*exec.Cmd
	for rank := range cmds {
		cmd := exec.Command(py, "train.py", "--data", mnistDir, "--max-steps", fmt.Sprint(distributedSteps), "--epochs", "1", "--out", out, "--device", "cpu")
		cmd.Dir = project
		cmd.Env = append(os.Environ(), "MASTER_ADDR=127.0.0.1", fmt.Sprintf("MASTER_PORT=%d", port),
			fmt.Sprintf("RANK=%d", rank), fmt.Sprintf("LOCAL_RANK=%d", rank), "WORLD_SIZE=2", "OMP_NUM_THREADS=1")
		cmd.Stdout, cmd.Stderr = &logs[rank], &logs[rank]
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds[rank] = cmd
	}
	done := make(chan error, 2)
	for _, c := range cmds {
		go func() { done <- c.Wait() }()
	}
	timeout := time.After(3 * time.Minute)
	for range cmds {
		select {
		case err := <-done:
			if err != nil {
				for _, c := range cmds {
					c.Process.Kill()
				}
				t.Fatalf("train.py with 2 processes: %v\nrank 0:\n%s\nrank 1:\n%s", err, logs[0].String(), logs[1].String())
			}
		case <-timeout:
			for _, c := range cmds {
				c.Process.Kill()
			}
			t.Fatalf("train.py with 2 processes did not finish in 3 minutes\nrank 0:\n%s\nrank 1:\n%s", logs[0].String(), logs[1].String())
		}
	}
	return out, logs[0].String()
}

// TestPyTorchMatchesNNPlay exports each model, trained a little, as a
// PyTorch project and checks it against nnplay: predictions on 100 MNIST
// test images (within 1e-5); one training step from the same weights,
// batch and dropout masks with a fresh optimizer (loss within 1e-5,
// weights and BatchNorm statistics within 1e-4); and, for the presets, two
// processes training through DistributedDataParallel, whose weights nnplay
// imports and predicts with as PyTorch does (within 1e-5).
func TestPyTorchMatchesNNPlay(t *testing.T) {
	if testing.Short() {
		t.Skip("a long cross-check or training run: make test runs it (make check is -short)")
	}
	py := python(t)
	train, test, mnistDir := exportcases.MNIST(t)
	checker, err := filepath.Abs(filepath.Join("testdata", "check.py"))
	if err != nil {
		t.Fatal(err)
	}
	x, _ := test.Slice(0, checked).Tensors()
	srv := startChecker(t, py, checker)
	defer srv.close()
	for _, tm := range exportcases.Models() {
		t.Run(strings.ReplaceAll(tm.Name, " ", "_"), func(t *testing.T) {
			s := tm.Spec
			m := exportcases.Trained(t, s, train)
			p := modelio.ToPayload(m, 0, 4)
			b, err := Export(p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			project := unzip(t, b, t.TempDir())
			want := m.Predict(x).Float32s()

			// The batch of the step, and each Dropout layer's mask for it.
			idx := make([]int, s.BatchSize)
			for i := range idx {
				idx[i] = 1000 + 3*i
			}
			bx, by := train.Batch(idx)
			fresh, err := modelio.FromPayload(p)
			if err != nil {
				t.Fatal(err)
			}
			request := []npz.Array{
				{Name: "x", Shape: []int(x.Shape()), Data: x.Float32s()},
				{Name: "bx", Shape: []int(bx.Shape()), Data: bx.Float32s()},
				{Name: "by", Shape: []int(by.Shape()), Data: by.Float32s()},
				{Name: "lr", Shape: []int{}, Data: []float32{float32(fresh.Optimizer().LearningRate())}},
			}
			infos, _ := s.Infer()
			masks := 0
			for i, l := range fresh.Layers() {
				d, ok := l.(*nn.Dropout)
				if !ok {
					continue
				}
				in := s.Input
				if i > 0 {
					in = infos[i-1].Output
				}
				n := s.BatchSize * size(in)
				mask := d.DrawMask(n)
				d.SetNextMask(mask)
				request = append(request, npz.Array{Name: fmt.Sprintf("mask%d", masks), Shape: []int{n}, Data: mask})
				masks++
			}
			stepLoss, err := fresh.TrainBatch(bx, exportcases.Targets(s, by, 10))
			if err != nil {
				t.Fatal(err)
			}
			stepped := modelio.ToPayload(fresh, 0, 5)

			args := []string{checker, project, filepath.Join(project, "request.npz"), filepath.Join(project, "result.npz"), filepath.Join(project, "step.npz")}
			var wantTrained []float32
			if tm.Preset {
				weights, log := distributed(t, py, project, mnistDir)
				if !strings.Contains(log, "epoch 1/1: loss ") || !strings.Contains(log, "accuracy") {
					t.Errorf("train.py's log has no epoch line:\n%s", log)
				}
				raw, err := os.ReadFile(weights)
				if err != nil {
					t.Fatal(err)
				}
				before := clonePayload(p)
				imported, err := ImportWeights(p, raw)
				if err != nil {
					t.Fatalf("importing the distributed run's weights: %v", err)
				}
				samePayload(t, p, before)
				if maxDiff(t, "imported vs exported weights", imported.Weights[0].Values, p.Weights[0].Values) == 0 {
					t.Errorf("the distributed run left %s as it was", p.Weights[0].Name)
				}
				m2, err := modelio.FromPayload(imported)
				if err != nil {
					t.Fatal(err)
				}
				wantTrained = m2.Predict(x).Float32s()
				args = append(args, weights)
			}
			writeNPZ(t, args[2], request)
			srv.run(t, args[1:]...)
			got := readNPZ(t, args[3])
			if d := maxDiff(t, "predictions", got["pred"].Data, want); d > predictTolerance {
				t.Errorf("PyTorch's predictions differ from nnplay's by up to %.3g (tolerance %g)", d, predictTolerance)
			} else {
				t.Logf("predictions: max |PyTorch − nnplay| = %.3g over %d values", d, len(want))
			}
			if d := math.Abs(float64(got["loss"].Data[0]) - stepLoss); d > lossTolerance {
				t.Errorf("one step's loss: PyTorch %.8g, nnplay %.8g (tolerance %g)", got["loss"].Data[0], stepLoss, lossTolerance)
			}
			for i, step := range []int{0, 37, 100, 250, 299} {
				want := nn.ScheduledLearningRate(s.Optimizer, step, 100, s.Epochs)
				if got := got["lrs"].Data[i]; math.Abs(float64(got)-want) > 1e-6*want {
					t.Errorf("train.py's learning rate at step %d is %g, nnplay's %g", step, got, want)
				}
			}
			raw, err := os.ReadFile(args[4])
			if err != nil {
				t.Fatal(err)
			}
			after, err := ImportWeights(p, raw)
			if err != nil {
				t.Fatal(err)
			}
			worst, moved := 0.0, 0.0
			for i, w := range after.Weights {
				moved = max(moved, maxDiff(t, w.Name, p.Weights[i].Values, stepped.Weights[i].Values))
				d := maxDiff(t, w.Name, w.Values, stepped.Weights[i].Values)
				if d > weightTolerance {
					t.Errorf("after one step %s differs by up to %.3g (tolerance %g)", w.Name, d, weightTolerance)
				}
				worst = max(worst, d)
			}
			// A step that moves no weight further than the tolerance
			// would let a wrong update rule pass.
			if moved < 5*weightTolerance {
				t.Errorf("the step moved the weights by at most %.3g, too little to check them within %g", moved, weightTolerance)
			}
			t.Logf("one step: loss %.6g (|Δ| %.2g), weights moved up to %.3g, max |PyTorch − nnplay| %.3g", stepLoss, math.Abs(float64(got["loss"].Data[0])-stepLoss), moved, worst)
			if tm.Preset {
				if d := maxDiff(t, "predictions after the distributed run", got["pred_trained"].Data, wantTrained); d > predictTolerance {
					t.Errorf("after the distributed run PyTorch's predictions differ from nnplay's by up to %.3g", d)
				} else {
					t.Logf("2-process DDP run, imported: max |PyTorch − nnplay| = %.3g", d)
				}
			}
		})
	}
}

// TestPyTorchFromScratch checks the projects' Keras initializers (every
// test model built without weights) and that train.py runs as one process
// from scratch and writes weights nnplay imports.
func TestPyTorchFromScratch(t *testing.T) {
	if testing.Short() {
		t.Skip("a long cross-check or training run: make test runs it (make check is -short)")
	}
	py := python(t)
	_, _, mnistDir := exportcases.MNIST(t)
	checker, err := filepath.Abs(filepath.Join("testdata", "init_check.py"))
	if err != nil {
		t.Fatal(err)
	}
	var projects []string
	var recipes []share.Payload
	for i, tm := range exportcases.Models() {
		if i == 0 {
			tm.Spec.ValidationSplit = 0.1 // train.py validates after each epoch
		}
		recipe := modelio.ToPayload(mustBuild(t, tm.Spec), 0, 0)
		recipe.Weights = nil
		b, err := Export(recipe, Options{})
		if err != nil {
			t.Fatal(err)
		}
		projects = append(projects, unzip(t, b, t.TempDir()))
		recipes = append(recipes, recipe)
	}
	out, err := exec.Command(py, append([]string{checker}, projects...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("init_check.py: %v\n%s", err, out)
	}
	for i, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		t.Logf("%s: Keras initializers in %s", exportcases.Models()[i].Name, line)
	}

	project, recipe := projects[0], recipes[0]
	weights := filepath.Join(project, "trained.npz")
	cmd := exec.Command(py, "train.py", "--data", mnistDir, "--max-steps", "3", "--out", weights, "--device", "cpu")
	cmd.Dir = project
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("train.py: %v\n%s", err, out)
	} else if !strings.Contains(string(out), "weights.npz is missing: starting from Keras' initializers") ||
		!strings.Contains(string(out), "54000 training examples") || !strings.Contains(string(out), "val_accuracy") ||
		!strings.Contains(string(out), "epoch 1/2: loss") || !strings.Contains(string(out), "test: loss") {
		t.Errorf("train.py's log lacks its start, epoch or test lines:\n%s", out)
	}
	raw, err := os.ReadFile(weights)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ImportWeights(recipe, raw)
	if err != nil {
		t.Fatalf("importing what train.py wrote: %v", err)
	}
	if _, err := modelio.FromPayload(got); err != nil {
		t.Fatal(err)
	}
}

func mustBuild(t *testing.T, s spec.Model) *nn.Sequential {
	t.Helper()
	m, err := nn.Build(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// checker is check.py serving requests, so torch is imported once.
type checker struct {
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Reader
	stderr bytes.Buffer
}

func startChecker(t *testing.T, py, script string) *checker {
	t.Helper()
	c := &checker{cmd: exec.Command(py, script, "--serve")}
	c.cmd.Stderr = &c.stderr
	in, err := c.cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c.in, c.out = in, bufio.NewReader(out)
	return c
}

// run asks for one check (check.py's arguments) and fails t on an error.
func (c *checker) run(t *testing.T, args ...string) {
	t.Helper()
	if _, err := fmt.Fprintln(c.in, strings.Join(args, "\t")); err != nil {
		t.Fatalf("check.py: %v\n%s", err, c.stderr.String())
	}
	line, err := c.out.ReadString('\n')
	if err != nil {
		t.Fatalf("check.py: %v\n%s", err, c.stderr.String())
	}
	if line = strings.TrimSpace(line); line != "ok" {
		t.Fatalf("check.py: %s", strings.ReplaceAll(line, " | ", "\n"))
	}
}

func (c *checker) close() {
	c.in.Close()
	c.cmd.Wait()
}
