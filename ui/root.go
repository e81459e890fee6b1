package ui

// Root is the page: the status line and the four panels.
type Root struct {
	App *App
}
