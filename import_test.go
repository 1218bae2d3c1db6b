package vigil_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/workday"
)

func TestImportedConcernValidate(t *testing.T) {
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, vigil.London)
	long := time.Date(2011, 5, 9, 10, 0, 0, 0, vigil.London)
	by := vigil.NewID()
	base := func() vigil.ImportedConcern {
		return vigil.ImportedConcern{Source: vigil.SourceProfessional, RaisedBy: by, ReceivedAt: long,
			Child: vigil.Child{Name: "Amy Example", DateOfBirth: "1998-04-01"}, WhatHappened: "Seen getting into cars outside school."}
	}
	tests := []struct {
		name  string
		edit  func(*vigil.ImportedConcern)
		field string // "" for valid
	}{
		{"history fifteen years old", func(*vigil.ImportedConcern) {}, ""},
		{"public, anonymous, no child named", func(n *vigil.ImportedConcern) {
			n.Source, n.RaisedBy, n.Child = vigil.SourcePublic, "", vigil.Child{}
		}, ""},
		{"received in the future", func(n *vigil.ImportedConcern) { n.ReceivedAt = now.Add(time.Hour) }, "received_at"},
		{"no date", func(n *vigil.ImportedConcern) { n.ReceivedAt = time.Time{} }, "received_at"},
		{"before 1970", func(n *vigil.ImportedConcern) { n.ReceivedAt = time.Date(1969, 1, 1, 0, 0, 0, 0, time.UTC) }, "received_at"},
		{"no account", func(n *vigil.ImportedConcern) { n.WhatHappened = "  " }, "what_happened"},
		{"not text", func(n *vigil.ImportedConcern) { n.WhatHappened = "bad \xff bytes" }, "what_happened"},
		{"NUL", func(n *vigil.ImportedConcern) { n.Child.Name = "a\x00b" }, "child.name"},
		{"adult at the time", func(n *vigil.ImportedConcern) { n.Child.DateOfBirth = "1990-01-01" }, "child.date_of_birth"},
		{"born after the concern", func(n *vigil.ImportedConcern) { n.Child.DateOfBirth = "2012-01-01" }, "child.date_of_birth"},
		{"professional without raiser", func(n *vigil.ImportedConcern) { n.RaisedBy = "" }, "raised_by"},
		{"public with raiser", func(n *vigil.ImportedConcern) { n.Source = vigil.SourcePublic }, "raised_by"},
		{"decision without reason", func(n *vigil.ImportedConcern) {
			n.Decisions = []vigil.ImportedDecision{{Kind: vigil.DecideReferral, Outcome: "early_help", At: long.Add(time.Hour), By: by}}
		}, "decisions[0].reason"},
		{"return before missing", func(n *vigil.ImportedConcern) {
			n.Missing = []vigil.ImportedMissing{{From: long, Returned: long.Add(-time.Hour), Details: "x"}}
		}, "missing[0].returned"},
		{"note before the concern", func(n *vigil.ImportedConcern) {
			n.Notes = []vigil.ImportedNote{{At: long.Add(-time.Hour), Text: "x"}}
		}, "notes[0].at"},
		{"empty mention", func(n *vigil.ImportedConcern) {
			n.Mentions = []vigil.Mention{{Kind: vigil.MentionVehicle}}
		}, "mentions[0].kind"},
		{"person mention without role", func(n *vigil.ImportedConcern) {
			n.Mentions = []vigil.Mention{{Kind: vigil.MentionPerson, GivenName: "Jay"}}
		}, "mentions[0].role"},
		{"mention date not a date", func(n *vigil.ImportedConcern) {
			n.Mentions = []vigil.Mention{{Kind: vigil.MentionPerson, Role: vigil.MentionSuspect, DateOfBirth: "14/03/1980"}}
		}, "mentions[0].date_of_birth"},
		{"mention partial date kept", func(n *vigil.ImportedConcern) {
			n.Mentions = []vigil.Mention{{Kind: vigil.MentionPerson, Role: vigil.MentionSuspect, DateOfBirth: "1980-04-31"},
				{Kind: vigil.MentionPerson, Role: vigil.MentionChild, DateOfBirth: "1998"}}
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := base()
			tt.edit(&n)
			err := n.Validate(now)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			found := false
			for _, f := range vigil.ErrorFields(err) {
				found = found || f.Field == tt.field
			}
			if vigil.ErrorCode(err) != vigil.EINVALID || !found {
				t.Errorf("Validate = %v %v, want EINVALID on %s", err, vigil.ErrorFields(err), tt.field)
			}
		})
	}
}

