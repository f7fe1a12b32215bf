#!/usr/bin/env bash
# Renders the HTML service report in headless Chromium and checks that its tables and SVG
# charts are in the rendered DOM, that no script or network resource slipped in, and takes a
# screenshot (and a PDF, for the print layout) to look at.
#
#   scripts/check-html-report.sh [OUT_DIR]
#
# Builds the debug binary, fills a throwaway database with demo data at a fixed --now, writes
# the daily, weekly and monthly reports in English and Chinese, and checks each: the DOM, a
# screenshot, and printed to PDF (A4 pages, the running header on every page, a CJK font
# embedded in the Chinese one, so no label prints as a box). Needs chromium, a CJK font and
# poppler's pdfinfo/pdftotext/pdffonts (Debian/Ubuntu:
# apt-get install -y chromium fonts-noto-cjk poppler-utils). Not part of `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-$(mktemp -d)}
mkdir -p "$out"
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  echo "chromium not found (Debian: apt-get install -y chromium)" >&2
  exit 2
fi

if ! fc-list :lang=zh family | grep -q .; then
  echo "no CJK font installed: Chinese labels would print as boxes (Debian/Ubuntu: apt-get install -y fonts-noto-cjk)" >&2
  exit 2
fi
for tool in pdfinfo pdftotext pdffonts; do
  command -v "$tool" >/dev/null || { echo "$tool not found (Debian/Ubuntu: apt-get install -y poppler-utils)" >&2; exit 2; }
done

cargo build --quiet
bin=target/debug/promptly
db="$out/demo.db"
now="2026-11-25 08:00"
rm -f "$db"
"$bin" --db "$db" --now "$now" --lang en demo --tickets 400 --seed 3 >/dev/null

chrome() {
  local profile
  profile=$(mktemp -d)
  "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
    --virtual-time-budget=2000 "$@" 2>/dev/null
  rm -rf "$profile"
}

fail=0
check() { # file what grep-pattern min-count
  local n
  n=$(grep -o "$3" "$1" | wc -l)
  if [ "$n" -lt "$4" ]; then
    echo "FAIL $(basename "$1"): $2 (found $n, want >= $4)" >&2
    fail=1
  fi
}

for lang in en zh-CN; do
  for period in daily weekly monthly; do
    html="$out/report-$period-$lang.html"
    "$bin" --db "$db" --now "$now" --lang "$lang" report "$period" --date 2026-11-24 --format html \
      --output "$html" 2>/dev/null
    # Self-contained: no scripts, no external resources.
    if grep -Eiq '<script|<link|<img|<iframe|src=|href=|url\(|@import' "$html"; then
      echo "FAIL $(basename "$html"): script or external resource" >&2
      fail=1
    fi
    dom="$out/report-$period-$lang.dom.html"
    chrome --dump-dom "file://$(realpath "$html")" >"$dom"
    check "$dom" "rendered body" '<body' 1
    check "$dom" "tables (summary, compliance, lists)" '<table' 3
    check "$dom" "table rows" '<tr' 10
    check "$dom" "SVG charts (compliance bars, 30-day trend, breaches per day)" '<svg' 3
    check "$dom" "the breaches per day beside the trend" 'class="chart breaches"' 1
    check "$dom" "breakdown tables (kind, priority, channel)" 'class="breakdown ' 3
    check "$dom" "compliance bars" 'class="bar ' 3
    check "$dom" "the 80% and 50% lines" 'stroke-dasharray' 4
    check "$dom" "trend bars, one per day" 'class="day ' 30
    check "$dom" "met of due under each trend bar" 'class="small count"' 30
    check "$dom" "the running header" 'class="running"' 1
    chrome --window-size=1100,2400 --screenshot="$out/report-$period-$lang.png" "file://$(realpath "$html")" >/dev/null
    [ -s "$out/report-$period-$lang.png" ] || { echo "FAIL no screenshot for $html" >&2; fail=1; }
  done
done
# Print: A4 pages, each with the running header (the report's title) and a page number.
for name in weekly-en monthly-zh-CN; do
  pdf="$out/report-$name.pdf"
  chrome --no-pdf-header-footer --print-to-pdf="$pdf" "file://$(realpath "$out/report-$name.html")" >/dev/null
  [ -s "$pdf" ] || { echo "FAIL no PDF for $name" >&2; fail=1; continue; }
  pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
  if ! pdfinfo "$pdf" | grep -Eq '^Page size: .*\(A4\)'; then
    echo "FAIL $name.pdf: not A4 ($(pdfinfo "$pdf" | grep '^Page size'))" >&2
    fail=1
  fi
  case $name in
    *zh-CN) title="服务月报" ;;
    *) title="Weekly service report" ;;
  esac
  for ((p = 1; p <= pages; p++)); do
    text=$(pdftotext -f "$p" -l "$p" -layout "$pdf" -)
    if ! grep -q "$title" <<<"$text"; then
      echo "FAIL $name.pdf page $p of $pages: no running header ($title)" >&2
      fail=1
    fi
    if ! grep -Eq "(^|[^0-9])$p ?/ ?$pages([^0-9]|$)" <<<"$text"; then
      echo "FAIL $name.pdf page $p of $pages: no page number \"$p / $pages\"" >&2
      fail=1
    fi
  done
  echo "$name.pdf: $pages A4 pages, running header and page number on each"
done
# The report's CJK stack must name a font this machine has (else Chinese prints as boxes);
# Chromium embeds CJK OpenType glyphs as unnamed Type 3 fonts, so the PDF's font list shows
# DejaVu for Latin plus Type 3 entries. Look at the zh screenshot to see the glyphs.
cjk=""
for family in "Noto Sans CJK SC" "Source Han Sans SC" "PingFang SC" "Microsoft YaHei" "WenQuanYi Micro Hei"; do
  grep -q "'$family'" "$out/report-monthly-zh-CN.html" || { echo "FAIL the HTML does not name $family" >&2; fail=1; }
  if [ -z "$cjk" ] && fc-list : family | tr ',' '\n' | grep -qx "$family"; then cjk=$family; fi
done
if [ -z "$cjk" ]; then
  echo "FAIL none of the report's CJK fonts is installed (Debian/Ubuntu: apt-get install -y fonts-noto-cjk)" >&2
  fail=1
else
  echo "CJK font used for Chinese: $cjk"
fi

if [ "$fail" -ne 0 ]; then
  echo "HTML report check failed; files in $out" >&2
  exit 1
fi
echo "HTML report check passed: 6 reports rendered in $browser; DOM dumps, screenshots and PDFs in $out"
