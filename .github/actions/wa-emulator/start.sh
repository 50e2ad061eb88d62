#!/usr/bin/env bash
# The wa-emulator GitHub Action's one step (action.yml next to this file): install wa-emulator, start
# `wa-emulator serve` in the background, wait for GET /_emulator/health, and write the base URLs to
# $GITHUB_OUTPUT. Every input is an environment variable, so it runs the same outside Actions:
#   WA_EMULATOR_PORT=0 WA_EMULATOR_INSTALL=false .github/actions/wa-emulator/start.sh
set -euo pipefail

port="${WA_EMULATOR_PORT:-8066}"
host="${WA_EMULATOR_HOST:-127.0.0.1}"
scenario="${WA_EMULATOR_SCENARIO:-sandbox}"
args="${WA_EMULATOR_ARGS:-}"
python="${WA_EMULATOR_PYTHON:-python3}"
version="${WA_EMULATOR_VERSION:-}"
install="${WA_EMULATOR_INSTALL:-true}"
timeout="${WA_EMULATOR_TIMEOUT:-60}"
work="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
log="${WA_EMULATOR_LOG:-$work/wa-emulator.log}"
outputs="${GITHUB_OUTPUT:-/dev/stdout}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

fail() {
  echo "::error title=wa-emulator::$*" >&2
  [ -s "$log" ] && tail -n 20 "$log" >&2
  exit 1
}

if [ "$install" = "true" ]; then
  # Its own venv, so the job's Python packages and the emulator's never meet.
  venv="$work/wa-emulator-venv"
  "$python" -m venv "$venv" || fail "cannot make a venv with $python"
  if [ -z "$version" ]; then
    requirement="$here/../../.."  # the checkout this action came from
  elif [[ "$version" =~ ^[0-9] ]]; then
    requirement="wa-emulator==$version"
  else
    requirement="$version"  # a path, a wheel, a git+https URL or a requirement
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$requirement" \
    || fail "pip install $requirement failed"
  python="$venv/bin/python"
fi

# Unbuffered: the banner reaches the log as soon as the server listens.
# shellcheck disable=SC2086  # args is a list of words on purpose
PYTHONUNBUFFERED=1 nohup "$python" -m wa_emulator serve --host "$host" --port "$port" --scenario "$scenario" \
  $args >"$log" 2>&1 </dev/null &
pid=$!

deadline=$((SECONDS + timeout))
until grep -q "^Ctrl-C stops the server" "$log" 2>/dev/null; do
  kill -0 "$pid" 2>/dev/null || fail "wa-emulator serve exited before it was ready (log: $log)"
  [ "$SECONDS" -lt "$deadline" ] || { kill "$pid" 2>/dev/null; fail "wa-emulator was not ready within ${timeout}s"; }
  sleep 0.2
done

# A wildcard bind is reached by the job's own steps through loopback.
local_url() { sed -E 's#://(0\.0\.0\.0|\[::\]|::):#://127.0.0.1:#' <<<"$1"; }
url="$(local_url "$(sed -nE 's#^wa-emulator .* listening on (https?://[^ ]+)$#\1#p' "$log" | head -n 1)")"
[ -n "$url" ] || fail "no address in the banner (log: $log)"

# Health, as a readiness probe would ask it (HTTPS here is our own child: liveness, not trust).
"$python" - "$url/_emulator/health" "$timeout" <<'PY' || fail "GET /_emulator/health did not answer ok"
import json, ssl, sys, time, urllib.request
url, deadline = sys.argv[1], time.monotonic() + float(sys.argv[2])
context = ssl._create_unverified_context()
while True:
    try:
        with urllib.request.urlopen(url, timeout=5, context=context) as answer:
            if json.load(answer).get("status") == "ok":
                break
    except OSError:
        pass
    if time.monotonic() > deadline:
        sys.exit(1)
    time.sleep(0.2)
PY

{
  echo "url=$url"
  echo "pid=$pid"
  echo "log=$log"
  # One "<name>-url" per banner line "  mojeeb   http://…/mojeeb" (and control-url).
  sed -nE 's#^  ([a-z]+) +(https?://[^ ]+).*$#\1-url=\2#p' "$log" | while IFS= read -r line; do local_url "$line"; done
  ca="$(sed -nE 's#^  tls +trust the CA ([^ ]+) .*$#\1#p' "$log" | head -n 1)"
  [ -z "$ca" ] || echo "ca-path=$ca"
  ! grep -q "^  proxy " "$log" || echo "proxy-url=$url"
} >>"$outputs"

if [ -n "${GITHUB_ENV:-}" ]; then
  echo "WA_EMULATOR_URL=$url" >>"$GITHUB_ENV"
  if [ "${WA_EMULATOR_EXPORT_PROXY_ENV:-false}" = "true" ] && grep -q "^  proxy " "$log"; then
    # The banner's line after "proxy": HTTPS_PROXY=… REQUESTS_CA_BUNDLE=… for the later steps' clients.
    sed -n '/^  proxy /{n;p;}' "$log" | tr -s ' ' '\n' | grep '=' | while IFS= read -r pair; do
      local_url "$pair"
    done >>"$GITHUB_ENV"
  fi
fi
echo "wa-emulator is up at $url (pid $pid, log $log)"
