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
//	trace       {id, source, index?, input?, label?} answer trace: one example through one training
//	                                                 step, not taken (see Looking inside a model)
//	gradcheck   {id, source, index?, input?, label?, picks [{layer, name, index}], h?}
//	                                                 answer gradcheck: backprop against finite
//	                                                 differences for 1 to 32 weights
//	stats       {id}                                 answer stats: per-layer statistics of the last
//	                                                 measured training batch
//	rnn_trace   {id, source, index?, input?, label?} answer rnn_trace: the example read step by
//	                                                 step by the first recurrent layer (rnn.go)
//	playground_build {dataset, points, noise, classes, train_fraction, features, seed, spec,
//	                  epochs_per_second?}            switch to the 2-D playground (see below);
//	                                                 answer playground_data, built, state idle
//	playground_frame {id, grid}                      answer playground_frame: the model over a
//	                                                 grid×grid grid of the plane
//	backend     {name?, fault?}                      train later batches on: auto, webgpu, simd or
//	                                                 go (no name: only ask); fault (test hook:
//	                                                 shader | device) breaks WebGPU on purpose;
//	                                                 answer backend
//	load_model  {id, link | file}                    replace the model with a shared one: a link's
//	                                                 value (after #m=) or a .nnplay file's bytes
//	                                                 (base64); answer model_loaded, built, state idle,
//	                                                 or error (the current model stays)
//	export_model {id, format link|file, precision float32|float16|int8|int4|recipe,
//	              per_channel?, evaluate?}           answer model_export: the encoded link or file
//	                                                 (the page never needs the training code)
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
//	trace          {id, label, input, input_grad, loss, optimizer, learning_rate,
//	                layers [{layer, name, type, activation?, output, d_output,
//	                         params [{name, shape, trainable, before, grad, update, after}]}],
//	                softmax? {logits, shift, exp, sum, probs, cross_entropy, grad, fused}}
//	gradcheck      {id, h, results [{layer, name, index, analytic, numeric, abs_error, rel_error}]}
//	stats          {id, global_batch, loss, layers [{layer, name, type, mean, std, relu, dead,
//	                params [{name, grad_norm, weight_norm}]}]}
//	rnn_trace      {id, label, input, layer, name, layer_type, units, gates?,
//	                steps [{row_from, row_to, h, c?, gates?, probs}]}
//	playground_data  {dataset, classes, features, train, train_labels, test, test_labels}
//	playground_frame {id, grid, classes, probs, units [{layer, unit, lo, hi, values}],
//	                  train_loss, test_loss, train_accuracy, test_accuracy, epoch,
//	                  global_batch, state, params [{layer, name, shape, data}]}
//	backend        {name, available, choice?, adapter?, note?}
//	                                                 what trains (webgpu, simd, gonum or go), what
//	                                                 this worker has (fastest first, go last), the
//	                                                 page's choice, the WebGPU adapter, and why the
//	                                                 choice is not in use or what failed (also sent
//	                                                 unasked when that changes, once asked)
//	model_loaded   {id, spec, epochs, steps, weights, precision?, per_channel?}
//	                                                 the shared model is built (before built)
//	model_export   {id, format, precision, per_channel?, link | file, epochs, steps,
//	                evaluated?, accuracy?, decoded_accuracy?}
//	                                                 with evaluate: test accuracy of the model and
//	                                                 of the export decoded again in a scratch model
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
//
// # Looking inside a model: trace, gradcheck, stats
//
// These serve the softmax explorer, the backprop step-through and the
// training charts. Every number in them is the engine's own.
//
// An example (for trace and gradcheck) is chosen by source:
//
//	{"source":"test","index":5}               test example 5, with its own label
//	{"source":"test","index":5,"label":3}     the same image, judged as if 3 were right
//	{"source":"input","input":[...784 pixels in [0,1]...],"label":7}   a drawn digit (MNIST)
//	{"source":"input","input":[1.5,-2],"label":0}                      a point (playground);
//	                                          the worker computes the chosen features
//
// label is required for input, a class 0..9 (and below the data set's
// classes). "test" is the test set of the current mode (MNIST, or the
// playground's test points).
//
// trace follows the example through one training step without taking it:
// weights, gradients, optimizer state (Adam's moments) and training
// position are left exactly as they were. It runs in inference mode like
// predict (no dropout, BatchNormalization's moving averages), so its
// output equals predict's bit for bit.
//
//   - input: the example as the model sees it (features in the playground);
//     input_grad: dL/d(input), a saliency map. Both are tensors {shape, data}:
//     data holds prod(shape) little-endian float32, base64 in JSON, shape
//     without the batch dimension (the same encoding as snapshot's data).
//   - layers[i].output: the layer's output y (forward, in order);
//     layers[i].d_output: dL/dy (backward). A layer's input is the previous
//     layer's output (input for layer 0). For a final softmax layer,
//     output is the probabilities, and when softmax.fused d_output is
//     dL/dz for its logits z, = p − onehot(y) (the engine fuses softmax and
//     cross-entropy, as Keras does).
//   - layers[i].params: per weight tensor, shape and four float32 arrays
//     (base64): before θ, grad dL/dθ for this one example, update Δθ (the
//     step the current optimizer would take: Adam with its real moments and
//     step count, SGD with its velocity, ...), after (θ after that step:
//     without Dropout or BatchNormalization, exactly what training on this
//     example alone would leave; update = after − before).
//     trainable is false for frozen layers and for layer state
//     (BatchNormalization's moving_mean and moving_variance); their update
//     is 0. The layer's formula is the page's to show; name and type say
//     which layer it is ("dense_1", "Dense", activation "relu").
//   - loss: the loss the model trains with on this example (mean over a
//     batch of one).
//   - softmax (when the model ends in softmax or its loss reads logits):
//     logits z; shift = max z; exp_i = e^(z_i − shift) (the shift keeps
//     e^· finite and changes nothing: e^(z_i) = exp_i·e^shift); sum = Σ exp;
//     probs = exp/sum as float32, exactly predict's; cross_entropy =
//     −log p_label (computed stably); grad = p − onehot(label). fused means
//     loss = cross_entropy and the last layer's d_output = grad.
//
// A trace of the seed model is 2.3 MB of JSON (about 80 ms to make in the
// worker and 110 ms to decode under Node); ask for one when the student
// picks an example, not per frame.
//
// gradcheck compares, for each pick {layer (0-based), name ("kernel",
// "bias", "gamma", "beta"), index (row-major element)}, backprop's
// analytic gradient of the example's loss with the central difference
// numeric = (L(θ+h) − L(θ−h)) / 2h, with rel_error = |a − n| / max(|a|, |n|)
// (0 when both are 0). h 0 means 1e-2, the step that suits float32
// forward passes; results echo the picks in order and the h used. Around
// 1e-4..1e-3 means backprop is right; a wrong formula gives 0.1 or more;
// weights with a near-zero gradient (a weight from a 0 pixel, into a ReLU
// that is off) or whose ±h moves an output across a kink (ReLU at 0, the
// winner of a max-pooling window; a conv kernel weight moves hundreds of
// outputs) give noisy values. Picks that name no such weight, or layer
// state, get an error event.
//
// stats answers the statistics of the last training batch the worker
// measured; it measures one whenever it posts progress (≤ 20 a second),
// so sending stats after each progress gives the charts one point per
// progress. global_batch says which batch (0, with no layers, before any
// batch since the build). Per layer: mean and std of its outputs over the
// batch (for a final softmax layer trained fused, of its logits); relu
// says the output is a ReLU's (ReLU layer or activation relu) and dead is
// then the fraction of its units that are 0 for every example of the
// batch; per trained param the L2 norms of its gradient (of the batch's
// mean loss) and of its values after the step. Vanishing gradients show as
// grad_norm falling layer by layer towards the input, exploding ones as
// grad_norm growing.
//
// # Why this prediction, the errors, every run kept, challenges
//
// explain, neighbours, flip, cell_examples, embedding, record_run and
// view_snapshot, with their answers, are listed in explain.go (each
// message type's doc comment gives its fields); the teacher's leaderboard
// in challenge.go.
//
// # The 2-D playground
//
// playground_build switches the worker from MNIST to a toy data set and
// builds a model for it:
//
//	{"type":"playground_build","data":{"dataset":"spiral","points":500,"noise":0.1,
//	 "classes":3,"train_fraction":0.5,"features":["x","y","x2","y2","xy","sinx","siny"],
//	 "seed":1,"epochs_per_second":30,"spec":{...layers ending in Dense(classes, softmax)...}}}
//
// dataset is circle, xor, gauss or spiral; points 10..10000 (train and test
// together); noise 0..0.5; classes 2 (spiral: 2..5); train_fraction
// 0.1..0.9; features 1..7 distinct names from x, y, x2 (x²), y2 (y²),
// xy, sinx, siny, in the order the model takes them (the spec requires at
// least 2); seed fixes the points and the split, spec.seed the initial
// weights and the batch order. The worker sets spec.input to
// [len(features)] and spec.dataset to dataset; the last layer must output
// classes values. epochs_per_second paces training so it can be watched
// (0: as fast as it can, tens of thousands of batches a second); set's
// batch_size and learning_rate apply as usual. Any error (a bad spec,
// feature or option) leaves the worker as it was.
//
// It answers playground_data (the points to draw: train and test as x, y
// pairs of raw coordinates, 2 numbers a point, with their labels), then
// built and state idle. Then start, pause, resume, step, stop, reset
// (fresh weights, same points), set, evaluate (its confusion matrix; no
// misclassified images), snapshot, trace, gradcheck and stats work as in
// MNIST mode; predict does not (it takes an MNIST image). The playground
// trains until paused: an epoch is a few batches, so it never reaches done,
// sends no epoch_end, and progress has epochs 0 and eta_seconds 0.
// build (an MNIST spec) goes back to MNIST.
//
// playground_frame {id, grid} asks for a frame; ask for the next when the
// last has arrived (one in flight), so frames never queue up. Grid point
// (row r, column c) is the centre of that pixel of the plane [-6, 6]²:
// x = −6 + (c + ½)·12/grid, y = 6 − (r + ½)·12/grid, so row 0 is the top.
//
//   - probs: grid·grid·classes bytes (base64), point-major (the classes
//     probabilities of point 0, then point 1, ...), each round(p·255) —
//     blend the class colours by them, or take the argmax to discretize.
//     Bytes, not float32: a quarter of the size and 3.8× faster to encode
//     and decode (64×64×3 values: 0.8 ms against 3.1 ms under Node).
//   - units: a heatmap per hidden unit (each unit of every layer but the
//     last whose output is a vector, in layer then unit order, at most 64):
//     layer, unit, and grid·grid bytes b (row-major, like probs) standing
//     for lo + b/255·(hi − lo), lo and hi being that unit's least and
//     greatest output on the grid.
//   - train_loss, test_loss, train_accuracy, test_accuracy: on all the
//     train and test points now; epoch and global_batch: where training is;
//     state: the worker's state.
//   - params: every weight tensor now, as in snapshot (layer, name, shape,
//     little-endian float32 data): kernels for the links' thickness and
//     colour, biases for the nodes.
//
// A frame of the 2-hidden-layer, 8-unit network on a 50×50 grid is about
// 65 KB of JSON and, with 10 training batches, takes about 8 ms in the
// worker under Node (worker + page decode), 3 ms natively.
package protocol
