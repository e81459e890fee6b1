// Package protocol is the message protocol between nnplay's page (the main
// thread) and its training worker (a Web Worker running its own Go
// instance).
//
// # Framing
//
// Every message is one JSON object sent as a string with postMessage:
//
//	{"type": "<name>", "data": {...fields...}}
//
// "data" is omitted for messages without fields. Encode turns a Message into
// that string and Decode turns it back, checking the fields (a predict image
// must hold 784 values, a state must be a known one, ...) so that neither side
// acts on a malformed message; Decode never panics. Binary fields ([]byte)
// are base64 in JSON; float32 arrays sent as bytes are little-endian. The
// messages that carry files (the user's data set, a model file, weights,
// TensorFlow.js files, a model_export's file, a run_snapshot's data) send
// their bytes beside the text instead, as {text, parts} with each part's
// buffer transferred (Wire, EncodeWire, DecodeRequestWire,
// DecodeEventWire), up to MaxPartsBytes.
//
// The page sends requests (the Request types) and the worker sends events
// (the Event types). Each message type's doc comment says what it is, who
// sends it and when, and what answers it; its fields' JSON tags are its
// data. Messages are grouped by file: messages.go (loading MNIST, building,
// training, predicting, evaluating), inspect.go and rnn.go (looking inside
// a model), playground.go (the 2-D playground), model.go and keep.go
// (links, files, TensorFlow.js, fine-tuning), backend.go (where training
// runs), explain.go (explanations, errors, kept runs), dataset.go (the
// user's own data) and challenge.go (the teacher's leaderboard).
//
// # Order
//
// The worker sends ready once its Go instance runs; requests sent before
// that are kept (static/worker.js queues them) and handled in order. Every
// request is handled between two batches, in the order sent; a request that
// cannot be carried out is answered by a non-fatal error event. A request
// with an id is answered by an event with the same id (or by that error).
//
// # States
//
// The worker is in one state at a time and sends state on every change:
//
//	idle     built, not started (or reset)
//	running  training batches
//	paused   between batches, waiting for resume or step
//	done     every epoch trained
//	stopped  stopped by the page before the end
//
// idle (built, not started) → running ⇄ paused → done (all epochs trained)
// or stopped (stop). start from done or stopped trains another epochs
// epochs from the current weights. step from idle or paused trains one
// batch and leaves the worker paused. reset returns to idle with fresh
// weights; build (and every other request that builds a model) ends in
// idle. A batch whose loss is NaN or infinite is not applied: the worker
// sends error (non-fatal, naming the epoch and batch) and pauses, keeping
// the last good weights. The 2-D playground trains until paused: it never
// reaches done.
package protocol
