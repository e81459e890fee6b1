package spec

import (
	"errors"
	"math"
	"reflect"
	"testing"
)

// everyImageLayer uses every image layer type and setting, for
// [28, 28, 1] input and 10 classes. The comments give each output shape.
func everyImageLayer() []Layer {
	return []Layer{
		Reshape(28, -1, 1), // (28, 28, 1)
		{Type: TypeConv2D, Filters: 4, KernelSize: []int{3, 5}, Strides: []int{2, 1}, Padding: PaddingSame,
			Activation: ActLeakyReLU, Alpha: 0.1, KernelInitializer: InitHeNormal}, // (14, 28, 4)
		BatchNormalization(),                         // (14, 28, 4)
		{Type: TypeMaxPool2D, PoolSize: []int{2, 2}}, // default strides 2×2: (7, 14, 4)
		{Type: TypeAveragePooling2D, PoolSize: []int{3, 3}, Strides: []int{1, 2}, Padding: PaddingSame},       // (7, 7, 4)
		{Type: TypeConv2D, Filters: 8, KernelSize: []int{3, 3}, Activation: ActTanh, Frozen: true},            // (5, 5, 8)
		{Type: TypeBatchNormalization, Momentum: 0.9, Epsilon: 1e-5, Frozen: true},                            // (5, 5, 8)
		{Type: TypeConv2D, Filters: 6, KernelSize: []int{7, 7}, Padding: PaddingSame, Activation: ActSigmoid}, // kernel > input, same: (5, 5, 6)
		{Type: TypeMaxPool2D, PoolSize: []int{3, 3}, Strides: []int{2, 2}, Padding: PaddingSame},              // (3, 3, 6)
		{Type: TypeGlobalAveragePooling2D}, // (6)
		Reshape(3, 2),                      // (3, 2)
		{Type: TypeBatchNormalization, Momentum: 0.5, Epsilon: 0.01}, // per last axis: (3, 2)
		{Type: TypeFlatten}, // (6)
		Dense(10, ActSoftmax),
	}
}

func imageModel() Model {
	m := Seed()
	m.Input = []int{28, 28, 1}
	m.Layers = everyImageLayer()
	return m
}

// TestInferImageLayers checks every output shape and weight count against
// Keras' rules, worked out by hand.
func TestInferImageLayers(t *testing.T) {
	type row struct {
		out              []int
		params, nonTrain int
	}
	cases := []struct {
		name string
		m    Model
		want []row
	}{
		// LeNet: 5·5·1·6+6 = 156; 5·5·6·16+16 = 2,416; 400·120+120 = 48,120;
		// 120·84+84 = 10,164; 84·10+10 = 850. Total 61,706 (Keras agrees).
		{"LeNet", LeNet(), []row{
			{[]int{28, 28, 6}, 156, 0}, {[]int{14, 14, 6}, 0, 0}, {[]int{10, 10, 16}, 2416, 0}, {[]int{5, 5, 16}, 0, 0},
			{[]int{400}, 0, 0}, {[]int{120}, 48120, 0}, {[]int{84}, 10164, 0}, {[]int{10}, 850, 0}}},
		// SmallCNN: 3·3·1·32+32 = 320; 3·3·32·64+64 = 18,496; 9216·128+128 =
		// 1,179,776; 128·10+10 = 1,290. Total 1,199,882 (Keras' example).
		{"SmallCNN", SmallCNN(), []row{
			{[]int{26, 26, 32}, 320, 0}, {[]int{24, 24, 64}, 18496, 0}, {[]int{12, 12, 64}, 0, 0}, {[]int{12, 12, 64}, 0, 0},
			{[]int{9216}, 0, 0}, {[]int{128}, 1179776, 0}, {[]int{128}, 0, 0}, {[]int{10}, 1290, 0}}},
		// Conv 3·5·1·4+4 = 64; BN 4·4 = 16 (8 moving); conv 3·3·4·8+8 = 296,
		// frozen; BN 4·8 = 32, frozen; conv 7·7·8·6+6 = 2,358; BN over the
		// last axis (2): 8 (4 moving); Dense 6·10+10 = 70.
		{"every image layer", imageModel(), []row{
			{[]int{28, 28, 1}, 0, 0}, {[]int{14, 28, 4}, 64, 0}, {[]int{14, 28, 4}, 16, 8}, {[]int{7, 14, 4}, 0, 0},
			{[]int{7, 7, 4}, 0, 0}, {[]int{5, 5, 8}, 296, 296}, {[]int{5, 5, 8}, 32, 32}, {[]int{5, 5, 6}, 2358, 0},
			{[]int{3, 3, 6}, 0, 0}, {[]int{6}, 0, 0}, {[]int{3, 2}, 0, 0}, {[]int{3, 2}, 8, 4}, {[]int{6}, 0, 0}, {[]int{10}, 70, 0}}},
	}
	for _, c := range cases {
		infos, err := c.m.Infer()
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if err := c.m.Validate(); err != nil {
			t.Fatalf("%s: Validate: %v", c.name, err)
		}
		if len(infos) != len(c.want) {
			t.Fatalf("%s: %d layers, want %d", c.name, len(infos), len(c.want))
		}
		for i, w := range c.want {
			got := infos[i]
			if !reflect.DeepEqual(got.Output, w.out) || got.Params != w.params || got.NonTrainable != w.nonTrain {
				t.Errorf("%s layer %d (%s): output %v, %d params (%d non-trainable); want %v, %d (%d)",
					c.name, i+1, got.Type, got.Output, got.Params, got.NonTrainable, w.out, w.params, w.nonTrain)
			}
		}
	}
}

