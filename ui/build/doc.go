// Package build is the Build & train place, where the page opens: the
// model (a preset, the layer builder, the training settings), training
// with live curves, evaluation on the test set, and "Try it", a pad to
// draw digits on with the model's live answer and the user's own
// handwriting examples.
package build
