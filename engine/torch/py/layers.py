# ---------------------------------------------------------------------------
# Layers with nnplay's (Keras') semantics. nnplay keeps images channels last,
# (height, width, channels); PyTorch's convolutions want channels first. In
# this module every (height, width, channels) tensor of nnplay's is held as
# (N, channels, height, width): the model turns its input around once, and
# Flatten and Reshape turn it back so values land where nnplay puts them.
# Each layer that holds weights knows its Keras names ("dense/kernel") and
# converts between Keras' layout (what weights.npz holds) and PyTorch's.
# ---------------------------------------------------------------------------


def activation(name, alpha=0.2):
    """Keras activations by name ("" and "linear" are the identity)."""
    if name in ("", "linear"):
        return nn.Identity()
    if name == "relu":
        return nn.ReLU()
    if name == "leaky_relu":
        return nn.LeakyReLU(alpha)
    if name == "sigmoid":
        return nn.Sigmoid()
    if name == "tanh":
        return nn.Tanh()
    if name == "softmax":
        return nn.Softmax(dim=1)
    raise ValueError("unknown activation %r" % name)


def glorot_uniform_(w, fan_in, fan_out):
    """Keras' glorot_uniform: U(-l, l), l = sqrt(6 / (fan_in + fan_out))."""
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    with torch.no_grad():
        return w.uniform_(-limit, limit)


def he_normal_(w, fan_in):
    """Keras' he_normal: a normal truncated at 2 sigma0, sigma0 chosen so the
    standard deviation is sqrt(2 / fan_in)."""
    sigma = math.sqrt(2.0 / fan_in) / 0.87962566103423978
    with torch.no_grad():
        return nn.init.trunc_normal_(w, 0.0, sigma, -2 * sigma, 2 * sigma)


def kernel_init_(w, init, fan_in, fan_out):
    if init == "he_normal":
        return he_normal_(w, fan_in)
    return glorot_uniform_(w, fan_in, fan_out)


class KerasLayer(nn.Module):
    """A layer with Keras names for its weights. keras_weights() gives them
    in Keras' layout; load_keras() takes them back. A frozen layer (Keras'
    trainable=False) has requires_grad False on its parameters."""

    name = ""
    frozen = False
    weight_names = ()

    def keras_weights(self):
        return []

    def load_keras(self, arrays):
        pass

    def decayed(self):
        """The parameters L2 weight decay applies to (the kernels)."""
        return []

    def reset_keras(self):
        pass

    def freeze(self):
        self.frozen = True
        for p in self.parameters():
            p.requires_grad_(False)
        return self


def t(a):
    return torch.as_tensor(np.ascontiguousarray(a), dtype=torch.float32)


def np32(x):
    return np.ascontiguousarray(x.detach().cpu().numpy(), dtype=np.float32)


class Dense(KerasLayer):
    """Keras Dense: y = act(x @ kernel + bias); kernel (in, units) in Keras,
    nn.Linear's weight is its transpose. bias=False (Keras' use_bias=False)
    leaves the bias out: y = act(x @ kernel)."""

    def __init__(self, name, units_in, units, act="", alpha=0.2, init="glorot_uniform", bias=True):
        super().__init__()
        self.name, self.init = name, init
        self.weight_names = (name + "/kernel",) + ((name + "/bias",) if bias else ())
        self.linear = nn.Linear(units_in, units, bias=bias)
        self.act_name = act
        self.act = activation(act, alpha)
        self.reset_keras()

    def forward(self, x):
        return self.act(self.linear(x))

    def logits(self, x):
        """The output before a softmax activation."""
        return self.linear(x)

    def keras_weights(self):
        return [np32(self.linear.weight.t())] + with_bias(self.linear)

    def load_keras(self, arrays):
        with torch.no_grad():
            self.linear.weight.copy_(t(arrays[0]).t())
            load_bias(self.linear, arrays)

    def decayed(self):
        return [self.linear.weight]

    def reset_keras(self):
        w = self.linear.weight
        kernel_init_(w, self.init, w.shape[1], w.shape[0])
        if self.linear.bias is not None:
            nn.init.zeros_(self.linear.bias)


