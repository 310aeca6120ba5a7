#!/usr/bin/env bash
# Contract checks for proto/ (the mentormatch.v1 data contract), with buf:
#   1. buf format --diff --exit-code   the file is in buf's canonical layout (whitespace only)
#   2. buf lint                        STANDARD + COMMENTS rules of buf.yaml
#   3. buf breaking                    FILE rules against the previous published contract:
#        - proto/ differs from HEAD (uncommitted work)   -> against HEAD
#        - proto/ is as committed (e.g. CI on a clean clone) -> against the parent of the most
#          recent commit that changed proto/, so the latest contract change is checked
#        - that commit has no parent, or the parent has no proto/ -> skipped, with a message
#
# buf comes from the npm registry (@bufbuild/buf, which ships the binary for this platform),
# pinned to BUF_VERSION and installed once into .cache/buf/ (git-ignored). Needs node and npm.
set -euo pipefail
cd "$(dirname "$0")/.."

BUF_VERSION=1.75.0
BUF_DIR=.cache/buf
BUF="$BUF_DIR/node_modules/.bin/buf"

step() { printf '\n== %s\n' "$*"; }

# --- buf, pinned --------------------------------------------------------------------------------
if [[ -x "$BUF" ]] && [[ "$("$BUF" --version 2>/dev/null)" == "$BUF_VERSION" ]]; then
  echo "buf $BUF_VERSION already installed in $BUF_DIR"
else
  command -v npm >/dev/null || {
    echo "check-proto: npm is needed to install buf (@bufbuild/buf)" >&2
    exit 1
  }
  echo "installing @bufbuild/buf@$BUF_VERSION into $BUF_DIR"
  rm -rf "$BUF_DIR"
  mkdir -p "$BUF_DIR"
  # --ignore-scripts: the package's postinstall only swaps its launcher for the binary; the
  # launcher finds the platform package (@bufbuild/buf-linux-x64, same exact version) itself.
  npm install --prefix "$BUF_DIR" --no-save --no-audit --no-fund --ignore-scripts \
    --loglevel=error "@bufbuild/buf@$BUF_VERSION"
  got="$("$BUF" --version)"
  [[ "$got" == "$BUF_VERSION" ]] || {
    echo "check-proto: installed buf reports version $got, expected $BUF_VERSION" >&2
    exit 1
  }
fi

# --- format and lint ----------------------------------------------------------------------------
step "buf format --diff --exit-code"
"$BUF" format --diff --exit-code
echo "ok"

step "buf lint"
"$BUF" lint
echo "ok"

# --- breaking -----------------------------------------------------------------------------------
step "buf breaking"
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "skipped: not a git work tree, so there is no previous contract to compare with"
  exit 0
fi

# A shallow clone cannot tell which commit last changed proto/ (its oldest commit looks as if
# it added everything): deepen it, or fail rather than check against the wrong version.
if [[ "$(git rev-parse --is-shallow-repository)" == "true" ]]; then
  echo "shallow clone: fetching the full history to find the previous contract"
  git fetch --quiet --unshallow || {
    echo "check-proto: cannot unshallow this clone; run the check in a full clone" >&2
    exit 1
  }
fi

if ! git rev-parse --verify --quiet HEAD >/dev/null; then
  echo "skipped: no commit yet, so there is no previous contract to compare with"
  exit 0
fi

if ! git diff --quiet HEAD -- proto ||
  [[ -n "$(git ls-files --others --exclude-standard -- proto)" ]]; then
  against_rev="$(git rev-parse HEAD)"
  why="proto/ differs from HEAD: checking the working tree against HEAD"
else
  last="$(git log -1 --format=%H -- proto)"
  if [[ -z "$last" ]]; then
    echo "skipped: no commit has touched proto/"
    exit 0
  fi
  if ! against_rev="$(git rev-parse --verify --quiet "$last^")"; then
    echo "skipped: proto/ was added in the first commit ($(git rev-parse --short "$last")), so" \
      "there is no earlier contract to compare with"
    exit 0
  fi
  why="proto/ is as committed: checking it against $(git rev-parse --short "$against_rev"),"
  why="$why the parent of $(git rev-parse --short "$last"), the last commit that changed proto/"
fi
if ! git cat-file -e "$against_rev:proto" 2>/dev/null; then
  echo "skipped: $(git rev-parse --short "$against_rev") has no proto/ (the contract starts" \
    "after it), so there is no earlier contract to compare with"
  exit 0
fi
echo "$why"

# The previous contract as plain files, outside the work tree (so buf does not read this
# repository's buf.yaml for it).
against_dir="$(mktemp -d)"
trap 'rm -rf "$against_dir"' EXIT
git archive --format=tar "$against_rev" proto | tar -x -C "$against_dir"
"$BUF" breaking --against "$against_dir/proto"
echo "ok"

echo
echo "contract checks passed (buf $BUF_VERSION)"
