package session

// Drawing is the digit pad of the Build & train place as other places
// see it: the softmax explorer explains the model's answer to it.
type Drawing interface {
	// Inked says something is drawn.
	Inked() bool
	// Input is the drawing as the model's input (28×28, preprocessed
	// like MNIST).
	Input() []float32
	// Prediction is the model's last answer for the drawing: the class
	// probabilities (nil before one) and the most probable class.
	Prediction() (probs []float32, top int)
}