// TestOutputSize pins the sliding-window rule, TensorFlow's.
func TestOutputSize(t *testing.T) {
	cases := []struct {
		n, k, s int
		same    bool
		want    int
	}{
		{28, 5, 1, false, 24}, {28, 5, 1, true, 28}, {28, 3, 2, false, 13}, {28, 3, 2, true, 14},
		{5, 2, 2, false, 2}, {5, 2, 2, true, 3}, {3, 7, 1, true, 3}, {3, 7, 1, false, 0}, {1, 1, 15, true, 1},
	}
	for _, c := range cases {
		if got := OutputSize(c.n, c.k, c.s, c.same); got != c.want {
			t.Errorf("OutputSize(%d, %d, %d, same=%v) = %d, want %d", c.n, c.k, c.s, c.same, got, c.want)
		}
	}
}

// TestImageRules breaks one image-layer rule per case and checks the
// exact message and the layer it names.
func TestImageRules(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	at := func(i int, l Layer) func(m *Model) { return func(m *Model) { m.Layers[i] = l } }
	conv := func(edit func(l *Layer)) func(m *Model) {
		return func(m *Model) { edit(&m.Layers[2]) } // LeNet's second Conv2D
	}
	pool := func(edit func(l *Layer)) func(m *Model) {
		return func(m *Model) { edit(&m.Layers[3]) } // LeNet's second MaxPool2D
	}
	insert := func(i int, l Layer) func(m *Model) {
		return func(m *Model) { m.Layers = append(m.Layers[:i], append([]Layer{l}, m.Layers[i:]...)...) }
	}
	cases := []struct {
		name  string
		edit  func(m *Model)
		layer int
		field string // Error.Field
		want  string
	}{
		// The shape an image layer needs.
		{"conv after dense", func(m *Model) {
			*m = Seed()
			m.Layers = layers(Dense(128, ActReLU), Dense(128, ActReLU), Conv2D(8, 3, ActReLU), Layer{Type: TypeFlatten}, Dense(10, ActSoftmax))
		}, 3, "", "layer 3 (Conv2D): needs a (height, width, channels) input, got (None, 128); add Reshape first"},
		{"conv on 28x28", func(m *Model) { m.Input = []int{28, 28} }, 1, "",
			"layer 1 (Conv2D): needs a (height, width, channels) input, got (None, 28, 28); add Reshape first"},
		{"pool after flatten", insert(5, MaxPool2D(2)), 6, "",
			"layer 6 (MaxPool2D): needs a (height, width, channels) input, got (None, 400); add Reshape first"},
		{"average pool after flatten", insert(5, AveragePooling2D(2)), 6, "",
			"layer 6 (AveragePooling2D): needs a (height, width, channels) input, got (None, 400); add Reshape first"},
		{"global pool after flatten", insert(5, Layer{Type: TypeGlobalAveragePooling2D}), 6, "",
			"layer 6 (GlobalAveragePooling2D): needs a (height, width, channels) input, got (None, 400); add Reshape first"},
		// Conv2D settings.
		{"filters 0", conv(func(l *Layer) { l.Filters = 0 }), 3, FieldFilters, "layer 3 (Conv2D): filters must be between 1 and 1024, got 0"},
		{"filters 1025", conv(func(l *Layer) { l.Filters = 1025 }), 3, FieldFilters, "layer 3 (Conv2D): filters must be between 1 and 1024, got 1025"},
		{"kernel missing", conv(func(l *Layer) { l.KernelSize = nil }), 3, FieldKernelSize, "layer 3 (Conv2D): kernel_size must be 2 numbers, [height, width], got []"},
		{"kernel one number", conv(func(l *Layer) { l.KernelSize = []int{3} }), 3, FieldKernelSize, "layer 3 (Conv2D): kernel_size must be 2 numbers, [height, width], got [3]"},
		{"kernel 0", conv(func(l *Layer) { l.KernelSize = []int{0, 3} }), 3, FieldKernelSize, "layer 3 (Conv2D): kernel_size must be between 1 and 15 in each direction, got [0 3]"},
		{"kernel 16", conv(func(l *Layer) { l.KernelSize = []int{3, 16} }), 3, FieldKernelSize, "layer 3 (Conv2D): kernel_size must be between 1 and 15 in each direction, got [3 16]"},
		{"strides 3 numbers", conv(func(l *Layer) { l.Strides = []int{1, 1, 1} }), 3, FieldStrides, "layer 3 (Conv2D): strides must be 2 numbers, [down, across], got [1 1 1]"},
		{"strides 0", conv(func(l *Layer) { l.Strides = []int{0, 0} }), 3, FieldStrides, "layer 3 (Conv2D): strides must be between 1 and 15 in each direction, got [0 0]"},
		{"strides negative", conv(func(l *Layer) { l.Strides = []int{1, -2} }), 3, FieldStrides, "layer 3 (Conv2D): strides must be between 1 and 15 in each direction, got [1 -2]"},
		{"padding unknown", conv(func(l *Layer) { l.Padding = "full" }), 3, FieldPadding, `layer 3 (Conv2D): unknown padding "full"; use valid or same`},
		{"padding upper case", conv(func(l *Layer) { l.Padding = "SAME" }), 3, FieldPadding, `layer 3 (Conv2D): unknown padding "SAME"; use valid or same`},
		{"kernel larger than input", insert(4, Conv2D(8, 7, ActReLU)), 5, FieldKernelSize,
			"layer 5 (Conv2D): kernel 7×7 is larger than its input 5×5 with padding valid; use a smaller kernel_size or padding same"},
		{"kernel taller than input", insert(4, Layer{Type: TypeConv2D, Filters: 8, KernelSize: []int{6, 1}}), 5, FieldKernelSize,
			"layer 5 (Conv2D): kernel 6×1 is larger than its input 5×5 with padding valid; use a smaller kernel_size or padding same"},
		{"conv activation", conv(func(l *Layer) { l.Activation = "gelu" }), 3, FieldActivation,
			`layer 3 (Conv2D): unknown activation "gelu"; use one of linear, relu, leaky_relu, sigmoid, tanh, softmax`},
		{"conv initializer", conv(func(l *Layer) { l.KernelInitializer = "orthogonal" }), 3, FieldKernelInitializer,
			`layer 3 (Conv2D): unknown kernel initializer "orthogonal"; use glorot_uniform or he_normal`},
		{"conv alpha", conv(func(l *Layer) { l.Activation = ActLeakyReLU; l.Alpha = 1 }), 3, FieldAlpha,
			"layer 3 (Conv2D): alpha must be between 0 and 1 (exclusive), got 1"},
		{"conv too many weights", func(m *Model) {
			wide := Conv2D(1024, 15, ActReLU)
			wide.Padding = PaddingSame
			m.Layers = append(layers(wide, wide), m.Layers[4:]...)
		}, 2, FieldFilters, "layer 2 (Conv2D): kernel 15×15 × 1024 channels × 1024 filters is more than 33554432 weights; use fewer filters"},
		// 5·5·1·1024+1024 = 26,624, then 5·5·1024·1024+1024 = 26,215,424
		// twice: 52,457,472 in all, over the limit at the third layer.
		{"convs over the total", func(m *Model) {
			big := Conv2D(1024, 5, ActReLU)
			big.Padding = PaddingSame
			m.Layers = append(layers(big, big, big), m.Layers[4:]...)
		}, 3, FieldFilters, "layer 3 (Conv2D): the model would have 52457472 weights; at most 33554432 fit in a browser tab; use fewer filters"},
		// Pools.
		{"pool larger than input", insert(4, MaxPool2D(6)), 5, FieldPoolSize,
			"layer 5 (MaxPool2D): pool 6×6 is larger than its input 5×5; use a smaller pool_size or remove this layer"},
		{"pool larger, padding same", insert(4, Layer{Type: TypeAveragePooling2D, PoolSize: []int{2, 6}, Padding: PaddingSame}), 5, FieldPoolSize,
			"layer 5 (AveragePooling2D): pool 2×6 is larger than its input 5×5; use a smaller pool_size or remove this layer"},
		{"pool size missing", pool(func(l *Layer) { l.PoolSize = nil }), 4, FieldPoolSize, "layer 4 (MaxPool2D): pool_size must be 2 numbers, [height, width], got []"},
		{"pool size 0", pool(func(l *Layer) { l.PoolSize = []int{2, 0} }), 4, FieldPoolSize, "layer 4 (MaxPool2D): pool_size must be between 1 and 15 in each direction, got [2 0]"},
		{"pool strides 0", pool(func(l *Layer) { l.Strides = []int{0, 2} }), 4, FieldStrides, "layer 4 (MaxPool2D): strides must be between 1 and 15 in each direction, got [0 2]"},
		{"pool padding", pool(func(l *Layer) { l.Padding = "causal" }), 4, FieldPadding, `layer 4 (MaxPool2D): unknown padding "causal"; use valid or same`},
		// BatchNormalization.
		{"momentum 1", insert(1, Layer{Type: TypeBatchNormalization, Momentum: 1, Epsilon: 1e-3}), 2, FieldMomentum,
			"layer 2 (BatchNormalization): momentum must be at least 0 and below 1, got 1"},
		{"momentum negative", insert(1, Layer{Type: TypeBatchNormalization, Momentum: -0.5, Epsilon: 1e-3}), 2, FieldMomentum,
			"layer 2 (BatchNormalization): momentum must be at least 0 and below 1, got -0.5"},
		{"momentum NaN", insert(1, Layer{Type: TypeBatchNormalization, Momentum: nan, Epsilon: 1e-3}), 2, FieldMomentum,
			"layer 2 (BatchNormalization): momentum must be at least 0 and below 1, got NaN"},
		{"epsilon 0", insert(1, Layer{Type: TypeBatchNormalization, Momentum: 0.99}), 2, FieldEpsilon,
			"layer 2 (BatchNormalization): epsilon must be above 0, got 0"},
		{"epsilon negative", insert(1, Layer{Type: TypeBatchNormalization, Momentum: 0.99, Epsilon: -1e-3}), 2, FieldEpsilon,
			"layer 2 (BatchNormalization): epsilon must be above 0, got -0.001"},
		{"epsilon Inf", insert(1, Layer{Type: TypeBatchNormalization, Momentum: 0.99, Epsilon: inf}), 2, FieldEpsilon,
			"layer 2 (BatchNormalization): epsilon must be a finite number, got +Inf"},
		{"unused momentum NaN", conv(func(l *Layer) { l.Momentum = nan }), 3, FieldMomentum, "layer 3 (Conv2D): momentum must be a finite number, got NaN"},
		// Reshape.
		{"reshape missing", at(4, Layer{Type: TypeReshape}), 5, FieldTargetShape,
			"layer 5 (Reshape): target_shape is missing; give the shape of one output example, such as [28, 28, 1]"},
		{"reshape size", at(4, Reshape(7, 7, 16)), 5, FieldTargetShape, "layer 5 (Reshape): target_shape [7 7 16] holds 784 values but its input (None, 5, 5, 16) holds 400"},
		{"reshape two -1", at(4, Reshape(-1, 4, -1)), 5, FieldTargetShape, "layer 5 (Reshape): target_shape [-1 4 -1] may hold only one -1"},
		{"reshape 0", at(4, Reshape(400, 0)), 5, FieldTargetShape, "layer 5 (Reshape): target_shape [400 0]: each size must be at least 1, or -1 for the one size to work out"},
		{"reshape -2", at(4, Reshape(-2, -200)), 5, FieldTargetShape, "layer 5 (Reshape): target_shape [-2 -200]: each size must be at least 1, or -1 for the one size to work out"},
		{"reshape not a multiple", at(4, Reshape(7, -1)), 5, FieldTargetShape,
			"layer 5 (Reshape): target_shape [7 -1] cannot hold the 400 values of its input (None, 5, 5, 16): 400 is not a multiple of 7"},
		{"reshape overflow", at(4, Reshape(1<<40, 1<<40, -1)), 5, FieldTargetShape,
			"layer 5 (Reshape): target_shape [1099511627776 1099511627776 -1] holds far more values than its input (None, 5, 5, 16), which holds 400"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := LeNet()
			m.Layers = append([]Layer(nil), m.Layers...)
			c.edit(&m)
			err := m.Validate()
			if err == nil {
				t.Fatalf("Validate() = nil, want %q", c.want)
			}
			if err.Error() != c.want {
				t.Errorf("Validate() = %q\n                  want %q", err, c.want)
			}
			var se *Error
			if !errors.As(err, &se) || se.Layer != c.layer || se.Field != c.field {
				t.Errorf("error %#v, want a *spec.Error for layer %d, field %q", err, c.layer, c.field)
			}
		})
	}
}

