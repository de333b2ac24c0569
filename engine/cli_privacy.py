"""`alur privacy ...`: a data subject's export by NIK and the retention purge (UU 27/2022), run by
the system operator as the admin "cli" (see cli_accounts.py)."""
from __future__ import annotations

import json
import os
import sys

import click

from engine.case import Actor
from engine.cli import _emit, _local, _to_plain, cli

# The operator acts as an admin named "cli" that owns no account, as in cli_accounts.py (not
# imported from there: under `python -m engine.cli` that import would run in a half-loaded cycle).
CLI_ADMIN = Actor("cli", frozenset({"admin"}))


@cli.group("privacy")
def privacy_group():
    """Data pribadi (UU 27/2022): ekspor untuk subjek data dan penghapusan setelah masa retensi."""


@privacy_group.command("export")
@click.argument("nik")
@click.option("--out", type=click.Path(dir_okay=False), help="Tulis JSON ke berkas ini (izin 0600), bukan ke layar.")
@click.pass_obj
def export_cmd(state, nik, out):
    """Data dan log pemrosesan satu subjek data, dicari dengan NIK, sebagai JSON (pasal 32).

    NIK "-" dibaca dari satu baris stdin, agar tidak tersimpan di riwayat shell. Setiap kasus yang
    ditemukan mencatat peristiwa "personal.exported" di rantai riwayatnya."""
    if nik == "-":
        nik = sys.stdin.readline().strip()
    export = state.alur.subject_export(CLI_ADMIN, nik)
    body = json.dumps(_to_plain(export), ensure_ascii=False, indent=2)
    if not out:
        click.echo(body)
        return
    # Personal data: readable by the operator only, whatever the umask.
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(body + "\n")
    _emit(state, {"out": out, "cases": [c.instance_id for c in export.cases]},
          f"{len(export.cases)} kasus ditemukan; ekspor ditulis ke {out}.")


@privacy_group.command("purge")
@click.option("--dry-run", is_flag=True, help="Hanya tampilkan kasus yang jatuh tempo; tidak menghapus apa pun.")
@click.pass_obj
def purge_cmd(state, dry_run):
    """Hapus data pribadi kasus yang selesai lebih lama dari masa retensi (ALUR_RETENTION_DAYS)."""
    report = state.alur.purge_expired(CLI_ADMIN, dry_run=dry_run)
    lines = [f"Masa retensi {report.retention_days} hari: jatuh tempo bila selesai sebelum {_local(report.cutoff)}."]
    if dry_run:
        lines.append(f"{len(report.due)} kasus jatuh tempo (uji coba: tidak ada yang dihapus).")
        lines += [f"  #{c.instance_id} {c.ticket_code} selesai {_local(c.completed_at)}" for c in report.due]
    else:
        lines.append(f"Data pribadi {len(report.purged)} kasus dihapus.")
        lines += [f"  #{p.instance_id} {p.ticket_code}: {p.fields_erased} nilai di riwayat, "
                  f"{p.state_fields} kolom di status alur kerja, {p.drafts_cleared} draf" for p in report.purged]
        lines += [f"  GAGAL #{f.instance_id} {f.ticket_code}: {f.reason}" for f in report.failed]
    lines.append(f"Sudah dihapus sebelumnya: {report.already_purged} kasus.")
    _emit(state, report, "\n".join(lines))
    if report.failed:
        sys.exit(1)
