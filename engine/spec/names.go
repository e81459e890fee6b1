package spec

// KerasName is the name Keras gives a layer of type t: its class name in
// snake case, a capital starting a word after a lower-case letter (Dense →
// dense, LeakyReLU → leaky_re_lu, SimpleRNN → simple_rnn, LSTM → lstm),
// with Keras' spelling of the image layers (MaxPool2D is Keras' alias of
// MaxPooling2D: max_pooling2d). Keras numbers repeats: dense, dense_1, …
//
// Share links name their weights with it ("conv2d_1/kernel"): its output
// for an existing type must never change.
func KerasName(t string) string {
	switch t {
	case TypeConv2D:
		return "conv2d"
	case TypeMaxPool2D:
		return "max_pooling2d"
	case TypeAveragePooling2D:
		return "average_pooling2d"
	case TypeGlobalAveragePooling2D:
		return "global_average_pooling2d"
	}
	var b []byte
	for i := 0; i < len(t); i++ {
		c := t[i]
		if 'A' <= c && c <= 'Z' {
			if i > 0 && !('A' <= t[i-1] && t[i-1] <= 'Z') {
				b = append(b, '_')
			}
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return string(b)
}
