#!/usr/bin/env bash
# Renders the bundled school's printable report (solve --format html) in English and Chinese,
# as a person would see it: Debian's headless Chromium takes a PNG of each (docs/report-en.png,
# docs/report-zh-CN.png) and prints each to PDF (target/report-*.pdf, A4, not committed).
# Installs chromium and fonts-noto-cjk with apt when missing (the Chinese glyphs need a CJK
# font). Usage: scripts/render-report.sh [OUT_DIR]   (default: docs)
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-docs}"
mkdir -p "$out" target

APT_WHO=render-report
# shellcheck source=scripts/apt.sh
. scripts/apt.sh
browser=""
for b in chromium chromium-browser; do
  if command -v "$b" >/dev/null 2>&1; then browser="$b"; break; fi
done
if [ -z "$browser" ]; then
  apt_install chromium
  browser=chromium
fi
if ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  apt_install fonts-noto-cjk
fi

cargo build --quiet
bin=target/debug/mentor-match
for lang in en zh-CN; do
  html="target/report-$lang.html"
  "$bin" --lang "$lang" solve examples/school.json --format html --output "$html"
  # A fresh profile per run, so nothing of the user's browser state leaks in.
  profile="$(mktemp -d)"
  "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --user-data-dir="$profile" --window-size=1000,2400 \
    --screenshot="$out/report-$lang.png" "file://$PWD/$html" 2>/dev/null
  "$browser" --headless --no-sandbox --disable-gpu --no-pdf-header-footer \
    --user-data-dir="$profile" \
    --print-to-pdf="target/report-$lang.pdf" "file://$PWD/$html" 2>/dev/null
  rm -rf "$profile"
  echo "render-report: $out/report-$lang.png, target/report-$lang.pdf"
done
