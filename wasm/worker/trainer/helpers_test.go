package trainer

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// staticDir is the repo's static/ folder (the MNIST files are in data/mnist).
func staticDir(t testing.TB) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "static")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
}

// fileFetch serves URLs from a folder, in 1 MiB chunks, like a server would.
func fileFetch(root string) func(string, func(int64, int64)) ([]byte, error) {
	return func(url string, progress func(loaded, total int64)) ([]byte, error) {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(url)))
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("GET %s: %w", url, ErrNotFound)
		}
		if err != nil {
			return nil, err
		}
		for n := 0; n < len(b); n += 1 << 20 {
			progress(int64(min(n+1<<20, len(b))), int64(len(b)))
		}
		return b, nil
	}
}

var (
	mnistOnce             sync.Once
	mnistTrain, mnistTest *data.Set
	mnistErr              error
)

// mnist loads the real data once for all tests.
func mnist(t testing.TB) (train, test *data.Set) {
	mnistOnce.Do(func() {
		mnistTrain, mnistTest, mnistErr = data.LoadMNIST(filepath.Join(staticDir(t), "data", "mnist"))
	})
	if mnistErr != nil {
		t.Fatalf("MNIST (run make data): %v", mnistErr)
	}
	return mnistTrain, mnistTest
}

// harness runs a Trainer in a goroutine and collects its events.
type harness struct {
	t      *testing.T
	q      *Queue
	tr     *Trainer
	events chan protocol.Event
	seen   []protocol.Event
	done   chan struct{}
}

func newHarness(t *testing.T, fetch func(string, func(int64, int64)) ([]byte, error)) *harness {
	h := &harness{t: t, q: NewQueue(), events: make(chan protocol.Event, 1<<16), done: make(chan struct{})}
	h.tr = New(Env{
		Post: func(msg string) {
			e, err := protocol.DecodeEvent(msg)
			if err != nil {
				t.Errorf("the trainer posted a message that breaks the protocol: %v\n%.300s", err, msg)
				return
			}
			h.events <- e
		},
		Fetch: fetch,
	}, h.q)
	t.Cleanup(func() {
		h.q.Close()
		select {
		case <-h.done:
		case <-time.After(time.Minute):
			t.Error("the trainer did not stop after its queue was closed")
		}
	})
	return h
}

// withData gives the trainer data sets directly (before Run starts).
func (h *harness) withData(train, test *data.Set) *harness {
	h.tr.setData(train, test)
	h.await("data_ready", isType("data_ready"))
	return h
}

func (h *harness) run() *harness {
	go func() {
		h.tr.Run()
		close(h.done)
	}()
	return h
}

func (h *harness) send(rs ...protocol.Request) {
	for _, r := range rs {
		h.q.Push(r)
	}
}

// await returns the next event match accepts, consuming those before it.
// An error event it does not accept fails the test.
func (h *harness) await(what string, match func(protocol.Event) bool) protocol.Event {
	h.t.Helper()
	timeout := time.After(time.Minute)
	for {
		select {
		case e := <-h.events:
			h.seen = append(h.seen, e)
			if match(e) {
				return e
			}
			if er, ok := e.(protocol.Error); ok {
				h.t.Fatalf("waiting for %s: error event %q", what, er.Message)
			}
		case <-timeout:
			h.t.Fatalf("no %s within a minute; saw %d events", what, len(h.seen))
		}
	}
}

// drain waits until the trainer has been quiet for d and returns what came.
func (h *harness) drain(d time.Duration) []protocol.Event {
	var out []protocol.Event
	for {
		select {
		case e := <-h.events:
			h.seen = append(h.seen, e)
			out = append(out, e)
		case <-time.After(d):
			return out
		}
	}
}

func isType(typ string) func(protocol.Event) bool {
	return func(e protocol.Event) bool { return e.Type() == typ }
}

func isState(s string) func(protocol.Event) bool {
	return func(e protocol.Event) bool {
		st, ok := e.(protocol.State)
		return ok && st.State == s
	}
}

func isError(substr string) func(protocol.Event) bool {
	return func(e protocol.Event) bool {
		er, ok := e.(protocol.Error)
		return ok && strings.Contains(er.Message, substr)
	}
}

// seed1 is the seed model for one epoch.
func seed1() spec.Model {
	m := spec.Seed()
	m.Epochs = 1
	return m
}

// seedTrained builds the seed model and trains it steps batches, one Step
// at a time; it returns h.
func (h *harness) seedTrained(steps int) *harness {
	h.t.Helper()
	h.send(protocol.Build{Spec: seed1()})
	h.await("idle", isState(protocol.StateIdle))
	for range steps {
		h.send(protocol.Step{})
		h.await("progress", isType("progress"))
	}
	return h
}
