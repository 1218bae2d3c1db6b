package e2e

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/server"
	"github.com/vigil-project/vigil/internal/sqldb"
	"github.com/vigil-project/vigil/internal/sqlstore"
	"github.com/vigil-project/vigil/internal/synth"
)

// startLinkedTown is startApp with a generated world's history loaded
// (a small town: a dozen children over two years, one offender network)
// and linked, as `vigil demo --scale town` does on a larger one. It
// returns the world's ground truth of each mention, by source reference:
// the real person, car, phone or place the mention names.
func startLinkedTown(t *testing.T) (*app, map[string]synth.EntityID, *synth.Generator) {
	t.Helper()
	ctx := context.Background()
	db, err := sqldb.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "vigil.db"))
	if err != nil {
		t.Fatal(err)
	}
	skey, _, err := ledger.GenerateKey("e2e.vigil.invalid/log")
	if err != nil {
		t.Fatal(err)
	}
	key, err := ledger.ParseKey(skey)
	if err != nil {
		t.Fatal(err)
	}
	store, err := sqlstore.Open(ctx, db, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	g := synth.NewGenerator(synth.WorldOptions{Seed: 3, Scale: synth.ScaleSmall, End: vigil.Now()})
	town, _, err := synth.Load(ctx, store, g, synth.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	run, err := store.RunLinking(ctx, vigil.SystemActor)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("linked %d mentions: %d links (%d likely, %d for review) in %s", run.Mentions, run.Proposed, run.Likely, run.Review, run.Took)
	truth := map[string]synth.EntityID{}
	for rep := range g.Reports {
		for k, m := range rep.Mentions {
			truth[m.ID] = rep.Truth.Mentions[k].Entity
		}
	}
	h, err := server.New(store, server.Options{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		store.Close()
		db.Close()
	})
	return &app{url: srv.URL, store: store, db: db, key: key, town: town}, truth, g
}

// TestAnalystReviewsNetwork: a police analyst opens the network around a
// child the town's offender network exploited, sees the evidence for each
// link (ten links to a page, every page reached by "Next"), confirms a link the ground truth says is right and rejects one it
// says is wrong (or, when linking made no mistake there, another), and
// both decisions are in the verifiable log.
func TestAnalystReviewsNetwork(t *testing.T) {
	ctx := newBrowser(t)
	a, truth, g := startLinkedTown(t)
	bg := context.Background()

	// A child of the network, as the truth knows them, and a mention of
	// them in the store.
	var childRef string
	for rep := range g.Reports {
		if rep.Truth.Network == "" || rep.Truth.Child == "" || childRef != "" {
			continue
		}
		for k, m := range rep.Mentions {
			if m.Role == synth.RoleChild && rep.Truth.Mentions[k].Entity == rep.Truth.Child && m.GivenName+m.FullName != "" {
				childRef = m.ID
				break
			}
		}
	}
	if childRef == "" {
		t.Fatal("the town has no exploited child with a named mention")
	}
	var mentionID vigil.ID
	if err := a.db.Reader.QueryRow(a.db.Rebind(`SELECT id FROM mentions WHERE source_ref = ?`), childRef).Scan(&mentionID); err != nil {
		t.Fatal(err)
	}
	analyst := vigil.UserActor(a.town.Login("police.analyst").User)
	nw, err := a.store.EntityNetwork(bg, analyst, mentionID, vigil.NetworkQuery{Hops: 2, LinksLimit: vigil.MaxNetworkLinks})
	if err != nil {
		t.Fatal(err)
	}
	// Choose from the undecided links shown: one the truth says is right,
	// one it says is wrong.
	sourceOf := func(m *vigil.Mention) synth.EntityID {
		if m == nil {
			return ""
		}
		return truth[m.SourceRef]
	}
	var right, wrong *vigil.Link
	for _, l := range nw.Links {
		if l.Status != vigil.LinkReview && l.Status != vigil.LinkLikely || l.Method == vigil.LinkPattern {
			continue
		}
		same := sourceOf(l.LeftMention) != "" && sourceOf(l.LeftMention) == sourceOf(l.RightMention)
		switch {
		case same && right == nil:
			right = l
		case !same && wrong == nil:
			wrong = l
		}
	}
	if right == nil {
		t.Fatalf("no undecided link the truth confirms among %d shown", len(nw.Links))
	}
	if wrong == nil {
		for _, l := range nw.Links {
			if l != right && (l.Status == vigil.LinkReview || l.Status == vigil.LinkLikely) && l.Method != vigil.LinkPattern {
				wrong = l
				break
			}
		}
		t.Logf("linking made no mistake around this child; rejecting a right link instead")
	}
	if wrong == nil {
		t.Fatalf("only one undecided link among %d shown", len(nw.Links))
	}

	signIn(t, ctx, a, "police.analyst")
	do(t, ctx, "open the review queue from the menu",
		chromedp.Click(chromedp.CSS(`#navigation a[href="/links/review"]`)),
		chromedp.WaitVisible(chromedp.CSS("#queue-count")),
	)
	checkAccessibility(t, ctx, "links to review")
	page := a.url + "/entities/" + string(mentionID) + "/network"
	do(t, ctx, "open the network around the child",
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.CSS("#network-nodes")),
	)
	if h := text(t, ctx, "h1"); !strings.HasPrefix(h, "Network around ") {
		t.Fatalf("heading %q", h)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('svg.vigil-network .vigil-node').length`); n != len(nw.Nodes) || n < 3 {
		t.Errorf("the picture shows %d entities, want %d (at least 3)", n, len(nw.Nodes))
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('#network-nodes tbody tr').length`); n != len(nw.Nodes) {
		t.Errorf("the table lists %d entities, want %d", n, len(nw.Nodes))
	}
	// Every link shown carries its evidence.
	cards := eval[int](t, ctx, `document.querySelectorAll('#links .govuk-summary-card').length`)
	withEvidence := eval[int](t, ctx, `[...document.querySelectorAll('#links .govuk-summary-card')].filter(c => c.querySelectorAll('table tbody tr').length > 0).length`)
	if cards == 0 || withEvidence != cards {
		t.Errorf("%d links shown, %d with evidence", cards, withEvidence)
	}
	checkAccessibility(t, ctx, "network")
	// The links come ten to a page, undecided first: linkPage is the
	// address of the page showing a link now.
	linkPage := func(l *vigil.Link) string {
		t.Helper()
		nw, err := a.store.EntityNetwork(bg, analyst, mentionID, vigil.NetworkQuery{Hops: 2, LinksLimit: vigil.MaxNetworkLinks})
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(nw.Links, func(x *vigil.Link) bool { return x.ID == l.ID })
		if i < 0 {
			t.Fatalf("link %s is not in the network", l.ID)
		}
		return page + "?page=" + strconv.Itoa(i/vigil.DefaultNetworkLinks+1)
	}
	for _, l := range []*vigil.Link{right, wrong} {
		do(t, ctx, "open the page of link "+string(l.ID), chromedp.Navigate(linkPage(l)), chromedp.WaitVisible(chromedp.CSS("#network-nodes")))
		if !exists(t, ctx, "#link-"+string(l.ID)+" table tbody tr") {
			t.Errorf("link %s is not shown with its evidence", l.ID)
		}
	}
	// Following "Next" from the first page meets the links in turn, each
	// once (the first five pages of them: there are hundreds); the page
	// counts them all.
	do(t, ctx, "open the network's first page", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS("#network-nodes")))
	if got := text(t, ctx, "#links-count"); !strings.HasPrefix(got, strconv.Itoa(nw.LinksTotal)+" links join") {
		t.Errorf("the page counts the links as %q, want %d", got, nw.LinksTotal)
	}
	var cardsSeen []string
	for range 5 {
		cardsSeen = append(cardsSeen, eval[[]string](t, ctx, `[...document.querySelectorAll('#links .govuk-summary-card')].map(c => c.id.slice(5))`)...)
		if !exists(t, ctx, `#links-pages a[rel="next"]`) {
			break
		}
		do(t, ctx, "follow Next", chromedp.Click(chromedp.CSS(`#links-pages a[rel="next"]`)), chromedp.WaitVisible(chromedp.CSS("#network-nodes")))
	}
	var want []string
	for _, l := range nw.Links[:min(len(nw.Links), len(cardsSeen))] {
		want = append(want, string(l.ID))
	}
	if len(cardsSeen) < min(nw.LinksTotal, 5*vigil.DefaultNetworkLinks) || !slices.Equal(cardsSeen, want) {
		t.Errorf("five pages show %d links, not the network's first %d in turn", len(cardsSeen), len(want))
	}

	decide := func(l *vigil.Link, choice, note, notice string) {
		t.Helper()
		do(t, ctx, choice+" link "+string(l.ID),
			chromedp.Navigate(linkPage(l)),
			chromedp.WaitVisible(chromedp.CSS("#decide-"+string(l.ID))),
			chromedp.Click(chromedp.CSS("#"+choice+"-"+string(l.ID))),
			chromedp.SendKeys(chromedp.CSS("#note-"+string(l.ID)), note),
			chromedp.Click(chromedp.CSS("#decide-"+string(l.ID))),
		)
		waitNotice(t, ctx, notice)
	}
	decide(right, "confirm", "Same child: date of birth and school agree", "Link confirmed. Your decision is recorded in the log.")
	decide(wrong, "reject", "Different people", "Link rejected. Your decision is recorded in the log, and the link no longer joins these records.")
	if exists(t, ctx, "#decide-"+string(right.ID)) || exists(t, ctx, "#decide-"+string(wrong.ID)) {
		t.Error("a decided link still offers a decision")
	}
	// The rejected link no longer joins the records; the record's own
	// page still shows it, rejected, with the evidence.
	// (Its links come ten to a page, in the order the entity lists them.)
	ent, err := a.store.Entity(bg, analyst, wrong.Left)
	if err != nil {
		t.Fatal(err)
	}
	at := slices.IndexFunc(ent.Links, func(l *vigil.Link) bool { return l.ID == wrong.ID })
	do(t, ctx, "open a record of the rejected link",
		chromedp.Navigate(a.url+"/entities/"+string(wrong.Left)+"?page="+strconv.Itoa(at/vigil.DefaultNetworkLinks+1)),
		chromedp.WaitVisible(chromedp.CSS("#link-"+string(wrong.ID))),
	)
	if s := eval[string](t, ctx, `document.querySelector('#link-`+string(wrong.ID)+`').dataset.status`); s != "rejected" {
		t.Errorf("the rejected link shows status %q", s)
	}
	checkAccessibility(t, ctx, "entity")

	// The decisions are in the log, by the analyst, and the log verifies.
	for _, c := range []struct {
		l    *vigil.Link
		kind string
	}{{right, "link.confirmed"}, {wrong, "link.rejected"}} {
		rows, err := a.db.Reader.Query(a.db.Rebind(`SELECT data FROM log_entries WHERE object_id = ? ORDER BY idx`), c.l.ID)
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		var actor string
		for rows.Next() {
			var data []byte
			if err := rows.Scan(&data); err != nil {
				t.Fatal(err)
			}
			en, err := ledger.ParseEntry(data)
			if err != nil {
				t.Fatal(err)
			}
			kinds = append(kinds, en.Kind)
			actor = en.Actor
		}
		rows.Close()
		if len(kinds) != 2 || kinds[1] != c.kind || actor != string(analyst.ID) {
			t.Errorf("log of link %s: %v by %s, want link.proposed then %s by the analyst", c.l.ID, kinds, actor, c.kind)
		}
	}
	verifyLog(t, a)
}
