package torch

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nnplay/nnplay/engine/share"
	"github.com/nnplay/nnplay/engine/spec"
)

// generator writes the project's Python for one model.
type generator struct {
	m     spec.Model
	infos []spec.LayerInfo
	// names[i] is layer i's Keras name when it holds weights.
	names []string
}

func newGenerator(m spec.Model) (*generator, error) {
	infos, err := m.Infer()
	if err != nil {
		return nil, err
	}
	ws, err := share.ExpectedWeights(m)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(m.Layers))
	for _, w := range ws {
		names[w.Layer], _, _ = strings.Cut(w.Name, "/")
	}
	return &generator{m: m, infos: infos, names: names}, nil
}

// input is layer i's input shape (one example).
func (g *generator) input(i int) []int {
	if i == 0 {
		return g.m.Input
	}
	return g.infos[i-1].Output
}

// output is the model's output shape.
func (g *generator) output() []int { return g.infos[len(g.infos)-1].Output }

// endsInSoftmax says the last layer's output is a softmax (a Dense softmax
// or a Softmax layer), which training fuses with a cross-entropy.
func (g *generator) endsInSoftmax() bool {
	l := g.m.Layers[len(g.m.Layers)-1]
	return l.Type == spec.TypeSoftmax || (l.Type == spec.TypeDense && l.Activation == spec.ActSoftmax)
}

// window is a Conv2D's or pool's strides (default given) and its padding
// as (left, right, top, bottom) for input (h, w).
func window(l spec.Layer, size, defaultStride []int, in []int) (strides []int, pad [4]int) {
	strides = l.Strides
	if len(strides) == 0 {
		strides = defaultStride
	}
	if l.Padding == spec.PaddingSame {
		pad[2], pad[3] = spec.SamePadding(in[0], size[0], strides[0])
		pad[0], pad[1] = spec.SamePadding(in[1], size[1], strides[1])
	}
	return strides, pad
}

func pad4(p [4]int) string { return pyTuple(p[:]) }

// act is a Dense or Conv2D activation's arguments.
func act(l spec.Layer) string {
	a := l.Activation
	s := "act=" + pyStr(a)
	if a == spec.ActLeakyReLU {
		alpha := l.Alpha
		if alpha == 0 {
			alpha = 0.2 // nn.DenseLeakyReLUAlpha, Keras' activations.leaky_relu
		}
		s += ", alpha=" + pyFloat(alpha)
	}
	return s
}

// kernelArgs are a Dense's or Conv2D's optional arguments: its kernel
// initializer, and bias=False without use_bias.
func kernelArgs(l spec.Layer) string {
	s := ""
	if l.KernelInitializer == spec.InitHeNormal {
		s += ", init=\"he_normal\""
	}
	if !l.HasBias() {
		s += ", bias=False"
	}
	return s
}

