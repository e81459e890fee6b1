

def read_idx(path):
    """An idx file (MNIST's format), plain or gzipped, as a uint8 array of
    its shape."""
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        path += ".gz"
    if not os.path.exists(path):
        raise SystemExit("%s is missing; %s" % (path, WHERE))
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    zero, dtype, dims = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != 0x08:
        raise SystemExit("%s is not an idx file of bytes" % path)
    shape = struct.unpack(">" + "I" * dims, raw[4:4 + 4 * dims])
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def scale_pixels(x):
    """Pixel bytes to the model's input, as nnplay does: b / 255, then per
    channel (v - OFFSET[c]) / SCALE[c] when the data set stores them."""
    x = x.astype(np.float32) / np.float32(255)
    if OFFSET:
        x = x.reshape(len(x), int(np.prod(x.shape[1:])) // CHANNELS, CHANNELS)
        x = ((x - np.float32(OFFSET)) / np.float32(SCALE)).astype(np.float32)
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
    (x, y), (tx, ty) = select(x, y), select(tx, ty)
    return (scale_pixels(x), y), (scale_pixels(tx), ty)


def missing(cell):
    """nnplay's missing values: empty, NA, N/A, NaN, null, None or ?."""
    return cell.strip().lower() in ("", "na", "n/a", "nan", "null", "none", "?")


def read_table(path):
    """A table file as (column names, rows of cell text): CSV (its delimiter
    guessed, the first line naming the columns) or JSON (an array of
    records, numbers kept as written)."""
    with open(path, encoding="utf-8-sig") as f:
        text = f.read()
    if text.lstrip().startswith("["):
        records = json.loads(text, parse_float=str, parse_int=str)
        names = []
        for r in records:
            names += [k for k in r if k not in names]
        cell = lambda v: "" if v is None else (str(v).lower() if isinstance(v, bool) else str(v).strip())
        return names, [[cell(r.get(n)) for n in names] for r in records]
    try:
        dialect = csv.Sniffer().sniff(text[:65536], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect) if row]
    return rows[0], rows[1:]


def encode_table(names, rows):
    """Rows to the model's input as nnplay encodes them: a numeric column's
    value, a categorical column's one-hot (all zero for an unknown
    category), a missing value filled with the column's FILL (a row with no
    fill to use is dropped), then (x - OFFSET) / SCALE per feature. Rows
    whose target is missing or an unknown class are dropped."""
    where = {n: i for i, n in enumerate(names)}
    for c in [col["name"] for col in COLUMNS] + [TARGET]:
        if c not in where:
            raise SystemExit("the table has no column %r (it has %s)" % (c, ", ".join(names)))
    xs, ys = [], []
    for row in rows:
        row = row + [""] * (len(names) - len(row))
        target = row[where[TARGET]]
        if missing(target):
            continue
        if TASK == "classification":
            if target not in CLASS_NAMES:
                continue
            y = CLASS_NAMES.index(target)
        else:
            y = (float(target) - TARGET_OFFSET) / (TARGET_SCALE or 1.0)
        x, ok = [], True
        for col in COLUMNS:
            cell = row[where[col["name"]]]
            if missing(cell):
                if not col.get("fill"):
                    ok = False
                    break
                cell = col["fill"]
            if col["kind"] == "categorical":
                x += [1.0 if cell == c else 0.0 for c in col["categories"]]
            else:
                x.append(float(cell))
        if ok:
            xs.append(x)
            ys.append(y)
    x = np.asarray(xs, dtype=np.float64).reshape(len(xs), -1)
    if OFFSET:
        x = (x - np.asarray(OFFSET)) / np.asarray(SCALE)
    return x.astype(np.float32), np.asarray(ys, dtype=np.float32 if TASK == "regression" else np.int64)


def load_table(folder):
    path = os.path.join(folder, TABLE_FILE)
    if not os.path.exists(path):
        raise SystemExit("%s is missing; %s" % (path, WHERE))
    names, rows = read_table(path)
    x, y = encode_table(names, rows)
    test = os.path.join(folder, "test_" + TABLE_FILE)
    if os.path.exists(test):
        return (x, y), encode_table(*read_table(test))
    return (x, y), (x[:0], y[:0])


def load_images(folder):
    """Images as idx files (images-idx3-ubyte, labels-idx1-ubyte and, for a
    test set, test-images-idx3-ubyte, test-labels-idx1-ubyte) of bytes
    (N, H, W) or (N, H, W, C)."""
    x, y = read_idx(os.path.join(folder, "images-idx3-ubyte")), read_idx(os.path.join(folder, "labels-idx1-ubyte"))
    test = os.path.join(folder, "test-images-idx3-ubyte")
    if os.path.exists(test) or os.path.exists(test + ".gz"):
        tx, ty = read_idx(test), read_idx(os.path.join(folder, "test-labels-idx1-ubyte"))
    else:
        tx, ty = x[:0], y[:0]
    return (scale_pixels(x), y.astype(np.int64)), (scale_pixels(tx), ty.astype(np.int64))


def load_arrays(folder):
    """data.npz: x_train, y_train (and x_test, y_test), already the model's
    input (the 2-D playground's points, or what the export put there)."""
    path = os.path.join(folder, "data.npz")
    if not os.path.exists(path):
        raise SystemExit("%s is missing; %s" % (path, WHERE))
    z = np.load(path)
    test = (z["x_test"], z["y_test"]) if "x_test" in z else (z["x_train"][:0], z["y_train"][:0])
    return (z["x_train"], z["y_train"]), test


def load(folder=DATA_DIR, validation_split=0.0):
    """(x_train, y_train), (x_val, y_val), (x_test, y_test) as tensors: x
    float32 (N,) + INPUT_SHAPE, y class indices (or scaled targets for a
    regression). The validation examples are the last validation_split of
    the training set, as nnplay and Keras hold them back."""
    loader = {"mnist": load_mnist, "table": load_table, "image": load_images, "arrays": load_arrays}[KIND]
    (x, y), (tx, ty) = loader(folder)
    x = np.asarray(x, dtype=np.float32).reshape((len(x),) + INPUT_SHAPE)
    tx = np.asarray(tx, dtype=np.float32).reshape((len(tx),) + INPUT_SHAPE)
    at = int(len(x) * (1 - validation_split))
    as_t = lambda a: torch.from_numpy(np.ascontiguousarray(a))
    kind = np.float32 if TASK == "regression" else np.int64
    y, ty = np.asarray(y, dtype=kind), np.asarray(ty, dtype=kind)
    return (as_t(x[:at]), as_t(y[:at])), (as_t(x[at:]), as_t(y[at:])), (as_t(tx), as_t(ty))


if __name__ == "__main__":
    (x, y), (vx, vy), (tx, ty) = load()
    print("train %s, validation %s, test %s" % (tuple(x.shape), tuple(vx.shape), tuple(tx.shape)))
