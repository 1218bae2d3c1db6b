package e2e

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/evidence"
	"github.com/vigil-project/vigil/internal/ledger"
)

// timelineRow is what the timeline page shows of one entry.
type timelineRow struct {
	Index int64  `json:"index"`
	Read  bool   `json:"read"`
	Actor string `json:"actor"`
	Who   string `json:"who"`
	Proof string `json:"proof"`
}

// TestInvestigatorTimeline is the "done when" of issue 5, part 3: in a
// demo town, the duty manager and the team manager open a case in their
// own browsers and the case is seen in the duty manager's work list; then
// an investigator opens the case's "Who knew what" page. Its pages,
// followed from the first to the last, must list every read the log holds
// about the case, those included, and each entry's proof, taken from its
// page, must check with tlog against the checkpoint the server serves at
// /log/checkpoint (verified with the key
// the test trusts, and proved consistent with the page's). The evidence
// bundle downloaded from the page verifies offline.
func TestInvestigatorTimeline(t *testing.T) {
	a := startApp(t)
	ctx := context.Background()
	duty := a.town.Login("duty.manager").User
	cases, err := a.store.Cases(ctx, vigil.UserActor(duty), vigil.CaseFilter{OwnerID: duty.ID, Limit: 1, Purpose: "test set-up"})
	if err != nil || len(cases) == 0 {
		t.Fatalf("no demo case: %v", err)
	}
	c := cases[0]
	caseURL := a.url + "/cases/" + string(c.ID)

	readers := map[string]vigil.ID{}
	for _, who := range []string{"duty.manager", "team.manager"} {
		b := tab(t, newBrowser(t))
		signIn(t, b, a, who) // the duty manager's work list shows the case: a read
		do(t, b, who+" opens the case", chromedp.Navigate(caseURL), chromedp.WaitVisible(chromedp.CSS("#owner")))
		if exists(t, b, "#timeline-link") {
			t.Errorf("%s is offered the timeline, which their role may not see", who)
		}
		readers[who] = a.town.Login(who).User.ID
		// Their direct visit to the timeline is refused as if there were no such page.
		do(t, b, who+" tries the timeline", chromedp.Navigate(caseURL+"/timeline"), chromedp.WaitVisible(chromedp.CSS("h1")))
		if h := text(t, b, "h1"); h != "Page not found" {
			t.Errorf("%s opening the timeline sees %q, want Page not found", who, h)
		}
	}

	// Enough reads for the timeline to come on more than one page.
	for range vigil.DefaultTimelinePage {
		if _, err := a.store.FindCase(ctx, vigil.UserActor(a.town.Login("investigator").User), c.ID, "review"); err != nil {
			t.Fatal(err)
		}
	}

	inv := tab(t, newBrowser(t))
	signIn(t, inv, a, "investigator")
	do(t, inv, "open the case and follow Who knew what",
		chromedp.Navigate(caseURL),
		chromedp.WaitVisible(chromedp.CSS("#timeline-link")),
		chromedp.Click(chromedp.CSS("#timeline-link")),
		chromedp.WaitVisible(chromedp.CSS("#timeline")))
	waitLocation(t, inv, "/cases/"+string(c.ID)+"/timeline")
	checkAccessibility(t, inv, "case timeline")
	// The timeline comes a page at a time: follow "Later" to the last,
	// keeping each page's rows and the checkpoint its proofs are against.
	type timelinePage struct {
		rows       []timelineRow
		checkpoint string
	}
	var pages []timelinePage
	for {
		pages = append(pages, timelinePage{
			rows: eval[[]timelineRow](t, inv, `Array.from(document.querySelectorAll('#timeline tbody tr')).map(r => ({
		index: Number(r.cells[3].innerText.trim()), read: r.dataset.read === 'true', actor: r.dataset.actor,
		who: r.cells[1].innerText.trim(), proof: r.querySelector('pre.vigil-proof').textContent}))`),
			checkpoint: eval[string](t, inv, `document.querySelector('#checkpoint').textContent`)})
		if !exists(t, inv, `#timeline-pages a[rel="next"]`) || len(pages) > 50 {
			break
		}
		do(t, inv, "follow Later", chromedp.Click(chromedp.CSS(`#timeline-pages a[rel="next"]`)), chromedp.WaitVisible(chromedp.CSS("#timeline")))
	}
	var rows []timelineRow
	for _, p := range pages {
		rows = append(rows, p.rows...)
	}
	if len(pages) < 2 {
		t.Errorf("%d entries came on %d page, want more than one", len(rows), len(pages))
	}
	pageCheckpoint := pages[len(pages)-1].checkpoint
	if len(rows) == 0 {
		t.Fatal("the timeline is empty")
	}

	// The checkpoint served to anyone at /log/checkpoint, opened with the
	// key the test trusts.
	a.store.Log().Checkpoint(ctx)
	resp, err := http.Get(a.url + "/log/checkpoint")
	if err != nil {
		t.Fatal(err)
	}
	served, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	cp, err := ledger.OpenCheckpoint(served, a.key.Verifier())
	if err != nil {
		t.Fatalf("/log/checkpoint: %v", err)
	}
	// Each page's checkpoint is the log's own, and the served one extends it.
	pageCPs := map[string]*ledger.Checkpoint{}
	for _, p := range pages {
		pcp, err := ledger.OpenCheckpoint([]byte(p.checkpoint), a.key.Verifier())
		if err != nil {
			t.Fatalf("a page's checkpoint: %v", err)
		}
		if pageCPs[p.checkpoint] == nil {
			actx, cancel := context.WithTimeout(ctx, 30*time.Second)
			if _, err := ledger.Audit(actx, http.DefaultClient, a.url+"/log", a.key.VerifierKey(), pcp.Note); err != nil {
				t.Fatalf("the served log is not consistent with a page's checkpoint: %v", err)
			}
			cancel()
		}
		pageCPs[p.checkpoint] = pcp
	}
	pageCP := pageCPs[pageCheckpoint]

	// Every proof on a page checks with tlog against the page's
	// checkpoint (which the served one was just proved to extend), and
	// the entry is also in the tree of the served checkpoint.
	shown := map[int64]timelineRow{}
	for _, pg := range pages {
		for _, r := range pg.rows {
			if _, twice := shown[r.Index]; twice {
				t.Errorf("entry %d is on two pages", r.Index)
			}
			shown[r.Index] = r
			checkTimelineProof(t, a, r, pageCPs[pg.checkpoint], cp)
		}
	}

	// Every read the log holds about the case, up to the last page's
	// checkpoint, is on a page, marked as a read.
	reads, byActor := 0, map[vigil.ID]int{}
	rowsDB, err := a.db.Reader.Query(a.db.Rebind(`SELECT idx, data FROM log_entries WHERE object_id = ? AND idx < ? ORDER BY idx`), string(c.ID), pageCP.Size)
	if err != nil {
		t.Fatal(err)
	}
	for rowsDB.Next() {
		var idx int64
		var data []byte
		rowsDB.Scan(&idx, &data)
		e, err := ledger.ParseEntry(data)
		if err != nil {
			t.Fatal(err)
		}
		if e.Kind != "record.viewed" && e.Kind != "record.listed" {
			continue
		}
		reads++
		byActor[vigil.ID(e.Actor)]++
		if r, ok := shown[idx]; !ok || !r.Read || r.Actor != e.Actor {
			t.Errorf("read %d (%s by %s) is not listed as a read by its actor", idx, e.Kind, e.Actor)
		}
	}
	rowsDB.Close()
	for who, id := range readers {
		if byActor[id] < 1 {
			t.Errorf("the log holds no read by %s", who)
		}
	}
	if byActor[readers["duty.manager"]] < 2 {
		t.Errorf("the duty manager's work list and case page make %d reads, want at least 2", byActor[readers["duty.manager"]])
	}
	last := rows[len(rows)-1]
	if !last.Read || last.Actor != string(a.town.Login("investigator").User.ID) {
		t.Errorf("the last entry is not the investigator's own opening of the timeline: %+v", last)
	}
	if got := text(t, inv, "#timeline-summary"); !strings.Contains(got, strconv.Itoa(reads)+" of them reads") {
		t.Errorf("summary %q does not count %d reads", got, reads)
	}

	// The bundle, fetched from the page's download link, verifies offline.
	zip64 := eval2[string](t, inv, `fetch(document.querySelector('#download-bundle').href).then(r => r.arrayBuffer()).then(b => {
		let s = ''; new Uint8Array(b).forEach(x => s += String.fromCharCode(x)); return btoa(s) })`)
	zip, err := base64.StdEncoding.DecodeString(zip64)
	if err != nil {
		t.Fatal(err)
	}
	b, err := evidence.Parse(zip)
	if err != nil {
		t.Fatalf("the downloaded bundle: %v", err)
	}
	sum, err := b.Verify(a.key.VerifierKey())
	if err != nil {
		t.Fatalf("the downloaded bundle does not verify: %v", err)
	}
	if sum.Entries < len(rows)+1 {
		t.Errorf("the bundle holds %d entries, the page showed %d before it", sum.Entries, len(rows))
	}
	t.Logf("%d entries shown on %d pages, %d reads, each proof checked; bundle: %s", len(rows), len(pages), reads, sum)

	// From the case timeline, the team manager's name leads to everything
	// they did and read lately: their read of this case is there, proved.
	tm := readers["team.manager"]
	do(t, inv, "follow the team manager's name",
		chromedp.Navigate(caseURL+"/timeline"),
		chromedp.WaitVisible(chromedp.CSS("#timeline")),
		chromedp.Click(chromedp.CSS(`#timeline a[href="/people/`+string(tm)+`/timeline"]`)),
		chromedp.WaitVisible(chromedp.CSS("#person-timeline")))
	checkAccessibility(t, inv, "person timeline")
	prow := eval[[]timelineRow](t, inv, `Array.from(document.querySelectorAll('#person-timeline tbody tr')).map(r => ({
		index: Number(r.cells[3].innerText.trim()), read: r.dataset.read === 'true', actor: r.dataset.actor,
		who: r.cells[1].innerText.trim(), proof: r.querySelector('pre.vigil-proof').textContent}))`)
	found := false
	for _, r := range prow {
		if s, ok := shown[r.Index]; ok && s.Read && s.Actor == string(tm) {
			found = true
		}
		if _, err := evidence.ParseProof([]byte(r.Proof)); err != nil {
			t.Errorf("person timeline entry %d: %v", r.Index, err)
		}
	}
	if !found {
		t.Errorf("the team manager's timeline does not list their read of the case (rows %v)", prow)
	}
	verifyLog(t, a)
}

