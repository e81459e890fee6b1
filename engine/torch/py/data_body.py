

def read_idx(path):
    """An idx file (MNIST's format), plain or gzipped, as a uint8 array of
    its shape."""
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        path += ".gz"
    if not os.path.exists(path):
        raise SystemExit("%s is missing; put MNIST's idx files in %s (nnplay's `make data` writes them to static/data/mnist)"
                         % (path, os.path.dirname(path) or "."))
    with (gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb")) as f:
        raw = f.read()
    zero, dtype, dims = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != 0x08:
        raise SystemExit("%s is not an idx file of bytes" % path)
    shape = struct.unpack(">" + "I" * dims, raw[4:4 + 4 * dims])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def preprocess(x):
    """Raw features to the model's input, as nnplay does: pixels / 255, then
    (for a data set with stored statistics) (x - MEAN) / STD."""
    x = x.astype(np.float32) / 255.0 if x.dtype == np.uint8 else x.astype(np.float32)
    if MEAN is not None:
        x = (x - np.float32(MEAN)) / np.float32(STD)
    return x


def select(x, y):
    """Keeps the DIGITS (all when None), relabelled 0, 1, ... in that order."""
    if DIGITS is None:
        return x, y
    keep = np.isin(y, DIGITS)
    relabel = np.zeros(256, dtype=np.int64)
    for i, d in enumerate(DIGITS):
        relabel[d] = i
    return x[keep], relabel[y[keep]]


def load_mnist(folder):
    x, y = read_idx(os.path.join(folder, "train-images-idx3-ubyte")), read_idx(os.path.join(folder, "train-labels-idx1-ubyte"))
    tx, ty = read_idx(os.path.join(folder, "t10k-images-idx3-ubyte")), read_idx(os.path.join(folder, "t10k-labels-idx1-ubyte"))
    return select(x, y), select(tx, ty)


def load_arrays(folder):
    """data.npz (x_train, y_train and optionally x_test, y_test), for data sets
    that nnplay generates or the user brought."""
    path = os.path.join(folder, "data.npz")
    if not os.path.exists(path):
        raise SystemExit("%s is missing; it holds the %s data set as x_train, y_train (and x_test, y_test)" % (path, DATASET))
    z = np.load(path)
    test = (z["x_test"], z["y_test"]) if "x_test" in z else (z["x_train"][:0], z["y_train"][:0])
    return (z["x_train"], z["y_train"]), test


def load(folder=DATA_DIR, validation_split=0.0):
    """(x_train, y_train), (x_val, y_val), (x_test, y_test) as tensors: x
    float32 (N,) + INPUT_SHAPE, y class indices. The validation examples are
    the last validation_split of the training set, as nnplay and Keras hold
    them back."""
    (x, y), (tx, ty) = load_mnist(folder) if DATASET == "mnist" else load_arrays(folder)
    x = preprocess(x).reshape((len(x),) + INPUT_SHAPE)
    tx = preprocess(tx).reshape((len(tx),) + INPUT_SHAPE)
    at = int(len(x) * (1 - validation_split))
    as_t = lambda a: torch.from_numpy(np.ascontiguousarray(a))
    y, ty = np.asarray(y, dtype=np.int64), np.asarray(ty, dtype=np.int64)
    return (as_t(x[:at]), as_t(y[:at])), (as_t(x[at:]), as_t(y[at:])), (as_t(tx), as_t(ty))


if __name__ == "__main__":
    (x, y), (vx, vy), (tx, ty) = load()
    print("train %s, validation %s, test %s" % (tuple(x.shape), tuple(vx.shape), tuple(tx.shape)))
