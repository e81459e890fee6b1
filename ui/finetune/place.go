package finetune

import (
	"github.com/nnplay/nnplay/ui/route"

	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// Place is the Fine-tune place: the lesson.
type Place struct {
	S      *session.Session
	Lesson *Lesson
}

// New makes the place and subscribes the lesson to the worker's events.
func New(s *session.Session) *Place {
	p := &Place{S: s, Lesson: newLesson(s)}
	s.SubscribePlace(route.FineTune, p.handle)
	return p
}

// handle follows the worker's events; the lesson's answers change what
// the place shows.
func (p *Place) handle(ev protocol.Event) (render bool) {
	p.Lesson.apply(ev)
	switch ev.(type) {
	case protocol.GoalDone, protocol.HeadReplaced, protocol.Snapshot:
		return true
	}
	return false
}
