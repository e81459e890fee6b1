package inside

// visibility says whether a panel is on screen: its place is shown and
// its element is in (or near) the viewport. A panel off screen asks for
// nothing (a snapshot or a trace is hundreds of kilobytes to decode) and catches up
// when it comes into view.
//
// The place's DOM is made again each time the place is shown, so each new
// element is watched anew (watch, in visibility_dom.go); gen tells the
// current watch from the callbacks of elements that are gone.
type visibility struct {
	Visible bool
	gen     int
	stop    func() // disconnects the current watch (nil: none)
}

// hide marks the panel off screen and ends its watch: its place left.
func (v *visibility) hide() {
	v.gen++
	v.Visible = false
	if v.stop != nil {
		v.stop()
		v.stop = nil
	}
}
