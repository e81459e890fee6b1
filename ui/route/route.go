// Package route maps the page's address (the URL's hash) to a place of the
// app and back. Each place has its own address, #/name; the addresses of
// older versions keep working: #playground&… (or any hash with a dataset=
// setting) opens the 2-D playground with those settings, and a model link
// #m=… opens the Build & train place with that model; a challenge link
// #c=… opens the Challenges place.
package route

import "strings"

// A Place is one of the app's places: a few panels that belong together.
type Place string

// The places, as their addresses name them.
const (
	Build      Place = "build"      // model, train, evaluate, try it (the landing place)
	Data       Place = "data"       // the data set: what the model learns from
	Learn      Place = "learn"      // the softmax explorer and the backprop step-through
	Inside     Place = "inside"     // weights, filters, feature maps, health charts, row-by-row RNN
	Playground Place = "playground" // the 2-D playground
	FineTune   Place = "finetune"   // the fine-tuning lesson
	Keep       Place = "keep"       // links, my models, model files, TensorFlow.js
	Explain    Place = "explain"    // why this prediction: attributions, neighbours, errors
	Runs       Place = "runs"       // every training run kept, a timeline, two runs compared
	Challenge  Place = "challenge"  // class challenges: links, rules, the teacher's leaderboard
)

// Entry is a place as the nav shows it.
type Entry struct {
	Place Place
	Label string // the nav's text
	Title string // what the place holds, for the nav's tooltip
}

// Places are the nav's entries, in order.
var Places = []Entry{
	{Build, "Build & train", "Design a model, train it on the data, evaluate it and try it"},
	{Data, "Data", "The data set the model learns from: examples, classes, splits"},
	{Learn, "Learn", "Softmax and backpropagation, one step at a time"},
	{Inside, "Inside the model", "Weights, filters, feature maps and per-layer statistics"},
	{Playground, "2-D playground", "Small networks on 2-D points, with decision regions"},
	{FineTune, "Fine-tune", "Reuse a trained network for new classes"},
	{Keep, "Share & keep", "Links, saved models, model files and TensorFlow.js"},
	{Explain, "Why?", "Why the model says what it says: attributions, nearest examples, its errors"},
	{Runs, "Runs", "Every training run kept: curves, snapshots per epoch, two runs compared"},
	{Challenge, "Challenges", "Class challenges: a task and rules as a link, and the teacher's leaderboard"},
}

// Label is the nav's text for p ("" for an unknown place).
func (p Place) Label() string {
	for _, e := range Places {
		if e.Place == p {
			return e.Label
		}
	}
	return ""
}

// Hash is p's address: "#/learn".
func (p Place) Hash() string { return "#/" + string(p) }

// Route is what an address asks for.
type Route struct {
	Place Place
	// Link is set for a model link (#m=…): the hash itself, for the Share
	// & keep place to open.
	Link string
	// Unknown is the name of a place that does not exist (#/nowhere): the
	// page opens the landing place and says so.
	Unknown string
}

// Parse reads a location hash ("#/data", "#playground&dataset=xor", "#m=…",
// "" …). Anything it does not know opens the landing place.
func Parse(hash string) Route {
	h := strings.TrimPrefix(hash, "#")
	switch {
	case h == "" || h == "/":
		return Route{Place: Build}
	case strings.HasPrefix(h, "m="):
		return Route{Place: Build, Link: hash}
	case strings.HasPrefix(h, "c="):
		return Route{Place: Challenge} // a challenge link: the place reads it from the address
	case IsPlayground(hash):
		return Route{Place: Playground}
	case strings.HasPrefix(h, "/"):
		name, _, _ := strings.Cut(h[1:], "&")
		for _, e := range Places {
			if string(e.Place) == name {
				return Route{Place: e.Place}
			}
		}
		return Route{Place: Build, Unknown: name}
	}
	return Route{Place: Build}
}

// IsPlayground says the hash opens the 2-D playground: #/playground or
// #playground, optionally followed by &settings, or (older links) any
// hash with a dataset= setting.
func IsPlayground(hash string) bool {
	h := strings.TrimPrefix(strings.TrimPrefix(hash, "#"), "/")
	if h == "playground" || strings.HasPrefix(h, "playground&") {
		return true
	}
	if strings.HasPrefix(h, "m=") {
		return false
	}
	for _, part := range strings.Split(h, "&") {
		if strings.HasPrefix(part, "dataset=") {
			return true
		}
	}
	return false
}
