package runs

import (
	"fmt"

	"github.com/nnplay/nnplay/engine/share"
)

// Snapshot is a run's weights at the end of an epoch (or at the start,
// Epoch 0): a share payload in share's binary format (share.EncodeBinary)
// at a chosen precision, so it costs what a model link of that precision
// costs, and float32 gives the weights back bit for bit.
type Snapshot struct {
	Epoch     int    `json:"epoch"`
	Steps     int    `json:"steps"`
	Precision string `json:"precision"` // share.Precision's name: float32, float16, int8, int4
	Data      []byte `json:"data"`
}

// NewSnapshot stores the payload's weights (p.Epochs and p.Steps say when)
// at precision prec (matrices and kernels; vectors at float32 or float16,
// as share.Options says).
func NewSnapshot(p share.Payload, prec share.Precision) (Snapshot, error) {
	if len(p.Weights) == 0 {
		return Snapshot{}, fmt.Errorf("snapshot at epoch %d: the payload holds no weights", p.Epochs)
	}
	b, err := share.EncodeBinary(p, share.Options{Precision: prec})
	if err != nil {
		return Snapshot{}, fmt.Errorf("snapshot at epoch %d: %w", p.Epochs, err)
	}
	return Snapshot{Epoch: p.Epochs, Steps: p.Steps, Precision: prec.String(), Data: b}, nil
}

// Bytes is what the snapshot costs in storage.
func (s Snapshot) Bytes() int { return len(s.Data) }

// Payload decodes the snapshot (share.DecodeBinary: every check a link
// gets); engine/modelio.FromPayload makes it a model again.
func (s Snapshot) Payload() (share.Payload, error) {
	p, err := share.DecodeBinary(s.Data)
	if err != nil {
		return share.Payload{}, fmt.Errorf("the snapshot at epoch %d: %w", s.Epoch, err)
	}
	return p, nil
}
