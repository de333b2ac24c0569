"""The process owners' side of a definition: the working draft, its checks, publishing it as the
next version, uploads from other modelers and the list of versions.

A draft may be invalid (that is what drafts are for), but never hostile: it is stored only after
the safe-XML checks (size, no DTD or entities), so nothing dangerous sits in the database waiting
for a later parse. Publishing runs every deploy check again on what is stored and inserts the new
version, retires the old one and deletes the draft in one transaction.
"""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from engine.bpmn import DefinitionRejected, Problem
from engine.bpmn.safe_xml import parse_safely
from engine.case import Actor
from engine.context import EngineContext
from engine.errors import Conflict, Forbidden, NotFound, Rejected
from engine.repositories import utc
from engine.services import definitions
from engine.views import DefinitionInfo, DraftInfo, ProblemInfo, ProcessVersions, VersionInfo

MODELER_ROLES = {"process_owner"}
# Auditors read every version (read-only everywhere); only process owners change anything.
READER_ROLES = {"process_owner", "auditor"}
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def _require(actor: Actor, roles: set[str], message: str) -> None:
    if not actor.roles & roles:
        raise Forbidden(message)


def _require_modeler(actor: Actor) -> None:
    _require(actor, MODELER_ROLES, "Hanya pemilik proses yang boleh mengubah atau menerbitkan SOP.")


def _require_reader(actor: Actor) -> None:
    _require(actor, READER_ROLES, "Anda tidak berhak melihat versi SOP.")


# -- reading ---------------------------------------------------------------------------------
def processes(ctx: EngineContext, actor: Actor) -> list[ProcessVersions]:
    _require_reader(actor)
    with ctx.uow(write=False) as uow:
        keys = {row.process_key for row in uow.definitions.all()} | {row.process_key for row in uow.drafts.all()}
    return [versions(ctx, actor, key) for key in sorted(keys)]


def versions(ctx: EngineContext, actor: Actor, process_key: str) -> ProcessVersions:
    _require_reader(actor)
    with ctx.uow(write=False) as uow:
        rows = uow.definitions.of_process(process_key)
        running = uow.definitions.running_counts(process_key)
        draft = uow.drafts.get(process_key)
    if not rows and draft is None:
        raise NotFound(f"Proses '{process_key}' tidak ditemukan.")
    infos = [VersionInfo(definitions._info(row), running.get(row.id, 0)) for row in rows]
    name = infos[0].definition.name if infos else process_key
    return ProcessVersions(process_key, name, infos, _draft_info(draft) if draft else None)


def version(ctx: EngineContext, actor: Actor, process_key: str, number: int) -> DefinitionInfo:
    _require_reader(actor)
    with ctx.uow(write=False) as uow:
        row = uow.definitions.by_version(process_key, number)
    if row is None:
        raise NotFound(f"Versi {number} proses '{process_key}' tidak ditemukan.")
    return definitions._info(row)


def version_xml(ctx: EngineContext, actor: Actor, process_key: str, number: int) -> str:
    info = version(ctx, actor, process_key, number)
    with ctx.uow(write=False) as uow:
        return uow.definitions.bpmn_xml(info.id)


def draft(ctx: EngineContext, actor: Actor, process_key: str) -> DraftInfo | None:
    _require_modeler(actor)
    with ctx.uow(write=False) as uow:
        row = uow.drafts.get(process_key)
    return _draft_info(row) if row else None


# -- checking --------------------------------------------------------------------------------
def check(ctx: EngineContext, actor: Actor, process_key: str | None, xml: bytes | str) -> list[ProblemInfo]:
    """Exactly the deploy checks, plus: the file must describe this process. [] means publishable."""
    _require_modeler(actor)
    return _problems(ctx, process_key, xml)[0]


def _problems(ctx: EngineContext, process_key: str | None, xml: bytes | str):
    try:
        inspected, text, forms = definitions.inspect(ctx, xml)
    except Rejected as rejected:
        return [_problem_info(p) for p in rejected.problems], None
    if process_key and inspected.process_id != process_key:
        return [ProblemInfo("process.key_mismatch", inspected.process_id,
                            f"{inspected.process_id}: id proses harus '{process_key}' agar menjadi versi baru "
                            f"proses ini; ubah id proses di modeler.")], None
    return [], (inspected, text, forms)


def _problem_info(problem) -> ProblemInfo:
    if isinstance(problem, Problem):
        return ProblemInfo(problem.code, problem.element_id, problem.message)
    return ProblemInfo("definition.rejected", None, str(problem))


# -- drafts ----------------------------------------------------------------------------------
def save_draft(ctx: EngineContext, actor: Actor, process_key: str, xml: bytes | str, *,
               expected_revision: int | None, base_version: int | None = None) -> DraftInfo:
    """Keep the working copy. expected_revision: the revision the owner's editor loaded (None when
    it started from a version with no draft); a different one means another owner saved since."""
    _require_modeler(actor)
    text, process_ids = _safe_xml(ctx, xml)
    return _store(ctx, actor, process_key, text, process_ids, expected_revision=expected_revision,
                  base_version=base_version)


