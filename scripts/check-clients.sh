#!/usr/bin/env bash
# Runs the client examples in examples/clients/ against a real server and checks what they print.
#
#   bash scripts/check-clients.sh [path/to/mentor-match] [--require-http]
#
# The binary defaults to target/debug/mentor-match. Installs what is missing (a venv with the
# pinned grpcio under .cache/clients-venv, php-cli and curl from apt), starts `serve` on a free
# loopback port with a token, then:
#   - gRPC, always: the Python client's Solve (needs covered as the binary's own CLI reports),
#     a missing token, Validate of a good and a broken request, Solve of the broken request
#     (the field violations from the error's details);
#   - HTTP/JSON, when the port answers GET /healthz with any HTTP status: the PHP example and
#     curl.sh.
# With --require-http (or REQUIRE_HTTP=1) a port without HTTP is a failure. Exits non-zero on any
# failed check; the last line is "check-clients: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

BIN=target/debug/mentor-match
REQUIRE_HTTP=${REQUIRE_HTTP:-0}
for arg in "$@"; do
  case "$arg" in
    --require-http) REQUIRE_HTTP=1 ;;
    -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
    *) BIN=$arg ;;
  esac
done
[ -x "$BIN" ] || { echo "check-clients: no executable at $BIN (build it, or pass its path)" >&2; exit 2; }
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

CLIENTS=$ROOT/examples/clients
REQUEST=$ROOT/examples/school.json
VENV=$ROOT/.cache/clients-venv
PYTHON=${PYTHON:-python3}

# --------------------------------------------------------------------------------------------
# What the clients need, installed only when missing.

APT_WHO=check-clients
# shellcheck source=scripts/apt.sh
. scripts/apt.sh

command -v curl >/dev/null 2>&1 || apt_install curl ca-certificates
command -v php >/dev/null 2>&1 || apt_install php-cli

# The venv is rebuilt when requirements.txt changes (its hash is kept beside the venv).
REQS=$CLIENTS/python/requirements.txt
want=$(sha256sum "$REQS" | cut -d' ' -f1)
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.requirements.sha256" 2>/dev/null)" != "$want" ] \
  || ! "$VENV/bin/python" -c 'import grpc, grpc_tools, grpc_status' 2>/dev/null; then
  echo "check-clients: creating $VENV with $(basename "$REQS")" >&2
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
    # Debian's own python3 needs python3-venv for ensurepip.
    rm -rf "$VENV"
    apt_install python3-venv
    "$PYTHON" -m venv "$VENV"
  fi
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r "$REQS"
  echo "$want" >"$VENV/.requirements.sha256"
fi
PY=$VENV/bin/python

# --------------------------------------------------------------------------------------------
# Checks.

PASSED=0
FAILED=0
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

pass() { PASSED=$((PASSED + 1)); echo "ok   $1"; }
fail() {
  FAILED=$((FAILED + 1))
  echo "FAIL $1: $2"
  if [ -n "${3:-}" ] && [ -f "$3" ]; then sed 's/^/     | /' "$3" | head -n 40; fi
}

# check NAME EXPECTED_EXIT OUTPUT_FILE REGEX... : the command's exit status and every regex
# (grep -E, each must match some line of the combined stdout and stderr).
check() {
  local name=$1 want_rc=$2 out=$3 rc
  rc=$(cat "$out.rc")
  shift 3
  if [ "$rc" != "$want_rc" ]; then
    fail "$name" "exit status $rc, expected $want_rc" "$out"
    return
  fi
  for re in "$@"; do
    if ! grep -qE -- "$re" "$out"; then
      fail "$name" "no line matches /$re/" "$out"
      return
    fi
  done
  pass "$name"
}

# run OUT CMD... : runs CMD (at most 120 s), stdout and stderr to OUT, its exit status to OUT.rc.
run() {
  local out=$1
  shift
  set +e
  timeout 120 "$@" >"$out" 2>&1
  echo $? >"$out.rc"
  set -e
}

