#!/usr/bin/env bash
# The import is not only tested against its own writer: examples/school.xlsx (written by
# rust_xlsxwriter) is opened and saved again by LibreOffice Calc (headless), and the saved
# workbook must import to exactly the same request. Installs Debian's libreoffice-calc with apt
# when soffice is missing (scripts/apt.sh; sudo when not root).
#
#   scripts/check-sheets-libreoffice.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v soffice >/dev/null; then
  APT_WHO=sheets
  # shellcheck source=scripts/apt.sh
  . scripts/apt.sh
  apt_install libreoffice-calc
fi

cargo build --quiet
BIN="${CARGO_TARGET_DIR:-target}/debug/mentor-match"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# A private profile, so a desktop LibreOffice (or another run) is not disturbed.
PROFILE="file://$WORK/profile"
mkdir -p "$WORK/lo"
# The input sheets only: the same school in Chinese, re-saved by LibreOffice.
"$BIN" --lang zh-CN template --from examples/school.json --output "$WORK/school-zh.xlsx"
for f in examples/school.xlsx "$WORK/school-zh.xlsx"; do
  soffice -env:UserInstallation="$PROFILE" --headless --calc \
    --convert-to xlsx:"Calc MS Excel 2007 XML" --outdir "$WORK/lo" "$f" >/dev/null
done
"$BIN" import examples/school.xlsx --output "$WORK/expected.json"
status=0
for saved in "$WORK/lo/school.xlsx" "$WORK/lo/school-zh.xlsx"; do
  if [ ! -s "$saved" ]; then
    echo "check-sheets-libreoffice: LibreOffice did not write $saved" >&2
    exit 1
  fi
  if "$BIN" import "$saved" --output "$WORK/got.json" && cmp -s "$WORK/expected.json" "$WORK/got.json"; then
    echo "ok: $(basename "$saved") saved by LibreOffice imports to examples/school.json's request"
  else
    echo "FAIL: $(basename "$saved") saved by LibreOffice does not import to the same request" >&2
    diff <(head -c 2000 "$WORK/expected.json") <(head -c 2000 "$WORK/got.json" 2>/dev/null) >&2 || true
    status=1
  fi
done
exit $status
