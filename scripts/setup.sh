#!/usr/bin/env bash
# Install everything Callboard needs, idempotently: system packages, uv, the locked Python environment.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
command -v pdftotext >/dev/null 2>&1 || need_apt+=(poppler-utils)
command -v java >/dev/null 2>&1 || need_apt+=(default-jre-headless)
ldconfig -p | grep -q libpangoft2-1.0 || need_apt+=(libpango-1.0-0 libpangoft2-1.0-0)  # WeasyPrint (PDF)
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
  || need_apt+=(postgresql)  # the test suite starts a throwaway PostgreSQL cluster
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "callboard setup: installing system packages: ${need_apt[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! command -v uv >/dev/null 2>&1; then
  echo "callboard setup: installing uv"
  python3 -m pip install --quiet --disable-pip-version-check "uv==0.13.8"
  hash -r
fi

uv sync --frozen --quiet
echo "callboard setup: ready ($(uv run --frozen python -c 'import callboard, sys; print("Python", sys.version.split()[0])'))"
