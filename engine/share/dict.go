package share

// specDictionary is the preset dictionary of CodecDeflate (RFC 1951 §3.2.2:
// the compressor starts as if these bytes had just been written, so the
// body may refer back into them). It holds the compact JSON of specs like
// the ones people share, rarer settings first and the seed model last
// (nearer matches cost fewer bits): a spec that is mostly made of these
// pieces compresses to a few bytes — the seed model's 362 bytes of JSON
// to 11 instead of 213 — which keeps a recipe link short. It only helps
// the first 32 KiB of a body, so the weights are untouched.
//
// Never edit it: a link made with it opens only with exactly these bytes
// (TestGoldenLinks checks that links made before still open). To change
// it, add a new Codec with a new dictionary and keep this one.
const specDictionary = "" +
	`{"input":[28,28],"layers":[{"type":"Reshape","target_shape":[28,28,1]},{"type":"Conv2D",` +
	`"activation":"leaky_relu","filters":8,"kernel_size":[3,3],"strides":[1,1],"padding":"valid"},` +
	`{"type":"BatchNormalization","momentum":0.99,"epsilon":0.001},{"type":"AveragePooling2D",` +
	`"strides":[2,2],"padding":"valid","pool_size":[2,2]},{"type":"GlobalAveragePooling2D"},` +
	`{"type":"ReLU"},{"type":"LeakyReLU","alpha":0.3},{"type":"Sigmoid"},{"type":"Tanh",` +
	`"frozen":true},{"type":"Conv2D","activation":"relu","kernel_initializer":"he_normal",` +
	`"filters":16,"kernel_size":[3,3],"strides":[2,2],"padding":"same"},{"type":"Dense","units":10,` +
	`"activation":"linear","kernel_initializer":"glorot_uniform"},{"type":"Softmax"}],` +
	`"optimizer":{"name":"rmsprop","learning_rate":0.001,"epsilon":1e-7,"rho":0.9,` +
	`"weight_decay":0.0001},"loss":"categorical_crossentropy","from_logits":true,"batch_size":128,` +
	`"epochs":5,"seed":42,"dataset":"mnist","validation_split":0.1}{"input":[2],` +
	`"layers":[{"type":"Dense","units":8,"activation":"tanh"},{"type":"Dense","units":4,` +
	`"activation":"sigmoid"},{"type":"Dense","units":2,"activation":"softmax"}],` +
	`"optimizer":{"name":"sgd","learning_rate":0.03,"momentum":0.9,"nesterov":true},` +
	`"loss":"mean_squared_error","batch_size":10,"epochs":100,"seed":7,` +
	`"dataset":"circle"}{"input":[3],"layers":[{"type":"Dense","units":16,"activation":"relu"},` +
	`{"type":"Dropout","rate":0.2},{"type":"Dense","units":2,"activation":"softmax"}],` +
	`"optimizer":{"name":"adagrad","learning_rate":0.01,"epsilon":1e-7},` +
	`"loss":"sparse_categorical_crossentropy","batch_size":32,"epochs":20,"seed":3,` +
	`"dataset":"spiral"}"xor""gauss"{"input":[28,28,1],"layers":[{"type":"Conv2D",` +
	`"activation":"relu","filters":6,"kernel_size":[5,5],"strides":[1,1],"padding":"same"},` +
	`{"type":"MaxPool2D","strides":[2,2],"padding":"valid","pool_size":[2,2]},{"type":"Conv2D",` +
	`"activation":"relu","filters":16,"kernel_size":[5,5],"strides":[1,1],"padding":"valid"},` +
	`{"type":"MaxPool2D","strides":[2,2],"padding":"valid","pool_size":[2,2]},{"type":"Flatten"},` +
	`{"type":"Dense","units":120,"activation":"relu"},{"type":"Dense","units":84,` +
	`"activation":"relu"},{"type":"Dense","units":10,"activation":"softmax"}],` +
	`"optimizer":{"name":"adam","learning_rate":0.001,"beta_1":0.9,"beta_2":0.999,"epsilon":1e-7},` +
	`"loss":"sparse_categorical_crossentropy","batch_size":64,"epochs":3,"seed":1,` +
	`"dataset":"mnist"}{"input":[28,28,1],"layers":[{"type":"Conv2D","activation":"relu",` +
	`"filters":32,"kernel_size":[3,3],"strides":[1,1],"padding":"valid"},{"type":"Conv2D",` +
	`"activation":"relu","filters":64,"kernel_size":[3,3],"strides":[1,1],"padding":"valid"},` +
	`{"type":"MaxPool2D","strides":[2,2],"padding":"valid","pool_size":[2,2]},{"type":"Dropout",` +
	`"rate":0.25},{"type":"Flatten"},{"type":"Dense","units":128,"activation":"relu"},` +
	`{"type":"Dropout","rate":0.5},{"type":"Dense","units":10,"activation":"softmax"}],` +
	`"optimizer":{"name":"adam","learning_rate":0.001,"beta_1":0.9,"beta_2":0.999,"epsilon":1e-7},` +
	`"loss":"sparse_categorical_crossentropy","batch_size":64,"epochs":3,"seed":1,` +
	`"dataset":"mnist"}{"input":[784],"layers":[{"type":"Dense","units":128,"activation":"relu"},` +
	`{"type":"Dense","units":64,"activation":"relu"},{"type":"Dense","units":10,` +
	`"activation":"softmax"}],"optimizer":{"name":"adam","learning_rate":0.001,"beta_1":0.9,` +
	`"beta_2":0.999,"epsilon":1e-7},"loss":"sparse_categorical_crossentropy","batch_size":64,` +
	`"epochs":2,"seed":1,"dataset":"mnist"}`