def with_bias(module):
    """The module's bias as a Keras array, in a list: empty without one."""
    return [] if module.bias is None else [np32(module.bias)]


def load_bias(module, arrays):
    """Copies arrays[1], Keras' bias, into the module's, if it has one."""
    if module.bias is not None:
        module.bias.copy_(t(arrays[1]))


def same_padding(n, k, s):
    """TensorFlow's padding same along one axis: (before, after), the odd
    one after, so the output is ceil(n / s)."""
    out = (n + s - 1) // s
    total = max((out - 1) * s + k - n, 0)
    return total // 2, total - total // 2


class Conv2D(KerasLayer):
    """Keras Conv2D (channels last in nnplay, channels first here). kernel is
    (kh, kw, in, filters) in Keras, (filters, in, kh, kw) in PyTorch. pad is
    (left, right, top, bottom): padding same can need one more after than
    before, which nn.Conv2d's padding cannot say, so then F.pad does it.
    bias=False (Keras' use_bias=False) leaves the bias out."""

    def __init__(self, name, c_in, filters, kernel, stride, pad, act="", alpha=0.2, init="glorot_uniform", bias=True):
        super().__init__()
        self.name, self.init = name, init
        self.weight_names = (name + "/kernel",) + ((name + "/bias",) if bias else ())
        left, right, top, bottom = pad
        symmetric = left == right and top == bottom
        self.pad = None if symmetric else pad
        self.conv = nn.Conv2d(c_in, filters, kernel, stride, padding=(top, left) if symmetric else 0, bias=bias)
        self.act_name = act
        self.act = activation(act, alpha)
        self.reset_keras()

    def forward(self, x):
        if self.pad is not None:
            x = F.pad(x, self.pad)
        return self.act(self.conv(x))

    def logits(self, x):
        if self.pad is not None:
            x = F.pad(x, self.pad)
        return self.conv(x)

    def keras_weights(self):
        return [np32(self.conv.weight.permute(2, 3, 1, 0))] + with_bias(self.conv)

    def load_keras(self, arrays):
        with torch.no_grad():
            self.conv.weight.copy_(t(arrays[0]).permute(3, 2, 0, 1))
            load_bias(self.conv, arrays)

    def decayed(self):
        return [self.conv.weight]

    def reset_keras(self):
        w = self.conv.weight
        field = w.shape[2] * w.shape[3]
        kernel_init_(w, self.init, w.shape[1] * field, w.shape[0] * field)
        if self.conv.bias is not None:
            nn.init.zeros_(self.conv.bias)


class Pool2D(nn.Module):
    """Keras MaxPooling2D / AveragePooling2D. With padding same the edge
    windows hang over the image and pool only the image's values: max pads
    with -inf, the average divides by how many image values a window covers."""

    def __init__(self, kind, size, stride, pad):
        super().__init__()
        self.kind, self.size, self.stride = kind, size, stride
        self.pad = pad if any(pad) else None

    def forward(self, x):
        if self.kind == "max":
            if self.pad is not None:
                x = F.pad(x, self.pad, value=float("-inf"))
            return F.max_pool2d(x, self.size, self.stride)
        if self.pad is None:
            return F.avg_pool2d(x, self.size, self.stride)
        total = F.avg_pool2d(F.pad(x, self.pad), self.size, self.stride, divisor_override=1)
        ones = torch.ones((1, 1) + tuple(x.shape[2:]), dtype=x.dtype, device=x.device)
        count = F.avg_pool2d(F.pad(ones, self.pad), self.size, self.stride, divisor_override=1)
        return total / count


class GlobalAveragePooling2D(nn.Module):
    """(N, C, H, W) -> (N, C): the mean over height and width."""

    def forward(self, x):
        return x.mean(dim=(2, 3))


