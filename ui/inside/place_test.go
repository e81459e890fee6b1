package inside

import (
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// testPlace is the Inside place on a session whose worker is ready with
// the seed model built; sent records the requests sent to the worker.
func testPlace() (s *session.Session, p *Place, sent *[]protocol.Request) {
	sent = new([]protocol.Request)
	s = session.New(func(r protocol.Request) { *sent = append(*sent, r) })
	s.Worker, s.Training, s.DataTest = session.WorkerReady, protocol.StateIdle, 10000
	s.AssumeBuilt()
	p = New(s)
	p.Shown()
	return s, p, sent
}
