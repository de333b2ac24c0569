"""`alur`: the engine from the command line, for operators and scripts.

Readable text for people by default, `--json` for scripts. Exit status: 0 done, 1 refused
(not found, forbidden, invalid data, rejected definition), 3 conflict (someone else was first).
"""
from __future__ import annotations

import dataclasses
import json
import logging
import signal
import sys
import threading
from datetime import datetime, timezone

import click

from engine.case import Actor
from engine.errors import AlurError, Conflict, InvalidData, Rejected
from engine.facade import Alur
from engine.settings import Settings

DEFAULT_PROCESS = "pelayanan_pengaduan"
# Words for people; --json keeps the stable English codes for scripts.
LABELS = {"running": "berjalan", "completed": "selesai", "error": "galat", "ready": "siap",
          "cancelled": "dibatalkan"}


def _label(code: str) -> str:
    return LABELS.get(code, code)


class _State:
    def __init__(self, database: str | None, as_json: bool):
        self.as_json = as_json
        self._database = database
        self._alur = None

    @property
    def alur(self) -> Alur:
        if self._alur is None:
            overrides = {"database_url": self._database} if self._database else {}
            self._alur = Alur(Settings.from_env(**overrides))
        return self._alur


def _to_plain(value):
    if dataclasses.is_dataclass(value):
        return {k: _to_plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, (list, tuple)):
        return [_to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_plain(v) for k, v in value.items()}
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _emit(state: _State, value, text: str) -> None:
    click.echo(json.dumps(_to_plain(value), ensure_ascii=False, indent=2) if state.as_json else text)


def _actor(name: str, roles: tuple[str, ...]) -> Actor:
    return Actor(name, frozenset(roles))


def _load_data(raw: str | None) -> dict:
    if raw is None:
        return {}
    text = open(raw[1:], encoding="utf-8").read() if raw.startswith("@") else raw
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise click.BadParameter(f"bukan JSON yang sah: {error}", param_hint="--data") from None