// entryAt returns log entry idx as the log stores it.
func entryAt(t *testing.T, a *app, idx int64) []byte {
	t.Helper()
	d, err := a.store.Log().EntryData(context.Background(), idx, idx+1)
	if err != nil {
		t.Fatal(err)
	}
	return d[0]
}

// eval2 is eval for an expression whose value is a promise.
func eval2[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// checkTimelineProof checks a timeline row's proof, taken from its page:
// it names the row's entry and the page's checkpoint pageCP, checks with
// tlog against it, and the entry is also in the tree of the served
// checkpoint cp.
func checkTimelineProof(t *testing.T, a *app, r timelineRow, pageCP, cp *ledger.Checkpoint) {
	t.Helper()
	ctx := context.Background()
	p, err := evidence.ParseProof([]byte(r.Proof))
	if err != nil {
		t.Fatalf("entry %d: the page's proof text: %v", r.Index, err)
	}
	if int64(p.Index) != r.Index || string(p.Checkpoint) != string(pageCP.Note) {
		t.Fatalf("entry %d: the proof names entry %d or another checkpoint", r.Index, p.Index)
	}
	if _, err := ledger.OpenCheckpoint(p.Checkpoint, a.key.Verifier()); err != nil {
		t.Fatalf("entry %d: the proof's checkpoint: %v", r.Index, err)
	}
	data := entryAt(t, a, r.Index)
	hashes := make(tlog.RecordProof, len(p.Hashes))
	for i, h := range p.Hashes {
		hashes[i] = h
	}
	if err := tlog.CheckRecord(hashes, pageCP.Size, pageCP.Hash, r.Index, tlog.RecordHash(data)); err != nil {
		t.Errorf("entry %d: the proof does not check: %v", r.Index, err)
	}
	// And the entry is in the tree the server serves now.
	pr, err := a.store.Log().ProveInclusion(ctx, cp.Size, r.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := tlog.CheckRecord(pr, cp.Size, cp.Hash, r.Index, tlog.RecordHash(data)); err != nil {
		t.Errorf("entry %d is not in the served checkpoint's tree: %v", r.Index, err)
	}
}
