#!/usr/bin/env bash
# Install the system packages supportlens needs, with apt-get when we can; otherwise print
# the exact command and stop. `make report` runs it bare (what a build needs); `make test` and
# `make bench` run it with --test (what only the tests and benchmarks need, too).
#   chromium              static charts for the PDF (Kaleido drives the system browser)
#   libpango + fonts      WeasyPrint's text layout
#   --test: poppler-utils pdftoppm/pdftotext, used by the tests to look at the PDF
#   --test: time          /usr/bin/time -v, used by `make bench` for peak memory
# The browser must start, not merely exist: BROWSER_PATH (if set) or the first Chromium/Chrome on
# PATH is run headless on a blank page (Ubuntu's `chromium-browser` is a snap launcher that fails
# in containers and CI).
set -euo pipefail

with_test=0
for arg in "$@"; do
  case "$arg" in
    --test) with_test=1 ;;
    *) echo "usage: $0 [--test]" >&2; exit 2 ;;
  esac
done

# A browser starts when it loads about:blank headless within 30 s.
browser_starts() {
  local profile out
  profile=$(mktemp -d)
  out=$(timeout 30 "$1" --headless --no-sandbox --disable-gpu --user-data-dir="$profile" \
        --dump-dom about:blank 2>/dev/null) || true
  rm -rf "$profile"
  [[ "$out" == *"<body"* ]]
}

find_browser() {
  if [ -n "${BROWSER_PATH:-}" ]; then echo "$BROWSER_PATH"; return; fi
  local name
  for name in chromium chromium-browser google-chrome google-chrome-stable chrome; do
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
  done
}

# Shared libraries: ldconfig's cache (ldconfig lives in /sbin, off a normal user's PATH), else the usual folders.
has_library() {
  local ldconfig
  ldconfig=$(command -v ldconfig || true)
  for candidate in "$ldconfig" /sbin/ldconfig /usr/sbin/ldconfig; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] && "$candidate" -p 2>/dev/null | grep -q "$1"; then return 0; fi
  done
  compgen -G "/usr/lib/$1*" >/dev/null || compgen -G "/usr/lib/*/$1*" >/dev/null \
    || compgen -G "/lib/*/$1*" >/dev/null || compgen -G "/usr/lib64/$1*" >/dev/null
}

missing=()
browser=$(find_browser || true)
if [ -z "$browser" ]; then
  missing+=(chromium)
elif ! browser_starts "$browser"; then
  echo "supportlens: the browser $browser does not start headless (a snap launcher stub?)" >&2
  if [ -n "${BROWSER_PATH:-}" ]; then
    echo "Set BROWSER_PATH to a working Chromium or Chrome, or unset it." >&2
    exit 1
  fi
  missing+=(chromium)
fi
has_library 'libpango-1.0.so' || missing+=(libpango-1.0-0)
has_library 'libpangoft2-1.0.so' || missing+=(libpangoft2-1.0-0)
fc-list 2>/dev/null | grep -qi 'dejavu' || missing+=(fonts-dejavu-core)
if [ "$with_test" = 1 ]; then
  command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
  [ -x /usr/bin/time ] || missing+=(time)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "supportlens: installing system packages: ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
elif command -v apt-get >/dev/null 2>&1 && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  echo "supportlens: installing system packages with sudo: ${missing[*]}" >&2
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "supportlens: missing system packages: ${missing[*]}" >&2
  echo "Install them, then run make again:" >&2
  echo "  sudo sh -c '$cmd'" >&2
  exit 1
fi

# the browser just installed must start too
if [[ " ${missing[*]} " == *" chromium "* ]]; then
  browser=$(find_browser || true)
  if [ -z "$browser" ] || ! browser_starts "$browser"; then
    echo "supportlens: chromium was installed but ${browser:-no browser} does not start headless;" >&2
    echo "install Google Chrome or a Chromium that is not a snap, and set BROWSER_PATH to it." >&2
    exit 1
  fi
fi