// TestImageAccepts: settings on the edge of every range pass.
func TestImageAccepts(t *testing.T) {
	cases := []struct {
		name string
		edit func(m *Model)
	}{
		{"LeNet", func(m *Model) {}},
		{"SmallCNN", func(m *Model) { *m = SmallCNN() }},
		{"every image layer", func(m *Model) { *m = imageModel() }},
		{"reshape flat mnist", func(m *Model) { m.Input = []int{784}; m.Layers = append(layers(Reshape(28, 28, 1)), m.Layers...) }},
		{"reshape 28x28", func(m *Model) { m.Input = []int{28, 28}; m.Layers = append(layers(Reshape(-1, 28, 1)), m.Layers...) }},
		{"strides and padding left empty", func(m *Model) {
			for i := range m.Layers {
				m.Layers[i].Strides, m.Layers[i].Padding = nil, ""
			}
			m.Layers[0].Padding = PaddingSame
		}},
		{"limits", func(m *Model) {
			m.Layers[0] = Layer{Type: TypeConv2D, Filters: 1024, KernelSize: []int{15, 1}, Strides: []int{15, 1}, Padding: PaddingSame}
			m.Layers[1] = Layer{Type: TypeMaxPool2D, PoolSize: []int{2, 15}, Strides: []int{1, 15}} // (2, 28, 1024) → (1, 1, 1024)
			m.Layers = append(m.Layers[:2], m.Layers[4:]...)
			m.BatchSize = 8
		}},
		{"pool equal to input", func(m *Model) { m.Layers = append(m.Layers[:4], append(layers(MaxPool2D(5)), m.Layers[4:]...)...) }},
		{"batch norm momentum 0", func(m *Model) {
			m.Layers = append(m.Layers[:1], append(layers(Layer{Type: TypeBatchNormalization, Epsilon: 1e-9}), m.Layers[1:]...)...)
		}},
		{"batch norm after dense", func(m *Model) {
			m.Layers = append(m.Layers[:6], append(layers(BatchNormalization()), m.Layers[6:]...)...)
		}},
		{"unused image fields may be set", func(m *Model) {
			m.Layers[5].Filters, m.Layers[5].KernelSize, m.Layers[5].PoolSize, m.Layers[5].Padding = -1, []int{0}, []int{99}, "bad"
			m.Layers[5].TargetShape, m.Layers[5].Momentum, m.Layers[5].Epsilon = []int{-7}, 3, -1
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := LeNet()
			m.Layers = append([]Layer(nil), m.Layers...)
			c.edit(&m)
			if err := m.Validate(); err != nil {
				t.Fatalf("Validate() = %v, want nil", err)
			}
		})
	}
}

