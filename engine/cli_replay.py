"""`alur replay` and `alur reexecute`: a case event by event, and its deterministic re-execution.

Both act as an auditor named "cli" (read only: they change nothing). `alur reexecute` exits 4
when anything diverges, like `alur verify` for a broken chain.
"""
from __future__ import annotations

import sys

import click

from engine.case import Actor
from engine.cli import _emit, _local, _to_plain, cli

CLI_AUDITOR = Actor("cli", frozenset({"auditor"}))
DIVERGED = 4
KIND_WORDS = {
    "instance.started": "kasus dibuka", "task.ready": "langkah siap", "task.claimed": "diambil",
    "task.released": "dilepas", "task.completed": "diselesaikan", "task.cancelled": "dibatalkan",
    "instance.completed": "kasus selesai", "timer.fired": "batas waktu tercapai",
    "instance.error": "kesalahan mesin", "instance.migrated": "dimigrasikan",
    "personal.revealed": "data pribadi dibuka", "personal.exported": "data pribadi diekspor",
    "personal.purged": "data pribadi dihapus",
}


def _instance_id(state, case: str) -> int:
    if case.isdigit():
        return int(case)
    return state.alur.case(CLI_AUDITOR, ticket_code=case).id


def _names(ids) -> str:
    return ", ".join(ids) if ids else "-"


def _frame_line(frame) -> str:
    step = f" · langkah {frame.sop_step}" if frame.sop_step is not None else ""
    lane = f" ({frame.lane_name})" if frame.lane_name else ""
    what = f" {frame.bpmn_id}" if frame.bpmn_id else ""
    return (f"#{frame.seq:<3} {_local(frame.occurred_at)} {KIND_WORDS.get(frame.kind, frame.kind)}{step}{lane}"
            f"{what} oleh {frame.actor} — selesai {len(frame.done)}, aktif: {_names(frame.active)}"
            + (f", akhir: {frame.end_event}" if frame.end_event else ""))


def _frame_text(replay, frame) -> str:
    lines = [f"Kasus #{replay.instance_id} tiket {replay.ticket_code} — peristiwa #{frame.seq} "
             f"({frame.index + 1} dari {len(replay.frames)})",
             f"  {_local(frame.occurred_at)} {KIND_WORDS.get(frame.kind, frame.kind)} oleh {frame.actor}",
             f"  versi proses: {frame.process_key} v{frame.definition_version}"]
    if frame.sop_step is not None:
        lines.append(f"  langkah {frame.sop_step} {frame.step_name or ''} ({frame.lane_name or '-'})".rstrip())
    lines += [f"  selesai: {_names(frame.done)}", f"  aktif: {_names(frame.active)}",
              f"  dibatalkan: {_names(frame.cancelled)}",
              f"  akhir: {frame.end_event} ({frame.end_name})" if frame.end_event else "  akhir: belum"]
    event_data = {**frame.data, **(frame.personal or {})}
    if event_data:
        lines.append("  data peristiwa:")
        lines += [f"    {key}: {value}" for key, value in event_data.items()]
    lines.append("  data kasus saat itu" + (" (data pribadi disamarkan):" if replay.personal_masked else ":"))
    lines += [f"    {key}: {value}" for key, value in frame.case_data.items()] or ["    (belum ada)"]
    return "\n".join(lines)


@cli.command("replay")
@click.argument("case")
@click.option("--step", "seq", type=int, help="Nomor urut peristiwa yang ditampilkan rinci.")
@click.pass_obj
def replay_cmd(state, case, seq):
    """Putar ulang kasus (nomor atau kode tiket) peristiwa demi peristiwa."""
    replay = state.alur.case_replay(CLI_AUDITOR, _instance_id(state, case))
    if seq is not None:
        frame = replay.frame_at(seq)
        _emit(state, frame, _frame_text(replay, frame))
        return
    head = f"Kasus #{replay.instance_id} tiket {replay.ticket_code}: {len(replay.frames)} peristiwa"
    _emit(state, replay, "\n".join([head] + [f"  {_frame_line(f)}" for f in replay.frames]))


def _report_text(report) -> str:
    versions = (f"versi {report.start_version}" if report.start_version == report.final_version
                else f"versi {report.start_version} lalu {report.final_version}")
    head = (f"Kasus #{report.instance_id} tiket {report.ticket_code} ({report.process_key} {versions}): "
            f"{report.events} peristiwa, {len(report.steps)} langkah dieksekusi ulang")
    if report.matches:
        tail = "keadaan tersimpan juga cocok" if report.state_compared else "keadaan tersimpan tidak dibandingkan"
        return f"{head}\n  COCOK: setiap langkah sama dengan catatan; {tail}."
    lines = [head, f"  TIDAK COCOK: {len(report.divergences)} perbedaan"]
    lines += [f"  - {d.message}" for d in report.divergences]
    if report.stopped_at is not None:
        lines.append(f"  Eksekusi ulang berhenti di peristiwa #{report.stopped_at}; keadaan akhir tidak dibandingkan.")
    return "\n".join(lines)


@cli.command("reexecute")
@click.argument("case", required=False)
@click.option("--all", "every", is_flag=True, help="Eksekusi ulang semua kasus.")
@click.pass_obj
def reexecute_cmd(state, case, every):
    """Eksekusi ulang kasus dari versi awalnya dan peristiwa tercatat, lalu bandingkan (keluar 4 bila berbeda)."""
    if every == (case is not None):
        raise click.UsageError("Sebutkan satu kasus (nomor atau kode tiket) atau --all, tidak keduanya.")
    if every:
        summary = state.alur.reexecute_all(CLI_AUDITOR)
        lines = [f"{summary.cases} kasus dieksekusi ulang: {summary.matching} cocok, "
                 f"{len(summary.divergent)} tidak cocok."]
        lines += [_report_text(r) for r in summary.divergent]
        _emit(state, {"matches": summary.matches, **_to_plain(summary)}, "\n".join(lines))
        if not summary.matches:
            sys.exit(DIVERGED)
        return
    report = state.alur.reexecute(CLI_AUDITOR, _instance_id(state, case))
    _emit(state, {"matches": report.matches, **_to_plain(report)}, _report_text(report))
    if not report.matches:
        sys.exit(DIVERGED)
