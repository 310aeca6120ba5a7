#!/usr/bin/env bash
# mentor-match over HTTP/JSON with curl: health, solve, validate, and two errors (an invalid
# request, a missing token). Each call prints its HTTP status on a line of its own.
#
#   MM_URL=http://127.0.0.1:50051 MENTOR_MATCH_TOKEN=... bash examples/clients/curl.sh [REQUEST.json]
#
# The request body is the proto3 JSON of the request, exactly the file the CLI takes. The solve
# answer (a full SolveResponse, large) goes to $OUT/solve.json; the rest is printed.
set -euo pipefail

MM_URL=${MM_URL:-http://127.0.0.1:50051}
REQ=${1:-$(cd "$(dirname "$0")/.." && pwd)/school.json}
OUT=${OUT:-${TMPDIR:-/tmp}}
AUTH=()
if [ -n "${MENTOR_MATCH_TOKEN:-}" ]; then
  AUTH=(-H "Authorization: Bearer $MENTOR_MATCH_TOKEN")
fi

echo "== healthz"
curl -sS --max-time 10 -w '\nHTTP %{http_code}\n' "$MM_URL/healthz"

echo "== solve $REQ (answer in $OUT/solve.json)"
# Deadline: ?timeout=10s or a header "timeout: 10s" (500ms, 10s, 2m).
curl -sS --max-time 90 "${AUTH[@]}" -H 'Content-Type: application/json' \
  --data-binary @"$REQ" -o "$OUT/solve.json" -w 'HTTP %{http_code}\n' \
  "$MM_URL/v1/solve?timeout=60s"
# The summary's counts (with jq: jq .summary "$OUT/solve.json"); proto3 JSON omits zeros.
tr -d ' \n' <"$OUT/solve.json" | grep -oE '"needs":[0-9]+,"needsCovered":[0-9]+' | tail -n 1 || true

echo "== validate $REQ"
curl -sS --max-time 30 "${AUTH[@]}" -H 'Content-Type: application/json' \
  --data-binary @"$REQ" -w '\nHTTP %{http_code}\n' "$MM_URL/v1/validate"

echo "== an invalid request (capacity 7; at most 5): HTTP 400 with the violations"
curl -sS --max-time 30 "${AUTH[@]}" -H 'Content-Type: application/json' -w '\nHTTP %{http_code}\n' \
  --data '{"students":[{"id":"S1","needs":[{"id":"N1","track":"TRACK_ACADEMIC","subject":"math"}],"availability":["MON-1"]}],
           "mentors":[{"id":"T1","capacity":7,"subjects":[{"subject":"math"}],"availability":["MON-1"]}]}' \
  "$MM_URL/v1/solve"

if [ -n "${MENTOR_MATCH_TOKEN:-}" ]; then
  echo "== no token: HTTP 401"
  curl -sS --max-time 30 -H 'Content-Type: application/json' --data '{}' \
    -w '\nHTTP %{http_code}\n' "$MM_URL/v1/validate"
fi
