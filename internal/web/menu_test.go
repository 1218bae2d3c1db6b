package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestMenuOpensForEveryRole: every item of the menu a person is shown
// opens for them. A menu must not lead anyone to a page they may not use
// (the e2e crawl checks every link of every page; this checks the menu of
// every role quickly).
func TestMenuOpensForEveryRole(t *testing.T) {
	s := newSite(t)
	nav := regexp.MustCompile(`(?s)<ul class="govuk-service-navigation__list" id="navigation">(.*?)</ul>`)
	href := regexp.MustCompile(`href="(/[^"]*)"`)
	for _, l := range s.town.Logins {
		t.Run(l.Username, func(t *testing.T) {
			c := s.signIn(t, l.Username)
			code, page := s.get(t, c, "/account")
			m := nav.FindStringSubmatch(page)
			if code != 200 || m == nil {
				t.Fatalf("/account: status %d, menu found: %v", code, m != nil)
			}
			for _, h := range href.FindAllStringSubmatch(m[1], -1) {
				// Follow redirects within the site (/admin shows the
				// administrator's own agency), as a browser would.
				at := h[1]
				for range 3 {
					resp, err := c.Get(s.srv.URL + at)
					if err != nil {
						t.Fatal(err)
					}
					resp.Body.Close()
					if loc := resp.Header.Get("Location"); resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(loc, "/") {
						at = loc
						continue
					}
					if resp.StatusCode != 200 {
						t.Errorf("the menu offers %s, which answers %d at %s", h[1], resp.StatusCode, at)
					}
					break
				}
			}
		})
	}
}