// TestMemoryEstimate works a small model's estimate out by hand.
func TestMemoryEstimate(t *testing.T) {
	m := Model{
		Input:     []int{4, 4, 1},
		Layers:    []Layer{Conv2D(2, 3, ActReLU), {Type: TypeFlatten}, Dense(2, ActSoftmax)},
		Optimizer: Adam(0.001), Loss: LossSparseCategoricalCrossentropy,
		BatchSize: 10, Epochs: 1, Dataset: DatasetCircle,
	}
	// Weights: conv 3·3·1·2+2 = 20, dense 8·2+2 = 18; each with its
	// gradient, the step's backup and Adam's 2 slots: 38·5·4 = 760 bytes,
	// and the largest kernel's transposed copy, the conv's 18: 832 bytes.
	//
	// Per example, in floats: the input 16; the conv's output (2, 2, 2) = 8,
	// dL/dx 16 and relu's output and gradient 2·8; Flatten nothing; the
	// dense's output 2, dL/dx 8 and softmax's 2·2; the loss 2·2.
	// 16 + (8+16+16) + (2+8+4) + 4 = 74. The conv's im2col rows:
	// 2·2 positions × 3·3·1 = 36 per example, 10 examples fit: 360.
	// (10·74 + 360)·4 = 4,400 bytes.
	got, err := MemoryEstimate(m)
	if err != nil {
		t.Fatal(err)
	}
	if want := (Memory{Weights: 832, Activations: 4400}); got != want || got.Total() != 5232 {
		t.Errorf("MemoryEstimate = %+v (total %d), want %+v (5232)", got, got.Total(), want)
	}
	// SGD without momentum keeps no slots; frozen weights no backup.
	m.Optimizer = Optimizer{Name: OptSGD, LearningRate: 0.1}
	m.Layers[2].Frozen = true
	if got, _ := MemoryEstimate(m); got.Weights != 20*3*4+18*3*4+18*4 {
		t.Errorf("SGD with a frozen layer: weights %d bytes, want %d", got.Weights, 20*3*4+18*3*4+18*4)
	}
	m.Layers[0].Filters = 0
	if _, err := MemoryEstimate(m); err == nil || err.Error() != "layer 1 (Conv2D): filters must be between 1 and 1024, got 0" {
		t.Errorf("MemoryEstimate of a broken model: %v", err)
	}
}

