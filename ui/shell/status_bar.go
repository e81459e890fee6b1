package shell

import "github.com/nnplay/nnplay/ui/session"

// StatusBar shows the worker and data state, and errors in a banner.
type StatusBar struct {
	S *session.Session
}