// layer is the Python expression that builds layer i.
func (g *generator) layer(i int) string {
	l, in := g.m.Layers[i], g.input(i)
	image := len(in) == 3
	name := pyStr(g.names[i])
	var s string
	switch l.Type {
	case spec.TypeDense:
		s = fmt.Sprintf("Dense(%s, %d, %d, %s%s)", name, in[0], l.Units, act(l), kernelArgs(l))
	case spec.TypeConv2D:
		strides, pad := window(l, l.KernelSize, []int{1, 1}, in)
		s = fmt.Sprintf("Conv2D(%s, %d, %d, %s, %s, %s, %s%s)", name, in[2], l.Filters, pyTuple(l.KernelSize), pyTuple(strides), pad4(pad), act(l), kernelArgs(l))
	case spec.TypeMaxPool2D, spec.TypeAveragePooling2D:
		kind := "max"
		if l.Type == spec.TypeAveragePooling2D {
			kind = "avg"
		}
		strides, pad := window(l, l.PoolSize, l.PoolSize, in)
		s = fmt.Sprintf("Pool2D(%s, %s, %s, %s)", pyStr(kind), pyTuple(l.PoolSize), pyTuple(strides), pad4(pad))
	case spec.TypeGlobalAveragePooling2D:
		s = "GlobalAveragePooling2D()"
	case spec.TypeBatchNormalization:
		dim := 1
		if len(in) == 2 {
			dim = -1 // (N, T, F): the features
		}
		s = fmt.Sprintf("BatchNormalization(%s, %d, dim=%d, momentum=%s, epsilon=%s)", name, in[len(in)-1], dim, pyFloat(l.Momentum), pyFloat(l.Epsilon))
	case spec.TypeDropout:
		s = fmt.Sprintf("Dropout(%s, image=%s)", pyFloat(l.Rate), pyBool(image))
	case spec.TypeFlatten:
		s = fmt.Sprintf("Flatten(image=%s)", pyBool(image))
	case spec.TypeReshape:
		s = fmt.Sprintf("Reshape(%s, image_in=%s)", pyTuple(l.TargetShape), pyBool(image))
	case spec.TypeReLU:
		s = "nn.ReLU()"
	case spec.TypeLeakyReLU:
		alpha := l.Alpha
		if alpha == 0 {
			alpha = spec.DefaultLeakyReLUAlpha
		}
		s = fmt.Sprintf("nn.LeakyReLU(%s)", pyFloat(alpha))
	case spec.TypeSigmoid:
		s = "nn.Sigmoid()"
	case spec.TypeTanh:
		s = "nn.Tanh()"
	case spec.TypeSoftmax:
		dim := -1
		if image {
			dim = 1
		}
		s = fmt.Sprintf("Softmax(dim=%d)", dim)
	case spec.TypeSimpleRNN, spec.TypeLSTM, spec.TypeGRU:
		ract := l.RecurrentActivation
		if ract == "" {
			ract = spec.ActSigmoid
		}
		a := l.Activation
		if a == "" {
			a = spec.ActTanh
		}
		s = fmt.Sprintf("Recurrent(%s, %s, %d, %d, act=%s, ract=%s, use_bias=%s, reset_after=%s, return_sequences=%s)",
			name, pyStr(l.Type), in[1], l.Units, pyStr(a), pyStr(ract), pyBool(l.HasBias()), pyBool(l.GRUResetAfter()), pyBool(l.ReturnSequences))
	default:
		panic("torch: layer type " + l.Type + " has no PyTorch counterpart") // Infer knows every type
	}
	if l.Frozen {
		s += ".freeze()"
	}
	return s
}

