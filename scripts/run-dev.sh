#!/usr/bin/env bash
# `make run`'s last step: the development server and the background worker (django-tasks'
# `db_worker`, which recomputes the indicators) side by side. Ctrl-C stops both; when one of
# them ends, the other is stopped too. PY, HOST and PORT come from the Makefile.
set -u -m  # job control: each child runs in its own process group (it and its reloader child)
PY=${PY:-.venv/bin/python}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

"$PY" manage.py db_worker --interval 1 &
worker=$!
"$PY" manage.py runserver "$HOST:$PORT" &
server=$!

stop() {
    trap - INT TERM EXIT
    kill -TERM -- "-$server" "-$worker" 2>/dev/null
    wait "$server" "$worker" 2>/dev/null
}
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
trap stop EXIT

wait -n "$server" "$worker"
status=$?
echo "run-dev: a process ended (status $status); stopping the other" >&2
stop
exit "$status"