class BatchNormalization(KerasLayer):
    """Keras BatchNormalization over the channel axis (dim). Training uses the
    batch's mean and biased variance and moves
    moving = momentum * moving + (1 - momentum) * batch (Keras' momentum 0.99
    is PyTorch's 0.01, and PyTorch would use the unbiased variance, so this
    layer does it by hand); inference, and a frozen layer, use the moving
    statistics. epsilon (Keras' 1e-3, PyTorch's 1e-5) is added to the
    variance."""

    def __init__(self, name, channels, dim, momentum=0.99, epsilon=1e-3):
        super().__init__()
        self.name, self.dim, self.momentum, self.epsilon = name, dim, momentum, epsilon
        self.weight_names = tuple(name + "/" + w for w in ("gamma", "beta", "moving_mean", "moving_variance"))
        self.gamma = nn.Parameter(torch.ones(channels))
        self.beta = nn.Parameter(torch.zeros(channels))
        self.register_buffer("moving_mean", torch.zeros(channels))
        self.register_buffer("moving_variance", torch.ones(channels))

    def _view(self, v, x):
        shape = [1] * x.dim()
        shape[self.dim] = -1
        return v.view(shape)

    def forward(self, x):
        if self.training and not self.frozen:
            axes = [d for d in range(x.dim()) if d != self.dim % x.dim()]
            mean = x.mean(dim=axes)
            var = ((x - self._view(mean, x)) ** 2).mean(dim=axes)
            with torch.no_grad():
                self.moving_mean.mul_(self.momentum).add_((1 - self.momentum) * mean.detach())
                self.moving_variance.mul_(self.momentum).add_((1 - self.momentum) * var.detach())
        else:
            mean, var = self.moving_mean, self.moving_variance
        scale = self.gamma / torch.sqrt(var + self.epsilon)
        return (x - self._view(mean, x)) * self._view(scale, x) + self._view(self.beta, x)

    def keras_weights(self):
        return [np32(self.gamma), np32(self.beta), np32(self.moving_mean), np32(self.moving_variance)]

    def load_keras(self, arrays):
        with torch.no_grad():
            for dst, a in zip((self.gamma, self.beta, self.moving_mean, self.moving_variance), arrays):
                dst.copy_(t(a))

    def reset_keras(self):
        with torch.no_grad():
            self.gamma.fill_(1)
            self.beta.zero_()
            self.moving_mean.zero_()
            self.moving_variance.fill_(1)


class Dropout(nn.Module):
    """Inverted dropout (Keras'): while training each input is zeroed with
    probability rate and the rest scaled by 1 / (1 - rate).

    next_mask, when set, is used (once) instead of a random draw; it is in
    nnplay's layout (channels last), for checking a step against nnplay."""

    def __init__(self, rate, image=False):
        super().__init__()
        self.rate, self.image, self.next_mask = rate, image, None

    def forward(self, x):
        if not self.training or self.rate == 0:
            return x
        if self.next_mask is not None:
            mask = t(self.next_mask).to(x.device).reshape(x.shape[0], *(x.shape[2:] + x.shape[1:2] if self.image else x.shape[1:]))
            if self.image:
                mask = mask.permute(0, 3, 1, 2)
            self.next_mask = None
            return x * mask
        return F.dropout(x, self.rate, True)


class Flatten(nn.Module):
    """Keras Flatten: channels-last order, so an image goes back to
    (N, H, W, C) before it is flattened."""

    def __init__(self, image=False):
        super().__init__()
        self.image = image

    def forward(self, x):
        if self.image:
            x = x.permute(0, 2, 3, 1)
        return x.reshape(x.shape[0], -1)


