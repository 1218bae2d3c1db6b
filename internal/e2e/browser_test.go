package e2e

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

//go:embed testdata/axe.min.js
var axeSource string

// newBrowser starts headless Chromium for one test, with a fresh profile
// and none of the background traffic that the closed network refuses.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 1000),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if _, err := chromedp.Run(ctx, chromedp.Title()); err != nil { // starts the browser
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// tab opens a new tab in the browser of ctx.
func tab(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	tctx, cancel := chromedp.NewContext(ctx)
	t.Cleanup(cancel)
	// The first Run on a context opens its tab and ties the tab's life to
	// that call's context, so it must run without a time limit.
	if _, err := chromedp.Run(tctx, chromedp.Title()); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	return tctx
}

// do runs steps with a time limit, failing the test with what was being done.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(c, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	s, err := chromedp.Run(c, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

func value(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	s, err := chromedp.Run(c, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("value of %s: %v", sel, err)
	}
	return s
}

func location(t *testing.T, ctx context.Context) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// disableJavaScript makes the tab behave like a browser with scripts off,
// as many citizens' browsers and Tor's safest setting are.
func disableJavaScript() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	})
}

type violation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// checkAccessibility runs axe-core on the current page with the WCAG 2.0,
// 2.1 and 2.2 A and AA rules, and fails the test on any violation.
func checkAccessibility(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	for _, v := range axeViolations(t, ctx, page) {
		t.Errorf("%s: accessibility violation %s (%s): %s at %s", page, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, ", "))
	}
}

// axeViolations runs axe-core on the current page and returns its violations.
func axeViolations(t *testing.T, ctx context.Context, page string) []violation {
	t.Helper()
	vs, err := runAxe(ctx)
	if err != nil {
		t.Fatalf("%s: %v", page, err)
	}
	return vs
}

// runAxe runs axe-core on the current page with the WCAG 2.0, 2.1 and 2.2
// A and AA rules and returns its violations; an error when axe-core could
// not run or checked nothing.
func runAxe(ctx context.Context) ([]violation, error) {
	// A cap, not a timing check: axe-core on a long page (a network with
	// hundreds of links) on a busy 2-core machine takes tens of seconds.
	c, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	if _, err := chromedp.Run(c, chromedp.Evaluate[any](axeSource+";0")); err != nil {
		return nil, fmt.Errorf("load axe-core: %w", err)
	}
	const run = `axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
		.then(r => JSON.stringify({passes: r.passes.length, violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.map(n => n.target.join(' '))}))}))`
	out, err := chromedp.Run(c, chromedp.Evaluate[string](run, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("run axe-core: %w", err)
	}
	var res struct {
		Passes     int         `json:"passes"`
		Violations []violation `json:"violations"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		return nil, fmt.Errorf("axe result: %w", err)
	}
	if res.Passes == 0 {
		return nil, fmt.Errorf("axe-core checked nothing")
	}
	return res.Violations, nil
}

// TestAccessibilityCheckCatchesViolations shows that the axe-core check
// can fail: a page with an unlabelled input and an image without
// alternative text must be reported.
func TestAccessibilityCheckCatchesViolations(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<!DOCTYPE html><html lang="en"><head><title>Bad page</title></head><body><main><h1>Bad</h1><img src="/x.png"><input type="text"></main></body></html>`))
	}))
	defer srv.Close()
	ctx := tab(t, newBrowser(t))
	do(t, ctx, "open a bad page", chromedp.Navigate(srv.URL), chromedp.WaitVisible(chromedp.CSS("h1")))
	found := map[string]bool{}
	for _, v := range axeViolations(t, ctx, "bad page") {
		found[v.ID] = true
	}
	for _, want := range []string{"image-alt", "label"} {
		if !found[want] {
			t.Errorf("axe-core did not report %s on a page that breaks it; found %v", want, found)
		}
	}
}