# Syntax of every example, whether or not it is run below.
run "$WORK/lint-php" php -l "$CLIENTS/php/solve.php"
check "php -l solve.php" 0 "$WORK/lint-php" "No syntax errors"
sed -n '/^\/\/ ---- the call/,/^\/\/ ---- end of the call/p' "$CLIENTS/php/solve.php" | sed '1d;$d' >"$WORK/php-core"
# shellcheck disable=SC2016 # backticks of a Markdown fence, not a command
sed -n '/^```php$/,/^```$/p' "$CLIENTS/README.md" | sed '1d;$d' >"$WORK/php-readme"
run "$WORK/php-snippet" diff -u "$WORK/php-readme" "$WORK/php-core"
check "README's PHP snippet is solve.php's call" 0 "$WORK/php-snippet"
run "$WORK/lint-sh" bash -n "$CLIENTS/curl.sh"
check "bash -n curl.sh" 0 "$WORK/lint-sh"
run "$WORK/lint-py" "$PY" -c 'import ast, sys; ast.parse(open(sys.argv[1]).read())' "$CLIENTS/python/client.py"
check "python parses client.py" 0 "$WORK/lint-py"

# What the binary's own CLI answers for the request: the reference for every client.
"$BIN" solve "$REQUEST" --format json >"$WORK/cli.json"
read -r WANT_STATUS WANT_NEEDS WANT_COVERED < <("$PY" -c '
import json, sys
r = json.load(open(sys.argv[1]))
s = r.get("summary", {})
print(r["solver"]["status"], s.get("needs", 0), s.get("needsCovered", 0))' "$WORK/cli.json")
echo "check-clients: the CLI solves $(basename "$REQUEST") as $WANT_STATUS, $WANT_COVERED of $WANT_NEEDS needs covered"

# A broken request: the first mentor's capacity 7 (validation allows 1..=5).
"$PY" -c '
import json, sys
r = json.load(open(sys.argv[1]))
r["mentors"][0]["capacity"] = 7
json.dump(r, open(sys.argv[2], "w"))' "$REQUEST" "$WORK/broken.json"

# The server, on a free loopback port, with a token.
PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ADDR=127.0.0.1:$PORT
TOKEN=check-$(od -An -tx1 -N12 /dev/urandom | tr -d ' \n')
MENTOR_MATCH_TOKEN=$TOKEN "$BIN" serve --addr "$ADDR" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 300); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "check-clients: the server exited at start:" >&2
    cat "$WORK/server.log" >&2
    exit 1
  fi
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  sleep 0.1
done
export MENTOR_MATCH_TOKEN=$TOKEN
echo "check-clients: server $BIN on $ADDR"

# ---- gRPC: the Python client
# (a first call also waits out a server that accepts before it serves)
for _ in $(seq 1 50); do
  run "$WORK/py-solve" "$PY" "$CLIENTS/python/client.py" --addr "$ADDR" --timeout 60 \
    --output "$WORK/py-solve.json" "$REQUEST"
  grep -q UNAVAILABLE "$WORK/py-solve" || break
  sleep 0.2
done
check "python Solve: status and needs covered as the CLI" 0 "$WORK/py-solve" \
  "^status: $WANT_STATUS\$" "^needs covered: $WANT_COVERED / $WANT_NEEDS\$" \
  "^pairs: [1-9][0-9]*\$" "^  [^ ]+ → [^ ]+\$"
if [ -f "$WORK/py-solve.json" ]; then
  # --output holds the full reply: the same summary, and as many pairs as the client printed.
  printed=$(sed -n 's/^pairs: \([0-9]*\)$/\1/p' "$WORK/py-solve")
  run "$WORK/py-output" "$PY" -c '
import json, sys
r = json.load(open(sys.argv[1]))
s = r["summary"]
print("needs covered:", s.get("needsCovered", 0), "/", s.get("needs", 0))
print("pairs:", len(r.get("assignments", [])))' "$WORK/py-solve.json"
  check "python Solve --output: the full response" 0 "$WORK/py-output" \
    "^needs covered: $WANT_COVERED / $WANT_NEEDS\$" "^pairs: $printed\$"
else
  fail "python Solve --output: the full response" "no file written"
fi

