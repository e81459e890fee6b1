package ui

import (
	"syscall/js"

	"honnef.co/go/js/dom/v2"
)

// createElement makes a tag element and wraps it for package dom. dom's
// own Document.CreateElement asks the browser for the new element's
// constructor and compares it with some 70 others, a few dozen calls into
// JS per element: the softmax explorer's table alone took 0.17 s of a
// first visit that way. Only the element types this package uses get
// their own wrapper; everything else is a plain HTML element.
func createElement(tag string) dom.Element {
	v := js.Global().Get("document").Call("createElement", tag)
	el := &dom.BasicHTMLElement{BasicElement: &dom.BasicElement{BasicNode: &dom.BasicNode{Value: v}}}
	switch tag {
	case "button":
		return &dom.HTMLButtonElement{BasicHTMLElement: el}
	case "input":
		return &dom.HTMLInputElement{BasicHTMLElement: el}
	case "canvas":
		return &dom.HTMLCanvasElement{BasicHTMLElement: el}
	}
	return el
}

// createCanvas is createElement("canvas"), typed.
func createCanvas() *dom.HTMLCanvasElement {
	return createElement("canvas").(*dom.HTMLCanvasElement)
}
