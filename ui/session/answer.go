package session

import "github.com/nnplay/nnplay/wasm/protocol"

// ErrorFor says whether ev is the error that ends the wait for the
// request with the given id, and returns it: the worker's refusal of that
// request (the worker posts it with the request's id), or a fatal error
// (the worker stopped, so no answer will come). Any other error — a
// training error, another place's refused request — is not that request's
// answer: the banner shows it and the wait goes on. An id of 0 (nothing
// asked) is ended by no error.
func ErrorFor(ev protocol.Event, id int) (protocol.Error, bool) {
	e, ok := ev.(protocol.Error)
	if !ok || id == 0 {
		return protocol.Error{}, false
	}
	return e, e.Fatal || e.ID == id
}
