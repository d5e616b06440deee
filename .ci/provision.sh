#!/usr/bin/env bash
# Makes sure the machine has what Caxton's tests need: PostgreSQL 15 with pgvector,
# Redis 7 and Debian's Chromium, each running or installed. Idempotent: every step is
# skipped when its result is already there. Needs root (apt-get), like CI here.
set -euo pipefail
log() { printf '[provision] %s\n' "$*"; }

apt_updated=0
apt_update() { if [ "$apt_updated" = 0 ]; then apt-get update -qq; apt_updated=1; fi; }

# PostgreSQL
if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  log "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
fi

# pgvector: not packaged for Debian 12; build Debian's source package (see PLATFORM-NOTES).
if [ ! -f /usr/share/postgresql/15/extension/vector.control ]; then
  log "building pgvector from Debian's source package"
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  src=/etc/apt/sources.list.d/caxton-pgvector-src.sources
  printf 'Types: deb-src\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$uri" > "$src"
  apt-get update -qq
  apt_updated=1
  apt-get install -y -qq postgresql-server-dev-15 dpkg-dev >/dev/null
  work=$(mktemp -d)
  (cd "$work" && apt-get source -qq pgvector >/dev/null 2>&1 && cd pgvector-*/ \
    && make -s PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config >/dev/null \
    && make -s install PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config >/dev/null)
  rm -f "$src"; rm -rf "$work"
  apt-get update -qq
fi

# Redis
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  command -v redis-server >/dev/null || { apt_update; apt-get install -y -qq redis-server >/dev/null; }
  log "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
fi

# Chromium for Playwright (its own browser download cannot work here).
if ! command -v chromium >/dev/null; then
  log "installing Chromium"
  apt_update
  apt-get install -y -qq chromium >/dev/null
fi
log "ready: $(psql -h 127.0.0.1 -U postgres -tAc 'select version()' | cut -d, -f1); redis $(redis-cli -h 127.0.0.1 info server | awk -F: '/redis_version/ {print $2}' | tr -d '\r'); $(chromium --version)"
