package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/speakup"
)

// FuzzConcernForm feeds the concern form's parser (the staff form at
// /concerns and the public one at /report) arbitrary bodies. It must not
// panic; it must keep every input as typed, so that a form shown again
// loses nothing; every problem it or the domain finds must point at an
// input of the form; refusals by the domain are EINVALID vigil errors
// with fields. A concern it accepts must meet the domain's rules, and
// survive being written back into a form and read again unchanged.
func FuzzConcernForm(f *testing.F) {
	for _, s := range []string{
		"child-name=Lily+Test&child-age=14&what-happened=Seen+with+older+men",
		"child-name=Lily&dob-day=27&dob-month=3&dob-year=2012&what-happened=x&received-day=1&received-month=6&received-year=2025&received-time=14:05",
		"child-name=Lily&dob-day=30&dob-month=2&dob-year=2012&what-happened=x",
		"child-age=fourteen&what-happened=x",
		"child-age=-1&what-happened=x", "child-age=99999999999999999999&what-happened=x",
		"received-time=25:00&received-day=1&received-month=1&received-year=2025&what-happened=x",
		"received-time=9.30&what-happened=x",
		"child-name=%ff%fe&what-happened=%00", "child-name=a&child-name=b&what-happened=c",
		"what-happened=" + strings.Repeat("x", 100), "source=public&what-happened=x", "source=young_person",
		"dob-year=1899&dob-month=12&dob-day=31&what-happened=x", "dob-day=+1&dob-month=1&dob-year=2015",
		"",
	} {
		f.Add(s)
	}
	now := time.Date(2025, 6, 10, 12, 0, 0, 0, vigil.London)
	f.Fuzz(func(t *testing.T, body string) {
		v, err := url.ParseQuery(body)
		if err != nil {
			return // the server answers a body it cannot read with formError
		}
		n, form, formErrs := parseConcern(v)
		for _, k := range concernFields {
			if form[k] != v.Get(k) {
				t.Fatalf("input %s kept as %q, typed %q", k, form[k], v.Get(k))
			}
		}
		n.Source = vigil.SourceProfessional
		n.Normalize()
		verr := n.Validate(now)
		if verr != nil && (vigil.ErrorCode(verr) != vigil.EINVALID || len(vigil.ErrorFields(verr)) == 0) {
			t.Fatalf("the domain refused with %v, want EINVALID with fields", verr)
		}
		for _, e := range mergeErrors(formErrs, n) {
			if !slices.Contains(concernFields, e.Field) {
				t.Fatalf("a problem (%q) points at %q, which is not an input of the form", e.Message, e.Field)
			}
			if e.Message == "" {
				t.Fatalf("a problem at %q has no message", e.Field)
			}
		}
		if len(formErrs) > 0 || verr != nil {
			return
		}
		// Accepted: the domain's rules hold...
		if n.WhatHappened == "" || n.Child.Name == "" || (n.Child.DateOfBirth == "" && n.Child.Age == nil) {
			t.Fatalf("accepted a concern without what the rules require: %+v", n)
		}
		if n.Child.Age != nil && (*n.Child.Age < 0 || *n.Child.Age > 17) {
			t.Fatalf("accepted age %d", *n.Child.Age)
		}
		if n.ReceivedAt.After(now.Add(5 * time.Minute)) {
			t.Fatalf("accepted a concern received in the future: %v", n.ReceivedAt)
		}
		// ...and the concern reads back the same from a form of its own.
		again, _, errs := parseConcern(concernAsForm(n))
		again.Source = vigil.SourceProfessional
		again.Normalize()
		if len(errs) > 0 {
			t.Fatalf("the accepted concern, written as a form, is refused: %v", errs)
		}
		if diff := cmp.Diff(n, again); diff != "" {
			t.Fatalf("the accepted concern changed when written as a form and read again (-first +second):\n%s", diff)
		}
	})
}

// concernAsForm writes a concern into the inputs of the concern form.
func concernAsForm(n vigil.NewConcern) url.Values {
	v := url.Values{"child-name": {n.Child.Name}, "child-address": {n.Child.Address}, "what-happened": {n.WhatHappened},
		"others-involved": {n.OthersInvolved}, "reporter-name": {n.Reporter.Name}, "reporter-contact": {n.Reporter.Contact},
		"reporter-relationship": {n.Reporter.Relationship}}
	if n.Child.DateOfBirth != "" {
		d, _ := time.Parse("2006-01-02", n.Child.DateOfBirth)
		v.Set("dob-day", strconv.Itoa(d.Day()))
		v.Set("dob-month", strconv.Itoa(int(d.Month())))
		v.Set("dob-year", strconv.Itoa(d.Year()))
	}
	if n.Child.Age != nil {
		v.Set("child-age", strconv.Itoa(*n.Child.Age))
	}
	if !n.ReceivedAt.IsZero() {
		r := n.ReceivedAt.In(vigil.London)
		v.Set("received-day", strconv.Itoa(r.Day()))
		v.Set("received-month", strconv.Itoa(int(r.Month())))
		v.Set("received-year", strconv.Itoa(r.Year()))
		v.Set("received-time", r.Format("15:04"))
	}
	return v
}

