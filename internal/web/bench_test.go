package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/vigil-project/vigil"
	"github.com/vigil-project/vigil/internal/ledger"
	"github.com/vigil-project/vigil/internal/sqldb"
	"github.com/vigil-project/vigil/internal/sqlstore"
	"github.com/vigil-project/vigil/internal/synth"
	"github.com/vigil-project/vigil/internal/web"
)

// BenchmarkMyWork measures the server-side render of "My work" for an
// owner of 500 open cases (each with its clock), on SQLite.
func BenchmarkMyWork(b *testing.B) {
	ctx := context.Background()
	db, err := sqldb.Open(ctx, "sqlite:"+filepath.Join(b.TempDir(), "v.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	skey, _, _ := ledger.GenerateKey("bench.vigil.invalid/log")
	key, _ := ledger.ParseKey(skey)
	store, err := sqlstore.Open(ctx, db, key, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	town, err := synth.Seed(ctx, store, synth.Options{Seed: 5, Concerns: 1})
	if err != nil {
		b.Fatal(err)
	}
	raiser := vigil.UserActor(town.Login("school.dsl").User)
	var wg sync.WaitGroup
	errs := make(chan error, 500)
	for i := range 500 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			age := 10 + i%8
			_, _, err := store.RaiseConcern(ctx, raiser, vigil.NewConcern{ReceivedAt: vigil.Now().Add(-time.Duration(i) * time.Hour),
				Child: vigil.Child{Name: "Bench Child", Age: &age}, WhatHappened: "Benchmark concern"})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}
	l := town.Login("duty.manager") // the intake duty manager owns every new case
	token, _, err := store.SignIn(ctx, l.Username, l.Password)
	if err != nil {
		b.Fatal(err)
	}
	if token, _, err = store.CompleteSignIn(ctx, token, l.Code()); err != nil { // the second factor
		b.Fatal(err)
	}
	s, err := web.New(store, web.Options{})
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	req := httptest.NewRequest("GET", "/work", nil)
	req.AddCookie(&http.Cookie{Name: "vigil_session", Value: token})
	b.ResetTimer()
	for range b.N {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/render")
}
