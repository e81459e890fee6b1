package nn

import (
	"fmt"
	"github.com/nnplay/nnplay/engine/units"
	"strings"

	"github.com/nnplay/nnplay/engine/spec"
)

// Summary returns a Keras-style table of the model: each layer's name and
// type, output shape (None for the batch) and weight count, then the
// total, trainable and non-trainable counts. A Trainable column appears
// when some layer is frozen.
//
//	Layer (type)          Output Shape        Param #
//	=================================================
//	dense (Dense)         (None, 128)         100,480
func (m *Sequential) Summary() string {
	s := m.Spec()
	infos, err := s.Infer()
	anyFrozen := false
	for _, l := range s.Layers {
		anyFrozen = anyFrozen || l.Frozen
	}
	rows := [][]string{{"Layer (type)", "Output Shape", "Param #"}}
	if anyFrozen {
		rows[0] = append(rows[0], "Trainable")
	}
	types := make([]string, len(m.layers))
	for i, l := range m.layers {
		types[i] = l.Spec().Type
	}
	names := spec.KerasNames(types)
	total, trainable := 0, 0
	for i, l := range m.layers {
		ls := l.Spec()
		name := names[i]
		shape := "?"
		if err == nil {
			shape = spec.Shape(infos[i].Output)
		}
		count := 0
		for _, p := range l.Params() {
			n := p.Value.Shape().TotalSize()
			count += n
			if !ls.Frozen && !p.NonTrainable {
				trainable += n
			}
		}
		total += count
		row := []string{fmt.Sprintf("%s (%s)", name, ls.Type), shape, units.Thousands(count)}
		if anyFrozen {
			row = append(row, map[bool]string{true: "N", false: "Y"}[ls.Frozen])
		}
		rows = append(rows, row)
	}
	widths := []int{28, 25, 9, 9}[:len(rows[0])] // Keras' columns, at least
	for _, r := range rows {
		for j, c := range r {
			widths[j] = max(widths[j], len([]rune(c)))
		}
	}
	line := func(r []string) string {
		var b strings.Builder
		for j, c := range r {
			pad := strings.Repeat(" ", widths[j]-len([]rune(c)))
			if j == 2 { // counts align right
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
			if j < len(r)-1 {
				b.WriteString("   ")
			}
		}
		return strings.TrimRight(b.String(), " ")
	}
	width := 3 * (len(widths) - 1)
	for _, w := range widths {
		width += w
	}
	var b strings.Builder
	b.WriteString("Model: \"sequential\"\n")
	b.WriteString(strings.Repeat("_", width) + "\n")
	b.WriteString(line(rows[0]) + "\n")
	b.WriteString(strings.Repeat("=", width) + "\n")
	for _, r := range rows[1:] {
		b.WriteString(line(r) + "\n")
	}
	b.WriteString(strings.Repeat("=", width) + "\n")
	fmt.Fprintf(&b, "Total params: %s (%s)\n", units.Thousands(total), byteSize(total))
	fmt.Fprintf(&b, "Trainable params: %s (%s)\n", units.Thousands(trainable), byteSize(trainable))
	fmt.Fprintf(&b, "Non-trainable params: %s (%s)\n", units.Thousands(total-trainable), byteSize(total-trainable))
	if err != nil {
		fmt.Fprintf(&b, "(output shapes unknown: %v)\n", err)
	}
	b.WriteString(strings.Repeat("_", width) + "\n")
	return b.String()
}

// byteSize is the memory n float32 weights take, as Keras prints it:
// "427.29 KB".
func byteSize(n int) string {
	b := float64(4 * n)
	switch {
	case b >= 1<<20:
		return fmt.Sprintf("%.2f MB", b/(1<<20))
	case b >= 1<<10:
		return fmt.Sprintf("%.2f KB", b/(1<<10))
	}
	return fmt.Sprintf("%d B", int(b))
}
