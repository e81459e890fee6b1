package playground

import (
	"reflect"
	"strings"
	"testing"

	"github.com/nnplay/nnplay/engine/spec"
	"github.com/nnplay/nnplay/ui/route"
	"github.com/nnplay/nnplay/wasm/protocol"
)

// The playground's address: every config survives Hash → ParseHash,
// and damaged hashes give their defaults with a message naming the setting.

func TestHashRoundTrips(t *testing.T) {
	spiral := DefaultConfig()
	spiral.Dataset, spiral.Classes, spiral.Points, spiral.Noise, spiral.Ratio = "spiral", 5, 2000, 35, 70
	spiral.ShowTest, spiral.Discretize = true, true
	spiral.Features = []string{"x", "y", "x2", "y2", "xy", "sinx", "siny"}
	spiral.Hidden = Dense([]int{8, 1, 3}, []string{"relu", "tanh", "leaky_relu"})
	spiral.Optimizer, spiral.LR, spiral.Batch, spiral.Seed = "rmsprop", 0.00001, 100, MaxSeed

	none := DefaultConfig()
	none.Hidden = []spec.Layer{}
	none.Features = []string{"x2", "siny"}

	// Every layer type of the palette, in the token form.
	mixed := DefaultConfig()
	bn := spec.BatchNormalization()
	bn.Momentum, bn.Epsilon = 0.9, 0.01
	mixed.Hidden = []spec.Layer{
		spec.BatchNormalization(), spec.Dense(8, "linear"), bn, {Type: spec.TypeReLU},
		{Type: spec.TypeDropout, Rate: 0.25}, spec.Dense(3, "softmax"), {Type: spec.TypeLeakyReLU, Alpha: 0.2},
		{Type: spec.TypeLeakyReLU}, {Type: spec.TypeSigmoid}, {Type: spec.TypeTanh},
	}
	// A Dense layer without a bias (the row's bias checkbox unticked).
	noBias := DefaultConfig()
	noBias.Hidden = Dense([]int{4, 2}, []string{"tanh", "tanh"})
	noBias.Hidden[1].UseBias = spec.Bool(false)

	for _, c := range []Config{DefaultConfig(), spiral, none, mixed, noBias} {
		h := c.Hash()
		got, problems := ParseHash(h)
		if len(problems) > 0 {
			t.Errorf("%s: problems %q", h, problems)
		}
		if !reflect.DeepEqual(got, c) {
			t.Errorf("%s: parsed\n%+v\nwant\n%+v", h, got, c)
		}
		if again := got.Hash(); again != h {
			t.Errorf("hash changed on a round trip: %s → %s", h, again)
		}
		if !strings.HasPrefix(h, "#/playground&dataset=") || !route.IsPlayground(h) || route.Parse(h).Place != route.Playground {
			t.Errorf("%s: not the playground's address", h)
		}
		// Links of older versions open the same run.
		for _, old := range []string{"#" + h[2:], "#" + h[len("#/playground&"):]} {
			if got, problems := ParseHash(old); len(problems) > 0 || !reflect.DeepEqual(got, c) || !route.IsPlayground(old) {
				t.Errorf("%s: parsed %+v, problems %q", old, got, problems)
			}
		}
	}
}

func TestHashActivationIsOneNameWhenAllAgree(t *testing.T) {
	c := DefaultConfig()
	c.Hidden = Dense([]int{8, 8}, []string{"relu", "relu"})
	if h := c.Hash(); !strings.Contains(h, "&layers=8,8&activation=relu&") {
		t.Errorf("hash %s; want layers=8,8&activation=relu", h)
	}
	got, problems := ParseHash("#dataset=spiral&classes=3&layers=8,8,8&activation=relu")
	if want := Dense([]int{8, 8, 8}, []string{"relu", "relu", "relu"}); len(problems) > 0 || !reflect.DeepEqual(got.Hidden, want) || got.Classes != 3 {
		t.Errorf("one activation for three layers: %v (classes %d), problems %q", got.Hidden, got.Classes, problems)
	}
	// Per-layer activations in the token form, mixed with the old form.
	c.Hidden = Dense([]int{8, 4}, []string{"relu", "tanh"})
	if h := c.Hash(); !strings.Contains(h, "&layers=8:relu,4:tanh&optimizer") {
		t.Errorf("hash %s; want layers=8:relu,4:tanh and no activation", h)
	}
	got, problems = ParseHash("#layers=8:relu,dropout:0.5,3&activation=sigmoid")
	want := []spec.Layer{spec.Dense(8, "relu"), {Type: spec.TypeDropout, Rate: 0.5}, spec.Dense(3, "sigmoid")}
	if len(problems) > 0 || !reflect.DeepEqual(got.Hidden, want) {
		t.Errorf("mixed forms: %+v, problems %q", got.Hidden, problems)
	}
}

