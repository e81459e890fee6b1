// Command wasmsize says what a Go js/wasm binary is made of: the bytes of
// every function body summed by Go package, and the size of the data
// section. It needs the function names, so build without -s:
//
//	GOOS=js GOARCH=wasm go build -trimpath -o /tmp/page.wasm ./wasm/page
//	go run ./wasm/browsertest/cmd/wasmsize -top 30 /tmp/page.wasm
//
// With -s the linker leaves out the "name" section and wasmsize can only
// print the section sizes. Two binaries side by side (old, then new) give
// a table of the packages whose size changed.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
)

func main() {
	top := flag.Int("top", 25, "print this many packages (largest first)")
	funcs := flag.String("funcs", "", "instead, list the largest functions of the packages with this prefix (\"all\": every package)")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: wasmsize [-top N] FILE.wasm [NEW.wasm]")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() < 1 || flag.NArg() > 2 {
		flag.Usage()
		os.Exit(2)
	}
	var mods []*Module
	for _, path := range flag.Args() {
		b, err := os.ReadFile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "wasmsize:", err)
			os.Exit(1)
		}
		m, err := Parse(b)
		if err != nil {
			fmt.Fprintf(os.Stderr, "wasmsize: %s: %v\n", path, err)
			os.Exit(1)
		}
		m.Path = path
		mods = append(mods, m)
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	if *funcs != "" {
		largestFuncs(w, mods[0], *funcs, *top)
	} else if len(mods) == 1 {
		report(w, mods[0], *top)
	} else {
		compare(w, mods[0], mods[1], *top)
	}
	w.Flush()
}

// report prints the sections, then the largest packages by code bytes.
func report(w io.Writer, m *Module, top int) {
	fmt.Fprintf(w, "%s: %d bytes\t\t\n", m.Path, m.Size)
	for _, s := range m.Sections {
		fmt.Fprintf(w, "section %s\t%d\t\n", s.Name, s.Size)
	}
	fmt.Fprintf(w, "data segments\t%d\t\n", len(m.Segments))
	fmt.Fprintf(w, "data bytes\t%d\t\n", sum(m.Segments))
	if len(m.Names) == 0 {
		fmt.Fprintln(w, "no name section (built with -s): no per-package breakdown\t\t")
		return
	}
	pkgs := m.ByPackage()
	total := 0
	for _, p := range pkgs {
		total += p.Bytes
	}
	fmt.Fprintf(w, "\npackage\tcode bytes\tfuncs\t\n")
	for i, p := range pkgs {
		if i == top {
			break
		}
		fmt.Fprintf(w, "%s\t%d\t%d\t\n", p.Name, p.Bytes, p.Funcs)
	}
	fmt.Fprintf(w, "(all %d packages)\t%d\t%d\t\n", len(pkgs), total, len(m.Bodies))
}

// largestFuncs prints the top largest functions whose package starts with prefix.
func largestFuncs(w io.Writer, m *Module, prefix string, top int) {
	type fn struct {
		name string
		size int
	}
	var fns []fn
	for i, size := range m.Bodies {
		name := m.Names[m.Imports+i]
		if prefix == "all" || strings.HasPrefix(PackageOf(name), prefix) {
			fns = append(fns, fn{name, size})
		}
	}
	sort.Slice(fns, func(i, j int) bool { return fns[i].size > fns[j].size })
	for i, f := range fns {
		if i == top {
			break
		}
		fmt.Fprintf(w, "%s\t%d\t\n", f.name, f.size)
	}
}

func sum(v []int) int {
	n := 0
	for _, x := range v {
		n += x
	}
	return n
}

// compare prints the packages whose code size differs most between a and b.
func compare(w io.Writer, a, b *Module, top int) {
	fmt.Fprintf(w, "\t%s\t%s\tchange\t\n", a.Path, b.Path)
	fmt.Fprintf(w, "file\t%d\t%d\t%+d\t\n", a.Size, b.Size, b.Size-a.Size)
	fmt.Fprintf(w, "code\t%d\t%d\t%+d\t\n", a.section("code"), b.section("code"), b.section("code")-a.section("code"))
	fmt.Fprintf(w, "data\t%d\t%d\t%+d\t\n", a.section("data"), b.section("data"), b.section("data")-a.section("data"))
	size := map[string][2]int{}
	for _, p := range a.ByPackage() {
		s := size[p.Name]
		s[0] = p.Bytes
		size[p.Name] = s
	}
	for _, p := range b.ByPackage() {
		s := size[p.Name]
		s[1] = p.Bytes
		size[p.Name] = s
	}
	var names []string
	for n, s := range size {
		if s[0] != s[1] {
			names = append(names, n)
		}
	}
	abs := func(n int) int {
		if n < 0 {
			return -n
		}
		return n
	}
	sort.Slice(names, func(i, j int) bool {
		di, dj := abs(size[names[i]][1]-size[names[i]][0]), abs(size[names[j]][1]-size[names[j]][0])
		if di != dj {
			return di > dj
		}
		return names[i] < names[j]
	})
	fmt.Fprintf(w, "\npackage\tcode bytes before\tafter\tchange\t\n")
	for i, n := range names {
		if i == top {
			break
		}
		s := size[n]
		fmt.Fprintf(w, "%s\t%d\t%d\t%+d\t\n", n, s[0], s[1], s[1]-s[0])
	}
}