// TestMemoryGuard: Validate refuses a model over MaxMemory, with the
// estimate in the message.
func TestMemoryGuard(t *testing.T) {
	// SmallCNN per example, in floats: input 784; conv 32: 21,632 out +
	// 784 dx + 2·21,632 relu = 65,680; conv 64: 36,864 + 21,632 + 2·36,864 =
	// 132,224; pool: 2·9,216 + 36,864 = 55,296; dropout: 2·9,216 + 9,216 =
	// 27,648; dense 128: 128 + 9,216 + 256 = 9,600; dropout 384; dense 10:
	// 10 + 128 + 20 = 158; loss 20. Sum 291,794 floats = 1,167,176 bytes.
	// im2col: conv 32 has 676·9 = 6,084 per example, 86 fit in 2^19 floats:
	// 523,224; conv 64 has 576·288 = 165,888, 3 fit: 497,664.
	// At batch 512: (512·291,794 + 1,020,888)·4 = 601,677,664 bytes ≈ 574
	// MiB; weights 1,199,882·5·4 + the dense kernel 9216·128·4 =
	// 23,997,640 + 4,718,592 = 28,716,232 ≈ 27 MiB.
	m := SmallCNN()
	m.BatchSize = 512
	want := "the model needs about 601 MiB at batch size 512 (weights 27 MiB, activations 574 MiB); a browser tab has about 512 MiB — lower the batch size or the filters"
	if err := m.Validate(); err == nil || err.Error() != want {
		t.Errorf("SmallCNN at batch 512: %v\nwant %s", err, want)
	}
	mem, _ := MemoryEstimate(m)
	if mem.Activations != 601677664 || mem.Weights != 28716232 {
		t.Errorf("MemoryEstimate(SmallCNN at 512) = %+v", mem)
	}
	m.BatchSize = 256
	if err := m.Validate(); err != nil {
		t.Errorf("SmallCNN at batch 256: %v", err)
	}
	// Wide dense layers: 31,085,582 weights · 5 · 4 bytes ≈ 593 MiB, and
	// the 4096×4096 kernel's copy, 64 MiB.
	s := Seed()
	s.Layers = layers(Dense(4096, ActReLU), Dense(4096, ActReLU), Dense(2700, ActReLU), Dense(10, ActSoftmax))
	want = "the model needs about 668 MiB at batch size 64 (weights 657 MiB, activations 11 MiB); a browser tab has about 512 MiB — use fewer units or filters"
	err := s.Validate()
	var se *Error
	if err == nil || err.Error() != want || !errors.As(err, &se) || se.Layer != 0 {
		t.Errorf("wide model: %v\nwant %s", err, want)
	}
}

