"""Runs an exported nnplay project for engine/torch's tests.

    check.py PROJECT REQUEST.npz OUT.npz STEP.npz [TRAINED.npz]
    check.py --serve    (one such request a line, tab-separated; answers
                         "ok" or "error: ..." a line; importing torch once)

REQUEST holds x (inputs to predict), bx and by (a batch and its class
indices), lr (the step's learning rate) and mask0, mask1, ... (the Dropout
layers' masks for the step, in nnplay's layout). OUT gets pred (the
predictions with the project's weights.npz), loss (one training step's, from
those weights and a fresh optimizer), lrs (train.py's learning rate at
steps 0, 37, 100, 250 and 299 of a run of 100 steps an epoch) and, with
TRAINED, pred_trained (the predictions with those weights). STEP gets the
weights after the step.
"""
import importlib
import sys
import traceback

import numpy as np
import torch


def check(project, request, out, step_out, trained=None):
    # Each project has its own model, data and train modules.
    for name in ("model", "data", "train"):
        sys.modules.pop(name, None)
    sys.path.insert(0, project)
    try:
        data = importlib.import_module("data")
        model = importlib.import_module("model")
        train = importlib.import_module("train")
    finally:
        sys.path.remove(project)

    torch.manual_seed(0)
    z = np.load(request)
    x = torch.from_numpy(z["x"])
    result = {}
    with torch.no_grad():
        net = model.build()
        net.eval()
        result["pred"] = net(x).numpy()
        if trained:
            other = model.build(trained)
            other.eval()
            result["pred_trained"] = other(x).numpy()

    net = model.build()
    decayed = [p for layer in net.layers if isinstance(layer, model.KerasLayer) for p in layer.decayed()]
    optimizer = train.Optimizer(net.parameters(), decayed)
    dropouts = [layer for layer in net.layers if isinstance(layer, model.Dropout)]
    for i, layer in enumerate(dropouts):
        if "mask%d" % i in z:
            layer.next_mask = z["mask%d" % i]
    loss, _ = train.train_step(net, optimizer, torch.from_numpy(z["bx"]), torch.from_numpy(z["by"]).long(), float(z["lr"]), data.CLASSES)
    result["loss"] = np.float32(loss.item())
    result["lrs"] = np.float32([train.scheduled_lr(s, 100, train.EPOCHS) for s in (0, 37, 100, 250, 299)])
    model.save_weights(net, step_out)
    np.savez(out, **result)


if sys.argv[1:] == ["--serve"]:
    for line in sys.stdin:
        try:
            check(*line.rstrip("\n").split("\t"))
            print("ok", flush=True)
        except Exception:
            print("error: " + traceback.format_exc().replace("\n", " | "), flush=True)
else:
    check(*sys.argv[1:])
