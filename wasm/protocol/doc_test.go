package protocol

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// docRule is what TestMessageDocs holds every message type to.
const docRule = `every message type (a type with an isRequest or isEvent method) needs a doc
comment on its own type declaration (not a shared one on a type ( ... ) group)
that starts with the type's name and says what the message is, who sends it
and when, and what answers it: a Request's comment names "the page", an
Event's "the worker". doc.go keeps only the framing and the state machine.`

// TestMessageDocs checks docRule on the package's Go files, so a message
// added in any file documents itself on its type.
func TestMessageDocs(t *testing.T) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, e := range entries {
		if name := e.Name(); strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
			f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
	}
	kinds := map[string]string{}           // type name → "Request" or "Event"
	docs := map[string]*ast.CommentGroup{} // type name → its doc comment
	where := map[string]token.Pos{}
	for _, f := range files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil || len(d.Recv.List) != 1 {
					continue
				}
				kind := map[string]string{"isRequest": "Request", "isEvent": "Event"}[d.Name.Name]
				if kind != "" {
					kinds[receiverName(d.Recv.List[0].Type)] = kind
				}
			case *ast.GenDecl:
				if d.Tok != token.TYPE {
					continue
				}
				for _, s := range d.Specs {
					ts := s.(*ast.TypeSpec)
					doc := ts.Doc
					if doc == nil && !d.Lparen.IsValid() {
						doc = d.Doc // type T struct{...}: the comment sits on the declaration
					}
					docs[ts.Name.Name], where[ts.Name.Name] = doc, ts.Pos()
				}
			}
		}
	}
	if len(kinds) < 20 {
		t.Fatalf("found %d message types; the parse missed the isRequest and isEvent methods", len(kinds))
	}
	sender := map[string]*regexp.Regexp{"Request": regexp.MustCompile(`\bpage\b`), "Event": regexp.MustCompile(`\bworker\b`)}
	var bad []string
	for name, kind := range kinds {
		doc := docs[name]
		text := ""
		if doc != nil {
			text = doc.Text()
		}
		var why string
		switch {
		case strings.TrimSpace(text) == "":
			why = "no doc comment"
		case !strings.HasPrefix(text, name+" "):
			why = "the doc comment does not start with " + name
		case !sender[kind].MatchString(text):
			why = map[string]string{"Request": `a Request's doc comment does not say "page" (who sends it)`,
				"Event": `an Event's doc comment does not say "worker" (who sends it)`}[kind]
		}
		if why != "" {
			bad = append(bad, fset.Position(where[name]).String()+": "+name+": "+why)
		}
	}
	sort.Strings(bad)
	if len(bad) > 0 {
		t.Errorf("%s\n\n%s", docRule, strings.Join(bad, "\n"))
	}
}

// receiverName is the type a method's receiver names: T or *T.
func receiverName(e ast.Expr) string {
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X
	}
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}
