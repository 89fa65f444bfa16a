# Shared settings and helpers for the scripts in this folder (sourced, not run).
# Everything is configurable through environment variables; see README.md.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ODOO_SRC=${ODOO_SRC:-/opt/odoo/18.0}
ODOO_GIT_URL=${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}
ODOO_GIT_BRANCH=${ODOO_GIT_BRANCH:-18.0}
VENV=${FWO_VENV:-$ROOT/.venv}
DATA_DIR=${FWO_DATA_DIR:-$ROOT/.odoo}
DB_HOST=${DB_HOST:-127.0.0.1}
DB_PORT=${DB_PORT:-5432}
DB_USER=${DB_USER:-odoo}
DB_PASSWORD=${DB_PASSWORD:-odoo}
DEMO_DB=${FWO_DEMO_DB:-fwo_demo}
HTTP_PORT=${FWO_HTTP_PORT:-8069}
# What the scripts install: our two addons, and payment_demo (Odoo's fake payment provider,
# in test mode) so that an invoice's Pay Now works in the demo and in the tests. Production
# installs our addons only: they never depend on payment_demo.
ADDONS="field_work_order,field_work_order_mobile,payment_demo"
PYTHON=$VENV/bin/python

die() {
    echo "error: $*" >&2
    exit 1
}

# odoo_server COMMAND ARGS...: a command of scripts/_odoo_server.py (ports, databases), the
# one definition the shell scripts and the Python tests share, with these database settings.
odoo_server() {
    DB_HOST=$DB_HOST DB_PORT=$DB_PORT DB_USER=$DB_USER DB_PASSWORD=$DB_PASSWORD \
        "$PYTHON" "$ROOT/scripts/_odoo_server.py" "$@"
}

pg_up() { odoo_server pg-up >/dev/null 2>&1; }           # PostgreSQL accepts our login
free_port() { odoo_server free-port; }                    # prints a free loopback port
port_free() { odoo_server port-free "$1"; }               # PORT: nothing is bound to it
port_listening() { odoo_server listening "$@"; }         # PORT [HOST]: something accepts connections
wait_http() { odoo_server wait-http "$1" "$2"; }          # URL SECONDS: until it answers HTTP 200
db_exists() { odoo_server db-exists "$1"; }               # DB
db_query() { odoo_server query "$1" "$2"; }               # DB SQL: first column of the first row
drop_db() {                                               # DB: the database and its filestore
    odoo_server drop-db "$1" && rm -rf "$DATA_DIR/filestore/$1"
}

find_chrome() {
    for c in chromium chromium-browser google-chrome google-chrome-stable; do
        command -v "$c" >/dev/null 2>&1 && { command -v "$c"; return 0; }
    done
    return 1
}

# missing_tools: the Debian packages scripts/setup installs that are missing, one a line.
missing_tools() {
    find_chrome >/dev/null || echo chromium
    command -v wkhtmltopdf >/dev/null 2>&1 || echo wkhtmltopdf
    command -v pdftoppm >/dev/null 2>&1 || echo poppler-utils
}

# setup_stamp: the fingerprint of what scripts/setup installs into the virtualenv
# (Odoo's requirements, ours, the setup script itself); scripts/setup writes it
# to $VENV/.fwo-setup-stamp once the Python dependencies are installed.
setup_stamp() {
    local sum
    sum=$(cat "$ODOO_SRC/requirements.txt" "$ROOT/pyproject.toml" "$ROOT/scripts/setup" 2>/dev/null | sha256sum) || return 1
    echo "${sum%% *}"
}

# setup_needed: why scripts/setup has to run (empty output: all is in place).
# Cheap checks only: no network, no pip, one Python start for the database login.
setup_needed() {
    local tools
    if [ ! -f "$ODOO_SRC/odoo-bin" ]; then
        echo "no Odoo source at $ODOO_SRC"
    elif [ ! -x "$PYTHON" ]; then
        echo "no virtualenv at $VENV"
    elif [ "$(cat "$VENV/.fwo-setup-stamp" 2>/dev/null)" != "$(setup_stamp)" ]; then
        echo "Python dependencies of $VENV outdated"
    elif tools=$(missing_tools) && [ -n "$tools" ]; then
        echo "missing ${tools//$'\n'/ }"
    elif ! pg_up; then
        echo "cannot log in to PostgreSQL at $DB_HOST:$DB_PORT as '$DB_USER'"
    fi
}

# ensure_setup: run scripts/setup (idempotent) when something it provides is
# missing or outdated; exit with its status when it fails (it said why on stderr).
ensure_setup() {
    local why
    why=$(setup_needed)
    [ -z "$why" ] && return 0
    echo "setup: needed ($why): running scripts/setup"
    bash "$ROOT/scripts/setup" || exit
}

# ODOO_BIN: odoo-bin with this project's addons path, data dir and database settings;
# "${ODOO_BIN[@]}" ARGS... where a command is needed (exec, setsid), else odoo_bin ARGS...
ODOO_BIN=("$PYTHON" "$ODOO_SRC/odoo-bin"
    --addons-path="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$ROOT" --data-dir="$DATA_DIR"
    --db_host="$DB_HOST" --db_port="$DB_PORT" --db_user="$DB_USER" --db_password="$DB_PASSWORD")
odoo_bin() { "${ODOO_BIN[@]}" "$@"; }
