//go:build !(js && wasm)

package keep

// pageBrowser is the browser the place runs in: none outside one.
func pageBrowser() browser { return noBrowser{} }