// shapeComment is "(28, 28, 6)" for a shape of one example, as nnplay
// writes it (channels last).
func shapeComment(s []int) string {
	parts := make([]string, len(s))
	for i, d := range s {
		parts[i] = fmt.Sprint(d)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func (g *generator) specJSON() string {
	b, err := json.Marshal(g.m)
	if err != nil {
		return "{}"
	}
	return string(b)
}

// summary is the layer table in the README and model.py's docstring.
func (g *generator) summary() string {
	var b strings.Builder
	for i, l := range g.m.Layers {
		what := l.Type
		if l.Activation != "" && (l.Type == spec.TypeDense || l.Type == spec.TypeConv2D) {
			what += " " + l.Activation
		}
		if l.Frozen {
			what += " (frozen)"
		}
		fmt.Fprintf(&b, "    %2d  %-28s -> %s\n", i+1, what, shapeComment(g.infos[i].Output))
	}
	return b.String()
}

const header = "# Generated by nnplay (https://github.com/nnplay/nnplay) from the model's spec.\n"

func (g *generator) modelPy() string {
	var b strings.Builder
	b.WriteString(`"""The nnplay model as a PyTorch nn.Module, with nnplay's (Keras') semantics.

Layers (output shape of one example, channels last as nnplay writes it):
` + g.summary() + `
    import model
    net = model.build()          # the weights in weights.npz
    probs = net(x)               # x: (N,) + INPUT_SHAPE, float32
"""
`)
	b.WriteString(header)
	b.WriteString(`import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
WEIGHTS = os.path.join(HERE, "weights.npz")

`)
	fmt.Fprintf(&b, "INPUT_SHAPE = %s  # one example, channels last\n", pyTuple(g.m.Input))
	fmt.Fprintf(&b, "OUTPUT_SHAPE = %s\n", pyTuple(g.output()))
	fmt.Fprintf(&b, "ENDS_IN_SOFTMAX = %s  # training fuses it with a cross-entropy\n", pyBool(g.endsInSoftmax()))
	fmt.Fprintf(&b, "SPEC = json.loads(r'''%s''')  # nnplay's spec, for reference\n\n", g.specJSON())
	b.WriteString(layersPy)
	b.WriteString("\n\ndef layers():\n    \"\"\"The model's layers, in order.\"\"\"\n    return [\n")
	for i := range g.m.Layers {
		fmt.Fprintf(&b, "        %s,  # -> %s\n", g.layer(i), shapeComment(g.infos[i].Output))
	}
	b.WriteString("    ]\n")
	b.WriteString(modelTailPy)
	return b.String()
}

func (g *generator) trainPy() string {
	o := g.m.Optimizer.Defaults()
	var b strings.Builder
	b.WriteString(`"""Trains the nnplay model with PyTorch, as nnplay trains it: the same
optimizer and settings, learning-rate schedule, gradient clipping, loss, batch
size and epochs. Logs loss and accuracy per epoch and writes weights.npz,
which nnplay's Import weights reads back.

    python3 train.py                                  # one process (CPU or one GPU)
    torchrun --nproc_per_node=N train.py              # N processes, DistributedDataParallel
    torchrun --nnodes=M --nproc_per_node=N --rdzv_backend=c10d \
             --rdzv_endpoint=HOST:29500 train.py      # M machines

Many processes share the global batch (BATCH_SIZE, split evenly) and average
their gradients, so a step is nnplay's step; gloo on CPUs, nccl on GPUs.
"""
`)
	b.WriteString(header)
	b.WriteString(`import argparse
import math
import os
import sys
import time

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel as DDP
from torch.utils.data import TensorDataset
from torch.utils.data.distributed import DistributedSampler

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data  # noqa: E402
import model as model_py  # noqa: E402
from model import ENDS_IN_SOFTMAX  # noqa: E402

`)
	fmt.Fprintf(&b, "NAME = %s\n", pyStr("nnplay model"))
	opt := []string{"\"name\": " + pyStr(o.Name), "\"learning_rate\": " + pyFloat(o.LearningRate)}
	switch o.Name {
	case spec.OptAdam:
		opt = append(opt, "\"beta_1\": "+pyFloat(o.Beta1), "\"beta_2\": "+pyFloat(o.Beta2), "\"epsilon\": "+pyFloat(o.Epsilon))
	case spec.OptSGD:
		opt = append(opt, "\"momentum\": "+pyFloat(o.Momentum), "\"nesterov\": "+pyBool(o.Nesterov))
	case spec.OptRMSProp:
		opt = append(opt, "\"rho\": "+pyFloat(o.Rho), "\"epsilon\": "+pyFloat(o.Epsilon))
	case spec.OptAdagrad:
		opt = append(opt, "\"epsilon\": "+pyFloat(o.Epsilon))
	}
	fmt.Fprintf(&b, "OPTIMIZER = {%s}\n", strings.Join(opt, ", "))
	schedule := o.Schedule
	if schedule == "" {
		schedule = spec.ScheduleConstant
	}
	fmt.Fprintf(&b, "SCHEDULE = %s  # constant, exponential (DECAY_RATE per epoch) or cosine (to 0 over the run)\n", pyStr(schedule))
	fmt.Fprintf(&b, "DECAY_RATE = %s\n", pyFloat(o.DecayRate))
	fmt.Fprintf(&b, "GLOBAL_CLIPNORM = %s  # 0: no clipping\n", pyFloat(o.GlobalClipNorm))
	fmt.Fprintf(&b, "WEIGHT_DECAY = %s  # L2 on the kernels: the gradient gains WEIGHT_DECAY * w\n", pyFloat(o.WeightDecay))
	fmt.Fprintf(&b, "LOSS = %s\n", pyStr(g.m.Loss))
	fmt.Fprintf(&b, "FROM_LOGITS = %s\n", pyBool(g.m.FromLogits))
	fmt.Fprintf(&b, "BATCH_SIZE = %d\n", g.m.BatchSize)
	fmt.Fprintf(&b, "EPOCHS = %d\n", g.m.Epochs)
	fmt.Fprintf(&b, "SEED = %d\n", g.m.Seed)
	fmt.Fprintf(&b, "VALIDATION_SPLIT = %s\n", pyFloat(g.m.ValidationSplit))
	b.WriteString(trainBodyPy)
	return b.String()
}

func (g *generator) readme(weights, arrays bool) string {
	var b strings.Builder
	b.WriteString("# nnplay model as a PyTorch project\n\n")
	b.WriteString("Exported by nnplay. Layers (output shape of one example, channels last):\n\n```\n" + g.summary() + "```\n\n")
	b.WriteString("## Files\n\n")
	b.WriteString("- `model.py`: the model as a PyTorch `nn.Module` with nnplay's (Keras') semantics: padding same\n" +
		"  (asymmetric when it must be), images channels last outside and channels first inside, Flatten in\n" +
		"  channels-last order, BatchNormalization with Keras' epsilon and momentum, LSTM/GRU gate order.\n")
	if weights {
		b.WriteString("- `weights.npz`: the weights as nnplay had them (NumPy; `numpy.load` reads it), Keras names and layouts.\n")
	} else {
		b.WriteString("- No `weights.npz`: the model was exported untrained; `train.py` starts from Keras' initializers.\n")
	}
	b.WriteString("- `data.py`: the data set, preprocessed as nnplay does.\n")
	b.WriteString("- `train.py`: nnplay's training: optimizer and settings, schedule, clipping, loss, batch size, epochs.\n\n")
	b.WriteString("Needs Python 3 with PyTorch (1.13 or newer) and NumPy.\n\n## Data\n\n")
	w := g.where(arrays)
	b.WriteString(strings.ToUpper(w[:1]) + w[1:] + ".\n")
	if g.dataKind() == kindTable || g.dataKind() == kindImage {
		b.WriteString("`data.py` encodes and scales it with the constants nnplay fitted on its training split.\n" +
			"nnplay's own train/validation/test split is drawn by its generator; here the last\n" +
			"`VALIDATION_SPLIT` of the rows validate and a separate test file is the test set.\n")
	}
	b.WriteString("\n")
	b.WriteString("## Train\n\n```sh\npython3 train.py                              # one process: a CPU or one GPU\n" +
		"torchrun --nproc_per_node=4 train.py          # 4 processes (4 GPUs, or CPU cores), DistributedDataParallel\n" +
		"torchrun --nnodes=2 --nproc_per_node=8 --rdzv_backend=c10d --rdzv_endpoint=HOST:29500 train.py   # on each of 2 machines\n" +
		"python3 train.py --epochs 10 --batch-size 256 --from-scratch --out trained.npz\n```\n\n" +
		"Processes split the batch and average their gradients (gloo on CPUs, nccl on GPUs), so one step\n" +
		"is the step nnplay takes. Each epoch logs loss and accuracy; the end writes `weights.npz`\n" +
		"(`--out FILE` writes elsewhere and keeps the exported weights).\n\n")
	if g.has(spec.TypeBatchNormalization) {
		b.WriteString("With several processes each BatchNormalization layer normalizes its process's share of the\n" +
			"batch (as PyTorch's BatchNorm does under DistributedDataParallel), not the whole batch as nnplay\n" +
			"does, and the moving statistics saved are rank 0's.\n\n")
	}
	b.WriteString(
		"Where `torchrun` is missing or broken (Debian's torch 1.13 on Python 3.11 fails in `to_map`), start\n" +
			"the processes yourself with the variables torchrun sets:\n\n```sh\n" +
			"for r in 0 1; do MASTER_ADDR=127.0.0.1 MASTER_PORT=29500 WORLD_SIZE=2 RANK=$r LOCAL_RANK=$r python3 train.py & done; wait\n```\n\n")
	b.WriteString("## Bring the weights back\n\n" +
		"In nnplay, open this model and use **Import weights** with `weights.npz` (or this whole zip, re-zipped\n" +
		"with the new `weights.npz`). Names and shapes are checked against the model; the first mismatch is\n" +
		"named and nothing changes.\n\n" +
		"```python\nimport model\nnet = model.build()           # loads weights.npz\nmodel.save_weights(net)       # writes weights.npz for nnplay\n```\n")
	return b.String()
}

// has says whether the model has a layer of type t.
func (g *generator) has(t string) bool {
	for _, l := range g.m.Layers {
		if l.Type == t {
			return true
		}
	}
	return false
}