// FuzzDateTimeInput feeds the date and time inputs of every casework form
// (decisions, missing episodes, returns, escalations, action deadlines)
// arbitrary text. It must not panic; a problem must name the input at
// fault; a date it accepts must be a real day of the years it allows, at
// a real minute, and read back the same when written as the inputs.
func FuzzDateTimeInput(f *testing.F) {
	for _, s := range [][4]string{
		{"27", "3", "2025", "14:05"}, {"30", "2", "2025", ""}, {"31", "12", "2200", "23:59"}, {"1", "1", "1899", ""},
		{"", "", "", "10:00"}, {"", "", "", ""}, {"1", "13", "2025", ""}, {"01", "02", "2025", "9.30"},
		{"1", "1", "2025", "24:00"}, {"+1", "-1", "2025", " 10:00 "}, {"１", "1", "2025", ""}, {"1", "1", "99999999999999999999", ""},
	} {
		f.Add(s[0], s[1], s[2], s[3], true)
	}
	f.Fuzz(func(t *testing.T, day, month, year, hm string, endOfDay bool) {
		form := Form{"x-day": day, "x-month": month, "x-year": year, "x-time": hm}
		at, errs := whenInput(form, "x", "The date", endOfDay)
		for _, e := range errs {
			if e.Field != "x-day" && e.Field != "x-time" {
				t.Fatalf("a problem points at %q", e.Field)
			}
		}
		if len(errs) > 0 {
			if !at.IsZero() {
				t.Fatalf("refused, yet gave a time %v", at)
			}
			return
		}
		if at.IsZero() {
			return // nothing entered: the form decides whether that is allowed
		}
		if at.Location() != vigil.London || at.Year() < 1900 || at.Year() > 2200 || at.Second() != 0 || at.Nanosecond() != 0 {
			t.Fatalf("accepted %q %q %q %q as %v", day, month, year, hm, at)
		}
		again, errs := whenInput(Form{"x-day": strconv.Itoa(at.Day()), "x-month": strconv.Itoa(int(at.Month())),
			"x-year": strconv.Itoa(at.Year()), "x-time": at.Format("15:04")}, "x", "The date", endOfDay)
		if len(errs) > 0 || !again.Equal(at) {
			t.Fatalf("%v written as inputs reads back as %v (%v)", at, again, errs)
		}
	})
}

// FuzzParseUpload feeds the speak-up report form's multipart reader (the
// one form that takes files from anyone, without an account) arbitrary
// bodies. It must not panic; it refuses only with vigil errors a page can
// show (EINVALID, ETOOLARGE); and it never returns more photos than a
// report may carry, nor a photo longer than the limit plus the one byte
// that lets the limit be seen.
func FuzzParseUpload(f *testing.F) {
	part := func(name, file, data string) string {
		return "--b\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + file + "\"\r\nContent-Type: image/jpeg\r\n\r\n" + data + "\r\n"
	}
	for _, s := range []string{
		part("attachment", "a.jpg", "\xff\xd8\xff\xe0") + "--b--\r\n",
		part("attachment", "", "") + "--b--\r\n",
		part("attachment", "1.jpg", "x") + part("attachment", "2.jpg", "y") + part("attachment", "3.jpg", "z") + part("attachment", "4.jpg", "w") + "--b--\r\n",
		"--b\r\nContent-Disposition: form-data; name=\"what\"\r\n\r\nA taxi\r\n--b--\r\n",
		"--b\r\n\r\n--b--", "--b--", "", "--b\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"x\"\r\n\r\nunterminated",
	} {
		f.Add("multipart/form-data; boundary=b", []byte(s))
	}
	f.Add("application/x-www-form-urlencoded", []byte("what=A+taxi&attachment=x"))
	f.Add("multipart/form-data", []byte("--b--"))
	f.Fuzz(func(t *testing.T, contentType string, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/speak-up/new/child", bytes.NewReader(body))
		r.Header.Set("Content-Type", contentType)
		uploads, err := parseUpload(r)
		if err != nil {
			if c := vigil.ErrorCode(err); (c != vigil.EINVALID && c != vigil.ETOOLARGE) || vigil.ErrorMessage(err) == "" {
				t.Fatalf("refused with %v, want EINVALID or ETOOLARGE with a message", err)
			}
			return
		}
		if len(uploads) > speakup.MaxAttachments {
			t.Fatalf("%d uploads returned", len(uploads))
		}
		for _, u := range uploads {
			if len(u.Data) > speakup.MaxAttachmentSize+1 {
				t.Fatalf("an upload of %d bytes returned", len(u.Data))
			}
		}
	})
}
