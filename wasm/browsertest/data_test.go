//go:build browser

package browsertest

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Tests of the Data place (issue 14): the user's own data sets drive
// every other place. Training is kept short (few epochs, small sets).

// useBuiltin opens the Data place and loads a built-in data set.
func (u *user) useBuiltin(name string) {
	u.t.Helper()
	u.goTo("data")
	u.waitEnabled("#data-builtin-"+name, 60*time.Second)
	u.click("#data-builtin-" + name)
	u.WaitText("#data-status", 3*time.Minute, func(s string) bool { return strings.HasPrefix(s, "In use: ") && !strings.Contains(s, "MNIST") })
}

// trainOnData goes to Build & train, waits for the model of the data,
// sets the epochs (0 keeps the preset's), trains and waits until it is done.
func (u *user) trainOnData(preset string, epochs int, timeout time.Duration) {
	u.t.Helper()
	u.goTo("build")
	u.waitJS("the preset "+preset, 60*time.Second, fmt.Sprintf(`document.querySelector("#preset").value === %q`, preset))
	if epochs > 0 {
		u.typeInto("#epochs", strconv.Itoa(epochs))
	}
	u.waitEnabled("#train", 60*time.Second)
	u.click("#train")
	u.WaitText("#status", timeout, func(s string) bool { return strings.Contains(s, "Training finished") })
}

// percentOf reads "97.31%" as 97.31.
func percentOf(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "%"), 64)
	if err != nil {
		t.Fatalf("%q is not a percentage", s)
	}
	return v
}

func TestDataPenguins(t *testing.T) {
	u, _ := openApp(t, 8*time.Minute)
	u.useBuiltin("penguins")
	if s := u.text("#data-summary"); !strings.Contains(s, "3 classes (Adelie, Chinstrap, Gentoo)") {
		t.Errorf("summary: %q", s)
	}
	var bars, cols int
	u.js("count the bars", `document.querySelectorAll("#data-balance .balance-row").length`, &bars)
	u.js("count the columns", `document.querySelectorAll("#data-columns tbody tr").length`, &cols)
	if bars != 3 || cols < 5 {
		t.Errorf("%d class bars (want 3), %d column rows (want at least 5)", bars, cols)
	}
	t.Logf("penguins: %s; %s", u.text("#data-summary"), u.text("#data-report"))
	u.trainOnData("table-mlp", 0, 4*time.Minute)
	acc := percentOf(t, u.WaitText("#test-accuracy", time.Minute, func(s string) bool { return strings.HasSuffix(s, "%") }))
	t.Logf("penguins, table MLP: test accuracy %.2f%%", acc)
	if acc < 95 {
		t.Errorf("penguins test accuracy %.2f%%, want at least 95%%", acc)
	}
}