MENTOR_MATCH_TOKEN="" run "$WORK/py-notoken" "$PY" "$CLIENTS/python/client.py" --addr "$ADDR" "$REQUEST"
check "python without the token: UNAUTHENTICATED" 1 "$WORK/py-notoken" "^error: UNAUTHENTICATED"

run "$WORK/py-validate" "$PY" "$CLIENTS/python/client.py" --addr "$ADDR" --validate "$REQUEST"
check "python Validate: a valid request" 0 "$WORK/py-validate" "^valid: true"

run "$WORK/py-validate-broken" "$PY" "$CLIENTS/python/client.py" --addr "$ADDR" --validate \
  "$WORK/broken.json"
check "python Validate: the broken request's violation" 2 "$WORK/py-validate-broken" \
  "^valid: false, 1 problem" "^  mentors\[0\]\.capacity: .*7.* \[CAPACITY_OUT_OF_RANGE\]\$"

run "$WORK/py-solve-broken" "$PY" "$CLIENTS/python/client.py" --addr "$ADDR" "$WORK/broken.json"
check "python Solve of the broken request: INVALID_ARGUMENT with the details" 2 \
  "$WORK/py-solve-broken" "^error: INVALID_ARGUMENT" \
  "^  mentors\[0\]\.capacity: .*7.* \[CAPACITY_OUT_OF_RANGE\]\$"

# ---- HTTP/JSON: the PHP example and curl.sh, when this server speaks HTTP at all (any status
# from GET /healthz; a gRPC-only server answers none, curl's 000). curl.sh checks it is 200.
URL=http://$ADDR
HEALTHZ=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$URL/healthz" 2>/dev/null || true)
if [ -n "$HEALTHZ" ] && [ "$HEALTHZ" != 000 ]; then
  echo "check-clients: $URL/healthz answers HTTP $HEALTHZ"
  run "$WORK/php-solve" php "$CLIENTS/php/solve.php" "$REQUEST" "$URL"
  check "php solve.php: status and needs covered as the CLI" 0 "$WORK/php-solve" \
    "^status: $WANT_STATUS\$" "^needs covered: $WANT_COVERED / $WANT_NEEDS\$"

  run "$WORK/php-broken" php "$CLIENTS/php/solve.php" "$WORK/broken.json" "$URL"
  check "php solve.php of the broken request: HTTP 400 with the violation" 2 "$WORK/php-broken" \
    "^error: HTTP 400 INVALID_ARGUMENT" \
    "^  mentors\[0\]\.capacity: .*7.* \[CAPACITY_OUT_OF_RANGE\]\$"

  MENTOR_MATCH_TOKEN="" run "$WORK/php-notoken" php "$CLIENTS/php/solve.php" "$REQUEST" "$URL"
  check "php solve.php without the token: HTTP 401" 1 "$WORK/php-notoken" "^error: HTTP 401"

  OUT=$WORK MM_URL=$URL run "$WORK/curl" bash "$CLIENTS/curl.sh" "$REQUEST"
  check "curl.sh: every call answered as documented" 0 "$WORK/curl"
  # Each section's HTTP status, in order: healthz, solve, validate, invalid, no token.
  codes=$(grep -oE '^HTTP [0-9]{3}$' "$WORK/curl" | cut -d' ' -f2 | tr '\n' ' ')
  if [ "$codes" = "200 200 200 400 401 " ]; then
    pass "curl.sh: HTTP statuses 200 200 200 400 401"
  else
    fail "curl.sh: HTTP statuses" "got '$codes', expected '200 200 200 400 401 '" "$WORK/curl"
  fi
  check "curl.sh: solve's summary as the CLI, validate, the violation" 0 "$WORK/curl" \
    "^\"needs\":$WANT_NEEDS,\"needsCovered\":$WANT_COVERED\$" '"valid": *true' \
    '"mentors\[0\]\.capacity"' 'CAPACITY_OUT_OF_RANGE'
elif [ "$REQUIRE_HTTP" = 1 ]; then
  fail "HTTP/JSON" "$URL/healthz does not answer, and HTTP was required" "$WORK/server.log"
else
  echo "skip HTTP/JSON: $URL/healthz does not answer HTTP (this server speaks gRPC only)"
fi

echo "check-clients: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
