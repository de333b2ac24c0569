"""The `alur` console script: the engine's commands plus `serve`, which needs the web."""
from __future__ import annotations

import logging
import threading

import click

from engine.cli import cli, main as engine_main


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int)
@click.option("--worker/--no-worker", default=True, show_default=True,
              help="Jalankan pekerja pengatur waktu di proses yang sama.")
@click.pass_obj
def serve_cmd(state, host, port, threads, worker):
    """Sajikan aplikasi web dengan server WSGI produksi (waitress)."""
    from waitress import serve

    from web import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = create_app(state.alur)
    if worker:
        threading.Thread(target=state.alur.run_timer_worker, daemon=True, name="timer-worker").start()
    click.echo(f"Alur melayani di http://{host}:{port}")
    serve(app, host=host, port=port, threads=threads, ident="alur")


def main() -> None:
    engine_main()


if __name__ == "__main__":
    main()
