"""The digests of chain heads: made daily (at WIB midnight) by the worker and on demand by
auditors, listed, exported and checked against today's events.

The heads come from the event rows, never from instance.event_head: someone who rewrites a
case's events and its head together leaves a chain that verifies on its own, and only a digest
printed before the rewrite can tell. The maths (canonical form, WIB days, comparing heads) is in
engine/digest.py.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy.exc import IntegrityError

from engine import digest as maths
from engine.case import SYSTEM, Actor
from engine.context import EngineContext
from engine.errors import Conflict, InvalidData, NotFound
from engine.integrity_repository import Integrity
from engine.integrity_views import DigestHead, DigestInfo
from engine.repositories import utc
from engine.services.integrity import require_auditor


# A use case takes its time before its transaction commits, so an event may become visible a
# moment after a digest that closes later than its occurred_at was read, and would then look
# back-dated. Digests close at least this long ago; that is plenty for one transaction.
SETTLE = timedelta(seconds=30)


def create_digest(ctx: EngineContext, actor: Actor, period_end: datetime | None = None) -> DigestInfo:
    """A digest of every case's head as of period_end (default: "sampai sekarang", i.e. SETTLE ago)."""
    require_auditor(actor)
    now = ctx.clock()
    end = maths.as_utc(period_end or now - SETTLE)
    if end > now:
        raise InvalidData({"sampai": "Akhir periode tidak boleh di masa depan."},
                          message="Akhir periode digest tidak boleh di masa depan.")
    if end > now - SETTLE:
        message = (f"Akhir periode harus paling lambat {SETTLE.seconds} detik yang lalu, agar transaksi yang "
                   "sedang berjalan tidak tertinggal.")
        raise InvalidData({"sampai": message}, message=message)
    try:
        with ctx.uow(write=True) as uow:
            info = _create(Integrity(uow.connection), end, actor.name, now)
            uow.commit()
    except IntegrityError:  # another digest for the same moment was made at the same time
        raise Conflict("Digest untuk akhir periode ini baru saja dibuat; lihat daftar digest.") from None
    return info


def ensure_daily_digests(ctx: EngineContext, now: datetime | None = None) -> list[DigestInfo]:
    """The digest of every finished WIB day since the last digest that has events (days without
    any are skipped: nothing changed). For the periodic worker; each in its own transaction."""
    now = now or ctx.clock()
    now = now if now.tzinfo is not None else now.replace(tzinfo=timezone.utc)
    made = []
    while True:
        try:
            with ctx.uow(write=True) as uow:
                repo = Integrity(uow.connection)
                repo.lock_digests()
                last = repo.latest_digest()
                following = repo.first_event_after(utc(last.period_end) if last else None)
                if following is None:
                    return made
                end = maths.closing_midnight(following)
                if end > now - SETTLE:
                    return made
                made.append(_create(repo, end, SYSTEM.name, ctx.clock()))
                uow.commit()
        except IntegrityError:  # another worker made the same day's digest first: look again
            continue


def _create(repo: Integrity, end: datetime, by: str, now: datetime) -> DigestInfo:
    repo.lock_digests()
    last = repo.latest_digest()
    if last is not None and maths.as_utc(last.period_end) >= end:
        raise Conflict(f"Sudah ada digest #{last.id} sampai {maths.period_text(last.period_end)}; digest baru "
                       "harus menutup periode yang lebih baru.")
    heads, events = repo.heads_as_of(end)
    prev = last.digest if last is not None else maths.FIRST_PREV
    root = maths.root_hash(end, prev, heads)
    digest_id = repo.add_digest(period_end=end, created_at=now, created_by=by, case_count=len(heads),
                                event_count=events, heads_json=[list(h) for h in heads], prev_digest=prev,
                                digest=root)
    return DigestInfo(id=digest_id, period_end=end, period_text=maths.period_text(end), created_at=now,
                      created_by=by, case_count=len(heads), event_count=events, prev_digest=prev, digest=root,
                      prev_id=last.id if last is not None else None)


def digests(ctx: EngineContext, actor: Actor) -> list[DigestInfo]:
    """Every digest, newest first."""
    require_auditor(actor)
    with ctx.uow(write=False) as uow:
        rows = Integrity(uow.connection).digests()
    ids = {r.digest: r.id for r in rows}
    return [digest_info(r, ids.get(r.prev_digest)) for r in rows]


def digest(ctx: EngineContext, actor: Actor, digest_id: int) -> DigestInfo:
    """One digest with its heads (and each case's ticket code): the printed page and exports."""
    require_auditor(actor)
    with ctx.uow(write=False) as uow:
        repo = Integrity(uow.connection)
        row = repo.digest(digest_id)
        if row is None:
            raise NotFound("Digest tidak ditemukan.")
        before = repo.digest_by_hash(row.prev_digest)
        tickets = repo.tickets()
    heads = tuple(DigestHead(i, tickets.get(i), s, h) for i, s, h in row.heads_json)
    return digest_info(row, before.id if before is not None else None, heads)


def export(ctx: EngineContext, actor: Actor, digest_id: int) -> str:
    """The exported JSON file of one digest (engine/digest.py describes it)."""
    info = digest(ctx, actor, digest_id)
    return maths.export_text(maths.export_document(
        digest_id=info.id, period_end=info.period_end, created_at=info.created_at, created_by=info.created_by,
        case_count=info.case_count, event_count=info.event_count, prev_digest=info.prev_digest,
        digest=info.digest, heads=[(h.instance_id, h.seq, h.hash) for h in info.heads]))


def export_csv(ctx: EngineContext, actor: Actor, digest_id: int) -> str:
    info = digest(ctx, actor, digest_id)
    return maths.heads_csv([(h.instance_id, h.seq, h.hash) for h in info.heads])


def digest_info(row, prev_id: int | None, heads: tuple[DigestHead, ...] = ()) -> DigestInfo:
    return DigestInfo(id=row.id, period_end=maths.as_utc(row.period_end), period_text=maths.period_text(row.period_end),
                      created_at=utc(row.created_at), created_by=row.created_by, case_count=row.case_count,
                      event_count=row.event_count, prev_digest=row.prev_digest, digest=row.digest,
                      prev_id=prev_id, heads=heads)
