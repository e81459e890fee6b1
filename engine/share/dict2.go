package share

// specDictionary2 is the preset dictionary of CodecDeflate2: rarer pieces
// first (recurrent layers' settings, the exponential schedule, clipping,
// digit subsets), then all of specDictionary, then the compact JSON of the
// presets as they were when it was made (the GRU and LSTM row-by-row
// models, the small CNN and LeNet with their cosine schedules) and the seed
// model last, nearest the body.
//
// Never edit it: links made with it open only with exactly these bytes
// (TestGoldenLinks). To change it, add a new Codec with a new dictionary.
const specDictionary2 = "" +
	`{"type":"SimpleRNN","units":32,"activation":"relu","recurrent_activation":"hard_sigmoid","return` +
	`_sequences":true,"use_bias":false,"reset_after":false}"schedule":"exponential","decay_rate":0.5,` +
	`"global_clipnorm":5}"classes":[0,1,2,3,4]}"classes":[5,6,7,8,9]}{"input":[28,28],"layers":[{"typ` +
	`e":"Reshape","target_shape":[28,28,1]},{"type":"Conv2D","activation":"leaky_relu","filters":8,"k` +
	`ernel_size":[3,3],"strides":[1,1],"padding":"valid"},{"type":"BatchNormalization","momentum":0.9` +
	`9,"epsilon":0.001},{"type":"AveragePooling2D","strides":[2,2],"padding":"valid","pool_size":[2,2` +
	`]},{"type":"GlobalAveragePooling2D"},{"type":"ReLU"},{"type":"LeakyReLU","alpha":0.3},{"type":"S` +
	`igmoid"},{"type":"Tanh","frozen":true},{"type":"Conv2D","activation":"relu","kernel_initializer"` +
	`:"he_normal","filters":16,"kernel_size":[3,3],"strides":[2,2],"padding":"same"},{"type":"Dense",` +
	`"units":10,"activation":"linear","kernel_initializer":"glorot_uniform"},{"type":"Softmax"}],"opt` +
	`imizer":{"name":"rmsprop","learning_rate":0.001,"epsilon":1e-7,"rho":0.9,"weight_decay":0.0001},` +
	`"loss":"categorical_crossentropy","from_logits":true,"batch_size":128,"epochs":5,"seed":42,"data` +
	`set":"mnist","validation_split":0.1}{"input":[2],"layers":[{"type":"Dense","units":8,"activation` +
	`":"tanh"},{"type":"Dense","units":4,"activation":"sigmoid"},{"type":"Dense","units":2,"activatio` +
	`n":"softmax"}],"optimizer":{"name":"sgd","learning_rate":0.03,"momentum":0.9,"nesterov":true},"l` +
	`oss":"mean_squared_error","batch_size":10,"epochs":100,"seed":7,"dataset":"circle"}{"input":[3],` +
	`"layers":[{"type":"Dense","units":16,"activation":"relu"},{"type":"Dropout","rate":0.2},{"type":` +
	`"Dense","units":2,"activation":"softmax"}],"optimizer":{"name":"adagrad","learning_rate":0.01,"e` +
	`psilon":1e-7},"loss":"sparse_categorical_crossentropy","batch_size":32,"epochs":20,"seed":3,"dat` +
	`aset":"spiral"}"xor""gauss"{"input":[28,28,1],"layers":[{"type":"Conv2D","activation":"relu","fi` +
	`lters":6,"kernel_size":[5,5],"strides":[1,1],"padding":"same"},{"type":"MaxPool2D","strides":[2,` +
	`2],"padding":"valid","pool_size":[2,2]},{"type":"Conv2D","activation":"relu","filters":16,"kerne` +
	`l_size":[5,5],"strides":[1,1],"padding":"valid"},{"type":"MaxPool2D","strides":[2,2],"padding":"` +
	`valid","pool_size":[2,2]},{"type":"Flatten"},{"type":"Dense","units":120,"activation":"relu"},{"` +
	`type":"Dense","units":84,"activation":"relu"},{"type":"Dense","units":10,"activation":"softmax"}` +
	`],"optimizer":{"name":"adam","learning_rate":0.001,"beta_1":0.9,"beta_2":0.999,"epsilon":1e-7},"` +
	`loss":"sparse_categorical_crossentropy","batch_size":64,"epochs":3,"seed":1,"dataset":"mnist"}{"` +
	`input":[28,28,1],"layers":[{"type":"Conv2D","activation":"relu","filters":32,"kernel_size":[3,3]` +
	`,"strides":[1,1],"padding":"valid"},{"type":"Conv2D","activation":"relu","filters":64,"kernel_si` +
	`ze":[3,3],"strides":[1,1],"padding":"valid"},{"type":"MaxPool2D","strides":[2,2],"padding":"vali` +
	`d","pool_size":[2,2]},{"type":"Dropout","rate":0.25},{"type":"Flatten"},{"type":"Dense","units":` +
	`128,"activation":"relu"},{"type":"Dropout","rate":0.5},{"type":"Dense","units":10,"activation":"` +
	`softmax"}],"optimizer":{"name":"adam","learning_rate":0.001,"beta_1":0.9,"beta_2":0.999,"epsilon` +
	`":1e-7},"loss":"sparse_categorical_crossentropy","batch_size":64,"epochs":3,"seed":1,"dataset":"` +
	`mnist"}{"input":[784],"layers":[{"type":"Dense","units":128,"activation":"relu"},{"type":"Dense"` +
	`,"units":64,"activation":"relu"},{"type":"Dense","units":10,"activation":"softmax"}],"optimizer"` +
	`:{"name":"adam","learning_rate":0.001,"beta_1":0.9,"beta_2":0.999,"epsilon":1e-7},"loss":"sparse` +
	`_categorical_crossentropy","batch_size":64,"epochs":2,"seed":1,"dataset":"mnist"}{"input":[784],` +
	`"layers":[{"type":"Reshape","target_shape":[28,28]},{"type":"GRU","units":64,"activation":"tanh"` +
	`,"recurrent_activation":"sigmoid"},{"type":"Dense","units":10,"activation":"softmax"}],"optimize` +
	`r":{"name":"adam","learning_rate":0.003,"beta_1":0.9,"beta_2":0.999,"epsilon":1e-7,"global_clipn` +
	`orm":1},"loss":"sparse_categorical_crossentropy","batch_size":64,"epochs":3,"seed":1,"dataset":"` +
	`mnist"}{"input":[784],"layers":[{"type":"Reshape","target_shape":[28,28]},{"type":"LSTM","units"` +
	`:64,"activation":"tanh","recurrent_activation":"sigmoid"},{"type":"Dense","units":10,"activation` +
	`":"softmax"}],"optimizer":{"name":"adam","learning_rate":0.003,"beta_1":0.9,"beta_2":0.999,"epsi` +
	`lon":1e-7,"global_clipnorm":1},"loss":"sparse_categorical_crossentropy","batch_size":64,"epochs"` +
	`:3,"seed":1,"dataset":"mnist"}{"input":[28,28,1],"layers":[{"type":"Conv2D","activation":"relu",` +
	`"filters":32,"kernel_size":[3,3],"strides":[1,1],"padding":"valid"},{"type":"Conv2D","activation` +
	`":"relu","filters":64,"kernel_size":[3,3],"strides":[1,1],"padding":"valid"},{"type":"MaxPool2D"` +
	`,"strides":[2,2],"padding":"valid","pool_size":[2,2]},{"type":"Dropout","rate":0.25},{"type":"Fl` +
	`atten"},{"type":"Dense","units":128,"activation":"relu"},{"type":"Dropout","rate":0.5},{"type":"` +
	`Dense","units":10,"activation":"softmax"}],"optimizer":{"name":"adam","learning_rate":0.002,"bet` +
	`a_1":0.9,"beta_2":0.999,"epsilon":1e-7,"schedule":"cosine"},"loss":"sparse_categorical_crossentr` +
	`opy","batch_size":128,"epochs":3,"seed":1,"dataset":"mnist"}{"input":[28,28,1],"layers":[{"type"` +
	`:"Conv2D","activation":"relu","filters":6,"kernel_size":[5,5],"strides":[1,1],"padding":"same"},` +
	`{"type":"MaxPool2D","strides":[2,2],"padding":"valid","pool_size":[2,2]},{"type":"Conv2D","activ` +
	`ation":"relu","filters":16,"kernel_size":[5,5],"strides":[1,1],"padding":"valid"},{"type":"MaxPo` +
	`ol2D","strides":[2,2],"padding":"valid","pool_size":[2,2]},{"type":"Flatten"},{"type":"Dense","u` +
	`nits":120,"activation":"relu"},{"type":"Dense","units":84,"activation":"relu"},{"type":"Dense","` +
	`units":10,"activation":"softmax"}],"optimizer":{"name":"adam","learning_rate":0.003,"beta_1":0.9` +
	`,"beta_2":0.999,"epsilon":1e-7,"schedule":"cosine"},"loss":"sparse_categorical_crossentropy","ba` +
	`tch_size":64,"epochs":3,"seed":1,"dataset":"mnist"}{"input":[784],"layers":[{"type":"Dense","uni` +
	`ts":128,"activation":"relu"},{"type":"Dense","units":64,"activation":"relu"},{"type":"Dense","un` +
	`its":10,"activation":"softmax"}],"optimizer":{"name":"adam","learning_rate":0.001,"beta_1":0.9,"` +
	`beta_2":0.999,"epsilon":1e-7},"loss":"sparse_categorical_crossentropy","batch_size":64,"epochs":` +
	`2,"seed":1,"dataset":"mnist"}`
