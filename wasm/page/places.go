//go:build js && wasm

package main

import (
	"github.com/nnplay/nnplay/ui/build"
	"github.com/nnplay/nnplay/ui/challenge"
	"github.com/nnplay/nnplay/ui/data"
	"github.com/nnplay/nnplay/ui/explain"
	"github.com/nnplay/nnplay/ui/finetune"
	"github.com/nnplay/nnplay/ui/inside"
	"github.com/nnplay/nnplay/ui/keep"
	"github.com/nnplay/nnplay/ui/learn"
	"github.com/nnplay/nnplay/ui/playground"
	"github.com/nnplay/nnplay/ui/route"
	"github.com/nnplay/nnplay/ui/runs"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/ui/shell"
)

// places makes the app's places. Build & train and Share & keep exist
// from the start (the landing place; links, saved models and the
// autosave load at once), and so do Runs (every run is recorded, shown
// or not); every other place is made when first shown.
type places struct {
	s     *session.Session
	build *build.Place
	keep  *keep.Place
	runs  *runs.Place
}

func newPlaces(s *session.Session) *places {
	p := &places{s: s, build: build.New(s), keep: keep.New(s), runs: runs.New(s)}
	p.build.ModelNote = p.keep.ModelNote // a link opened lands on Build & train: say so there
	return p
}

// make is the router's place maker.
func (p *places) make(at route.Place) shell.Place {
	switch at {
	case route.Data:
		return data.New(p.s)
	case route.Learn:
		return learn.New(p.s)
	case route.Inside:
		return inside.New(p.s)
	case route.Playground:
		return playground.New(p.s)
	case route.FineTune:
		return finetune.New(p.s)
	case route.Keep:
		return p.keep
	case route.Explain:
		return explain.New(p.s)
	case route.Runs:
		return p.runs
	case route.Challenge:
		return challenge.New(p.s)
	}
	return p.build
}
