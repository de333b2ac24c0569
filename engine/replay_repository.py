"""SQL for re-executing every case (engine/services/replay.py): the case ids, a page at a time."""
from __future__ import annotations

from sqlalchemy import bindparam, select

from engine.db.tables import instance
from engine.repositories import _Repository

_IDS_AFTER = (select(instance.c.id).where(instance.c.id > bindparam("b_after"))
              .order_by(instance.c.id).limit(bindparam("b_limit")))


class ReplayReads(_Repository):
    def instance_ids(self, after_id: int = 0, limit: int = 500) -> list[int]:
        """Case ids above after_id, ascending, at most limit of them."""
        return [row.id for row in self.c.execute(_IDS_AFTER, {"b_after": after_id, "b_limit": limit})]
