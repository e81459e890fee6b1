package spec

import (
	"slices"
	"testing"
)

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

func TestKerasNamesNumberRepeats(t *testing.T) {
	got := KerasNames([]string{TypeConv2D, TypeMaxPool2D, TypeConv2D, TypeMaxPool2D, TypeFlatten, TypeDense, TypeDense, TypeReLU, TypeDense})
	want := []string{"conv2d", "max_pooling2d", "conv2d_1", "max_pooling2d_1", "flatten", "dense", "dense_1", "re_lu", "dense_2"}
	if !slices.Equal(got, want) {
		t.Errorf("KerasNames = %v\nwant        %v", got, want)
	}
}