def _store(ctx: EngineContext, actor: Actor, process_key: str, text: str, process_ids: list[tuple[str, bool]], *,
           expected_revision: int | None, base_version: int | None = None, overwrite: bool = False) -> DraftInfo:
    """Write the draft. overwrite: replace whatever draft there is (an upload the owner chose),
    decided in the same transaction as the write."""
    now = ctx.clock()
    with ctx.uow(write=True) as uow:
        current = uow.drafts.get(process_key, for_update=True)
        if overwrite and current is not None:
            expected_revision = current.revision
        if current is None and expected_revision is None:
            if base_version is None and uow.definitions.latest_published(process_key) is None and \
                    process_key not in {pid for pid, _ in process_ids}:
                raise NotFound(f"Proses '{process_key}' tidak ditemukan.")
            try:
                uow.drafts.insert(process_key=process_key, bpmn_xml=text, base_version=base_version, revision=1,
                                  updated_by=actor.name, updated_at=now)
            except IntegrityError:  # another owner's first save of this draft won the race
                raise Conflict("Draf proses ini baru saja dibuat oleh pengguna lain; muat ulang draf sebelum "
                               "menyimpan agar perubahannya tidak tertimpa.") from None
        elif current is None or expected_revision is None or not uow.drafts.replace(
                process_key, expected_revision, bpmn_xml=text, updated_by=actor.name, updated_at=now):
            holder = current.updated_by if current is not None else "pengguna lain"
            raise Conflict(f"Draf proses ini baru saja diubah oleh {holder}; muat ulang draf sebelum menyimpan "
                           "agar perubahannya tidak tertimpa.")
        uow.commit()
    with ctx.uow(write=False) as uow:
        return _draft_info(uow.drafts.get(process_key))


def discard_draft(ctx: EngineContext, actor: Actor, process_key: str) -> None:
    _require_modeler(actor)
    with ctx.uow(write=True) as uow:
        uow.drafts.delete(process_key)
        uow.commit()


def upload(ctx: EngineContext, actor: Actor, data: bytes, *,
           process_key: str | None = None) -> tuple[DraftInfo, list[ProblemInfo]]:
    """A .bpmn from another modeler becomes the draft (of process_key, or of the process the file
    declares), with the problems that stand between it and publishing."""
    _require_modeler(actor)
    text, process_ids = _safe_xml(ctx, data)
    key = process_key or _declared_process_id(process_ids)
    saved = _store(ctx, actor, key, text, process_ids, expected_revision=None, overwrite=True)
    return saved, _problems(ctx, key, text)[0]


def publish(ctx: EngineContext, actor: Actor, process_key: str, change_note: str, *,
            expected_revision: int | None = None) -> DefinitionInfo:
    """The draft becomes the next version, serving new cases; refused whole if any check fails."""
    _require_modeler(actor)
    note = " ".join((change_note or "").split())
    if len(note) < 5:
        raise Rejected([ProblemInfo("publish.note_missing", None,
                                    "Isi catatan perubahan (paling sedikit 5 karakter): apa yang berubah dan "
                                    "mengapa, agar tercatat di daftar versi.")])
    # One transaction from reading the draft to deleting it: the version published is exactly the
    # draft that was checked, and any failure leaves the serving version as it was.
    with ctx.uow(write=True) as uow:
        current = uow.drafts.get(process_key, for_update=True)
        if current is None:
            raise NotFound("Belum ada draf untuk diterbitkan; buka modeler dan simpan draf terlebih dahulu.")
        if expected_revision is not None and current.revision != expected_revision:
            raise Conflict(f"Draf baru saja diubah oleh {current.updated_by}; periksa ulang sebelum menerbitkan.")
        problems, checked = _problems(ctx, process_key, current.bpmn_xml)
        if problems:
            raise Rejected(problems)
        inspected, text, forms = checked
        same = uow.definitions.by_sha(process_key, inspected.sha256)
        if same is not None:
            raise Rejected([ProblemInfo("publish.unchanged", None,
                                        f"Isi draf sama persis dengan versi {same.version}; tidak ada yang "
                                        "diterbitkan. Ubah diagram atau propertinya terlebih dahulu.")])
        definition_id = definitions.add_version(ctx, uow, inspected, text, forms, actor, note)
        uow.drafts.delete(process_key)
        uow.commit()
    with ctx.uow(write=False) as uow:
        return definitions._info(uow.definitions.get(definition_id), newly_deployed=True)


# -- helpers ---------------------------------------------------------------------------------
def _safe_xml(ctx: EngineContext, xml: bytes | str) -> tuple[str, list[tuple[str, bool]]]:
    """The XML as text, if it is safe to keep (within the size limit, no DTD, well-formed, UTF-8),
    and the (id, executable) of each process it declares: one parse for both."""
    data = xml.encode("utf-8") if isinstance(xml, str) else bytes(xml)
    try:
        _, tree = parse_safely(data, max_bytes=ctx.settings.max_bpmn_bytes)
    except DefinitionRejected as rejected:
        raise Rejected([_problem_info(p) for p in rejected.problems]) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Rejected([ProblemInfo("xml.encoding", None, definitions.UTF8_ADVICE[:1].upper() + definitions.UTF8_ADVICE[1:])]) from None
    return text, [(p.get("id") or "", p.get("isExecutable") == "true")
                  for p in tree.getroot().findall(f"{{{BPMN_NS}}}process")]


def _declared_process_id(process_ids: list[tuple[str, bool]]) -> str:
    executable = [pid for pid, runs in process_ids if runs and pid]
    chosen = executable[0] if executable else next((pid for pid, _ in process_ids if pid), None)
    if not chosen:
        raise Rejected([ProblemInfo("process.count", None, "Berkas tidak memuat bpmn:process; gambar proses "
                                    "dalam satu pool lalu unggah lagi.")])
    return chosen[:100]


def _draft_info(row) -> DraftInfo:
    return DraftInfo(process_key=row.process_key, bpmn_xml=row.bpmn_xml, base_version=row.base_version,
                     revision=row.revision, updated_by=row.updated_by, updated_at=utc(row.updated_at))
