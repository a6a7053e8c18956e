#!/usr/bin/env bash
# A real Label Studio server for the tests and for users, in a virtual environment of its own:
# Label Studio's pins conflict with Prefect's, so it never goes into the project's .venv.
#
#   scripts/label_studio.sh install           install once per machine (cached), print the venv
#   scripts/label_studio.sh venv              print the venv's path (installed or not)
#   scripts/label_studio.sh start --data-dir DIR [--port 8080] [--username admin@localhost]
#                                 [--password ...] [--token-env VAR]
#                                             run the server on loopback in the foreground
#   scripts/label_studio.sh users --data-dir DIR < users.json
#                                             add accounts with their own API tokens
#
# The admin's API token is read from the environment variable named by --token-env (default
# LABEL_STUDIO_API_KEY), never from an argument. Telemetry and every outgoing request are off, so
# the server works air-gapped.
set -euo pipefail

LABEL_STUDIO_VERSION="${LABEL_STUDIO_VERSION:-1.23.2}"
PYTHON="${PYTHON:-python3}"
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/scrubline"
VENV="${SCRUBLINE_LABEL_STUDIO_VENV:-$CACHE/label-studio-$LABEL_STUDIO_VERSION}"
STAMP="$VENV/.installed-stamp"

die() { echo "label_studio.sh: error: $*" >&2; exit 2; }

cmd_install() {
    local started=$SECONDS
    if [ ! -f "$STAMP" ] || [ ! -x "$VENV/bin/label-studio" ]; then
        mkdir -p "$(dirname "$VENV")"
        echo "label_studio.sh: installing label-studio==$LABEL_STUDIO_VERSION into $VENV" >&2
        rm -rf "$VENV"
        "$PYTHON" -m venv "$VENV"
        "$VENV/bin/python" -m pip install --quiet --upgrade pip
        "$VENV/bin/python" -m pip install --quiet "label-studio==$LABEL_STUDIO_VERSION"
        touch "$STAMP"
    fi
    if [ ! -f "$VENV/template/label_studio.sqlite3" ]; then
        # A migrated, empty database to start every new data dir from: migrating a fresh one
        # takes minutes (about 250 s on a busy 2-core machine), starting on a copy about 20 s.
        echo "label_studio.sh: migrating the template database" >&2
        rm -rf "$VENV/template" "$VENV/template.tmp"
        (export_env "$VENV/template.tmp" && "$VENV/bin/label-studio" init --data-dir "$VENV/template.tmp" --quiet) \
            >"$VENV/template.log" 2>&1 || die "migrating the template database failed: see $VENV/template.log"
        mv "$VENV/template.tmp" "$VENV/template"
    fi
    [ $((SECONDS - started)) -lt 1 ] || echo "label_studio.sh: ready in $((SECONDS - started)) s" >&2
    echo "$VENV"
}

cmd_venv() { echo "$VENV"; }

