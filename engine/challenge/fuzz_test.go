package challenge

import (
	"encoding/base64"
	"reflect"
	"testing"
)

// FuzzDecode feeds arbitrary text to Decode (and to ParseSubmissions, the
// other reader of pasted text): neither may panic, and a challenge Decode
// accepts must encode and decode to itself.
func FuzzDecode(f *testing.F) {
	v, err := Encode(sample())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(v)
	f.Add(Hash(v))
	f.Add("https://x/#a=1&c=" + v + "&m=AAAA 0.9")
	f.Add("bm5jAQ")
	if js, err := deflate([]byte(`{"title":"","task":{"dataset":"m","seed":0,"classes":[]},"rules":{"layers":[]}}`)); err == nil {
		f.Add(base64.RawURLEncoding.EncodeToString(append([]byte("nnc\x01"), js...)))
	}
	f.Add("Ada: #name=A&m=AA&acc=99%\nBo,m=BB,0.5")
	f.Fuzz(func(t *testing.T, s string) {
		ParseSubmissions(s)
		c, err := Decode(s)
		if err != nil {
			return
		}
		v, err := Encode(c)
		if err != nil {
			t.Fatalf("a decoded challenge does not encode: %v", err)
		}
		back, err := Decode(v)
		if err != nil {
			t.Fatalf("a decoded challenge, encoded, does not decode: %v", err)
		}
		if !reflect.DeepEqual(back, c) {
			t.Fatalf("round trip changed the challenge: %+v → %+v", c, back)
		}
	})
}
