#!/usr/bin/env bash
# The README's screenshot: `cleaner report` over the inputs of multinews/train, rendered by
# headless Chromium. Usage: bash bench/report_screenshot.sh [../shared/bench/multinews/train]
set -euo pipefail
cd "$(dirname "$0")/.."
src="${1:-../shared/bench/multinews/train}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/in"
for f in "$src"/*.txt; do case "$f" in *.gold.txt) ;; *) cp "$f" "$tmp/in/";; esac; done
python -m cleaner report "$tmp/in" -o "$tmp/report.html" --title "cleaner report: multinews/train"
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$tmp/profile" --window-size=1200,1500 \
  --screenshot="$PWD/docs/report-train.png" "file://$tmp/report.html" 2>/dev/null
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$tmp/profile" --window-size=1200,1100 \
  --screenshot="$PWD/docs/report-train-document.png" "file://$tmp/report.html#doc-0" 2>/dev/null
echo "docs/report-train.png, docs/report-train-document.png"