cmd_start() {
    local data_dir="" port=8080 username="admin@localhost" password="" token_env="LABEL_STUDIO_API_KEY"
    while [ $# -gt 0 ]; do
        case "$1" in
            --data-dir) data_dir="$2"; shift 2 ;;
            --port) port="$2"; shift 2 ;;
            --username) username="$2"; shift 2 ;;
            --password) password="$2"; shift 2 ;;
            --token-env) token_env="$2"; shift 2 ;;
            *) die "unknown option $1 (options: --data-dir, --port, --username, --password, --token-env)" ;;
        esac
    done
    [ -n "$data_dir" ] || die "start needs --data-dir DIR"
    [ -x "$VENV/bin/label-studio" ] || die "Label Studio is not installed in $VENV: run 'make label-studio'"
    local token="${!token_env:-}"
    [ -n "$token" ] || die "set $token_env to the admin's API token"
    [ -n "$password" ] || password="$token"
    mkdir -p "$data_dir"
    # SCRUBLINE_LABEL_STUDIO_TEMPLATE=0 migrates a new data dir from scratch (benchmarks/label_studio.py).
    if [ ! -e "$data_dir/label_studio.sqlite3" ] && [ -f "$VENV/template/label_studio.sqlite3" ] \
        && [ "${SCRUBLINE_LABEL_STUDIO_TEMPLATE:-1}" != 0 ]; then
        cp "$VENV/template/label_studio.sqlite3" "$data_dir/label_studio.sqlite3"
    fi
    export_env "$data_dir"
    # The secrets go by the environment (Label Studio reads LABEL_STUDIO_PASSWORD and
    # LABEL_STUDIO_USER_TOKEN), never on a command line other users' `ps` shows.
    LABEL_STUDIO_PASSWORD="$password" LABEL_STUDIO_USER_TOKEN="$token" \
        exec "$VENV/bin/label-studio" start --no-browser --internal-host 127.0.0.1 --host "http://127.0.0.1:$port" \
        --port "$port" --data-dir "$data_dir" --username "$username" --enable-legacy-api-token
}

# More accounts (annotators), each with its own legacy API token, in the organisation of a data
# dir whose server has started once. Reads a JSON list of {"email", "token", "username"?,
# "password"?} on standard input (tokens never on a command line); one process for all of them.
cmd_users() {
    local data_dir=""
    while [ $# -gt 0 ]; do
        case "$1" in
            --data-dir) data_dir="$2"; shift 2 ;;
            *) die "unknown option $1 (options: --data-dir)" ;;
        esac
    done
    [ -n "$data_dir" ] && [ -f "$data_dir/label_studio.sqlite3" ] || die "users needs --data-dir DIR of a started server"
    [ -x "$VENV/bin/label-studio" ] || die "Label Studio is not installed in $VENV: run 'make label-studio'"
    export_env "$data_dir"
    SCRUBLINE_LS_USERS="$(cat)" "$VENV/bin/python" -c '
import json, os, pathlib, sys
import label_studio
sys.path.insert(0, str(pathlib.Path(label_studio.__file__).parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "label_studio.core.settings.label_studio")
import django
django.setup()
from organizations.models import Organization
from rest_framework.authtoken.models import Token
from users.models import User
org = Organization.objects.first()
if org is None:
    sys.exit("label_studio.sh: error: no organisation yet: start the server on this data dir first")
for spec in json.loads(os.environ.pop("SCRUBLINE_LS_USERS")):
    user = User.objects.filter(email=spec["email"]).first()
    if user is None:
        user = User.objects.create_user(email=spec["email"], password=spec.get("password") or spec["token"])
    if spec.get("username"):
        user.username = spec["username"]
    Token.objects.filter(user=user).delete()
    Token.objects.create(user=user, key=spec["token"])
    org.add_user(user) if not org.has_user(user) else None
    user.active_organization = org
    user.save()
    print(json.dumps({"id": user.id, "email": user.email, "username": user.username}))
'
}

export_env() {
    export LABEL_STUDIO_BASE_DATA_DIR="$1"
    export COLLECT_ANALYTICS=false
    export SENTRY_DSN="" FRONTEND_SENTRY_DSN="" SENTRY_RATE=0
    export LATEST_VERSION_CHECK=false
    export DO_NOT_TRACK=1
    # Legacy "Token ..." API tokens (the organisation's setting, for a new organisation).
    export LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN=true
    export FEATURE_FLAGS_OFFLINE=true
}

case "${1:-}" in
    install) shift; cmd_install "$@" ;;
    venv) shift; cmd_venv "$@" ;;
    start) shift; cmd_start "$@" ;;
    users) shift; cmd_users "$@" ;;
    *) die "usage: scripts/label_studio.sh install | venv | start --data-dir DIR [--port N] [--username U] [--password P] [--token-env VAR] | users --data-dir DIR < users.json" ;;
esac
