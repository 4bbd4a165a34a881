#!/usr/bin/env bash
# Installs Triton's clients (tritonclient[http], perf_analyzer) into .peers/clients/ (git-ignored),
# pinned by peers/requirements/clients.txt. Idempotent. Needs python3 (3.11), pip's index, and
# (on glibc < 2.38 only) apt-get with Debian's archive.
#
# perf-analyzer 2.60.0 ships its x86_64/aarch64 binary only in wheels tagged manylinux_2_38: the
# binary needs GLIBC_2.38 (__isoc23_strtol & co.) and GLIBCXX_3.4.31/3.4.32 (GCC 13's libstdc++).
# On an older glibc (Debian 12 has 2.36) pip finds no installable 2.60.0 and the binary does not
# start. Then this script
#   1. installs the wheel's files with `pip install --target` for the manylinux_2_38 platform, and
#   2. unpacks Debian 13 (trixie)'s libc6, libstdc++6 and libgcc-s1 into .peers/clients/sysroot
#      (apt-get download with a private sources list and cache; nothing of the system changes),
# and peers/clients/perf_analyzer runs the binary through that sysroot's dynamic loader.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
REQ="$ROOT/peers/requirements/clients.txt"
VENV="$ROOT/.peers/clients"
PY="${PYTHON:-python3}"

[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
PIP=("$VENV/bin/pip" --disable-pip-version-check)

PA_VERSION="$(sed -n 's/^perf-analyzer==\([^ ]*\).*/\1/p' "$REQ")"
glibc="$(getconf GNU_LIBC_VERSION | awk '{print $2}')"
glibc_ok() { printf '%s\n2.38\n' "$glibc" | sort -V -C -r; } # true when glibc >= 2.38

if glibc_ok; then
  "${PIP[@]}" install -r "$REQ"
  exit 0
fi

echo "setup: glibc $glibc < 2.38: perf-analyzer==$PA_VERSION is installed apart, with a Debian 13 runtime" >&2
"${PIP[@]}" install -r <(grep -v '^perf-analyzer==' "$REQ")

arch="$(uname -m)"
if [ ! -d "$VENV/perf-analyzer/perf_analyzer-$PA_VERSION.dist-info" ]; then
  "${PIP[@]}" install --no-deps --only-binary=:all: --platform "manylinux_2_38_$arch" --python-version 3.11 \
    --upgrade --target "$VENV/perf-analyzer" "perf-analyzer==$PA_VERSION"
fi

SYSROOT="$VENV/sysroot"
LIBDIR="$SYSROOT/usr/lib/$arch-linux-gnu"
if [ ! -x "$LIBDIR/ld-linux-x86-64.so.2" ] && [ ! -x "$LIBDIR/ld-linux-aarch64.so.1" ]; then
  APT="$VENV/apt"
  mkdir -p "$APT/lists/partial" "$APT/cache/archives/partial" "$APT/debs"
  # The machine's own Debian archive (its first main archive source), asked for Debian 13 instead.
  mirror="$(cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
    sed -n -e 's/^URIs: *\([^ ]*\/debian\)$/\1/p' -e 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\/debian\) .*/\2/p' | head -1 || true)"
  [ -n "$mirror" ] || { echo "setup: no Debian archive in /etc/apt sources to fetch Debian 13's C runtime from" >&2; exit 2; }
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" >"$APT/sources.list"
  opts=(-o "Dir::Etc::SourceList=$APT/sources.list" -o Dir::Etc::SourceParts=/dev/null
    -o "Dir::State::Lists=$APT/lists" -o "Dir::Cache=$APT/cache" -o APT::Sandbox::User=root)
  apt-get "${opts[@]}" update -qq
  (cd "$APT/debs" && apt-get "${opts[@]}" download libc6 libstdc++6 libgcc-s1)
  mkdir -p "$SYSROOT"
  for deb in "$APT/debs"/*.deb; do dpkg-deb -x "$deb" "$SYSROOT"; done
  ls "$APT/debs" >"$SYSROOT/PACKAGES"
fi
"$ROOT/peers/clients/perf_analyzer" --version
