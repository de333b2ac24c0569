"""The WSGI entry point for servers other than `alur serve`: `gunicorn -w 4 web.wsgi:app`.

Settings come from the environment (ALUR_DATABASE_URL, ALUR_SECRET_KEY, ...), as for `alur serve`.
Timers are not fired here: run `alur worker` beside the web processes.
"""
from web import create_app

app = create_app()
