#!/usr/bin/env bash
# vendor-assets.sh — fetch and build Vigil's vendored front-end assets.
#
# Run by a developer when bumping versions, never at build or test time: the
# outputs are committed, so the Go binary and its tests do not need npm.
#
# It uses npm, in a throw-away folder, to fetch pinned versions of
# govuk-frontend, axe-core and sass (dart-sass), then writes:
#
#   internal/web/static/govuk/govuk-frontend.min.css  GOV.UK Frontend compiled
#                                                      for Vigil (see below)
#   internal/web/static/govuk/govuk-frontend.min.js   ES module build, as shipped
#   internal/web/static/govuk/assets/images/...       only images the CSS uses
#   internal/web/static/govuk/LICENSE.txt             GOV.UK Frontend (MIT)
#   internal/web/static/govuk/VERSION                 versions used
#   internal/e2e/testdata/axe.min.js                  axe-core, for e2e a11y tests
#   internal/e2e/testdata/axe-LICENSE.txt             axe-core (MPL-2.0)
#
# The CSS is compiled with:
#   - no GDS Transport font: that typeface is reserved for services on GOV.UK,
#     so no @font-face is emitted and a system font stack is used instead;
#   - relative asset URLs ("assets/..."), which resolve next to the CSS file
#     wherever it is served, e.g. /static/<hash>/govuk/assets/images/...;
#   - the Royal Arms crest (used only by .govuk-footer__copyright-logo) replaced
#     by a transparent image: like the crown, it is reserved for government
#     services, so Vigil neither ships nor references it.
#
# The script is idempotent: running it again with the same pins rewrites the
# same bytes. Usage: scripts/vendor-assets.sh   (from anywhere)
set -euo pipefail

GOVUK_FRONTEND_VERSION="6.6.0"
AXE_CORE_VERSION="4.14.1"
SASS_VERSION="1.108.2"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GOVUK_OUT="$ROOT/internal/web/static/govuk"
E2E_OUT="$ROOT/internal/e2e/testdata"

die() { echo "vendor-assets: $*" >&2; exit 1; }
log() { echo "vendor-assets: $*" >&2; }

command -v npm >/dev/null || die "npm is required (only to run this script)"
command -v node >/dev/null || die "node is required (only to run this script)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/vigil-vendor-assets.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# ---------------------------------------------------------------- fetch ----
log "installing govuk-frontend@$GOVUK_FRONTEND_VERSION axe-core@$AXE_CORE_VERSION sass@$SASS_VERSION"
cat >"$WORK/package.json" <<EOF
{
  "name": "vigil-vendor-assets",
  "private": true,
  "dependencies": {
    "axe-core": "$AXE_CORE_VERSION",
    "govuk-frontend": "$GOVUK_FRONTEND_VERSION",
    "sass": "$SASS_VERSION"
  }
}
EOF
(
  cd "$WORK"
  npm install --ignore-scripts --no-audit --no-fund --no-package-lock \
    --loglevel=error >/dev/null
)

NM="$WORK/node_modules"
for pkg in "govuk-frontend:$GOVUK_FRONTEND_VERSION" "axe-core:$AXE_CORE_VERSION" "sass:$SASS_VERSION"; do
  name="${pkg%%:*}" want="${pkg#*:}"
  got="$(node -p "require(process.argv[1]).version" "$NM/$name/package.json")"
  [[ "$got" == "$want" ]] || die "$name: wanted $want, npm installed $got"
done
GOVUK="$NM/govuk-frontend/dist/govuk"
[[ -f "$GOVUK/index.scss" ]] || die "govuk-frontend: no dist/govuk/index.scss (package layout changed?)"

# -------------------------------------------------------------- compile ----
mkdir -p "$WORK/scss"
# Image URL handler: everything resolves to assets/images/<file>, relative to
# the CSS file, except the Royal Arms crest, which becomes a transparent image
# so that nothing reserved for government services is referenced or shipped.
cat >"$WORK/scss/_vigil-urls.scss" <<'EOF'
@function image-url($filename) {
  @if $filename == "govuk-crest.svg" {
    @return linear-gradient(transparent, transparent);
  }
  @return url("assets/images/#{$filename}");
}
EOF
cat >"$WORK/scss/govuk-frontend.scss" <<EOF
/*! GOV.UK Frontend $GOVUK_FRONTEND_VERSION | MIT | Crown Copyright (Government Digital Service) | compiled for Vigil by scripts/vendor-assets.sh with sass $SASS_VERSION (system fonts, no crest) */
EOF
cat >>"$WORK/scss/govuk-frontend.scss" <<'EOF'
@use "sass:meta";
@use "vigil-urls";
@use "govuk-frontend/dist/govuk" with (
  // Relative to the CSS file: /static/<hash>/govuk/assets/...
  $govuk-assets-path: "assets/",
  // GDS Transport is reserved for GOV.UK: emit no @font-face, use system fonts.
  $govuk-include-default-font-face: false,
  $govuk-font-family: (system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif),
  $govuk-image-url-function: meta.get-function("image-url", $module: "vigil-urls")
);
EOF

