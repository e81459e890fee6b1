package draw

// Visibility says whether a panel is on screen: its place is shown and
// its element is in (or near) the viewport. A panel off screen asks for
// nothing (a trace or a snapshot is hundreds of kilobytes to decode) and
// catches up
// when it comes into view.
//
// The place's DOM is made again each time the place is shown, so each new
// element is watched anew (Watch); gen tells the
// current watch from the callbacks of elements that are gone.
type Visibility struct {
	Visible bool
	gen     int
	stop    func() // disconnects the current watch (nil: none)
	el      any    // the element watched (a js.Value; nil: none)
}

// Hide marks the panel off screen and ends its watch: its place left.
func (v *Visibility) Hide() {
	v.gen++
	v.Visible = false
	v.el = nil
	if v.stop != nil {
		v.stop()
		v.stop = nil
	}
}
