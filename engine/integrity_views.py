"""What the integrity use cases hand back: the hash chains of all cases, the digests of chain
heads and their checks. Plain frozen data, like engine/views.py."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from engine.office_calendar import WIB
from engine.views import VerifyReport


@dataclass(frozen=True)
class ChainsReport:
    """verify_all: every case's chain, the broken ones first (then by case id)."""
    cases: int
    events: int
    seconds: float
    reports: tuple[VerifyReport, ...]

    @property
    def broken(self) -> tuple[VerifyReport, ...]:
        return tuple(r for r in self.reports if not r.intact)

    @property
    def intact(self) -> bool:
        return not self.broken


@dataclass(frozen=True)
class DigestHead:
    instance_id: int
    ticket_code: str | None  # None if the case itself is gone
    seq: int
    hash: str


@dataclass(frozen=True)
class DigestInfo:
    id: int
    period_end: datetime  # UTC; events with occurred_at <= this
    period_text: str  # as the canonical form writes it: 2026-11-28T17:00:00Z
    created_at: datetime
    created_by: str
    case_count: int
    event_count: int
    prev_digest: str
    digest: str
    prev_id: int | None = None  # the digest before it, if it is still stored
    heads: tuple[DigestHead, ...] = ()  # only from digest(), not in lists

    @property
    def first(self) -> bool:
        return self.prev_digest == "0" * 64

    @property
    def daily(self) -> bool:
        """Made by the daily run (it closes at a WIB midnight), not on demand."""
        return self.created_by == "system"

    @property
    def day(self) -> date | None:
        """The WIB day it closes, when it ends at a WIB midnight (a daily digest): 27 Nov for 28 Nov 00.00."""
        local = self.period_end.astimezone(WIB)
        if (local.hour, local.minute, local.second, local.microsecond) != (0, 0, 0, 0):
            return None
        return (local - timedelta(days=1)).date()


@dataclass(frozen=True)
class DigestFinding:
    """One case whose head differs from what the digest recorded."""
    instance_id: int
    ticket_code: str | None
    kind: str  # rewritten / deleted / inserted / missing / new_case
    recorded_seq: int | None
    recorded_hash: str | None
    found_seq: int | None
    found_hash: str | None
    detail: str  # Indonesian, what changed
    message: str  # Indonesian, the kind in words and the detail


@dataclass(frozen=True)
class ChainLinkProblem:
    """Something wrong with the chain of digests itself (a stored digest row rewritten)."""
    digest_id: int
    message: str  # Indonesian


@dataclass(frozen=True)
class DigestCheck:
    source: str  # stored / file / hash: what the expected root came from
    digest: DigestInfo | None  # the stored digest checked against, if there is one
    period_end: datetime | None
    expected_root: str  # the root the check is against (stored row, file or typed from paper)
    recomputed_root: str | None  # from today's events for the same period_end and prev_digest
    stored_matches: bool | None  # the stored row agrees with the file / the typed hash (None: not asked)
    cases_checked: int
    cases_intact: int
    cases_moved_on: int  # cases with (expected) events after period_end
    findings: tuple[DigestFinding, ...]
    chain_problems: tuple[ChainLinkProblem, ...]
    notes: tuple[str, ...]  # Indonesian, what was compared and what could not be

    @property
    def root_matches(self) -> bool:
        return self.recomputed_root is not None and self.recomputed_root == self.expected_root

    @property
    def intact(self) -> bool:
        return (self.root_matches and not self.findings and not self.chain_problems
                and self.stored_matches is not False)
