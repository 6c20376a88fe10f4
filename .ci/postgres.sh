#!/usr/bin/env bash
# PostgreSQL 15 + pgvector for the Postgres store's tests. Two commands:
#   .ci/postgres.sh install        installs postgresql-15 and builds pgvector 0.8.0 from Debian
#                                  trixie's source package (bookworm ships no pgvector binary);
#                                  does nothing when vector.control is already installed.
#   source .ci/postgres.sh; samestory_pg_start
#                                  starts a throwaway cluster under /tmp on a free port, exports
#                                  SAMESTORY_TEST_DATABASE_URL and stops the cluster at exit.
# Idempotent: a machine that already has both skips the install in well under a second.

PG_BIN=/usr/lib/postgresql/15/bin
PG_VECTOR_CONTROL=/usr/share/postgresql/15/extension/vector.control

samestory_pg_install() {
  export DEBIAN_FRONTEND=noninteractive
  if [ ! -x "$PG_BIN/initdb" ]; then
    echo "postgres: installing postgresql-15"
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null
  fi
  if [ -f "$PG_VECTOR_CONTROL" ]; then
    return 0
  fi
  echo "postgres: building pgvector from Debian trixie's source package"
  local uris
  uris=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  uris=${uris:-http://deb.debian.org/debian}
  if [ ! -f /etc/apt/sources.list.d/trixie-src.sources ]; then
    cat >/etc/apt/sources.list.d/trixie-src.sources <<SOURCES
Types: deb-src
URIs: $uris
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends build-essential dpkg-dev postgresql-server-dev-15 >/dev/null
  local build
  build=$(mktemp -d /tmp/pgvector-build.XXXXXX)
  (
    cd "$build"
    apt-get source -qq pgvector >/dev/null
    cd pgvector-*/
    make -s PG_CONFIG="$PG_BIN/pg_config" >/dev/null
    make -s PG_CONFIG="$PG_BIN/pg_config" install >/dev/null
  )
  rm -rf "$build"
  test -f "$PG_VECTOR_CONTROL"
}

# A free TCP port on 127.0.0.1, chosen by the kernel.
samestory_pg_free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

samestory_pg_start() {
  local dir port
  dir=$(mktemp -d /tmp/samestory-pg.XXXXXX)
  port=$(samestory_pg_free_port)
  mkdir -p "$dir/data" "$dir/socket"
  local run=()
  if [ "$(id -u)" = 0 ]; then
    chown -R postgres:postgres "$dir"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust >/dev/null
  "${run[@]}" "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
    -o "-p $port -k $dir/socket -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
  SAMESTORY_PG_DIR=$dir
  export SAMESTORY_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
  trap samestory_pg_stop EXIT
  echo "postgres: throwaway cluster at $SAMESTORY_TEST_DATABASE_URL"
}

samestory_pg_stop() {
  if [ -n "${SAMESTORY_PG_DIR:-}" ] && [ -d "$SAMESTORY_PG_DIR" ]; then
    local run=()
    [ "$(id -u)" = 0 ] && run=(runuser -u postgres --)
    "${run[@]}" "$PG_BIN/pg_ctl" -D "$SAMESTORY_PG_DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$SAMESTORY_PG_DIR"
    SAMESTORY_PG_DIR=
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  case "${1:-}" in
    install) samestory_pg_install ;;
    *) echo "usage: .ci/postgres.sh install   (or source it and call samestory_pg_start)" >&2; exit 2 ;;
  esac
fi
