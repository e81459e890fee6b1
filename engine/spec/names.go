package spec

import "fmt"

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

// KerasNames names layers of the given types as Keras does: KerasName,
// numbered from the second of a kind (dense, dense_1, dense_2, …). The
// model summary, the page's builder and the worker's messages all use it,
// so a layer has one name everywhere.
func KerasNames(types []string) []string {
	seen := map[string]int{}
	names := make([]string, len(types))
	for i, t := range types {
		base := KerasName(t)
		names[i] = base
		if n := seen[base]; n > 0 {
			names[i] = fmt.Sprintf("%s_%d", base, n)
		}
		seen[base]++
	}
	return names
}
