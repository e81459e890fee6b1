package data

import "github.com/nnplay/nnplay/engine/data/drawing"

// PreprocessDrawing turns a w×h hand drawing (ink intensities in [0,1],
// row-major) into 784 MNIST-like values in [0,1]: crop to the ink, scale
// into 20×20 keeping the aspect ratio, centre by mass in 28×28. See
// drawing.Preprocess, which holds the implementation in a tensor-free
// package so the page can use it without loading the training code.
func PreprocessDrawing(gray []float32, w, h int) []float32 {
	return drawing.Preprocess(gray, w, h)
}
