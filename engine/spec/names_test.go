package spec

import "testing"

func TestKerasName(t *testing.T) {
	for typ, want := range map[string]string{
		TypeDense: "dense", TypeReLU: "re_lu", TypeLeakyReLU: "leaky_re_lu", TypeConv2D: "conv2d",
		TypeMaxPool2D: "max_pooling2d", TypeGlobalAveragePooling2D: "global_average_pooling2d",
		TypeBatchNormalization: "batch_normalization", TypeSimpleRNN: "simple_rnn", TypeLSTM: "lstm", TypeGRU: "gru",
	} {
		if got := KerasName(typ); got != want {
			t.Errorf("KerasName(%s) = %s, want %s", typ, got, want)
		}
	}
}
