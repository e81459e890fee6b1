// Package protocol is the message protocol between nnplay's page (the main
// thread) and its training worker (a Web Worker running its own Go
// instance).
//
// Every message is one JSON object sent as a string with postMessage:
//
//	{"type": "<name>", "data": {...fields...}}
//
// "data" is omitted for messages without fields. Encode turns a Message into
// that string and Decode turns it back, checking the fields (a predict image
// must hold 784 values, a state must be a known one, ...) so that neither side
// acts on a malformed message; Decode never panics.
//
// # Page → worker (requests)
//
//	type        data                                 what the worker does
//	load_data   {base?}                              fetch the four MNIST .gz files from base
//	                                                 (default /data/mnist), reporting data_progress,
//	                                                 then data_ready (or error)
//	build       {spec}                               build the model (spec.Model) and answer built,
//	                                                 then state idle; an invalid spec gives error
//	start       —                                    train from the current position (running);
//	                                                 loads the data first if load_data was not sent;
//	                                                 after done or stopped, trains another epochs
//	                                                 epochs from the current weights (like Keras fit)
//	pause       —                                    stop after the current batch (paused)
//	resume      —                                    continue after a pause (running)
//	step        —                                    train exactly one batch, then paused
//	stop        —                                    end training, keep the model (stopped)
//	reset       —                                    rebuild the last spec from its seed (idle)
//	set         {learning_rate?, batch_size?}        change them; applied between batches
//	                                                 (zero means unchanged); answered by progress
//	predict     {id, image [784]float32}             answer prediction with the same id
//	evaluate    {id}                                 evaluate on the 10,000 test images;
//	                                                 answer evaluation with the same id
//	snapshot    {id}                                 answer snapshot (the weights) with the same id
//
// # Worker → page (events)
//
//	type           data
//	ready          —                                 the worker's Go instance is running
//	data_progress  {stage download|parse, file, loaded, total}   bytes; total 0 if unknown
//	data_ready     {train, test}                     example counts
//	built          {rows [{layer, type, output, params}], total_params, trainable_params}
//	progress       {epoch, epochs, batch, batches, global_batch, loss, accuracy,
//	                samples_per_sec, eta_seconds, state}
//	                                                 at most ~20 a second; loss and accuracy are
//	                                                 smoothed over recent batches; epoch and batch
//	                                                 are 1-based, global_batch counts every batch
//	epoch_end      {epoch, loss, accuracy, val_loss, val_accuracy}   val_* on the test set
//	state          {state idle|running|paused|done|stopped}
//	prediction     {id, probs [10]float32}
//	evaluation     {id, loss, accuracy, confusion [10][10]int (row = true class),
//	                classes [{precision, recall, f1, support}],
//	                misclassified [{index, true, predicted, pixels (784 bytes, base64 in JSON)}]}
//	                                                 at most 32 misclassified; id 0 is the
//	                                                 evaluation the worker sends after each epoch
//	snapshot       {id, spec, params [{layer, name, shape, data}]}
//	                                                 data is little-endian float32, base64 in JSON
//	error          {message, fatal}                  fatal: the worker cannot continue
//
// The worker answers ready once its Go instance runs; requests sent before
// that are kept (static/worker.js queues them) and handled in order. Every
// request is handled between two batches, in the order sent; a request
// that cannot be carried out is answered by a non-fatal error event.
//
// # States
//
// idle (built, not started) → running ⇄ paused → done (all epochs trained)
// or stopped (stop). step from idle or paused trains one batch and leaves the
// worker paused. reset returns to idle with fresh weights. A batch whose loss
// is NaN or infinite is not applied: the worker sends error (non-fatal, naming
// the epoch and batch) and pauses, keeping the last good weights.
package protocol
