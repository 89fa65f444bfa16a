# Shared settings and helpers for the scripts in this folder (sourced, not run).
# Everything is configurable through environment variables; see README.md.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ODOO_SRC=${ODOO_SRC:-/opt/odoo/18.0}
VENV=${FWO_VENV:-$ROOT/.venv}
DATA_DIR=${FWO_DATA_DIR:-$ROOT/.odoo}
DB_HOST=${DB_HOST:-127.0.0.1}
DB_PORT=${DB_PORT:-5432}
DB_USER=${DB_USER:-odoo}
DB_PASSWORD=${DB_PASSWORD:-odoo}
DEMO_DB=${FWO_DEMO_DB:-fwo_demo}
HTTP_PORT=${FWO_HTTP_PORT:-8069}
ADDONS="field_work_order,field_work_order_mobile"
PYTHON=$VENV/bin/python

die() {
    echo "error: $*" >&2
    exit 1
}

require_odoo() {
    [ -f "$ODOO_SRC/odoo-bin" ] || die "no Odoo 18 source at ODOO_SRC=$ODOO_SRC (odoo-bin not found). Get Odoo 18.0 Community from https://github.com/odoo/odoo (branch 18.0) or https://nightly.odoo.com, unpack it there or set ODOO_SRC to its folder."
}

require_venv() {
    [ -x "$PYTHON" ] || die "no virtualenv at $VENV: run scripts/setup first."
}

pg_up() {
    "$VENV/bin/python" - "$DB_HOST" "$DB_PORT" "$DB_USER" "$DB_PASSWORD" <<'PY' >/dev/null 2>&1
import sys, psycopg2
host, port, user, password = sys.argv[1:]
psycopg2.connect(host=host, port=port, user=user, password=password, dbname="postgres").close()
PY
}

require_pg() {
    pg_up || die "cannot connect to PostgreSQL at $DB_HOST:$DB_PORT as '$DB_USER': start PostgreSQL (or set DB_HOST/DB_PORT/DB_USER/DB_PASSWORD) and run scripts/setup."
}

port_free() {
    "$PYTHON" - "$1" <<'PY'
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
PY
}

free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

find_chrome() {
    for c in chromium chromium-browser google-chrome google-chrome-stable; do
        command -v "$c" >/dev/null 2>&1 && { command -v "$c"; return 0; }
    done
    return 1
}

# odoo_bin ARGS...: Odoo with this project's addons path and database settings.
odoo_bin() {
    "$PYTHON" "$ODOO_SRC/odoo-bin" \
        --addons-path="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$ROOT" \
        --data-dir="$DATA_DIR" \
        --db_host="$DB_HOST" --db_port="$DB_PORT" \
        --db_user="$DB_USER" --db_password="$DB_PASSWORD" \
        "$@"
}