func TestHashTheIssuesExample(t *testing.T) {
	got, problems := ParseHash("#dataset=spiral&classes=3&noise=10&features=x,y,x2&layers=8,8&activation=relu&lr=0.01&batch=10&seed=1&ratio=50&test=1&discretize=0")
	if len(problems) > 0 {
		t.Fatalf("problems: %q", problems)
	}
	want := DefaultConfig()
	want.Dataset, want.Classes, want.Noise, want.Features = "spiral", 3, 10, []string{"x", "y", "x2"}
	want.Hidden, want.LR, want.ShowTest = Dense([]int{8, 8}, []string{"relu", "relu"}), 0.01, true
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parsed\n%+v\nwant\n%+v", got, want)
	}
}

func TestHashBadValuesGiveDefaultsAndSayWhy(t *testing.T) {
	def := DefaultConfig()
	for _, c := range []struct {
		hash, want string // want: a part of the one problem
		check      func(Config) bool
	}{
		{"#dataset=moons", `dataset=moons: use one of circle, xor, gauss, spiral; using circle`, func(c Config) bool { return c.Dataset == "circle" }},
		{"#dataset=xor&classes=4", `classes=4: 4 classes need the spiral data set (the xor has 2); using 2`, func(c Config) bool { return c.Classes == 2 && c.Dataset == "xor" }},
		{"#dataset=spiral&classes=6", `classes=6: must be a whole number from 2 to 5; using 2`, func(c Config) bool { return c.Classes == 2 }},
		{"#noise=abc", `noise=abc: must be a whole number from 0 to 50; using 0`, func(c Config) bool { return c.Noise == 0 }},
		{"#noise=51", `noise=51: must be a whole number`, func(c Config) bool { return c.Noise == 0 }},
		{"#ratio=5", `ratio=5: must be a whole number from 10 to 90; using 50`, func(c Config) bool { return c.Ratio == 50 }},
		{"#points=10", `points=10: must be a whole number from 20 to 2000`, func(c Config) bool { return c.Points == 500 }},
		{"#test=yes", `test=yes: must be 0 or 1; using 0`, func(c Config) bool { return !c.ShowTest }},
		{"#features=x", `features=x: choose at least 2; using x,y`, func(c Config) bool { return len(c.Features) == 2 }},
		{"#features=x,z", `features=x,z: "z" is not a feature`, func(c Config) bool { return len(c.Features) == 2 }},
		{"#features=x,x", `features=x,x: x is listed twice`, func(c Config) bool { return len(c.Features) == 2 }},
		{"#layers=8,0", `layers=8,0: each layer needs 1 to 8 units; using 4,2`, func(c Config) bool { return reflect.DeepEqual(c.Hidden, def.Hidden) }},
		{"#layers=9", `layers=9: each layer needs 1 to 8 units`, func(c Config) bool { return len(c.Hidden) == 2 }},
		{"#layers=1,1,1,1,1,1,1", `layers=1,1,1,1,1,1,1: at most 6 hidden layers`, func(c Config) bool { return len(c.Hidden) == 2 }},
		{"#layers=8,8&activation=relu,tanh,sigmoid", `activation=relu,tanh,sigmoid: 3 names for 2 hidden layers`, func(c Config) bool {
			return reflect.DeepEqual(c.Hidden, Dense([]int{8, 8}, []string{"tanh", "tanh"}))
		}},
		{"#activation=swish", `activation=swish: "swish" is not an activation`, func(c Config) bool { return c.Hidden[0].Activation == "tanh" }},
		{"#layers=8:swish", `layers=8:swish: "8:swish": "swish" is not an activation`, func(c Config) bool { return reflect.DeepEqual(c.Hidden, def.Hidden) }},
		{"#layers=1,relu,bn:1:0", `layers=1,relu,bn:1:0: layer 3 (BatchNormalization): momentum must be at least 0 and below 1, got 1; using 4,2`, func(c Config) bool { return reflect.DeepEqual(c.Hidden, def.Hidden) }},
		{"#layers=8:relu:nobiases", `layers=8:relu:nobiases: "8:relu:nobiases": "nobiases" is not a Dense setting`, func(c Config) bool { return reflect.DeepEqual(c.Hidden, def.Hidden) }},
		{"#layers=dropout:1", `layers=dropout:1: "dropout:1": the rate must be from 0 to below 1; using 4,2`, func(c Config) bool { return len(c.Hidden) == 2 }},
		{"#layers=conv", `layers=conv: "conv" is not a layer`, func(c Config) bool { return len(c.Hidden) == 2 }},
		{"#layers=relu:2", `layers=relu:2: "relu:2": relu takes no setting`, func(c Config) bool { return len(c.Hidden) == 2 }},
		{"#optimizer=lbfgs", `optimizer=lbfgs: use one of adam, sgd`, func(c Config) bool { return c.Optimizer == "sgd" }},
		{"#lr=0", `lr=0: must be a number above 0 and at most 10; using 0.03`, func(c Config) bool { return c.LR == 0.03 }},
		{"#lr=NaN", `lr=NaN: must be a number above 0`, func(c Config) bool { return c.LR == 0.03 }},
		{"#batch=1000", `batch=1000: must be a whole number from 1 to 100; using 10`, func(c Config) bool { return c.Batch == 10 }},
		{"#seed=-3", `seed=-3: must be a whole number from 0 to 2147483647; using 1`, func(c Config) bool { return c.Seed == 1 }},
		{"#playground&colour=red", `"colour" is not a playground setting`, func(c Config) bool { return reflect.DeepEqual(c, def) }},
		{"#playground&garbage", `"garbage" is not a setting (want name=value)`, func(c Config) bool { return reflect.DeepEqual(c, def) }},
		{"#noise=" + strings.Repeat("9", 40), `noise=999999999999999999999999…: must be`, func(c Config) bool { return c.Noise == 0 }},
		{"#noise=%zz", `noise=%zz: must be a whole number`, func(c Config) bool { return c.Noise == 0 }},
	} {
		got, problems := ParseHash(c.hash)
		if len(problems) != 1 || !strings.Contains(problems[0], c.want) {
			t.Errorf("%s: problems %q; want one containing %q", c.hash, problems, c.want)
		}
		if !c.check(got) {
			t.Errorf("%s: parsed %+v", c.hash, got)
		}
	}
}

