#!/usr/bin/env bash
# The bench's set-up: wrk from Debian's packages (the primary load generator),
# pgbench and psql for the PostgreSQL rates, and the bench's own npm packages
# (autocannon, the peer servers, Node 24). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v pgbench >/dev/null || missing+=(postgresql-client)
if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "setup: ${missing[*]} missing and no apt-get here: install them with your package manager" >&2
    exit 1
  fi
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]} with apt-get"
  # Wait for another apt (another job on the machine) rather than fail on its lock.
  $sudo apt-get -o DPkg::Lock::Timeout=300 update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${missing[@]}"
fi
echo "setup: $(wrk -v 2>&1 | head -n 1)"

[ -d ../node_modules ] || (cd .. && npm ci --no-audit --no-fund)
npm ci --no-audit --no-fund
echo "setup: done; run: npm run bench -- --help"