func TestReplay(t *testing.T) {
	cal := workday.England()
	rules := vigil.DefaultRules()
	received := time.Date(2015, 6, 1, 9, 0, 0, 0, vigil.London) // a Monday
	a, b := vigil.NewID(), vigil.NewID()
	dec := func(kind, outcome string, at time.Time, by vigil.ID, late string) vigil.ImportedDecision {
		return vigil.ImportedDecision{Kind: kind, Outcome: outcome, Reason: "because", LateReason: late, At: at, By: by}
	}
	day := 24 * time.Hour
	tests := []struct {
		name      string
		decisions []vigil.ImportedDecision
		missing   []vigil.ImportedMissing
		stage     vigil.Stage
		closed    bool
		deadlines string // kind:status, in order started
		err       string // part of the message, "" for none
	}{
		{name: "never decided", stage: vigil.StageReferral, deadlines: "decision:open"},
		{name: "no further action, closed",
			decisions: []vigil.ImportedDecision{dec("referral", "no_further_action", received.Add(3*time.Hour), a, ""),
				dec("close_request", "requested", received.Add(2*day), a, ""), dec("close_approval", "approved", received.Add(3*day), b, "")},
			stage: vigil.StageClosed, closed: true, deadlines: "decision:met"},
		{name: "assessment open",
			decisions: []vigil.ImportedDecision{dec("referral", "assessment", received.Add(3*time.Hour), a, "")},
			stage:     vigil.StageAssessment, deadlines: "decision:met assessment:open"},
		{name: "late without a reason",
			decisions: []vigil.ImportedDecision{dec("referral", "assessment", received.Add(5*day), a, "")},
			err:       "late"},
		{name: "late with a reason",
			decisions: []vigil.ImportedDecision{dec("referral", "early_help", received.Add(5*day), a, "Backlog")},
			stage:     vigil.StageEarlyHelp, deadlines: "decision:met"},
		{name: "out of order",
			decisions: []vigil.ImportedDecision{dec("assessment", "child_in_need", received.Add(time.Hour), a, "")},
			err:       "cannot be recorded yet"},
		{name: "closure by the person who asked",
			decisions: []vigil.ImportedDecision{dec("referral", "no_further_action", received.Add(3*time.Hour), a, ""),
				dec("close_request", "requested", received.Add(2*day), a, ""), dec("close_approval", "approved", received.Add(3*day), a, "")},
			err: "second person"},
		{name: "decision before the concern",
			decisions: []vigil.ImportedDecision{dec("referral", "no_further_action", received.Add(-time.Hour), a, "")},
			err:       "before the concern"},
		{name: "missing child back, interview in time, closure cancels nothing left",
			decisions: []vigil.ImportedDecision{dec("referral", "no_further_action", received.Add(3*time.Hour), a, ""),
				dec("return_interview", "held", received.Add(2*day), a, ""),
				dec("close_request", "requested", received.Add(3*day), a, ""), dec("close_approval", "approved", received.Add(4*day), b, "")},
			missing: []vigil.ImportedMissing{{From: received.Add(-5 * time.Hour), Returned: received.Add(day), Details: "Found at a friend's"}},
			stage:   vigil.StageClosed, closed: true, deadlines: "decision:met return_interview:met"},
		{name: "missing child never interviewed",
			missing: []vigil.ImportedMissing{{From: received.Add(-5 * time.Hour), Returned: received.Add(day), Details: "Found"}},
			stage:   vigil.StageReferral, deadlines: "decision:open return_interview:open"},
		{name: "three episodes in a month start a strategy discussion",
			missing: []vigil.ImportedMissing{{From: received, Details: "1"}, {From: received.Add(5 * day), Details: "2"}, {From: received.Add(9 * day), Details: "3"}},
			stage:   vigil.StageReferral, deadlines: "decision:open strategy_discussion:open"},
		{name: "work after closure",
			decisions: []vigil.ImportedDecision{dec("referral", "no_further_action", received.Add(3*time.Hour), a, ""),
				dec("close_request", "requested", received.Add(2*day), a, ""), dec("close_approval", "approved", received.Add(3*day), b, "")},
			missing: []vigil.ImportedMissing{{From: received.Add(10 * day), Details: "x"}},
			err:     "closure"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := &vigil.ImportedConcern{ReceivedAt: received, Decisions: tt.decisions, Missing: tt.missing}
			h, err := rules.Replay(cal, n)
			if tt.err != "" {
				if vigil.ErrorCode(err) != vigil.EINVALID || !strings.Contains(vigil.ErrorMessage(err), tt.err) {
					t.Fatalf("Replay = %v, want EINVALID about %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, d := range h.Deadlines {
				got = append(got, d.Kind+":"+string(d.Status))
			}
			if h.Stage != tt.stage || h.Closed != tt.closed || strings.Join(got, " ") != tt.deadlines {
				t.Errorf("stage %s closed %v deadlines %q, want %s %v %q", h.Stage, h.Closed, strings.Join(got, " "), tt.stage, tt.closed, tt.deadlines)
			}
			for _, d := range h.Deadlines {
				if d.Status == vigil.DeadlineMet && d.MetAt.After(d.Due) && d.LateReason == "" {
					t.Errorf("deadline %s met late without a reason", d.Kind)
				}
			}
		})
	}
}

func TestImportedUserValidate(t *testing.T) {
	ok := vigil.ImportedUser{ID: vigil.NewID(), Username: "sam.jones", Name: "Sam Jones", Role: vigil.RoleSocialWorker,
		AgencyID: vigil.NewID(), Status: vigil.UserLeft}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, edit := range []func(*vigil.ImportedUser){
		func(u *vigil.ImportedUser) { u.ID = "" },
		func(u *vigil.ImportedUser) { u.Username = "Sam Jones" },
		func(u *vigil.ImportedUser) { u.Status = "gone" },
		func(u *vigil.ImportedUser) { u.Password = "short" },
		func(u *vigil.ImportedUser) { u.Role = "boss" },
	} {
		u := ok
		edit(&u)
		if vigil.ErrorCode(u.Validate()) != vigil.EINVALID {
			t.Errorf("%+v accepted", u)
		}
	}
}

// TestReplayScreenings: an imported screening is scored as a live one
// (its level from the scores and the child's age then), and must fall
// while the case was open.
func TestReplayScreenings(t *testing.T) {
	cal := workday.England()
	rules := vigil.DefaultRules()
	received := time.Date(2015, 6, 1, 9, 0, 0, 0, vigil.London)
	a, b := vigil.NewID(), vigil.NewID()
	day := 24 * time.Hour
	closed := []vigil.ImportedDecision{
		{Kind: "referral", Outcome: "no_further_action", Reason: "because", At: received.Add(3 * time.Hour), By: a},
		{Kind: "close_request", Outcome: "requested", Reason: "because", At: received.Add(2 * day), By: a},
		{Kind: "close_approval", Outcome: "approved", Reason: "because", At: received.Add(3 * day), By: b},
	}
	scores := map[string]vigil.Score{"older_boyfriend": vigil.ScoreHigh, "missing": vigil.ScoreHigh, "gifts": vigil.ScoreMedium}
	child := vigil.Child{Name: "A Child", DateOfBirth: "2001-03-04"}
	n := &vigil.ImportedConcern{ReceivedAt: received, Child: child, Decisions: closed,
		Screenings: []vigil.ImportedScreening{{Scores: scores, At: received.Add(day), By: a}}}
	h, err := rules.Replay(cal, n)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Screenings) != 1 {
		t.Fatalf("%d screenings replayed, want 1", len(h.Screenings))
	}
	if want := vigil.ScreeningLevel(child.AgeAt(received.Add(day)), scores); h.Screenings[0].Level != want || want == "" {
		t.Errorf("level %q, want %q", h.Screenings[0].Level, want)
	}
	n.Screenings[0].At = received.Add(4 * day)
	if _, err := rules.Replay(cal, n); vigil.ErrorCode(err) != vigil.EINVALID || !strings.Contains(vigil.ErrorMessage(err), "after the case was closed") {
		t.Errorf("a screening after closure: %v", err)
	}
	bad := vigil.ImportedConcern{SourceRef: "X1", Source: vigil.SourcePublic, ReceivedAt: received, WhatHappened: "Something happened.",
		Screenings: []vigil.ImportedScreening{{Scores: map[string]vigil.Score{"not_an_indicator": vigil.ScoreHigh}, At: received.Add(-day)}}}
	err = bad.Validate(received.Add(10 * day))
	for _, f := range []string{"screenings[0].scores", "screenings[0].at", "screenings[0].by"} {
		if !hasField(err, f) {
			t.Errorf("Validate does not name %s: %v", f, err)
		}
	}
}

func hasField(err error, field string) bool {
	var ve *vigil.Error
	if !errors.As(err, &ve) {
		return false
	}
	for _, f := range ve.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}
