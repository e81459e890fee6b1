package torch

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/nnplay/nnplay/engine/spec"
)

// Data-set kinds data.py reads.
const (
	kindMNIST  = "mnist"  // the four idx files
	kindTable  = "table"  // a CSV or JSON table, encoded as spec.Data says
	kindImage  = "image"  // idx files of image bytes, scaled as spec.Data says
	kindArrays = "arrays" // data.npz, already the model's input
)

// dataKind is how data.py reads the model's data set.
func (g *generator) dataKind() string {
	switch {
	case g.m.Dataset == spec.DatasetMNIST:
		return kindMNIST
	case g.m.Data != nil && g.m.Data.Kind == spec.KindTable:
		return kindTable
	case g.m.Data != nil && g.m.Data.Kind == spec.KindImage:
		return kindImage
	}
	return kindArrays
}

// tableFile is the table data.py reads: the built-in tables' own files
// (static/data/tables/ in nnplay), else table.csv.
func (g *generator) tableFile() string {
	if g.m.Dataset == spec.DatasetPenguins || g.m.Dataset == spec.DatasetCars {
		return g.m.Dataset + ".json"
	}
	return "table.csv"
}

// where says where the data set's files go, for the README and data.py's
// message when they are missing.
func (g *generator) where(arrays bool) string {
	switch g.dataKind() {
	case kindMNIST:
		return "put MNIST's four idx files (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, plain or .gz) in mnist/ next to data.py, or pass --data FOLDER (nnplay's `make data` writes them to static/data/mnist)"
	case kindTable:
		return fmt.Sprintf("put the table (CSV with a header line, or a JSON array of records) next to data.py as %s, with the columns %s and the target %s; a test_%s beside it is the test set (nnplay's built-in tables are in its static/data/tables)",
			g.tableFile(), columnNames(g.m.Data.Columns), g.m.Data.Target, g.tableFile())
	case kindImage:
		return "put the images in images/ next to data.py as idx files of bytes: images-idx3-ubyte (N, height, width[, channels]) and labels-idx1-ubyte, and optionally test-images-idx3-ubyte and test-labels-idx1-ubyte"
	}
	if arrays {
		return "data.npz next to data.py holds it (x_train, y_train, x_test, y_test)"
	}
	return "put the data set next to data.py as data.npz: arrays x_train (the model's input), y_train (class indices) and optionally x_test, y_test"
}

func columnNames(cols []spec.Column) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

// pyValue is v as a Python literal through JSON, which is one for strings,
// numbers, lists and dicts (v must hold no booleans or nulls).
func pyValue(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "None"
	}
	return string(b)
}

func pyFloats(v []float64) string {
	if len(v) == 0 {
		return "None"
	}
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = pyFloat(x)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func (g *generator) dataPy(arrays bool) string {
	var b strings.Builder
	b.WriteString(`"""The data set the nnplay model trains on, preprocessed as nnplay does."""
`)
	b.WriteString(header)
	b.WriteString(`import csv
import gzip
import io
import json
import os
import struct

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
`)
	kind := g.dataKind()
	d := g.m.Data
	if d == nil {
		d = &spec.Data{Task: spec.TaskClassification}
	}
	task := d.Task
	if task == "" {
		task = spec.TaskClassification
	}
	out := g.output()
	fmt.Fprintf(&b, "DATASET = %s\n", pyStr(g.m.Dataset))
	fmt.Fprintf(&b, "KIND = %s  # mnist, table, image or arrays\n", pyStr(kind))
	fmt.Fprintf(&b, "TASK = %s\n", pyStr(task))
	fmt.Fprintf(&b, "INPUT_SHAPE = %s  # one example, channels last\n", pyTuple(g.m.Input))
	fmt.Fprintf(&b, "CLASSES = %d  # the model's outputs\n", out[len(out)-1])
	if len(d.Classes) > 0 {
		fmt.Fprintf(&b, "CLASS_NAMES = %s\n", pyValue(d.Classes))
	} else {
		b.WriteString("CLASS_NAMES = None\n")
	}
	if len(g.m.Classes) > 0 {
		fmt.Fprintf(&b, "DIGITS = %s  # the classes kept, relabelled 0, 1, ... in this order\n", strings.ReplaceAll(fmt.Sprint(g.m.Classes), " ", ", "))
	} else {
		b.WriteString("DIGITS = None  # all classes\n")
	}
	b.WriteString("# Preprocessing nnplay fitted on its training split: x = (v - OFFSET) / SCALE per\n")
	b.WriteString("# feature (tables) or channel (images, v = byte / 255); None: none.\n")
	fmt.Fprintf(&b, "OFFSET = %s\n", pyFloats(d.Offset))
	fmt.Fprintf(&b, "SCALE = %s\n", pyFloats(d.Scale))
	channels := 1
	if len(d.Shape) == 3 {
		channels = d.Shape[2]
	}
	fmt.Fprintf(&b, "CHANNELS = %d\n", channels)
	if kind == kindTable {
		fmt.Fprintf(&b, "TARGET = %s\n", pyStr(d.Target))
		cols := make([]map[string]any, len(d.Columns))
		for i, c := range d.Columns {
			col := map[string]any{"name": c.Name, "kind": c.Kind, "fill": c.Fill}
			if len(c.Categories) > 0 {
				col["categories"] = c.Categories
			}
			cols[i] = col
		}
		b.WriteString("# The input columns in feature order: numeric, or categorical (one-hot over the\n# categories); fill replaces a missing value.\n")
		fmt.Fprintf(&b, "COLUMNS = %s\n", pyValue(cols))
	} else {
		b.WriteString("TARGET = None\nCOLUMNS = []\n")
	}
	b.WriteString("# A regression's output o stands for o * TARGET_SCALE + TARGET_OFFSET.\n")
	fmt.Fprintf(&b, "TARGET_OFFSET = %s\n", pyFloat(d.TargetOffset))
	fmt.Fprintf(&b, "TARGET_SCALE = %s\n", pyFloat(d.TargetScale))
	fmt.Fprintf(&b, "TABLE_FILE = %s\n", pyStr(g.tableFile()))
	switch kind {
	case kindMNIST:
		b.WriteString("DATA_DIR = os.path.join(HERE, \"mnist\")\n")
	case kindImage:
		b.WriteString("DATA_DIR = os.path.join(HERE, \"images\")\n")
	default:
		b.WriteString("DATA_DIR = HERE\n")
	}
	fmt.Fprintf(&b, "WHERE = %s\n", pyStr(g.where(arrays)))
	b.WriteString(dataBodyPy)
	return b.String()
}
