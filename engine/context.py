"""What every use case needs at hand: settings, the database, caches and the clock."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import Engine

from engine.caches import CompiledCache, IdentityCache
from engine.settings import Settings
from engine.uow import UnitOfWork, access_engines
from forms import FormCatalog


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class EngineContext:
    settings: Settings
    db: Engine
    clock: Callable[[], datetime] = utcnow
    compiled: CompiledCache = field(default_factory=CompiledCache)
    identities: IdentityCache = field(default_factory=IdentityCache)
    _pinned_forms: dict[int, FormCatalog] = field(default_factory=dict)
    _forms_lock: threading.Lock = field(default_factory=threading.Lock)

    def uow(self, *, write: bool) -> UnitOfWork:
        engines = self.__dict__.get("_access_engines")
        if engines is None or engines[0] is not self.db:  # a test may swap the engine
            engines = self.__dict__["_access_engines"] = (self.db, access_engines(self.db))
        return UnitOfWork(self.db, write=write, engines=engines[1])

    def current_forms(self) -> FormCatalog:
        """The forms on disk: what a new deploy pins."""
        return FormCatalog(self.settings.forms_dir)

    def pinned_forms(self, definition) -> FormCatalog:
        """The forms a definition version pinned when it was deployed; cases keep them."""
        catalog = self._pinned_forms.get(definition.id)
        if catalog is None:
            catalog = FormCatalog.from_schemas(definition.forms_json)
            with self._forms_lock:
                self._pinned_forms[definition.id] = catalog
        return catalog
