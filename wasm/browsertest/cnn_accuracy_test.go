//go:build browser

package browsertest

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Settings for BenchmarkBrowserCNNAccuracy (go test flags; 0 keeps the
// preset's own value).
var (
	cnnModels = flag.String("cnn.models", "lenet,smallcnn", "presets to train, comma-separated: lenet, smallcnn, lstm, gru")
	cnnEpochs = flag.Int("cnn.epochs", 3, "epochs to train")
	cnnLR     = flag.Float64("cnn.lr", 0, "learning rate (0: the preset's)")
	cnnBatch  = flag.Int("cnn.batch", 0, "batch size (0: the preset's)")
	cnnSeed   = flag.Int64("cnn.seed", 0, "seed (0: the preset's)")
	cnnBack   = flag.String("cnn.backend", protocol.BackendSIMD, "kernels in the worker: simd or go")
)

// BenchmarkBrowserCNNAccuracy trains the CNN presets (spec.LeNet,
// spec.SmallCNN), or with -cnn.models=lstm,gru the row-by-row recurrent
// ones (spec.RowByRowRNN, spec.RowByRowGRU), on full MNIST in nnplay's
// real training worker in
// Chromium and reports, per epoch, the test accuracy and the seconds the
// epoch took (training plus the worker's test-set evaluation), as metrics
// and in the log. It takes minutes (the small CNN ~72 MFLOP a sample), so
// make bench does not run it; run it alone:
//
//	go test -run='^$' -bench='^BenchmarkBrowserCNNAccuracy$' -benchtime=1x -timeout=90m ./wasm/browsertest/ [-args -cnn.models=lenet -cnn.lr=0.002 -cnn.batch=32]
//	go test -run='^$' -bench='^BenchmarkBrowserCNNAccuracy$' -benchtime=1x -timeout=90m ./wasm/browsertest/ -args -cnn.models=lstm,gru
func BenchmarkBrowserCNNAccuracy(b *testing.B) {
	srv := benchServer(b, "")
	for _, name := range strings.Split(*cnnModels, ",") {
		var m spec.Model
		switch name {
		case "lenet":
			m = spec.LeNet()
		case "smallcnn":
			m = spec.SmallCNN()
		case "lstm":
			m = spec.RowByRowRNN()
		case "gru":
			m = spec.RowByRowGRU()
		default:
			b.Fatalf("-cnn.models: unknown preset %q (want lenet, smallcnn, lstm or gru)", name)
		}
		m.Epochs = *cnnEpochs
		if *cnnLR > 0 {
			m.Optimizer.LearningRate = *cnnLR
		}
		if *cnnBatch > 0 {
			m.BatchSize = *cnnBatch
		}
		if *cnnSeed != 0 {
			m.Seed = *cnnSeed
		}
		b.Run(fmt.Sprintf("%s/lr=%g/batch=%d/seed=%d", name, m.Optimizer.LearningRate, m.BatchSize, m.Seed), func(b *testing.B) {
			for range b.N {
				trainCNN(b, srv.URL, name, m)
			}
		})
	}
}

// trainCNN trains m for m.Epochs epochs in the worker and reports each
// epoch's test accuracy (%) and seconds.
func trainCNN(b *testing.B, base, name string, m spec.Model) {
	c := startBenchWorker(b, base, time.Duration(m.Epochs)*30*time.Minute)
	c.await("ready", time.Minute, isType("ready"))
	c.send(protocol.LoadData{})
	c.await("data_ready", 3*time.Minute, isType("data_ready"))
	c.setBackend(*cnnBack)
	c.send(protocol.Build{Spec: m})
	c.await("built", time.Minute, isType("built"))
	c.send(protocol.Start{})
	start, _ := c.await("state running", time.Minute, func(e protocol.Event) bool {
		s, ok := e.(protocol.State)
		return ok && s.State == protocol.StateRunning
	})
	note(b, "%s: lr %g, batch %d, seed %d, %s kernels, load average %s at the start",
		name, m.Optimizer.LearningRate, m.BatchSize, m.Seed, *cnnBack, loadAverage())
	from := start.at
	best := 0.0
	for epoch := 1; epoch <= m.Epochs; epoch++ {
		end, before := c.await(fmt.Sprintf("epoch_end %d", epoch), 30*time.Minute, isType("epoch_end"))
		e := end.e.(protocol.EpochEnd)
		var ps []progressAt
		for _, te := range before {
			if p, ok := te.e.(protocol.Progress); ok && p.State == protocol.StateRunning && p.Epoch == epoch {
				ps = append(ps, progressAt{p.GlobalBatch, te.at})
			}
		}
		rate := 0.0
		if n := len(ps); n > 1 && ps[n-1].at > ps[0].at {
			rate = float64((ps[n-1].batch-ps[0].batch)*m.BatchSize) / ((ps[n-1].at - ps[0].at) / 1000)
		}
		secs := (end.at - from) / 1000
		note(b, "%s epoch %d: test accuracy %.2f%% (loss %.4f), train loss %.4f, %.1f s (training %.0f samples/s; evaluation included), load average %s",
			name, epoch, 100*e.ValAccuracy, e.ValLoss, e.Loss, secs, rate, loadAverage())
		b.ReportMetric(100*e.ValAccuracy, fmt.Sprintf("acc%%-epoch%d", epoch))
		b.ReportMetric(secs, fmt.Sprintf("s-epoch%d", epoch))
		best = max(best, e.ValAccuracy)
		// The evaluation event follows epoch_end; the next epoch starts after it.
		ev, _ := c.await("evaluation", 5*time.Minute, isType("evaluation"))
		from = ev.at
	}
	b.ReportMetric(100*best, "best-acc%")
}

// note logs and, since a benchmark's log shows only when it ends, also
// prints at once to stderr: these runs take minutes.
func note(b *testing.B, format string, args ...any) {
	b.Helper()
	b.Logf(format, args...)
	fmt.Fprintf(os.Stderr, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}
