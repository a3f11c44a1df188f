#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster: created in a temporary directory,
# listening on a Unix socket only, removed on exit. Installs the server when run as root.
set -euo pipefail

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

PGBIN="$(pg_bin)"
if [ -z "$PGBIN" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "installing Debian's postgresql server…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    PGBIN="$(pg_bin)"
  else
    echo "PostgreSQL server binaries not found. Install them with: sudo apt-get install postgresql" >&2
    exit 1
  fi
fi

WORK="$(mktemp -d /tmp/gbvms-pg.XXXXXX)"
AS=()
if [ "$(id -u)" = "0" ]; then
  chown postgres "$WORK"  # initdb refuses to run as root
  AS=(runuser -u postgres --)
fi
PORT=54329
cleanup() {
  "${AS[@]}" "$PGBIN/pg_ctl" -D "$WORK/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"${AS[@]}" "$PGBIN/initdb" -D "$WORK/data" -U gbvms -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${AS[@]}" "$PGBIN/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w \
  -o "-k $WORK -p $PORT -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
"$PGBIN/createdb" -h "$WORK" -p "$PORT" -U gbvms gbvms

ENCODED_HOST="$(printf '%s' "$WORK" | sed 's|/|%2F|g')"
export DATABASE_URL="postgres://gbvms@${ENCODED_HOST}:${PORT}/gbvms"
echo "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') throwaway cluster at $WORK"
"$@"
