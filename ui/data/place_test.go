package data

import (
	"strings"
	"testing"

	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

func TestSummaryFollowsTheWorker(t *testing.T) {
	s := session.New(func(protocol.Request) {})
	p := New(s)
	if got := p.Summary(); !strings.Contains(got, "loading") {
		t.Errorf("before the data is in: %q", got)
	}
	s.Handle(protocol.Ready{})
	s.Handle(protocol.DataReady{Train: 60000, Test: 10000})
	if got := p.Summary(); !strings.Contains(got, "60,000 training and 10,000 test images") {
		t.Errorf("after data_ready: %q", got)
	}
}
