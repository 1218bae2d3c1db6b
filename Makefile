# Vigil's build. `make test` is the one command that runs every test on a
# fresh machine: it installs Chromium and PostgreSQL with apt-get when they
# are missing, then runs the Go tests, including the PostgreSQL conformance
# tests (a throwaway server started by the tests) and the browser tests
# (headless Chromium).

GO ?= go

.PHONY: test deps build vet bench vendor demo

test: deps vet
	VIGIL_REQUIRE_POSTGRES=1 VIGIL_REQUIRE_BROWSER=1 $(GO) test -count=1 -timeout 20m ./...

deps:
	./scripts/install-deps.sh

vet:
	@test -z "$$(gofmt -l .)" || (echo "gofmt needed on:"; gofmt -l .; exit 1)
	$(GO) vet ./...

build:
	$(GO) build -o bin/vigil ./cmd/vigil

# Benchmarks print figures; they never fail on time.
bench:
	$(GO) test -run '^$$' -bench . -benchtime 3s ./internal/ledger/

# Refresh the vendored GOV.UK Frontend and axe-core files (needs npm).
vendor:
	./scripts/vendor-assets.sh

demo:
	$(GO) run ./cmd/vigil demo
