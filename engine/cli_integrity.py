"""`alur verify` (one case or all) and `alur digest ...`: the hash chains and the digests of chain
heads from the shell. Exit status 4 when a chain is broken or a digest does not match."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from engine import digest as maths
from engine.case import Actor
from engine.cli import _emit, _local, _to_plain, cli

# The operator acts as an auditor that owns no account (as `alur users` acts as an admin): the
# engine's role checks still hold, and someone with a shell could read the database anyway.
CLI_AUDITOR = Actor("cli", frozenset({"auditor"}))
BROKEN = 4


def _case_lines(report) -> list[str]:
    lines = [f"Kasus #{report.instance_id} ({report.ticket_code}): RANTAI RUSAK"]
    return lines + [f"  {p.message}" for p in report.problems]


@cli.command("verify")
@click.argument("case", type=int, required=False)
@click.option("--all", "every", is_flag=True, help="Periksa rantai semua kasus sekaligus.")
@click.pass_obj
def verify_cmd(state, case, every):
    """Periksa rantai hash riwayat satu kasus (CASE) atau semua kasus (--all)."""
    if every == (case is not None):
        raise click.UsageError("Sebutkan satu nomor kasus, atau --all untuk semua kasus.")
    if case is not None:
        report = state.alur.verify_case(CLI_AUDITOR, case)
        text = (f"Kasus #{report.instance_id} ({report.ticket_code}): {report.events} peristiwa, rantai hash utuh "
                f"({report.head[:12]})." if report.intact else "\n".join(_case_lines(report)))
        _emit(state, report, text)
        if not report.intact:
            sys.exit(BROKEN)
        return
    chains = state.alur.verify_all(CLI_AUDITOR)
    broken = chains.broken
    lines = [line for report in broken for line in _case_lines(report)]
    lines.append(f"{chains.cases:,} kasus, {chains.events:,} peristiwa diperiksa dalam {chains.seconds:.1f} detik: "
                 + (f"{len(broken)} kasus RUSAK." if broken else "semua rantai utuh."))
    plain = {"cases": chains.cases, "events": chains.events, "seconds": chains.seconds, "intact": chains.intact,
             "broken": _to_plain(list(broken))}
    _emit(state, plain, "\n".join(lines))
    if broken:
        sys.exit(BROKEN)


@cli.group("digest")
def digest_group():
    """Digest kepala rantai hash semua kasus: buat, lihat, periksa."""


def _digest_line(d) -> str:
    kind = "harian" if d.daily else f"oleh {d.created_by}"
    return (f"#{d.id:<4} sampai {_local(d.period_end)} ({d.period_text}), {d.case_count:,} kasus, "
            f"{d.event_count:,} peristiwa, {kind}\n      {d.digest}")


@digest_group.command("create")
@click.option("--until", "until", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Sampai akhir hari ini (WIB, tengah malam sesudahnya). Tanpa ini: sampai sekarang.")
@click.pass_obj
def digest_create_cmd(state, until):
    """Buat digest baru, berantai ke digest sebelumnya."""
    period_end = maths.day_end(until.date()) if until else None
    made = state.alur.create_digest(CLI_AUDITOR, period_end)
    _emit(state, made, f"Digest dibuat:\n{_digest_line(made)}")


@digest_group.command("daily")
@click.pass_obj
def digest_daily_cmd(state):
    """Buat digest harian yang belum ada (setiap hari WIB yang sudah lewat dan berisi peristiwa)."""
    made = state.alur.ensure_daily_digests()
    _emit(state, made, "\n".join(_digest_line(d) for d in made) if made else "Tidak ada digest harian baru.")


@digest_group.command("list")
@click.pass_obj
def digest_list_cmd(state):
    """Daftar digest, terbaru dahulu."""
    found = state.alur.digests(CLI_AUDITOR)
    _emit(state, found, "\n".join(_digest_line(d) for d in found) if found else "Belum ada digest.")


@digest_group.command("show")
@click.argument("digest_id", type=int)
@click.option("--csv", "as_csv", is_flag=True, help="Cetak daftar kepala rantai sebagai CSV (untuk sha256sum).")
@click.pass_obj
def digest_show_cmd(state, digest_id, as_csv):
    """Satu digest: hash akarnya, digest sebelumnya, jumlahnya; --json untuk berkas ekspor lengkap."""
    if as_csv:
        click.echo(state.alur.digest_csv(CLI_AUDITOR, digest_id), nl=False)
        return
    if state.as_json:  # the exported file itself: keep it, check against it later with --file
        click.echo(state.alur.digest_export(CLI_AUDITOR, digest_id), nl=False)
        return
    d = state.alur.digest(CLI_AUDITOR, digest_id)
    lines = [f"Digest #{d.id}: kepala rantai {d.case_count:,} kasus ({d.event_count:,} peristiwa) sampai "
             f"{_local(d.period_end)} ({d.period_text})",
             f"  hash akar:          {' '.join(maths.groups_of_eight(d.digest))}",
             f"  digest sebelumnya:  {d.prev_digest}" + (f" (#{d.prev_id})" if d.prev_id else
                                                        " (awal rantai)" if d.first else " (tidak tersimpan)"),
             f"  dibuat {_local(d.created_at)} oleh {d.created_by}",
             f"  hitung ulang: alur digest show {d.id} --csv > kepala.csv; "
             + maths.HOW_TO_RECOMPUTE.replace("<period_end>", d.period_text).replace("<prev_digest>", d.prev_digest)
             .replace("<kepala.csv>", "kepala.csv")]
    click.echo("\n".join(lines))


@digest_group.command("check")
@click.option("--id", "digest_id", type=int, help="Digest tersimpan (tanpa pilihan apa pun: yang terbaru).")
@click.option("--file", "exported", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Berkas ekspor JSON digest yang disimpan di luar sistem.")
@click.option("--hash", "root", help="Hash akar yang tercetak (spasi boleh).")
@click.pass_obj
def digest_check_cmd(state, digest_id, exported, root):
    """Periksa riwayat hari ini terhadap sebuah digest; sebut setiap kasus yang berubah."""
    if sum(x is not None for x in (digest_id, exported, root)) > 1:
        raise click.UsageError("Pilih salah satu: --id, --file atau --hash.")
    check = state.alur.check_digest(CLI_AUDITOR, digest_id=digest_id,
                                    exported=exported.read_bytes() if exported else None, root=root)
    _emit(state, check, "\n".join(_check_lines(check)))
    if not check.intact:
        sys.exit(BROKEN)


def _check_lines(check) -> list[str]:
    what = f"digest #{check.digest.id}" if check.digest else "hash tercetak"
    lines = [f"Pemeriksaan terhadap {what}" + (f", sampai {_local(check.period_end)}" if check.period_end else "")]
    lines += [f"  {note}" for note in check.notes]
    if check.recomputed_root is not None:
        lines.append(f"  hash akar yang diharapkan: {check.expected_root}")
        lines.append(f"  dihitung dari riwayat kini: {check.recomputed_root} "
                     + ("(COCOK)" if check.root_matches else "(TIDAK COCOK)"))
        lines.append(f"  {check.cases_checked:,} kasus di digest: {check.cases_intact:,} utuh, "
                     f"{len(check.findings):,} berubah; {check.cases_moved_on:,} punya peristiwa baru sesudahnya (wajar)")
    for f in check.findings:
        lines.append(f"  Kasus #{f.instance_id} ({f.ticket_code or 'tidak ada lagi'}): {f.message}")
    for p in check.chain_problems:
        lines.append(f"  Rantai digest: {p.message}")
    lines.append("UTUH." if check.intact else "TIDAK UTUH.")
    return lines
