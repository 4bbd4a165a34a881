#!/usr/bin/env bash
# `npm run peers:install`: the real servers and clients servebench is tested against, each in a
# virtual environment of its own under .peers/<peer>/ (git-ignored), pinned by
# peers/requirements/<peer>.txt and installed from PyPI only. Run twice, it changes nothing: a
# peer whose requirements (and setup script) are unchanged since its last install is left alone.
#   npm run peers:install                 every peer the tests drive
#   npm run peers:install -- triton       only the ones named (triton torchserve mlserver clients,
#                                         or model-analyzer: only a benchmark uses it, never a test)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
ALL=(triton torchserve mlserver clients)
KNOWN=("${ALL[@]}" model-analyzer)
peers=("${@:-${ALL[@]}}")

fail() { echo "peers:install: $*" >&2; exit 2; }
"$PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' 2>/dev/null \
  || fail "$PYTHON is not Python 3.11 (the peers' pins are for 3.11); set PYTHON=/path/to/python3.11"

for peer in "${peers[@]}"; do
  [[ " ${KNOWN[*]} " == *" $peer "* ]] || fail "unknown peer '$peer': expected one of ${KNOWN[*]}"
  requirements="peers/requirements/$peer.txt"
  venv=".peers/$peer"
  setup="peers/$peer/setup.sh"
  if [ "$peer" = torchserve ] && ! command -v java >/dev/null && [ -z "${JAVA_HOME:-}" ]; then
    fail "TorchServe needs Java 17 on PATH (or JAVA_HOME)"
  fi
  stamp="$( (cat "$requirements"; [ ! -f "$setup" ] || cat "$setup") | sha256sum | cut -d' ' -f1)"
  if [ -f "$venv/.servebench-installed" ] && [ "$(cat "$venv/.servebench-installed")" = "$stamp" ]; then
    echo "peers:install: $peer is up to date ($venv)"
    continue
  fi
  echo "peers:install: installing $peer into $venv from $requirements"
  start=$SECONDS
  if [ -x "$setup" ]; then
    PYTHON="$PYTHON" "$setup"
  else
    [ -x "$venv/bin/python" ] || "$PYTHON" -m venv "$venv"
    "$venv/bin/pip" install --disable-pip-version-check -q -r "$requirements"
  fi
  echo "$stamp" >"$venv/.servebench-installed"
  echo "peers:install: $peer installed in $((SECONDS - start)) s"
done
