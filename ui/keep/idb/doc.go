// Package idb is the page's IndexedDB database: one database, a store per
// kind of thing kept between visits. A browser without IndexedDB (or one
// that refuses it) makes every call a no-op: the page works, it only
// forgets.
//
//	models    the autosave of the current model, under Current (Share & keep)
//	library   "My models": one record per saved model, keyed by its key
//	drawings  the handwriting examples of the Build place's pad, keyed by id
package idb

// The database and its stores.
const (
	Name    = "nnplay"
	Version = 2

	Autosave = "models"   // the store of the autosave
	Current  = "current"  // the autosave's key in it
	Library  = "library"  // My models
	Drawings = "drawings" // handwriting examples
)

// stores are every store the database has; opening it creates those it
// lacks.
var stores = []string{Autosave, Library, Drawings}