func TestHashKeepsTheGoodSettingsOfABadHash(t *testing.T) {
	got, problems := ParseHash("#playground&dataset=gauss&noise=20&lr=fast&batch=-1&&seed=7")
	if len(problems) != 2 {
		t.Errorf("problems %q; want two (lr and batch)", problems)
	}
	if got.Dataset != "gauss" || got.Noise != 20 || got.Seed != 7 || got.LR != 0.03 || got.Batch != 10 {
		t.Errorf("parsed %+v", got)
	}
}

func TestSettings(t *testing.T) {
	for h, want := range map[string]string{
		"": "", "#": "", "#/playground": "", "#playground": "", "#/playground&": "",
		"#/playground&noise=5&seed=2": "noise=5&seed=2", "#playground&noise=5": "noise=5",
		"#dataset=xor&noise=3": "dataset=xor&noise=3", "dataset=xor": "dataset=xor",
	} {
		if got := Settings(h); got != want {
			t.Errorf("Settings(%q) = %q, want %q", h, got, want)
		}
	}
	// The bare address gives the defaults, without a problem.
	if c, problems := ParseHash("#/playground"); len(problems) > 0 || !reflect.DeepEqual(c, DefaultConfig()) {
		t.Errorf("#/playground: %+v, problems %q", c, problems)
	}
}

// The model and the worker request follow the config, and the request
// passes the protocol's own checks and the spec's validation.
func TestConfigBuildsAValidRequest(t *testing.T) {
	c, _ := ParseHash("#dataset=spiral&classes=4&noise=20&ratio=30&features=x,y,sinx&layers=6,3&activation=relu,sigmoid&optimizer=adam&lr=0.003&batch=20&seed=9")
	b := c.Build()
	if b.Dataset != "spiral" || b.Classes != 4 || b.Noise != 0.2 || b.TrainFraction != 0.3 || b.Seed != 9 || b.Points != 500 {
		t.Errorf("request %+v", b)
	}
	m := b.Spec
	want := []spec.Layer{spec.Dense(6, "relu"), spec.Dense(3, "sigmoid"), spec.Dense(4, "softmax")}
	if !reflect.DeepEqual(m.Layers, want) || m.Optimizer.Name != "adam" || m.Optimizer.LearningRate != 0.003 || m.BatchSize != 20 || m.Seed != 9 {
		t.Errorf("spec %+v", m)
	}
	if err := m.Validate(); err != nil {
		t.Errorf("the spec does not validate: %v", err)
	}
	if _, err := protocol.Encode(b); err != nil {
		t.Errorf("the request does not encode: %v", err)
	}
	c.Features = c.Features[:1]
	if msg := c.FeaturesProblem(); msg != "Choose at least 2 input features (you have 1)." {
		t.Errorf("one feature: %q", msg)
	}
}
