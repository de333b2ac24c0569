"""Check a digest against today's events: recompute every case's head as of the digest's
period_end from the event rows and name each case whose head differs; check the chain of stored
digests too.

The expected root can come from three places, in rising order of trust: the stored digest row
(which someone with database access could rewrite along with the events), an exported JSON file
kept outside the system, or the root hash typed from the printed page.
"""
from __future__ import annotations

from datetime import datetime

from engine import digest as maths
from engine.case import Actor
from engine.context import EngineContext
from engine.errors import InvalidData, NotFound
from engine.integrity_repository import Integrity
from engine.integrity_views import ChainLinkProblem, DigestCheck, DigestFinding
from engine.services.digests import digest_info
from engine.services.integrity import require_auditor


def check_digest(ctx: EngineContext, actor: Actor, digest_id: int | None = None,
                 exported: bytes | str | dict | None = None, root: str | None = None) -> DigestCheck:
    require_auditor(actor)
    try:
        parsed = maths.parse_export(exported) if exported is not None else None
        typed = maths.normalise_root(root) if root is not None else None
    except maths.BadExport as error:
        raise InvalidData({"berkas" if exported is not None else "hash": str(error)}, message=str(error)) from None
    if parsed is not None and maths.root_hash(parsed.period_end, parsed.prev_digest, parsed.heads) != parsed.digest:
        message = ("Berkas ini tidak utuh: isinya tidak menghasilkan hash digest yang tercatat di dalamnya, "
                   "jadi tidak dapat dijadikan pembanding.")
        raise InvalidData({"berkas": message}, message=message)
    with ctx.uow(write=False) as uow:
        repo = Integrity(uow.connection)
        chain_problems = _chain_problems(repo)
        if parsed is not None:
            return _against_file(repo, parsed, chain_problems)
        if typed is not None:
            return _against_typed(repo, typed, chain_problems)
        row = repo.digest(digest_id) if digest_id is not None else repo.latest_digest()
        if row is None:
            raise NotFound("Digest tidak ditemukan." if digest_id is not None else "Belum ada digest.")
        if digest_id is None:
            row = repo.digest(row.id)
        return _against_stored(repo, row, chain_problems)


def _against_stored(repo: Integrity, row, chain_problems) -> DigestCheck:
    recorded = [tuple(h) for h in row.heads_json]
    notes = ["Dibandingkan dengan digest yang tersimpan di basis data. Orang yang dapat menulis ulang "
             "riwayat juga dapat menulis ulang baris digest: bandingkan juga dengan hash tercetak atau berkas "
             "ekspor yang disimpan di luar sistem."]
    if maths.root_hash(row.period_end, row.prev_digest, recorded) != row.digest:
        chain_problems = chain_problems + (ChainLinkProblem(row.id, f"Digest #{row.id}: daftar kepala rantai "
                                           "yang tersimpan tidak lagi menghasilkan hash-nya (baris digest diubah)."),)
    return _compare(repo, "stored", row, row.period_end, row.prev_digest, row.digest, recorded, None,
                    chain_problems, notes)


def _against_file(repo: Integrity, parsed: maths.ExportedDigest, chain_problems) -> DigestCheck:
    row = repo.digest_by_period(parsed.period_end)
    notes = [f"Dibandingkan dengan berkas ekspor digest sampai {maths.period_text(parsed.period_end)} "
             "(isi berkas cocok dengan hash-nya)."]
    if row is None:
        notes.append("Digest untuk periode ini tidak ada lagi di basis data.")
    elif row.digest != parsed.digest:
        notes.append(f"Digest #{row.id} yang tersimpan untuk periode ini berbeda dari berkas: baris digest di "
                     "basis data telah diubah.")
    return _compare(repo, "file", row, parsed.period_end, parsed.prev_digest, parsed.digest, parsed.heads,
                    row is not None and row.digest == parsed.digest, chain_problems, notes)


