

def scheduled_lr(step, steps_per_epoch, epochs):
    """nnplay's learning rate for the step-th batch (from 0): constant;
    exponential, lr * decay_rate ** (step / steps_per_epoch); cosine,
    lr * (1 + cos(pi * step / total)) / 2 (Keras' CosineDecay, to 0)."""
    lr = OPTIMIZER["learning_rate"]
    if SCHEDULE == "exponential":
        return lr * DECAY_RATE ** (step / steps_per_epoch)
    if SCHEDULE == "cosine":
        frac = min(step / (max(epochs, 1) * steps_per_epoch), 1.0)
        return lr * 0.5 * (1 + math.cos(math.pi * frac))
    return lr


class Optimizer:
    """nnplay's (Keras') update rules, which differ from torch.optim in small
    ways (Adam's epsilon outside the bias correction, RMSProp's inside the
    square root, Adagrad's accumulator starting at 0.1). decayed parameters
    (the kernels) gain weight_decay * w in their gradient (L2)."""

    def __init__(self, params, decayed):
        self.params = [p for p in params if p.requires_grad]
        self.decayed = {id(p) for p in decayed}
        self.state = {}
        self.t = 0

    @torch.no_grad()
    def step(self, lr):
        o, name = OPTIMIZER, OPTIMIZER["name"]
        self.t += 1
        for p in self.params:
            if p.grad is None:
                continue
            g = p.grad
            if WEIGHT_DECAY and id(p) in self.decayed:
                g = g + WEIGHT_DECAY * p
            s = self.state.setdefault(id(p), {})
            if name == "adam":
                b1, b2 = o["beta_1"], o["beta_2"]
                m = s.setdefault("m", torch.zeros_like(p))
                v = s.setdefault("v", torch.zeros_like(p))
                m.add_((1 - b1) * (g - m))
                v.add_((1 - b2) * (g * g - v))
                alpha = lr * math.sqrt(1 - b2 ** self.t) / (1 - b1 ** self.t)
                p.sub_(alpha * m / (v.sqrt() + o["epsilon"]))
            elif name == "sgd":
                mom = o.get("momentum", 0.0)
                if mom:
                    v = s.setdefault("v", torch.zeros_like(p))
                    v.mul_(mom).sub_(lr * g)
                    p.add_(mom * v - lr * g if o.get("nesterov") else v)
                else:
                    p.sub_(lr * g)
            elif name == "rmsprop":
                a = s.setdefault("a", torch.zeros_like(p))
                a.mul_(o["rho"]).add_((1 - o["rho"]) * g * g)
                p.sub_(lr * g / (a + o["epsilon"]).sqrt())
            elif name == "adagrad":
                a = s.setdefault("a", torch.full_like(p, 0.1))
                a.add_(g * g)
                p.sub_(lr * g / (a + o["epsilon"]).sqrt())
            else:
                raise ValueError("unknown optimizer %r" % name)


def clip_global_norm(params, c):
    """Keras' global_clipnorm: all gradients scaled by c / max(c, ||g||), ||g||
    their joint L2 norm."""
    grads = [p.grad for p in params if p.grad is not None]
    norm = torch.sqrt(sum((g.double() ** 2).sum() for g in grads))
    if c > 0 and norm > c:
        for g in grads:
            g.mul_(c / norm)
    return norm


def loss_and_correct(model, x, y, classes):
    """The batch's mean loss (nnplay's: from logits when the model ends in
    softmax and the loss is a cross-entropy; else probabilities clipped to
    [1e-7, 1 - 1e-7]) and how many predictions are right (for a regression,
    the sum of absolute errors in the target's units). y holds class
    indices, or a regression's scaled targets."""
    fused = ENDS_IN_SOFTMAX and LOSS != "mean_squared_error" and not FROM_LOGITS
    out = model(x, logits=fused)
    if data.TASK == "regression":
        err = out.reshape(-1) - y.to(out.dtype)
        if LOSS == "mean_absolute_error":
            loss = err.abs().mean()
        elif LOSS == "huber":  # delta 1: d^2 / 2 within 1, |d| - 1/2 beyond
            loss = F.huber_loss(out.reshape(-1), y.to(out.dtype), delta=1.0)
        else:
            loss = (err ** 2).mean()
        return loss, err.detach().abs().sum() * (data.TARGET_SCALE or 1.0)
    if LOSS == "mean_squared_error":
        target = F.one_hot(y, classes).to(out.dtype)
        loss = ((out - target) ** 2).mean()
    elif fused or FROM_LOGITS:
        loss = F.cross_entropy(out, y)
    else:
        p = out.clamp(1e-7, 1 - 1e-7)
        loss = -torch.log(p.gather(1, y[:, None])).mean()
    correct = (out.argmax(dim=1) == y).sum()
    return loss, correct


def train_step(model, optimizer, x, y, lr, classes):
    """One batch: forward, backward (DistributedDataParallel averages the
    gradients across processes here), clipping, the update. Returns the
    loss and the correct predictions."""
    model.train()
    for p in optimizer.params:
        p.grad = None
    loss, correct = loss_and_correct(model, x, y, classes)
    loss.backward()
    if GLOBAL_CLIPNORM:
        clip_global_norm(optimizer.params, GLOBAL_CLIPNORM)
    optimizer.step(lr)
    return loss.detach(), correct


