package speakup

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestWordList(t *testing.T) {
	list, index := words()
	if len(list) != 7772 || len(index) != len(list) {
		t.Fatalf("word list has %d words (%d distinct), want 7772", len(list), len(index))
	}
	for _, w := range list {
		for _, c := range w {
			if c < 'a' || c > 'z' {
				t.Fatalf("word %q has a character other than a to z: it would not survive the parser's separators", w)
			}
		}
	}
	if bits := SecretBits(); bits < 80 {
		t.Errorf("the secret part has %.1f bits, want at least 80", bits)
	}
}

func TestReceiptRoundTrip(t *testing.T) {
	r, text := NewReceipt()
	if n := len(strings.Fields(text)); n != ReceiptWords {
		t.Fatalf("receipt %q has %d words", text, n)
	}
	// People type receipts back in all sorts of ways.
	for _, typed := range []string{
		text,
		strings.ToUpper(text),
		"  " + strings.ReplaceAll(text, " ", "  ,") + "\n",
		strings.ReplaceAll(text, " ", "-"),
		strings.ReplaceAll(text, " ", ". "),
	} {
		got, err := ParseReceipt(typed)
		if err != nil {
			t.Errorf("ParseReceipt(%q): %v", typed, err)
			continue
		}
		if got.Lookup != r.Lookup || string(got.secret) != string(r.secret) {
			t.Errorf("ParseReceipt(%q) = %d %q, want %d %q", typed, got.Lookup, got.secret, r.Lookup, r.secret)
		}
	}
}

func TestParseReceiptRefuses(t *testing.T) {
	_, good := NewReceipt()
	w := strings.Fields(good)
	tests := []struct {
		name, in string
	}{
		{"empty", ""},
		{"eight words", strings.Join(w[:8], " ")},
		{"ten words", good + " " + w[0]},
		{"a word not in the list", strings.Join(append([]string{"xylophonez"}, w[1:]...), " ")},
		{"digits", "1234 5678 9012 3456"},
		{"too long", strings.Repeat("a", MaxReceiptInput+1)},
		{"script", "<script>alert(1)</script>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := ParseReceipt(tt.in); err == nil {
				t.Errorf("ParseReceipt(%q) accepted it", tt.in)
			}
		})
	}
}

// testParams make argon2id cheap in tests; the parameters under test are
// the mechanism, not the cost.
var testParams = Params{Time: 1, Memory: 8 * 1024, Threads: 1}