class Reshape(nn.Module):
    """Keras Reshape of one example to target (channels last), holding the
    result channels first when it is an image."""

    def __init__(self, target, image_in=False):
        super().__init__()
        self.target, self.image_in = tuple(target), image_in

    def forward(self, x):
        if self.image_in:
            x = x.permute(0, 2, 3, 1)
        x = x.reshape((x.shape[0],) + self.target)
        if len(self.target) == 3:
            x = x.permute(0, 3, 1, 2)
        return x


class Softmax(nn.Module):
    """Keras Softmax over the last axis (the channels: dim 1 for an image)."""

    def __init__(self, dim=-1):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return torch.softmax(x, dim=self.dim)

    def logits(self, x):
        return x


def keras_act(name):
    return {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu, "linear": lambda v: v, "": lambda v: v}[name]


class Recurrent(KerasLayer):
    """Keras SimpleRNN, LSTM or GRU over (N, T, F), batch first, from a zero
    state; the last step's state, or every step's with return_sequences.

    Keras keeps the gates side by side in one kernel (F, k*units): LSTM i, f,
    c, o; GRU z, r, h. PyTorch's built-in layers hold (k*units, F) with LSTM
    i, f, g, o (the same order) and GRU r, z, n (z and r swapped), and two
    biases where Keras has one. The built-in layer runs (cuDNN on a GPU) when
    it computes what Keras does: SimpleRNN tanh or relu, LSTM tanh with
    sigmoid gates, GRU tanh with sigmoid gates and reset_after (Keras' default:
    r multiplies U h + b_rec, PyTorch's formula). Its second bias is then
    held at 0 and not trained (Keras has one bias), except a reset_after GRU's,
    which is Keras' recurrent bias. Other configurations run Keras' equations
    step by step on Keras-layout weights."""

    def __init__(self, name, kind, features, units, act="tanh", ract="sigmoid", use_bias=True,
                 reset_after=True, return_sequences=False):
        super().__init__()
        self.name, self.kind, self.units = name, kind, units
        self.gates = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}[kind]
        self.act_name, self.ract_name = act, ract
        self.use_bias, self.reset_after = use_bias, reset_after
        self.return_sequences = return_sequences
        names = ["kernel", "recurrent_kernel"] + (["bias"] if use_bias else [])
        self.weight_names = tuple(name + "/" + n for n in names)
        k = self.gates
        self.builtin = ((kind == "SimpleRNN" and act in ("tanh", "relu"))
                        or (kind == "LSTM" and act == "tanh" and ract == "sigmoid")
                        or (kind == "GRU" and act == "tanh" and ract == "sigmoid" and reset_after))
        if self.builtin:
            cls = {"SimpleRNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}[kind]
            extra = {"nonlinearity": act} if kind == "SimpleRNN" else {}
            self.rnn = cls(features, units, batch_first=True, bias=use_bias, **extra)
            if use_bias and kind != "GRU":
                self.rnn.bias_hh_l0.requires_grad_(False)
        else:
            self.kernel = nn.Parameter(torch.zeros(features, k * units))
            self.recurrent_kernel = nn.Parameter(torch.zeros(units, k * units))
            if use_bias:
                shape = (2, k * units) if kind == "GRU" and reset_after else (k * units,)
                self.bias = nn.Parameter(torch.zeros(shape))
            self.act, self.ract = keras_act(act), keras_act(ract)
        self.reset_keras()

    # The gate permutation between Keras' and PyTorch's order (GRU only).
    def _to_torch(self, a):
        if self.kind != "GRU":
            return a
        u = self.units
        return np.concatenate([a[..., u:2 * u], a[..., :u], a[..., 2 * u:]], axis=-1)

    _from_torch = _to_torch  # swapping z and r is its own inverse

    def forward(self, x):
        if self.builtin:
            out, _ = self.rnn(x)
            return out if self.return_sequences else out[:, -1]
        n, steps = x.shape[0], x.shape[1]
        u = self.units
        h = x.new_zeros(n, u)
        c = x.new_zeros(n, u)
        xw = x @ self.kernel
        if self.use_bias and not (self.kind == "GRU" and self.reset_after):
            xw = xw + self.bias
        outs = []
        for s in range(steps):
            z = xw[:, s]
            if self.kind == "SimpleRNN":
                h = self.act(z + h @ self.recurrent_kernel)
            elif self.kind == "LSTM":
                z = z + h @ self.recurrent_kernel
                i, f = self.ract(z[:, :u]), self.ract(z[:, u:2 * u])
                c = f * c + i * self.act(z[:, 2 * u:3 * u])
                h = self.ract(z[:, 3 * u:]) * self.act(c)
            else:
                rec = self.recurrent_kernel
                if self.reset_after:
                    inner = h @ rec
                    if self.use_bias:
                        z = z + self.bias[0]
                        inner = inner + self.bias[1]
                    zg = self.ract(z[:, :u] + inner[:, :u])
                    r = self.ract(z[:, u:2 * u] + inner[:, u:2 * u])
                    hh = self.act(z[:, 2 * u:] + r * inner[:, 2 * u:])
                else:
                    zg = self.ract(z[:, :u] + h @ rec[:, :u])
                    r = self.ract(z[:, u:2 * u] + h @ rec[:, u:2 * u])
                    hh = self.act(z[:, 2 * u:] + (r * h) @ rec[:, 2 * u:])
                h = zg * h + (1 - zg) * hh
            outs.append(h)
        return torch.stack(outs, dim=1) if self.return_sequences else h

    def keras_weights(self):
        if not self.builtin:
            return [np32(p) for p in (self.kernel, self.recurrent_kernel) + ((self.bias,) if self.use_bias else ())]
        r = self.rnn
        out = [self._from_torch(np32(r.weight_ih_l0.t())), self._from_torch(np32(r.weight_hh_l0.t()))]
        if self.use_bias:
            if self.kind == "GRU":
                out.append(np.stack([self._from_torch(np32(r.bias_ih_l0)), self._from_torch(np32(r.bias_hh_l0))]))
            else:
                out.append(np32(r.bias_ih_l0 + r.bias_hh_l0))
        return out

    def load_keras(self, arrays):
        with torch.no_grad():
            if not self.builtin:
                for p, a in zip((self.kernel, self.recurrent_kernel) + ((self.bias,) if self.use_bias else ()), arrays):
                    p.copy_(t(a))
                return
            r = self.rnn
            r.weight_ih_l0.copy_(t(self._to_torch(arrays[0])).t())
            r.weight_hh_l0.copy_(t(self._to_torch(arrays[1])).t())
            if self.use_bias:
                if self.kind == "GRU":
                    r.bias_ih_l0.copy_(t(self._to_torch(arrays[2][0])))
                    r.bias_hh_l0.copy_(t(self._to_torch(arrays[2][1])))
                else:
                    r.bias_ih_l0.copy_(t(arrays[2]))
                    r.bias_hh_l0.zero_()

    def decayed(self):
        if self.builtin:
            return [self.rnn.weight_ih_l0, self.rnn.weight_hh_l0]
        return [self.kernel, self.recurrent_kernel]

    def reset_keras(self):
        """Keras' initializers: kernel glorot_uniform over (F, k*units),
        recurrent_kernel orthogonal (units, k*units), bias 0 (an LSTM's forget
        gate's 1, unit_forget_bias)."""
        k, u = self.gates, self.units
        features = self.rnn.input_size if self.builtin else self.kernel.shape[0]
        kernel = glorot_uniform_(torch.empty(features, k * u), features, k * u)
        rec = nn.init.orthogonal_(torch.empty(u, k * u))
        bias = torch.zeros(k * u)
        if self.kind == "LSTM":
            bias[u:2 * u] = 1
        if self.kind == "GRU" and self.reset_after:
            bias = torch.zeros(2, k * u)
        arrays = [kernel.numpy(), rec.numpy()] + ([bias.numpy()] if self.use_bias else [])
        self.load_keras(arrays)
