package ui

// StatusBar shows the worker and data state, and errors in a banner.
type StatusBar struct {
	App *App
}
