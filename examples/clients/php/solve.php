<?php
// mentor-match over HTTP/JSON with plain php-cli (no curl extension): POSTs a request file
// (proto3 JSON of mentormatch.v1.SolveRequest, e.g. examples/school.json) to /v1/solve.
//
//   php examples/clients/php/solve.php [REQUEST.json] [BASE_URL]
//
// BASE_URL defaults to $MM_URL, else http://127.0.0.1:50051; the bearer token is read from
// MENTOR_MATCH_TOKEN. Exit status: 0 solved, 2 the request is invalid (HTTP 400), 1 otherwise.

$file = $argv[1] ?? __DIR__ . '/../../school.json';
$base = rtrim($argv[2] ?? (getenv('MM_URL') ?: 'http://127.0.0.1:50051'), '/');
$token = trim((string) getenv('MENTOR_MATCH_TOKEN'));
if (($body = @file_get_contents($file)) === false) {
    fwrite(STDERR, "error: cannot read $file\n");
    exit(2);
}

// ---- the call (README.md shows these lines; scripts/check-clients.sh keeps them in step) ----
$auth = $token === '' ? '' : "Authorization: Bearer $token\r\n";
$ctx = stream_context_create(['http' => ['method' => 'POST', 'ignore_errors' => true, 'timeout' => 90,
    'header' => "Content-Type: application/json\r\n$auth", 'content' => $body]]);
$reply = json_decode((string) @file_get_contents("$base/v1/solve?timeout=60s", false, $ctx), true);
preg_match('{^HTTP/\S+ (\d+)}', $http_response_header[0] ?? '', $m);
$status = (int) ($m[1] ?? 0);
if ($status === 200) {
    echo 'status: ' . ($reply['solver']['status'] ?? '?') . "\n";
    echo 'needs covered: ' . ($reply['summary']['needsCovered'] ?? 0) . ' / ' . ($reply['summary']['needs'] ?? 0) . "\n";
    exit(0);
}
echo 'error: ' . ($status ? "HTTP $status " . ($reply['code'] ?? '') : 'no HTTP answer') . ': ' . ($reply['message'] ?? $base) . "\n";
foreach ($reply['violations'] ?? [] as $v) echo "  {$v['field']}: {$v['description']} [" . ($v['reason'] ?? $v['code'] ?? '') . "]\n";
// ---- end of the call ----

foreach ($http_response_header ?? [] as $h) {
    if (stripos($h, 'Retry-After:') === 0) {
        echo '  retry after ' . trim(substr($h, 12)) . " s\n";
    }
}
exit($status === 400 ? 2 : 1);