def metric(v):
    """Accuracy, or a regression's mean absolute error in the target's units."""
    if data.TASK == "regression":
        return "mae %.4g" % v
    return "accuracy %.2f%%" % (100 * v)


@torch.no_grad()
def evaluate(model, x, y, classes, device, batch=1000):
    model.eval()
    total, correct = 0.0, 0
    for i in range(0, len(x), batch):
        xb, yb = x[i:i + batch].to(device), y[i:i + batch].to(device)
        loss, c = loss_and_correct(model, xb, yb, classes)
        total += loss.item() * len(xb)
        correct += float(c)
    return total / max(len(x), 1), correct / max(len(x), 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=data.DATA_DIR, help="the data set's folder (default %(default)s)")
    ap.add_argument("--weights", default=model_py.WEIGHTS, help="start from these weights (default %(default)s; when missing, from scratch)")
    ap.add_argument("--from-scratch", action="store_true", help="start from Keras' initializers, seeded by SEED")
    ap.add_argument("--out", default=model_py.WEIGHTS, help="write the trained weights here (default %(default)s)")
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="the global batch, split across processes")
    ap.add_argument("--max-steps", type=int, default=0, help="stop after this many batches (0: no limit)")
    ap.add_argument("--device", default="", help="cpu or cuda (default: cuda when there is one)")
    args = ap.parse_args()

    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    cuda = torch.cuda.is_available() if not args.device else args.device.startswith("cuda")
    device = torch.device("cuda", local_rank) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    elif world > 1:
        torch.set_num_threads(max(1, (os.cpu_count() or 1) // world))
    if world > 1:
        dist.init_process_group("nccl" if cuda else "gloo")  # env:// (torchrun's variables)
    torch.manual_seed(SEED)

    start_from = None if args.from_scratch else args.weights
    if start_from is not None and not os.path.exists(start_from):
        if rank == 0:
            print("%s is missing: starting from Keras' initializers (seed %d)" % (start_from, SEED), flush=True)
        start_from = None
    net = model_py.build(start_from).to(device)
    if not any(p.requires_grad for p in net.parameters()):
        raise SystemExit("every layer is frozen: there is nothing to train (unfreeze a layer in nnplay and export again)")
    decayed = [p for layer in net.layers if isinstance(layer, model_py.KerasLayer) for p in layer.decayed()]
    ddp = DDP(net, device_ids=[local_rank] if cuda else None) if world > 1 else net
    optimizer = Optimizer(ddp.parameters(), decayed)

    (x_train, y_train), (x_val, y_val), (x_test, y_test) = data.load(args.data, VALIDATION_SPLIT)
    classes = data.CLASSES
    if args.batch_size % world:
        raise SystemExit("the batch size %d does not split across %d processes; pass --batch-size" % (args.batch_size, world))
    per_process = args.batch_size // world
    # Each process takes its share of a shuffled order (DistributedSampler:
    # the same permutation everywhere, seeded by SEED and the epoch) and
    # slices batches from the tensors directly, without a DataLoader's
    # per-example copies.
    sampler = DistributedSampler(TensorDataset(x_train, y_train), num_replicas=world, rank=rank, shuffle=True, seed=SEED)
    steps_per_epoch = (len(sampler) + per_process - 1) // per_process
    if rank == 0:
        print("%s: %d training examples, batch %d (%d per process, %d processes on %s), %d epochs"
              % (NAME, len(x_train), args.batch_size, per_process, world, device.type, args.epochs), flush=True)
    step = 0
    for epoch in range(1, args.epochs + 1):
        sampler.set_epoch(epoch - 1)
        start = time.time()
        total = torch.zeros(3, dtype=torch.float64, device=device)  # loss sum, correct, examples
        order = torch.tensor(list(sampler))
        for b in range(steps_per_epoch):
            idx = order[b * per_process:(b + 1) * per_process]
            xb, yb = x_train[idx].to(device), y_train[idx].to(device)
            lr = scheduled_lr(step, steps_per_epoch, args.epochs)
            loss, correct = train_step(ddp, optimizer, xb, yb, lr, classes)
            total[0] += loss.double() * len(xb)
            total[1] += correct
            total[2] += len(xb)
            step += 1
            if args.max_steps and step >= args.max_steps:
                break
        if world > 1:
            dist.all_reduce(total)
        seconds = time.time() - start
        if rank == 0:
            line = "epoch %d/%d: loss %.4f, %s" % (epoch, args.epochs, total[0] / total[2], metric(total[1] / total[2]))
            if len(x_val):
                vl, va = evaluate(net, x_val, y_val, classes, device)
                line += ", val_loss %.4f, val_%s" % (vl, metric(va))
            print(line + ", %.1f s" % seconds, flush=True)
        if args.max_steps and step >= args.max_steps:
            break
    if rank == 0:
        if len(x_test):
            tl, ta = evaluate(net, x_test, y_test, classes, device)
            print("test: loss %.4f, %s" % (tl, metric(ta)), flush=True)
        model_py.save_weights(net, args.out)
        print("weights written to %s; bring them back with nnplay's Import weights" % args.out, flush=True)
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
