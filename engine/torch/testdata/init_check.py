"""Checks that model.build(None) draws Keras' initializers, for engine/torch's
tests: glorot_uniform kernels within their limit with the uniform's standard
deviation, he_normal truncated at 2 sigma0 with std sqrt(2 / fan_in), zero
biases, orthogonal recurrent kernels, an LSTM's forget-gate bias of 1, fresh
BatchNormalization statistics.

    init_check.py PROJECT...

prints, for each project, the layers it checked.
"""
import importlib.util
import math
import os
import sys

import numpy as np
import torch


def check(project, index):
    spec = importlib.util.spec_from_file_location("model_%d" % index, os.path.join(project, "model.py"))
    model = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(model)
    torch.manual_seed(1)
    net = model.build(None)
    return " ".join(check_layers(model, net))


def check_layers(model, net):
    for layer in net.layers:
        if not isinstance(layer, model.KerasLayer) or not layer.weight_names:
            continue
        w = dict(zip(layer.weight_names, layer.keras_weights()))
        n = layer.name
        if isinstance(layer, (model.Dense, model.Conv2D)):
            k = w[n + "/kernel"]
            fan_in = int(np.prod(k.shape[:-1]))
            fan_out = int(np.prod(k.shape[:-2])) * k.shape[-1]
            if layer.init == "he_normal":
                sigma0 = math.sqrt(2.0 / fan_in) / 0.87962566103423978
                assert np.abs(k).max() <= 2 * sigma0 + 1e-6, (n, np.abs(k).max(), 2 * sigma0)
                want = math.sqrt(2.0 / fan_in)
            else:
                limit = math.sqrt(6.0 / (fan_in + fan_out))
                assert np.abs(k).max() <= limit + 1e-7, (n, np.abs(k).max(), limit)
                want = limit / math.sqrt(3)
            assert abs(k.std() - want) < 0.15 * want, (n, k.std(), want)
            assert n + "/bias" not in w or not w[n + "/bias"].any(), n
        elif isinstance(layer, model.BatchNormalization):
            assert (w[n + "/gamma"] == 1).all() and not w[n + "/beta"].any(), n
            assert not w[n + "/moving_mean"].any() and (w[n + "/moving_variance"] == 1).all(), n
        else:  # recurrent
            k, rec = w[n + "/kernel"], w[n + "/recurrent_kernel"]
            limit = math.sqrt(6.0 / (k.shape[0] + k.shape[1]))
            assert np.abs(k).max() <= limit + 1e-7, (n, np.abs(k).max(), limit)
            gram = rec @ rec.T  # (units, units): orthonormal rows
            assert np.abs(gram - np.eye(rec.shape[0])).max() < 1e-4, (n, np.abs(gram - np.eye(rec.shape[0])).max())
            if layer.use_bias:
                b = w[n + "/bias"]
                u = layer.units
                want = np.zeros_like(b)
                if layer.kind == "LSTM":
                    want[u:2 * u] = 1
                assert (b == want).all(), (n, b)
        yield n


for i, project in enumerate(sys.argv[1:]):
    print(check(project, i))
