package playground

import (
	"reflect"
	"testing"

	"github.com/nnplay/nnplay/wasm/protocol"
)

// FuzzParseHash feeds arbitrary addresses to ParseHash: it never panics,
// what it reads is a config whose own address reads back to it without a
// problem, and whose model validates and whose request encodes (a link,
// however broken, opens a playground that trains).
func FuzzParseHash(f *testing.F) {
	for _, h := range []string{
		DefaultConfig().Hash(), "#playground&dataset=spiral&classes=4&layers=6:relu,bn:0.9:0.01,dropout:0.2,3:tanh:nobias",
		"#dataset=xor&features=x,y,xy&activation=relu,tanh&layers=8,8&lr=0.3&batch=10&seed=7",
		"#/playground&layers=9,0,-1&noise=abc&ratio=5", "#/playground&&&=&layers=,,&features=",
	} {
		f.Add(h)
	}
	f.Fuzz(func(t *testing.T, h string) {
		c, _ := ParseHash(h)
		again, problems := ParseHash(c.Hash())
		if len(problems) > 0 || !reflect.DeepEqual(again, c) {
			t.Fatalf("%q read as %+v; its address %q reads as %+v, problems %q", h, c, c.Hash(), again, problems)
		}
		if c.FeaturesProblem() != "" {
			return // the page asks for a second feature before it trains
		}
		b := c.Build()
		if err := b.Spec.Validate(); err != nil {
			t.Fatalf("%q: the model does not validate: %v", h, err)
		}
		if _, err := protocol.Encode(b); err != nil {
			t.Fatalf("%q: the request does not encode: %v", h, err)
		}
	})
}
