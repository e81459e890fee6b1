//go:build js && wasm

package main

import (
	"github.com/nnplay/nnplay/ui/build"
	"github.com/nnplay/nnplay/ui/finetune"
	"github.com/nnplay/nnplay/ui/keep"
	"github.com/nnplay/nnplay/ui/route"
	"github.com/nnplay/nnplay/ui/runs"
	"github.com/nnplay/nnplay/ui/session"
	"github.com/nnplay/nnplay/ui/shell"
)

// places makes the app's places. Build & train and Share & keep exist
// from the start (the landing place; links, saved models and the
// autosave load at once), and so do Runs (every run is recorded, shown
// or not); every other place is made when first shown, and the annexed
// ones are drawn by the annex (annex.go).
type places struct {
	s     *session.Session
	build *build.Place
	keep  *keep.Place
	runs  *runs.Place
	annex *annex
}

func newPlaces(s *session.Session) *places {
	p := &places{s: s, build: build.New(s), keep: keep.New(s), runs: runs.New(s), annex: newAnnex(s)}
	p.build.ModelNote = p.keep.ModelNote // a link opened lands on Build & train: say so there
	return p
}

// make is the router's place maker.
func (p *places) make(at route.Place) shell.Place {
	if annexed[at] {
		return p.annex.place(at)
	}
	switch at {
	case route.FineTune:
		return finetune.New(p.s)
	case route.Keep:
		return p.keep
	case route.Runs:
		return p.runs
	}
	return p.build
}
