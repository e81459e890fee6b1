package trainer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/nnplay/nnplay/engine/data"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// ErrNotFound is what Env.Fetch returns (wrapped) for an HTTP 404.
var ErrNotFound = errors.New("not found")

// mnistFiles are fetched in this order: the small files first, so a
// missing data folder is reported at once.
var mnistFiles = []string{data.MNISTTestLabels, data.MNISTTrainLabels, data.MNISTTestImages, data.MNISTTrainImages}

// loadData fetches and parses the four MNIST files under base.
func (t *Trainer) loadData(base string) error {
	if base == "" {
		base = protocol.DefaultDataBase
	}
	base = strings.TrimSuffix(base, "/")
	raw := map[string][]byte{}
	got := map[string]string{} // the name each file came by, for progress and errors
	for _, name := range mnistFiles {
		b, file, err := t.fetchMNIST(base, name)
		if errors.Is(err, ErrNotFound) {
			return fmt.Errorf("MNIST files not found at %s — run make data (%s is missing)", base, name)
		}
		if err != nil {
			return fmt.Errorf("loading MNIST from %s: %v", base, err)
		}
		t.post(protocol.DataProgress{Stage: protocol.StageDownload, File: file, Loaded: int64(len(b)), Total: int64(len(b))})
		raw[file] = b
		got[name] = file
	}
	t.mark("MNIST downloaded")
	// The training images stay bytes (converted batch by batch); the test
	// images become float32 once, for evaluation and the teaching panels.
	train, err := t.parse(raw, got[data.MNISTTrainImages], got[data.MNISTTrainLabels], data.NewMNISTPixels)
	if err != nil {
		return err
	}
	test, err := t.parse(raw, got[data.MNISTTestImages], got[data.MNISTTestLabels], data.NewMNIST)
	if err != nil {
		return err
	}
	t.mark("MNIST parsed")
	t.setData(train, test)
	return nil
}

// fetchMNIST fetches one MNIST file: first by its uncompressed name
// (train-images-idx3-ubyte), which make data puts beside the .gz for the
// server to send gzip-encoded, so the browser decompresses it while it
// downloads and off this thread; then, where there is no such file, the
// .gz itself (decompressed here).
func (t *Trainer) fetchMNIST(base, name string) (b []byte, file string, err error) {
	for _, file = range []string{strings.TrimSuffix(name, ".gz"), name} {
		throttle := t.throttle()
		b, err = t.env.Fetch(base+"/"+file, func(loaded, total int64) {
			if throttle() {
				t.post(protocol.DataProgress{Stage: protocol.StageDownload, File: file, Loaded: loaded, Total: total})
			}
		})
		if !errors.Is(err, ErrNotFound) {
			break
		}
	}
	return b, file, err
}

// parse decodes one split. Its progress is a start and an end: the bytes
// are in memory, and the idx reader takes them in one piece (a reader that
// counted them would make it copy them in chunks).
func (t *Trainer) parse(raw map[string][]byte, images, labels string, read func(images, labels io.Reader, imagesName, labelsName string) (*data.Set, error)) (*data.Set, error) {
	total := int64(len(raw[images]))
	t.post(protocol.DataProgress{Stage: protocol.StageParse, File: images, Loaded: 0, Total: total})
	set, err := read(bytes.NewReader(raw[images]), bytes.NewReader(raw[labels]), images, labels)
	if err != nil {
		return nil, fmt.Errorf("MNIST files are damaged: %v — delete static/data/mnist and run make data", err)
	}
	t.post(protocol.DataProgress{Stage: protocol.StageParse, File: images, Loaded: total, Total: total})
	return set, nil
}

// setData installs the data sets (tests call it with small or crafted sets).
func (t *Trainer) setData(train, test *data.Set) {
	t.train, t.test = train, test
	t.testX, t.testY = test.Tensors()
	t.post(protocol.DataReady{Train: train.Len(), Test: test.Len()})
}

// throttle returns a function that says yes at most once per progressEvery.
func (t *Trainer) throttle() func() bool {
	var last time.Time
	return func() bool {
		now := t.env.Now()
		if now.Sub(last) < progressEvery {
			return false
		}
		last = now
		return true
	}
}