def _local(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


actor_options = [
    click.option("--as", "user", required=True, help="Nama pengguna yang bertindak."),
    click.option("--role", "roles", multiple=True, required=True, help="Peran pengguna (boleh berulang)."),
]


def with_actor(func):
    for option in reversed(actor_options):
        func = option(func)
    return func


@click.group()
@click.option("--database", envvar="ALUR_DATABASE_URL", help="URL basis data (bawaan: SQLite di var/).")
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON untuk skrip.")
@click.pass_context
def cli(ctx, database, as_json):
    """Alur: menjalankan SOP sebagai alur kerja BPMN."""
    ctx.obj = _State(database, as_json)


@cli.command("init")
@click.option("--deploy/--no-deploy", default=True, help="Pasang proses dari processes/ juga.")
@click.option("--demo/--no-demo", default=True, help="Buat akun demo (satu per peran) bila belum ada.")
@click.pass_obj
def init_cmd(state, deploy, demo):
    """Siapkan basis data (migrasi Alembic), pasang proses bawaan dan buat akun demo."""
    state.alur.init_db()
    deployed = state.alur.deploy_shipped() if deploy else []
    lines = ["Basis data siap."] + [
        f"{d.process_key} v{d.version} {'dipasang' if d.newly_deployed else 'sudah ada'} ({d.sha256[:12]})"
        for d in deployed]
    # The passwords exist in clear only here: printed once with click.echo, never logged or stored.
    created = state.alur.ensure_demo_accounts() if demo else []
    if created:
        lines += ["", "Akun demo (dicetak sekali saja; simpan sekarang):",
                  f"  {'nama pengguna':<22} {'peran':<16} kata sandi"]
        lines += [f"  {username:<22} {', '.join(sorted(roles)):<16} {password}"
                  for username, password, roles in created]
    elif demo:
        lines.append("Akun demo sudah ada; kata sandinya tidak dicetak lagi. "
                     "Atur ulang bila lupa: alur users reset-password demo.admin")
    demo_accounts = [{"username": u, "password": p, "roles": sorted(r)} for u, p, r in created]
    _emit(state, {"deployed": deployed, "demo_accounts": demo_accounts}, "\n".join(lines))


@cli.command("deploy")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--note", default="", help="Catatan perubahan.")
@click.option("--as", "user", default="operator", show_default=True)
@click.pass_obj
def deploy_cmd(state, file, note, user):
    """Pasang berkas BPMN sebagai versi baru (isi sama = versi sama)."""
    info = state.alur.deploy_file(file, _actor(user, ("process_owner",)), change_note=note)
    verb = "dipasang sebagai" if info.newly_deployed else "sama dengan"
    _emit(state, info, f"{info.process_key}: {verb} versi {info.version} ({info.sha256[:12]}), "
                       f"{len(info.steps)} langkah, jalur: {', '.join(l['name'] for l in info.lanes)}")


@cli.command("definitions")
@click.pass_obj
def definitions_cmd(state):
    """Daftar definisi proses dan versinya."""
    items = state.alur.definitions()
    _emit(state, items, "\n".join(f"{d.process_key} v{d.version} [{d.status}] {d.sha256[:12]} {d.name}"
                                  for d in items) or "Belum ada definisi.")


@cli.command("start")
@click.argument("process_key", default=DEFAULT_PROCESS)
@with_actor
@click.option("--data", help="Data langkah pertama (JSON, atau @berkas.json); langsung diselesaikan.")
@click.pass_obj
def start_cmd(state, process_key, user, roles, data):
    """Mulai kasus baru pada versi terbaru."""
    result = state.alur.start(process_key, _actor(user, roles),
                              first_task_data=_load_data(data) if data else None)
    text = [f"Kasus #{result.instance_id} dimulai, tiket {result.ticket_code} (versi {result.definition_version})."]
    text += [f"  siap: [{t.id}] langkah {t.sop_step} {t.name} ({t.role})" for t in result.ready]
    _emit(state, result, "\n".join(text))


@cli.command("tasks")
@with_actor
@click.option("--step", type=int, help="Hanya langkah SOP ini.")
@click.option("--mine", is_flag=True, help="Hanya yang belum diambil atau diambil saya.")
@click.pass_obj
def tasks_cmd(state, user, roles, step, mine):
    """Kotak masuk: tugas siap di jalur peran Anda."""
    items = state.alur.inbox(_actor(user, roles), sop_step=step, mine_only=mine)
    now = datetime.now(timezone.utc)
    lines = []
    for t in items:
        left = int(t.seconds_left(now))
        due = f"TERLAMBAT {-left // 60} mnt" if left < 0 else f"sisa {left // 60} mnt {left % 60} dtk"
        holder = f" dipegang {t.claimed_by}" if t.claimed_by else ""
        lines.append(f"[{t.id}] {t.ticket_code} langkah {t.sop_step} {t.name} — {t.display_name or '-'} — {due}{holder}")
    _emit(state, items, "\n".join(lines) or "Tidak ada tugas.")


@cli.command("claim")
@click.argument("task_id")
@with_actor
@click.pass_obj
def claim_cmd(state, task_id, user, roles):
    """Ambil tugas."""
    item = state.alur.claim(_actor(user, roles), task_id)
    _emit(state, item, f"Tugas {item.id} diambil oleh {item.claimed_by}.")


@cli.command("release")
@click.argument("task_id")
@with_actor
@click.pass_obj
def release_cmd(state, task_id, user, roles):
    """Lepaskan tugas yang Anda ambil."""
    item = state.alur.release(_actor(user, roles), task_id)
    _emit(state, item, f"Tugas {item.id} dilepas.")


@cli.command("complete")
@click.argument("task_id")
@with_actor
@click.option("--data", required=True, help="Data formulir (JSON, atau @berkas.json).")
@click.pass_obj
def complete_cmd(state, task_id, user, roles, data):
    """Selesaikan tugas dengan data formulir (divalidasi lebih dulu)."""
    result = state.alur.complete(_actor(user, roles), task_id, _load_data(data))
    text = [f"Selesai. Kasus #{result.instance_id}: {_label(result.status)}"
            + (f" ({result.outcome})" if result.outcome else "")]
    text += [f"  siap: [{t.id}] langkah {t.sop_step} {t.name} ({t.role})" for t in result.ready]
    _emit(state, result, "\n".join(text))


@cli.command("show")
@click.argument("case")
@click.option("--as", "user", default="operator", show_default=True)
@click.option("--role", "roles", multiple=True, default=("auditor",), show_default=True)
@click.pass_obj
def show_cmd(state, case, user, roles):
    """Tampilkan kasus (nomor atau kode tiket) beserta riwayatnya."""
    key = {"instance_id": int(case)} if case.isdigit() else {"ticket_code": case}
    view = state.alur.case(_actor(user, roles), **key)
    lines = [f"Kasus #{view.id} tiket {view.ticket_code} — {_label(view.status)}"
             + (f" ({view.outcome})" if view.outcome else ""),
             f"  proses {view.process_key} v{view.definition_version}, dimulai {_local(view.started_at)} oleh {view.started_by}",
             "  Tugas:"]
    lines += [f"    langkah {t.sop_step} {t.name}: {_label(t.state)}" + (f" oleh {t.completed_by}" if t.completed_by else "")
              for t in view.tasks]
    lines.append("  Riwayat:")
    lines += [f"    #{e.seq} {_local(e.occurred_at)} {e.kind} {e.bpmn_id or ''} oleh {e.actor}" for e in view.events]
    _emit(state, view, "\n".join(lines))


@cli.command("worker")
@click.option("--once", is_flag=True, help="Jalankan pengatur waktu yang jatuh tempo sekali, lalu keluar.")
@click.pass_obj
def worker_cmd(state, once):
    """Jalankan pekerja pengatur waktu (timer) BPMN."""
    if once:
        fired = state.alur.fire_due_timers()
        _emit(state, {"fired": fired}, f"{fired} pengatur waktu dijalankan.")
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        state.alur.run_timer_worker(stop)
    except KeyboardInterrupt:
        stop.set()


_EXIT_CODES = {Conflict: 3}
_PREFIX = {InvalidData: "Ditolak", Conflict: "Konflik", Rejected: None}


def _report(error: AlurError, as_json: bool) -> None:
    if as_json:
        body = {"error": error.code, "message": error.message}
        if isinstance(error, InvalidData):
            body["errors"] = error.errors
        if isinstance(error, Rejected):
            body["problems"] = [str(p) for p in error.problems]
        click.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    prefix = _PREFIX.get(type(error), "Ditolak")
    click.echo(f"{prefix}: {error.message}" if prefix else error.message, err=True)
    if isinstance(error, InvalidData):
        for field, message in error.errors.items():
            click.echo(f"  {field}: {message}", err=True)


def main() -> None:
    try:
        cli(standalone_mode=False)
    except click.exceptions.Abort:
        sys.exit(1)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except AlurError as error:
        _report(error, "--json" in sys.argv[1:])
        sys.exit(_EXIT_CODES.get(type(error), 1))

# The account commands live in their own module; importing it registers them on `cli`.
from engine import cli_accounts  # noqa: E402,F401
# Likewise the auditors' commands (replay, integrity and digests, reports, personal data).
from engine import cli_audit  # noqa: E402,F401

if __name__ == "__main__":
    main()
