package site

import (
	"crypto/sha256"
	"encoding/base64"
	"io"
	"os"
	"sync"
	"time"
)

// etagCache remembers the strong ETag of each file served, keyed by its path inside the site and
// checked against its modification time and size: hashing a 10 MB wasm file on every request
// would cost more than sending it. A file rewritten in place changes mtime (and usually size), so
// its entry is replaced on the next request. There is one entry per path, so the cache is no
// larger than the site.
type etagCache struct {
	mu      sync.Mutex
	entries map[string]*etagEntry
}

type etagEntry struct {
	modTime time.Time
	size    int64
	once    sync.Once // concurrent first requests hash the file once
	etag    string
	err     error
}

// get returns the ETag for the open file f found at name with the given stat.
func (c *etagCache) get(name string, f *os.File, info os.FileInfo) (string, error) {
	c.mu.Lock()
	e := c.entries[name]
	if e == nil || !e.modTime.Equal(info.ModTime()) || e.size != info.Size() {
		e = &etagEntry{modTime: info.ModTime(), size: info.Size()}
		c.entries[name] = e
	}
	c.mu.Unlock()
	e.once.Do(func() {
		e.etag, e.err = hashETag(io.NewSectionReader(f, 0, info.Size()))
	})
	if e.err != nil {
		// Do not keep a failure: the next request retries.
		c.mu.Lock()
		if c.entries[name] == e {
			delete(c.entries, name)
		}
		c.mu.Unlock()
	}
	return e.etag, e.err
}

// hashETag is a strong validator: the first 128 bits of the SHA-256 of the bytes actually sent,
// so the br, gzip and plain forms of one file have different ETags, as RFC 9110 §8.8.3 requires.
func hashETag(r io.Reader) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return `"` + base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:16]) + `"`, nil
}