func TestVerifier(t *testing.T) {
	r, text := NewReceipt()
	v := r.NewVerifier("report-1", []byte("AGE-SECRET-KEY-1EXAMPLE"), testParams)
	got, err := r.Open(v, "report-1")
	if err != nil || string(got) != "AGE-SECRET-KEY-1EXAMPLE" {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if _, err := r.Open(v, "report-2"); err == nil {
		t.Error("a verifier opened for another report: the sealed key is not bound to its report")
	}
	// One word changed in the secret part.
	w := strings.Fields(text)
	w[ReceiptWords-1] = map[bool]string{true: "abacus", false: "zoom"}[w[ReceiptWords-1] != "abacus"]
	wrong, err := ParseReceipt(strings.Join(w, " "))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wrong.Open(v, "report-1"); err != ErrWrongReceipt {
		t.Errorf("a wrong secret opened the verifier: %v", err)
	}
	// The stored verifier reveals neither the secret nor the key.
	for _, b := range [][]byte{v.Hash, v.SealedKey, v.Salt} {
		if strings.Contains(string(b), string(r.secret)) || strings.Contains(string(b), "AGE-SECRET") {
			t.Error("the verifier holds the secret or the key in the clear")
		}
	}
	// Any change to the stored verifier changes its binding.
	base := string(v.Binding())
	v2 := *v
	v2.Hash = append([]byte(nil), v.Hash...)
	v2.Hash[0] ^= 1
	if string(v2.Binding()) == base {
		t.Error("binding ignores the hash")
	}
	v3 := *v
	v3.Lookup++
	if string(v3.Binding()) == base {
		t.Error("binding ignores the lookup")
	}
}

func TestParseParams(t *testing.T) {
	p, err := ParseParams(DefaultParams.String())
	if err != nil || p != DefaultParams {
		t.Errorf("ParseParams(%q) = %v, %v", DefaultParams.String(), p, err)
	}
	for _, bad := range []string{"", "m=1,t=1,p=1", "m=19456,t=99,p=1", "m=99999999,t=1,p=1", "x"} {
		if _, err := ParseParams(bad); err == nil {
			t.Errorf("ParseParams(%q) accepted it", bad)
		}
	}
}

func TestLimits(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	n, w := 0, time.Time{}
	for i := range MaxFailures {
		if UnderGuessing(n, w, start) {
			t.Fatalf("under guessing after %d failures", i)
		}
		n, w = Fail(n, w, start.Add(time.Duration(i)*time.Minute))
	}
	if !UnderGuessing(n, w, start.Add(10*time.Minute)) {
		t.Errorf("not under guessing after %d failures within the window", n)
	}
	if UnderGuessing(n, w, start.Add(FailureWindow+time.Minute)) {
		t.Error("still under guessing after the window ended")
	}
	if n2, w2 := Fail(n, w, start.Add(2*FailureWindow)); n2 != 1 || !w2.Equal(start.Add(2*FailureWindow)) {
		t.Errorf("a failure after the window gives %d at %v, want a new window", n2, w2)
	}
}

// TestWorkQueue fills the queue: checks past MaxWaiting are shed at once,
// work that must not be shed waits, and slots go to waiters in the order
// they came.
func TestWorkQueue(t *testing.T) {
	ctx := context.Background()
	w := NewWork(1, 2)
	hold, err := w.Acquire(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	order := make(chan int, 3)
	started := make(chan struct{}, 3)
	for i := range 2 {
		go func() {
			started <- struct{}{}
			rel, err := w.Acquire(ctx, true)
			if err != nil {
				t.Errorf("waiter %d: %v", i, err)
				return
			}
			order <- i
			rel()
		}()
		<-started
		waitQueued(t, w, i+1)
	}
	if _, err := w.Acquire(ctx, true); err != ErrBusy {
		t.Errorf("a check past MaxWaiting: %v, want ErrBusy", err)
	}
	go func() {
		rel, err := w.Acquire(ctx, false)
		if err != nil {
			t.Errorf("unsheddable: %v", err)
			return
		}
		order <- 2
		rel()
	}()
	waitQueued(t, w, 3)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := w.Acquire(cctx, false); err != context.Canceled {
		t.Errorf("a cancelled wait: %v", err)
	}
	hold()
	for want := range 3 {
		if got := <-order; got != want {
			t.Fatalf("slot %d went to waiter %d", want, got)
		}
	}
	rel, err := w.Acquire(ctx, true)
	if err != nil {
		t.Fatalf("after the queue drained: %v", err)
	}
	rel()
}

func waitQueued(t *testing.T, w *Work, n int) {
	t.Helper()
	for range 1000 {
		w.mu.Lock()
		q := len(w.queue)
		w.mu.Unlock()
		if q == n {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("the queue never reached %d", n)
}

// FuzzParseReceipt checks that no input makes the parser fail other than
// by refusing, and that what it accepts is nine list words whose lookup
// fits the two-word space.
func FuzzParseReceipt(f *testing.F) {
	_, good := NewReceipt()
	for _, s := range []string{good, strings.ToUpper(good), "", "a b c d e f g h i", strings.Repeat("abacus ", 9), "abacus\u00a0abacus", "\xff\xfe"} {
		f.Add(s)
	}
	max := int64(WordCount()) * int64(WordCount())
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseReceipt(s)
		if err != nil {
			return
		}
		if r.Lookup < 0 || r.Lookup >= max {
			t.Fatalf("lookup %d out of range", r.Lookup)
		}
		if n := len(strings.Fields(string(r.secret))); n != SecretWords {
			t.Fatalf("secret has %d words", n)
		}
		again, err := ParseReceipt(string(r.secret))
		if err == nil || again != nil {
			t.Fatalf("a seven-word secret parsed as a receipt")
		}
	})
}

// BenchmarkReceiptCheck measures one receipt check at the default
// argon2id cost, the trade-off between an offline guesser's work and the
// server's cost per check (and so the flood a server can bear).
func BenchmarkReceiptCheck(b *testing.B) {
	r, _ := NewReceipt()
	v := r.NewVerifier("report", []byte("key"), DefaultParams)
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		if _, err := r.Open(v, "report"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/check")
	b.ReportMetric(SecretBits(), "secret-bits")
}
