package data

import (
	"fmt"
	"strings"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// Webcam is the Teachable-Machine-style recorder: named classes, each
// with the frames recorded into it while its button was held.
type Webcam struct {
	Classes []CamClass
	// Recording is the class being recorded into (-1: none).
	Recording int
	// On says the camera is running; Err why it could not start.
	On  bool
	Err string
	// Version bumps with every change, so the thumbnails know to redraw.
	Version int
}

// CamClass is one class of the webcam set.
type CamClass struct {
	Name   string
	Frames []protocol.Frame
}

// Webcam limits.
const (
	// CaptureSide is the side of the square frames recorded (the centre
	// of the camera's picture; the worker fits them to the chosen size).
	CaptureSide = 64
	// MaxFramesPerClass caps one class's frames.
	MaxFramesPerClass = 400
	// MaxCamClasses caps the classes.
	MaxCamClasses = 10
)

// NewWebcam returns a recorder with two empty classes.
func NewWebcam() *Webcam {
	return &Webcam{Classes: []CamClass{{Name: "class 1"}, {Name: "class 2"}}, Recording: -1}
}

// AddClass adds an empty class with a fresh name.
func (w *Webcam) AddClass() {
	if len(w.Classes) >= MaxCamClasses {
		return
	}
	w.Classes = append(w.Classes, CamClass{Name: fmt.Sprintf("class %d", len(w.Classes)+1)})
	w.Version++
}

// RemoveClass removes class i with its frames.
func (w *Webcam) RemoveClass(i int) {
	if i < 0 || i >= len(w.Classes) {
		return
	}
	w.Classes = append(w.Classes[:i], w.Classes[i+1:]...)
	w.Recording = -1
	w.Version++
}

// Rename names class i.
func (w *Webcam) Rename(i int, name string) {
	if i >= 0 && i < len(w.Classes) {
		w.Classes[i].Name = strings.TrimSpace(name)
	}
}

// Add records a frame into class i; false when the class is full.
func (w *Webcam) Add(i int, f protocol.Frame) bool {
	if i < 0 || i >= len(w.Classes) || len(w.Classes[i].Frames) >= MaxFramesPerClass {
		return false
	}
	w.Classes[i].Frames = append(w.Classes[i].Frames, f)
	w.Version++
	return true
}

// DeleteFrame removes frame j of class i.
func (w *Webcam) DeleteFrame(i, j int) {
	if i < 0 || i >= len(w.Classes) || j < 0 || j >= len(w.Classes[i].Frames) {
		return
	}
	c := &w.Classes[i]
	c.Frames = append(c.Frames[:j], c.Frames[j+1:]...)
	w.Version++
}

// Clear removes every frame of class i.
func (w *Webcam) Clear(i int) {
	if i >= 0 && i < len(w.Classes) {
		w.Classes[i].Frames = nil
		w.Version++
	}
}

// Count is how many frames class i has, as text.
func (w *Webcam) Count(i int) string {
	if i < 0 || i >= len(w.Classes) {
		return ""
	}
	n := len(w.Classes[i].Frames)
	if n == 1 {
		return "1 frame"
	}
	return fmt.Sprintf("%d frames", n)
}

// Request is the load_dataset request of the recorded frames, or what is
// missing: two named classes, each with at least 2 frames.
func (w *Webcam) Request() (protocol.LoadDataset, error) {
	r := protocol.LoadDataset{Source: protocol.SourceFrames, Name: "webcam"}
	seen := map[string]bool{}
	for _, c := range w.Classes {
		if len(c.Frames) == 0 {
			continue
		}
		switch {
		case c.Name == "":
			return r, fmt.Errorf("a class with %d frames has no name: name it", len(c.Frames))
		case seen[c.Name]:
			return r, fmt.Errorf("two classes are named %q: name them apart", c.Name)
		case len(c.Frames) < 2:
			return r, fmt.Errorf("class %q has %d frame; record at least 2 in each class", c.Name, len(c.Frames))
		}
		seen[c.Name] = true
		for _, f := range c.Frames {
			f.Class = c.Name
			r.Frames = append(r.Frames, f)
		}
	}
	if len(seen) < 2 {
		return r, fmt.Errorf("record frames into at least 2 classes (%d have frames)", len(seen))
	}
	return r, nil
}
