package keep

// browser is what the place needs of the browser: the page's address, the
// link's text box, downloads and IndexedDB (the autosave and My models).
// The page's is share_dom.go's; tests use a fake.
type browser interface {
	// pageURL is the page's address without its hash.
	pageURL() string
	// showLink writes url into the link box (#share-link) if it is on
	// screen: a float32 link is hundreds of kilobytes, more than a Vugu
	// render instruction may carry.
	showLink(url string)
	// download saves b as a file named name of the MIME type mime.
	download(name string, b []byte, mime string)
	// saveAutosave keeps m as the autosave; readAutosave calls f (later,
	// outside the event lock) with it, not at all when there is none.
	saveAutosave(m savedModel)
	readAutosave(f func(savedModel))
	// putModel stores (or replaces) an entry of My models, deleteModel
	// removes one, readModels calls f (later, outside the event lock)
	// with them all.
	putModel(e SavedModel)
	deleteModel(key string)
	readModels(f func([]SavedModel))
}
