"""Reads a data set through an exported project's data.py, for engine/torch's
tests.

    data_check.py PROJECT OUT.npz STEP.npz LR BATCH

OUT gets x and y (every usable example, encoded and scaled by data.py), pred
(the model's predictions for x) and loss (one training step on the first
BATCH rows with learning rate LR from a fresh optimizer); STEP the weights
after it.
"""
import sys

import numpy as np
import torch

project, out, step_out, lr, batch = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5])
sys.path.insert(0, project)
import data  # noqa: E402
import model  # noqa: E402
import train  # noqa: E402

(x, y), _, _ = data.load(data.DATA_DIR, 0.0)
net = model.build()
net.eval()
with torch.no_grad():
    pred = net(x).numpy()
decayed = [p for layer in net.layers if isinstance(layer, model.KerasLayer) for p in layer.decayed()]
optimizer = train.Optimizer(net.parameters(), decayed)
loss, _ = train.train_step(net, optimizer, x[:batch], y[:batch], lr, data.CLASSES)
model.save_weights(net, step_out)
np.savez(out, x=x.numpy(), y=y.numpy().astype(np.float32), pred=pred, loss=np.float32(loss.item()))
