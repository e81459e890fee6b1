package chart

import (
	"fmt"
	"math"
)

// Chart size in CSS pixels (CSS scales it to the panel's width) and the
// plot's margins inside it.
const (
	chartW, chartH                       = 520, 240
	padLeft, padRight, padTop, padBottom = 52.0, 14.0, 30.0, 36.0
)

type plot struct{ xMax, yMin, yMax float64 }

func (p plot) x(v float64) float64 {
	return padLeft + v/p.xMax*(chartW-padLeft-padRight)
}

func (p plot) y(v float64) float64 {
	return padTop + (1-(v-p.yMin)/(p.yMax-p.yMin))*(chartH-padTop-padBottom)
}

func ticks(lo, hi float64, n int) []float64 {
	if !(hi > lo) {
		return []float64{lo}
	}
	step := niceStep((hi - lo) / float64(n))
	var out []float64
	for t := math.Ceil(lo/step-1e-9) * step; t <= hi+step*1e-9; t += step {
		out = append(out, math.Round(t/step)*step)
	}
	return out
}

func niceStep(raw float64) float64 {
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	switch f := raw / mag; {
	case f <= 1:
		return mag
	case f <= 2:
		return 2 * mag
	case f <= 5:
		return 5 * mag
	}
	return 10 * mag
}

// niceCeil is a round number (a multiple of 1, 2 or 5 × 10^k, about a
// quarter of v) at or above v: an axis top.
func niceCeil(v float64) float64 {
	s := niceStep(v / 4)
	return math.Round(math.Ceil(v/s-1e-9)*s*1e9) / 1e9 // without float noise
}

func niceFloor(v float64) float64 {
	if v <= 0 {
		return 0
	}
	s := niceStep((1 - v) / 4)
	return math.Max(0, math.Floor(v/s)*s)
}

func tickLabel(v float64, percent bool) string {
	if percent {
		return trimFloat(math.Round(v*1000)/10) + "%"
	}
	return trimFloat(v)
}

func trimFloat(v float64) string {
	return fmt.Sprint(math.Round(v*1e6)/1e6 + 0) // + 0 turns -0 into 0
}
