

class Model(nn.Module):
    """The model: LAYERS in order. Its input is one example per row in
    nnplay's layout, INPUT_SHAPE (flat rows of the same size are accepted);
    forward(x, logits=True) leaves out a final softmax (for a fused,
    numerically stable cross-entropy)."""

    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList(layers())

    def forward(self, x, logits=False):
        x = x.reshape((x.shape[0],) + INPUT_SHAPE)
        if len(INPUT_SHAPE) == 3:
            x = x.permute(0, 3, 1, 2)  # channels last (nnplay) -> first (PyTorch)
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            x = layer.logits(x) if logits and i == last else layer(x)
        if len(OUTPUT_SHAPE) == 3:
            x = x.permute(0, 2, 3, 1)
        return x


def weight_names(model):
    """Every weight's Keras name, in nnplay's order."""
    return [n for layer in model.layers if isinstance(layer, KerasLayer) for n in layer.weight_names]


def keras_weights(model):
    """The weights as {Keras name: float32 array in Keras' layout}, in
    nnplay's order (BatchNormalization's moving statistics included)."""
    out = {}
    for layer in model.layers:
        if isinstance(layer, KerasLayer):
            for name, a in zip(layer.weight_names, layer.keras_weights()):
                out[name] = a
    return out


def load_weights(model, source=WEIGHTS):
    """Loads weights saved by nnplay or save_weights: a path or a dict of
    {Keras name: array}. Every name and shape is checked first; on a
    mismatch nothing changes and ValueError names it."""
    arrays = dict(np.load(source)) if isinstance(source, str) else dict(source)
    want = weight_names(model)
    current = keras_weights(model)
    for name in want:
        if name not in arrays:
            raise ValueError("%s has no weight %r (it has %s)" % (source if isinstance(source, str) else "the weights", name, ", ".join(sorted(arrays)) or "none"))
        if tuple(arrays[name].shape) != current[name].shape:
            raise ValueError("weight %r has shape %s but the model needs %s" % (name, tuple(arrays[name].shape), current[name].shape))
    extra = sorted(set(arrays) - set(want))
    if extra:
        raise ValueError("the weights hold %s, which this model does not have" % ", ".join(extra))
    for layer in model.layers:
        if isinstance(layer, KerasLayer) and layer.weight_names:
            layer.load_keras([np.asarray(arrays[n], dtype=np.float32) for n in layer.weight_names])
    return model


def save_weights(model, path=WEIGHTS):
    """Writes the weights as nnplay reads them (Import weights): a .npz of
    float32 arrays named dense/kernel, dense/bias, ... in Keras' layout."""
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        np.savez(f, **keras_weights(model))
    os.replace(tmp, path)


def build(weights=WEIGHTS):
    """The model, with the weights from that file (None: Keras' initializers,
    drawn from torch's generator; seed it first for a reproducible start)."""
    model = Model()
    if weights is not None:
        load_weights(model, weights)
    return model


if __name__ == "__main__":
    m = build(WEIGHTS if os.path.exists(WEIGHTS) else None)
    print(m)
    print("%d weights" % sum(a.size for a in keras_weights(m).values()))