func TestMiB(t *testing.T) {
	for _, c := range []struct {
		b    int64
		want string
	}{{0, "0.0 MiB"}, {200 << 10, "0.2 MiB"}, {9 << 20, "9.0 MiB"}, {10 << 20, "10 MiB"}, {766 << 20, "766 MiB"}} {
		if got := MiB(c.b); got != c.want {
			t.Errorf("MiB(%d) = %q, want %q", c.b, got, c.want)
		}
	}
}

func TestBatchNormalizationDefaults(t *testing.T) {
	m := LeNet()
	m.Layers = append(layers(Layer{Type: TypeBatchNormalization}, Layer{Type: TypeBatchNormalization, Momentum: 0.5}), m.Layers...)
	got := m.Defaults().Layers
	if !reflect.DeepEqual(got[0], BatchNormalization()) || got[1].Momentum != 0.5 || got[1].Epsilon != 1e-3 {
		t.Errorf("Defaults: %+v, %+v", got[0], got[1])
	}
	if m.Layers[0].Momentum != 0 {
		t.Error("Defaults changed the caller's layers")
	}
}

// TestDecodeImageNames pins the image layers' JSON field names.
func TestDecodeImageNames(t *testing.T) {
	doc := `{"input": [28, 28, 1], "layers": [
	  {"type": "Conv2D", "filters": 8, "kernel_size": [3, 5], "strides": [2, 1], "padding": "same", "activation": "relu"},
	  {"type": "MaxPool2D", "pool_size": [2, 2], "strides": [1, 1], "padding": "valid"},
	  {"type": "BatchNormalization", "momentum": 0.9, "epsilon": 1e-5},
	  {"type": "Reshape", "target_shape": [-1]}]}`
	want := []Layer{
		{Type: TypeConv2D, Filters: 8, KernelSize: []int{3, 5}, Strides: []int{2, 1}, Padding: PaddingSame, Activation: ActReLU},
		{Type: TypeMaxPool2D, PoolSize: []int{2, 2}, Strides: []int{1, 1}, Padding: PaddingValid},
		{Type: TypeBatchNormalization, Momentum: 0.9, Epsilon: 1e-5},
		{Type: TypeReshape, TargetShape: []int{-1}},
	}
	got, err := Decode([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Layers, want) {
		t.Fatalf("Decode =\n%+v\nwant\n%+v", got.Layers, want)
	}
	if _, err := Decode([]byte(`{"layers": [{"type": "Conv2D", "kernel_size": 3}]}`)); err == nil ||
		err.Error() != "model JSON: layers.kernel_size must be a list, got a number" {
		t.Errorf("kernel_size 3: %v", err)
	}
}

// TestSamePadding: padding same's zeros before and after along one axis,
// the odd one after, as TensorFlow pads.
func TestSamePadding(t *testing.T) {
	for _, c := range []struct{ n, k, s, before, after int }{
		{28, 5, 1, 2, 2}, {28, 4, 1, 1, 2}, {28, 4, 2, 1, 1}, {28, 3, 2, 0, 1}, {7, 3, 2, 1, 1}, {5, 1, 3, 0, 0},
	} {
		b, a := SamePadding(c.n, c.k, c.s)
		if b != c.before || a != c.after {
			t.Errorf("n %d, k %d, stride %d: padding (%d, %d), want (%d, %d)", c.n, c.k, c.s, b, a, c.before, c.after)
		}
	}
}
