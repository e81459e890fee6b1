//go:build !(js && wasm)

package keep

// pageBrowser is the browser the place runs in: none outside one.
func pageBrowser() browser { return noBrowser{} }

// noBrowser is a page without a browser: nothing is kept or downloaded.
type noBrowser struct{}

func (noBrowser) pageURL() string                 { return "" }
func (noBrowser) showLink(string)                 {}
func (noBrowser) download(string, []byte, string) {}
func (noBrowser) saveAutosave(savedModel)         {}
func (noBrowser) readAutosave(func(savedModel))   {}
func (noBrowser) putModel(SavedModel)             {}
func (noBrowser) deleteModel(string)              {}
func (noBrowser) readModels(func([]SavedModel))   {}