log "compiling GOV.UK Frontend Sass"
"$NM/.bin/sass" --style=compressed --no-source-map --load-path="$NM" \
  "$WORK/scss/govuk-frontend.scss" "$WORK/govuk-frontend.min.css"
CSS="$WORK/govuk-frontend.min.css"

# ---------------------------------------------------------- CSS checks -----
size="$(wc -c <"$CSS")"
((size > 50000)) || die "compiled CSS is suspiciously small ($size bytes)"
grep -q '\.govuk-button' "$CSS" || die "compiled CSS has no .govuk-button"
! grep -qi 'GDS Transport' "$CSS" || die "compiled CSS mentions GDS Transport"
! grep -qi '@font-face' "$CSS" || die "compiled CSS has @font-face"
! grep -qiE '\.(woff2?|ttf|otf|eot)\b' "$CSS" || die "compiled CSS references font files"
! grep -qi 'govuk-crest' "$CSS" || die "compiled CSS references the crest"

# Every url(...) must be a relative assets/images/ path (or a data: URI).
urls="$(grep -oE 'url\([^)]*\)' "$CSS" | sed -E 's/^url\(["'\'']?//; s/["'\'']?\)$//' | sort -u || true)"
images=()
while IFS= read -r u; do
  [[ -n "$u" ]] || continue
  case "$u" in
    data:*) ;;
    assets/images/*)
      [[ "$u" != *..* ]] || die "compiled CSS has a suspicious URL: $u"
      images+=("${u#assets/images/}")
      ;;
    *) die "compiled CSS has a non-relative or unexpected URL: $u" ;;
  esac
done <<<"$urls"

# ----------------------------------------------------------------- stage ---
STAGE="$WORK/stage/govuk"
mkdir -p "$STAGE"
cp "$CSS" "$STAGE/govuk-frontend.min.css"

# The ES module build, minus its sourceMappingURL comment (the map is not
# vendored, so the comment would only cause 404s in browser dev tools).
sed -E '$ s#//\# sourceMappingURL=[^ ]*$##' "$GOVUK/govuk-frontend.min.js" >"$STAGE/govuk-frontend.min.js"
grep -q 'export{[^}]*initAll' "$STAGE/govuk-frontend.min.js" || die "govuk-frontend.min.js does not export initAll"
! grep -q 'sourceMappingURL' "$STAGE/govuk-frontend.min.js" || die "could not strip sourceMappingURL"

for img in ${images[@]+"${images[@]}"}; do
  [[ -f "$GOVUK/assets/images/$img" ]] || die "CSS references assets/images/$img, which govuk-frontend does not ship"
  mkdir -p "$STAGE/assets/images/$(dirname "$img")"
  cp "$GOVUK/assets/images/$img" "$STAGE/assets/images/$img"
done

# govuk-frontend's npm package ships no licence file (package.json says MIT);
# use the package's own if a later version ships one, else the MIT text from
# the upstream repository's LICENSE.txt.
lic="$(find "$NM/govuk-frontend" -maxdepth 1 -iname 'licen[cs]e*' | head -n1)"
if [[ -n "$lic" ]]; then
  cp "$lic" "$STAGE/LICENSE.txt"
else
  [[ "$(node -p "require(process.argv[1]).license" "$NM/govuk-frontend/package.json")" == "MIT" ]] \
    || die "govuk-frontend is no longer MIT-licensed; review before vendoring"
  cat >"$STAGE/LICENSE.txt" <<'EOF'
The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
EOF
fi

printf 'govuk-frontend %s\nsass %s\n' "$GOVUK_FRONTEND_VERSION" "$SASS_VERSION" >"$STAGE/VERSION"

# ---------------------------------------------------------------- write ----
# internal/web/static/govuk is wholly generated here: replace it, so images
# that a new version no longer references do not linger.
mkdir -p "$(dirname "$GOVUK_OUT")"
rm -rf "$GOVUK_OUT"
cp -R "$STAGE" "$GOVUK_OUT"

# internal/e2e/testdata may hold other fixtures: write only our two files.
mkdir -p "$E2E_OUT"
cp "$NM/axe-core/axe.min.js" "$E2E_OUT/axe.min.js"
cp "$NM/axe-core/LICENSE" "$E2E_OUT/axe-LICENSE.txt"
head -c 200 "$E2E_OUT/axe.min.js" | grep -q "axe v$AXE_CORE_VERSION" || die "axe.min.js is not axe v$AXE_CORE_VERSION"

log "wrote:"
(
  cd "$ROOT"
  find "${GOVUK_OUT#"$ROOT"/}" -type f | sort
  echo "${E2E_OUT#"$ROOT"/}/axe.min.js"
  echo "${E2E_OUT#"$ROOT"/}/axe-LICENSE.txt"
) | while IFS= read -r f; do
  printf '  %8d  %s\n' "$(wc -c <"$ROOT/$f")" "$f" >&2
done
