package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	sjs "syscall/js"

	"github.com/vugu/vugu"
	"github.com/vugu/vugu/js"

	"github.com/nnplay/nnplay/engine/data/features"
	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// PlaygroundPanel is the 2-D playground: data, features, the network with
// its controls, the decision regions and the loss curves.
type PlaygroundPanel struct {
	App *App
}

func (c *PlaygroundPanel) p() *Playground { return c.App.Play }

// ready runs when a canvas host is created: it makes the view, follows
// the address bar and, when the page opened on the playground, starts it.
func (c *PlaygroundPanel) ready() {
	p := c.p()
	if p.view == nil {
		p.view = &playView{}
	}
	p.listenHash()
	if c.App.Tab == TabPlayground && !p.active {
		p.show()
	}
}

func (c *PlaygroundPanel) mountPlot(v js.Value) {
	c.ready()
	c.p().view.mountPlot(c.p(), sjs.Value(v))
	c.p().redrawStatic()
}

func (c *PlaygroundPanel) mountNet(v js.Value) {
	c.ready()
	c.p().view.net.mount(c.p(), sjs.Value(v))
	c.p().redrawStatic()
}

func (c *PlaygroundPanel) mountChart(v js.Value) {
	c.ready()
	ch := &c.p().view.chart
	ch.Title = "loss"
	ch.Mount(sjs.Value(v), "Training and test loss")
	c.p().redrawStatic()
}

// Event helpers: the new value of the control that fired.
func pgValue(ev vugu.DOMEvent) string { return ev.PropString("target", "value") }
func pgChecked(ev vugu.DOMEvent) bool { return ev.PropBool("target", "checked") }

// PlayFeatures lists the features in the playground's order.
func PlayFeatures() []string { return features.All }

// DatasetLabel is a data set's button text.
func DatasetLabel(d string) string {
	if d == spec.DatasetXOR {
		return "XOR"
	}
	return strings.ToUpper(d[:1]) + d[1:]
}

func (c *PlaygroundPanel) pressed(d string) string {
	return strconv.FormatBool(c.p().Config.Dataset == d)
}

// ClassChoices are the class counts offered (only spiral has more than 2).
func (c *PlaygroundPanel) classChoices() []int {
	if c.p().Config.Dataset != spec.DatasetSpiral {
		return []int{2}
	}
	return []int{2, 3, 4, 5}
}

// pgWithInt and withFloat add the current value to a list of choices when a
// link set another, so the select shows it.
func pgWithInt(opts []int, v int) []int {
	if slices.Contains(opts, v) {
		return opts
	}
	out := append(slices.Clone(opts), v)
	slices.Sort(out)
	return out
}

func (c *PlaygroundPanel) lrChoices() []string {
	var out []string
	cur := c.p().Config.LR
	opts := slices.Clone(PlayLearningRates)
	if !slices.Contains(opts, cur) {
		opts = append(opts, cur)
		slices.Sort(opts)
	}
	for _, v := range opts {
		out = append(out, fmtFloat(v))
	}
	return out
}

func (c *PlaygroundPanel) itoa(n int) string { return strconv.Itoa(n) }

// LayersText is "2 hidden layers".
func (p *Playground) LayersText() string {
	switch n := len(p.Config.NetColumns()); n {
	case 0:
		return "No hidden layer"
	case 1:
		return "1 hidden layer"
	default:
		return fmt.Sprintf("%d hidden layers", n)
	}
}

// SummaryText describes the network, Keras-style shapes in words:
// "7 inputs → 8 relu → 8 relu → 3 softmax · 163 parameters".
func (p *Playground) SummaryText() string {
	c := p.Config
	if msg := c.FeaturesProblem(); msg != "" {
		return msg
	}
	parts := []string{fmt.Sprintf("%d inputs", len(c.Features))}
	for _, k := range c.NetColumns() {
		parts = append(parts, fmt.Sprintf("%d %s", k.Units, k.Label))
	}
	parts = append(parts, fmt.Sprintf("%d softmax", c.Classes))
	s := strings.Join(parts, " → ")
	if infos, err := c.Model().Infer(); err == nil {
		total := 0
		for _, in := range infos {
			total += in.Params
		}
		s += fmt.Sprintf(" · %s parameters · cross-entropy loss", thousands(total))
	}
	return s
}

// ErrorText is the playground's banner text.
func (p *Playground) ErrorText() string {
	if p.Fatal != "" {
		return p.Fatal
	}
	return p.Error
}

// EpochText, LossText, AccText and FPSText are the numbers beside the
// plot; liveTexts writes them on every frame.
func (p *Playground) EpochText() string {
	if p.Frame == nil {
		return "–"
	}
	return fmt.Sprintf("%s (batch %s)", thousands(int(p.epochs)), thousands(p.Frame.GlobalBatch))
}

func (p *Playground) LossText(train bool) string {
	if p.Frame == nil {
		return "–"
	}
	if train {
		return strconv.FormatFloat(p.Frame.TrainLoss, 'f', 3, 64)
	}
	return strconv.FormatFloat(p.Frame.TestLoss, 'f', 3, 64)
}

func (p *Playground) AccText(train bool) string {
	if p.Frame == nil {
		return "–"
	}
	a := p.Frame.TestAccuracy
	if train {
		a = p.Frame.TrainAccuracy
	}
	return strconv.FormatFloat(a*100, 'f', 1, 64) + "%"
}

func (p *Playground) FPSText() string {
	if p.State != protocol.StateRunning {
		return "–"
	}
	return fmt.Sprintf("%.0f frames/s", p.FPS())
}

// StatusText says what the playground is doing.
func (p *Playground) StatusText() string {
	switch {
	case p.Worker == WorkerDead:
		return "Stopped."
	case p.Config.FeaturesProblem() != "":
		return "Waiting for a choice of features."
	case p.State == "":
		return "Building…"
	case p.State == protocol.StateRunning:
		return "Training…"
	case p.State == protocol.StatePaused:
		return "Paused."
	}
	return "Ready: press Play."
}

// ClassIndexes are 0..classes-1, for the legend.
func (p *Playground) ClassIndexes() []int {
	out := make([]int, p.Config.Classes)
	for i := range out {
		out[i] = i
	}
	return out
}

func (c *PlaygroundPanel) seedText() string { return strconv.FormatInt(c.App.Play.Config.Seed, 10) }

// DismissProblems hides the message about a bad link.
func (p *Playground) DismissProblems() { p.Problems = nil }

// DismissError hides the worker's latest non-fatal error.
func (p *Playground) DismissError() { p.Error = "" }
