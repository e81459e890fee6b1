package trainer

import (
	"sync"
	"time"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// Queue holds requests in arrival order until the trainer takes them.
//
// Push never blocks, so the worker's JS onmessage callback can call it
// directly (a js.FuncOf callback must not block: while it runs, the Go
// program cannot return to the JS event loop).
type Queue struct {
	mu     sync.Mutex
	items  []protocol.Request
	closed bool
	signal chan struct{} // holds one token while items is non-empty
}

// NewQueue returns an empty queue.
func NewQueue() *Queue {
	return &Queue{signal: make(chan struct{}, 1)}
}

// Push appends r.
func (q *Queue) Push(r protocol.Request) {
	q.mu.Lock()
	q.items = append(q.items, r)
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default: // a token is already waiting
	}
}

// TryPop returns the oldest request, or false when there is none.
func (q *Queue) TryPop() (protocol.Request, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return nil, false
	}
	r := q.items[0]
	q.items[0] = nil
	q.items = q.items[1:]
	return r, true
}

// Pop waits for a request and returns it; false means the queue is closed
// and empty.
func (q *Queue) Pop() (protocol.Request, bool) {
	for {
		if r, ok := q.TryPop(); ok {
			return r, true
		}
		q.mu.Lock()
		closed := q.closed
		q.mu.Unlock()
		if closed {
			return nil, false
		}
		<-q.signal
	}
}

// PopWithin waits at most d for a request; false means none came (or
// the queue is closed).
func (q *Queue) PopWithin(d time.Duration) (protocol.Request, bool) {
	if r, ok := q.TryPop(); ok {
		return r, true
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-q.signal:
	case <-timer.C:
	}
	return q.TryPop()
}

// Close makes Run return once the queued requests are handled.
func (q *Queue) Close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default:
	}
}

func (q *Queue) isClosed() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.closed
}