def _against_typed(repo: Integrity, typed: str, chain_problems) -> DigestCheck:
    row = repo.digest_by_hash(typed)
    if row is not None:
        notes = [f"Hash tercetak cocok dengan digest #{row.id} yang tersimpan."]
        recorded = [tuple(h) for h in row.heads_json]
        if maths.root_hash(row.period_end, row.prev_digest, recorded) != row.digest:
            notes.append("Namun daftar kepala rantai yang tersimpan tidak lagi menghasilkan hash itu: baris "
                         "digest diubah, jadi kasus yang berubah tidak dapat disebutkan dari situ; gunakan berkas "
                         "ekspor.")
            return _compare(repo, "hash", row, row.period_end, row.prev_digest, typed, recorded, False,
                            chain_problems, notes)
        return _compare(repo, "hash", row, row.period_end, row.prev_digest, typed, recorded, True,
                        chain_problems, notes)
    # The stored rows do not know this hash: either it was mistyped, or the digests were rewritten.
    # Today's events may still give it for one of the stored periods.
    for listed in repo.digests():
        heads, _ = repo.heads_as_of(listed.period_end)
        if maths.root_hash(listed.period_end, listed.prev_digest, heads) == typed:
            notes = [f"Hash tercetak tidak ada di basis data, tetapi riwayat hari ini menghasilkannya untuk periode "
                     f"digest #{listed.id}: riwayatnya utuh, baris digest #{listed.id} yang diubah."]
            full = repo.digest(listed.id)
            return _compare(repo, "hash", full, listed.period_end, listed.prev_digest, typed, heads, False,
                            chain_problems, notes)
    notes = ["Hash tercetak tidak cocok dengan digest tersimpan mana pun, dan riwayat hari ini tidak "
             "menghasilkannya untuk periode digest mana pun: hash salah ketik, atau riwayat dan digest tersimpan "
             "telah ditulis ulang. Periksa dengan berkas ekspor digest itu untuk mengetahui kasus mana yang berubah."]
    return DigestCheck(source="hash", digest=None, period_end=None, expected_root=typed, recomputed_root=None,
                       stored_matches=False, cases_checked=0, cases_intact=0, cases_moved_on=0, findings=(),
                       chain_problems=chain_problems, notes=tuple(notes))


def _compare(repo: Integrity, source: str, row, period_end: datetime, prev_digest: str, expected: str,
             recorded: list, stored_matches: bool | None, chain_problems, notes) -> DigestCheck:
    end = maths.as_utc(period_end)
    found, _ = repo.heads_as_of(end)
    changes = maths.compare_heads(recorded, found, {})
    wanted = {(c.instance_id, c.recorded[0]) for c in changes if c.recorded}
    if wanted:  # look again with today's hash of each recorded head, to tell a rewrite from a deletion
        changes = maths.compare_heads(recorded, found, repo.hashes_at(wanted))
    cases = repo.case_heads()
    tickets = {c.id: c.ticket_code for c in cases}
    recorded_seq = {i: s for i, s, _ in recorded}
    changed = {c.instance_id for c in changes}
    moved_on = sum(1 for c in cases if c.id in recorded_seq and c.id not in changed
                   and c.event_seq > recorded_seq[c.id])
    findings = tuple(DigestFinding(
        instance_id=c.instance_id, ticket_code=tickets.get(c.instance_id), kind=c.kind,
        recorded_seq=c.recorded[0] if c.recorded else None, recorded_hash=c.recorded[1] if c.recorded else None,
        found_seq=c.found[0] if c.found else None, found_hash=c.found[1] if c.found else None,
        detail=c.detail, message=c.message) for c in changes)
    return DigestCheck(
        source=source, digest=digest_info(row, None) if row is not None else None, period_end=end,
        expected_root=expected, recomputed_root=maths.root_hash(end, prev_digest, found),
        stored_matches=stored_matches, cases_checked=len(recorded),
        cases_intact=sum(1 for i, _, _ in recorded if i not in changed), cases_moved_on=moved_on,
        findings=findings, chain_problems=chain_problems, notes=tuple(notes))


def _chain_problems(repo: Integrity) -> tuple[ChainLinkProblem, ...]:
    """Each stored digest must name the one made before it; the first names 64 zeros."""
    rows = list(reversed(repo.digests()))  # oldest first
    problems = []
    expected = maths.FIRST_PREV
    for at, row in enumerate(rows):
        if row.prev_digest != expected:
            before = f"digest #{rows[at - 1].id}" if at else "awal rantai (64 nol)"
            problems.append(ChainLinkProblem(row.id, f"Digest #{row.id} tidak merujuk ke {before}: baris digest "
                                             "diubah, disisipkan atau dihapus."))
        expected = row.digest
    return tuple(problems)
