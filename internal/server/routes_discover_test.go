package server_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// surfaces are the packages whose handlers make up a Vigil node, with the
// prefix under which internal/server mounts each one's routes. The log's
// mux is mounted with http.StripPrefix("/log"), so its patterns gain the
// prefix; the others carry full paths.
var surfaces = []struct {
	dir, prefix string
}{
	{"../web", ""},
	{"../api", ""},
	{"../ledger", "/log"},
	{".", ""},
}

// mounts are the prefixes internal/server mounts the surfaces at.
var mounts = []string{"/", "/api/", "/log/"}

// discoverRoutes reads the Go source of every surface and returns each
// pattern given to a mux's Handle or HandleFunc, so that a route cannot be
// added without the test noticing. A pattern built from parts keeps its
// literal parts and names each other part in braces
// ("GET /static/{staticHash}/"); a pattern that is a named constant of
// the package is resolved ("/api/"). In internal/server itself, Handle
// calls mount the other surfaces and are not routes of their own.
func discoverRoutes(t *testing.T) []string {
	t.Helper()
	var routes []string
	for _, s := range surfaces {
		files, err := filepath.Glob(filepath.Join(s.dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		fset := token.NewFileSet()
		var parsed []*ast.File
		consts := map[string]string{}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			f, err := parser.ParseFile(fset, name, src, 0)
			if err != nil {
				t.Fatal(err)
			}
			parsed = append(parsed, f)
			collectStringConsts(f, consts)
		}
		for _, f := range parsed {
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok || len(call.Args) != 2 {
					return true
				}
				sel, ok := call.Fun.(*ast.SelectorExpr)
				if !ok || (sel.Sel.Name != "HandleFunc" && sel.Sel.Name != "Handle") {
					return true
				}
				if s.dir == "." && sel.Sel.Name == "Handle" {
					// A mount of another surface: it must be one the
					// test reads, or its routes would go unchecked.
					if p, _ := patternOf(call.Args[0], consts); !slices.Contains(mounts, p) {
						t.Errorf("%s: internal/server mounts %q, a surface this test does not read: add its package to surfaces", fset.Position(call.Pos()), p)
					}
					return true
				}
				pattern, ok := patternOf(call.Args[0], consts)
				if !ok {
					t.Errorf("%s: a route whose pattern cannot be read: %s", fset.Position(call.Pos()), exprString(call.Args[0]))
					return true
				}
				routes = append(routes, withPrefix(pattern, s.prefix))
				return true
			})
		}
	}
	slices.Sort(routes)
	return slices.Compact(routes)
}

// collectStringConsts records the package's string constants by name.
func collectStringConsts(f *ast.File, consts map[string]string) {
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				if i < len(vs.Values) {
					if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
						if v, err := strconv.Unquote(lit.Value); err == nil {
							consts[name.Name] = v
						}
					}
				}
			}
		}
	}
}

// patternOf renders a pattern expression: string literals as they are,
// constants resolved, other parts as {name}.
func patternOf(e ast.Expr, consts map[string]string) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		v, err := strconv.Unquote(e.Value)
		return v, err == nil
	case *ast.Ident:
		if v, ok := consts[e.Name]; ok {
			return v, true
		}
		return "{" + e.Name + "}", true
	case *ast.SelectorExpr:
		return "{" + exprString(e) + "}", true
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		l, ok1 := patternOf(e.X, consts)
		r, ok2 := patternOf(e.Y, consts)
		return l + r, ok1 && ok2
	case *ast.ParenExpr:
		return patternOf(e.X, consts)
	}
	return "", false
}

func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	case *ast.BasicLit:
		return e.Value
	}
	return "?"
}

// withPrefix puts a mount prefix in front of a pattern's path, after its
// method if it has one.
func withPrefix(pattern, prefix string) string {
	if prefix == "" {
		return pattern
	}
	if method, path, ok := strings.Cut(pattern, " "); ok {
		return method + " " + prefix + path
	}
	return prefix + pattern
}
