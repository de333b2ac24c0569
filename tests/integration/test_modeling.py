"""Process owners' drafts: save, check, publish as the next version (atomic), uploads from other
modelers (hostile ones refused before anything is stored), and who may do what."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import text

from engine.case import Actor
from engine.errors import Conflict, Forbidden, InvalidData, NotFound, Rejected
from tests.conftest import AUDITOR, PROCESS_OWNER, ROOT, UPP_KEMENTERIAN
from tests.sop_data import screening

KEY = "pelayanan_pengaduan"
SOP = (ROOT / "processes" / "pelayanan_pengaduan.bpmn").read_text(encoding="utf-8")
MIWG = ROOT.parent / "shared" / "corpus" / "miwg"


def start(alur) -> int:
    return alur.start(KEY, UPP_KEMENTERIAN, first_task_data=screening()).instance_id


def version_of(alur, instance_id: int) -> int:
    return alur.case(AUDITOR, instance_id=instance_id).definition_version


def counts(alur) -> tuple[int, int]:
    with alur.ctx.uow(write=False) as uow:
        definitions = uow.connection.execute(text("select count(*) from process_definition")).scalar()
        drafts = uow.connection.execute(text("select count(*) from process_draft")).scalar()
    return definitions, drafts


def test_publish_a_draft_serves_new_cases_and_keeps_running_ones(alur):
    old_case = start(alur)
    draft = alur.save_process_draft(PROCESS_OWNER, KEY, SOP.replace('value="PT10M"', 'value="PT15M"'),
                                    expected_revision=None, base_version=1)
    assert (draft.revision, draft.base_version, draft.updated_by) == (1, 1, "pemilik")
    assert alur.check_process(PROCESS_OWNER, KEY, draft.bpmn_xml) == []
    published = alur.publish_process(PROCESS_OWNER, KEY, "Waktu langkah 7 menjadi 15 menit",
                                     expected_revision=draft.revision)
    assert published.version == 2 and published.status == "published"
    process = alur.process_versions(AUDITOR, KEY)
    assert [(v.definition.version, v.definition.status) for v in process.versions] == [(2, "published"),
                                                                                        (1, "retired")]
    assert process.versions[0].definition.change_note == "Waktu langkah 7 menjadi 15 menit"
    assert process.versions[1].running_cases == 1 and process.draft is None
    assert process.serving.version == 2
    new_case = start(alur)
    assert (version_of(alur, old_case), version_of(alur, new_case)) == (1, 2)
    # The old case still runs to its next step on its own version.
    assert alur.latest_definition(KEY).version == 2


def test_an_invalid_draft_is_refused_whole_with_its_elements_named(alur):
    broken = SOP.replace('<spiffworkflow:property name="waktu" value="PT5M" />', "", 1)
    draft = alur.save_process_draft(PROCESS_OWNER, KEY, broken, expected_revision=None)
    problems = alur.check_process(PROCESS_OWNER, KEY, broken)
    assert [p.code for p in problems] == ["task.property_missing"]
    assert problems[0].element_id == "Task_05_InformasikanPengunjung" and "waktu" in problems[0].message
    with pytest.raises(Rejected) as refused:
        alur.publish_process(PROCESS_OWNER, KEY, "Mencoba menerbitkan draf rusak")
    assert refused.value.problems[0].element_id == "Task_05_InformasikanPengunjung"
    # Nothing changed: v1 serves, the draft is kept for fixing.
    assert counts(alur) == (1, 1)
    assert alur.latest_definition(KEY).version == 1
    assert alur.process_draft(PROCESS_OWNER, KEY).revision == draft.revision


def test_publish_needs_a_note_a_draft_and_a_change(alur):
    with pytest.raises(NotFound):
        alur.publish_process(PROCESS_OWNER, KEY, "Catatan yang cukup")
    alur.save_process_draft(PROCESS_OWNER, KEY, SOP, expected_revision=None)
    with pytest.raises(Rejected, match="catatan perubahan"):
        alur.publish_process(PROCESS_OWNER, KEY, "  ")
    with pytest.raises(Rejected, match="sama persis dengan versi 1"):
        alur.publish_process(PROCESS_OWNER, KEY, "Tanpa perubahan apa pun")
    assert counts(alur) == (1, 1)


def test_a_draft_of_another_process_id_cannot_become_this_process(alur):
    other = SOP.replace('id="pelayanan_pengaduan"', 'id="proses_lain"').replace(
        'processRef="pelayanan_pengaduan"', 'processRef="proses_lain"')
    problems = alur.check_process(PROCESS_OWNER, KEY, other)
    assert [p.code for p in problems] == ["process.key_mismatch"]


def test_two_owners_never_overwrite_each_other(alur):
    first = alur.save_process_draft(PROCESS_OWNER, KEY, SOP, expected_revision=None)
    second = alur.save_process_draft(PROCESS_OWNER, KEY, SOP.replace("PT10M", "PT12M"),
                                     expected_revision=first.revision)
    assert second.revision == first.revision + 1
    with pytest.raises(Conflict, match="pemilik"):
        alur.save_process_draft(PROCESS_OWNER, KEY, SOP.replace("PT10M", "PT20M"), expected_revision=first.revision)
    with pytest.raises(Conflict):  # a tab that never loaded the draft cannot start a new one over it
        alur.save_process_draft(PROCESS_OWNER, KEY, SOP, expected_revision=None)
    with pytest.raises(Conflict):
        alur.publish_process(PROCESS_OWNER, KEY, "Dari tab yang usang", expected_revision=first.revision)
    assert "PT12M" in alur.process_draft(PROCESS_OWNER, KEY).bpmn_xml


def test_only_process_owners_change_and_auditors_read(alur):
    assert [p.process_key for p in alur.processes(AUDITOR)] == [KEY]
    assert alur.process_version_xml(AUDITOR, KEY, 1).startswith("<?xml")
    for verb in (lambda: alur.save_process_draft(AUDITOR, KEY, SOP, expected_revision=None),
                 lambda: alur.publish_process(AUDITOR, KEY, "Auditor mencoba"),
                 lambda: alur.upload_process(AUDITOR, SOP.encode()),
                 lambda: alur.check_process(AUDITOR, KEY, SOP),
                 lambda: alur.discard_process_draft(AUDITOR, KEY),
                 lambda: alur.processes(UPP_KEMENTERIAN),
                 lambda: alur.process_version_xml(UPP_KEMENTERIAN, KEY, 1)):
        with pytest.raises(Forbidden):
            verb()
    with pytest.raises(NotFound):
        alur.process_version(AUDITOR, KEY, 9)


@pytest.mark.parametrize("hostile, words", [
    ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>', "ENTITY"),
    ("<bpmn:definitions", "XML"),
    ("bukan xml sama sekali", "XML"),
    ("", "kosong"),
])
def test_hostile_or_broken_uploads_store_nothing(alur, hostile, words):
    with pytest.raises(Rejected) as refused:
        alur.upload_process(PROCESS_OWNER, hostile.encode(), process_key=KEY)
    assert words.lower() in str(refused.value).lower()
    assert counts(alur) == (1, 0)


def test_a_huge_upload_is_refused_before_parsing(alur):
    huge = SOP.replace("</bpmn:definitions>", "<!--" + "x" * 3_000_000 + "--></bpmn:definitions>")
    with pytest.raises(Rejected, match="batas"):
        alur.upload_process(PROCESS_OWNER, huge.encode(), process_key=KEY)
    assert counts(alur) == (1, 0)


def test_code_in_a_condition_is_kept_as_a_draft_but_never_published(alur, tmp_path):
    marker = tmp_path / "ran"
    hostile = SOP.replace('keputusan == "disetujui"', f'open("{marker}", "w")')
    draft, problems = alur.upload_process(PROCESS_OWNER, hostile.encode(), process_key=KEY)
    assert "expression.unsafe" in {p.code for p in problems} and draft.revision == 1
    with pytest.raises(Rejected):
        alur.publish_process(PROCESS_OWNER, KEY, "Kondisi berbahaya")
    assert not marker.exists() and alur.latest_definition(KEY).version == 1


def test_an_upload_of_a_new_process_becomes_its_draft(alur):
    text_ = (ROOT / "tests" / "fixtures" / "bpmn" / "valid_minimal.bpmn").read_text(encoding="utf-8")
    draft, problems = alur.upload_process(PROCESS_OWNER, text_.encode())
    assert draft.process_key in {p.process_key for p in alur.processes(PROCESS_OWNER)}
    published = None
    if not problems:
        published = alur.publish_process(PROCESS_OWNER, draft.process_key, "Proses baru dari berkas")
        assert published.version == 1


@pytest.mark.parametrize("path", sorted(MIWG.glob("*.bpmn")), ids=lambda p: p.name)
def test_foreign_modelers_files_get_clear_answers(sqlite_alur, path: Path):
    """The MIWG reference files (Camunda, Signavio, Bizagi...): each is refused outright or kept as
    a draft with its problems; every answer is Indonesian text naming what to fix."""
    try:
        draft, problems = sqlite_alur.upload_process(PROCESS_OWNER, path.read_bytes())
    except Rejected as refused:
        problems, draft = refused.problems, None
    assert problems, "none of these files carries the SOP's lanes, roles and Mutu Baku"
    for problem in problems:
        assert len(str(problem)) > 15 and "Traceback" not in str(problem)
    if draft is not None:
        with pytest.raises(Rejected):
            sqlite_alur.publish_process(PROCESS_OWNER, draft.process_key, "Berkas dari modeler lain")
    assert [d.process_key for d in sqlite_alur.definitions()] == [KEY]


def test_a_running_case_keeps_the_forms_it_started_with(sqlite_url, tmp_path):
    """Forms change on disk and v2 pins the new ones; the v1 case still validates with v1's."""
    import json
    import shutil

    from tests.conftest import UPP_UNIT_KERJA, make_alur
    from tests.sop_data import VERIFIKASI

    forms_dir = tmp_path / "schemas"
    shutil.copytree(ROOT / "forms" / "schemas", forms_dir)
    alur = make_alur(sqlite_url, forms_dir=forms_dir)
    try:
        alur.deploy_shipped()
        old_case = start(alur)
        schema_path = forms_dir / "verifikasi_dumas.json"
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        schema["properties"]["nomor_register"] = {"type": "string", "title": "Nomor register", "minLength": 3, "maxLength": 40}
        schema["required"].append("nomor_register")
        schema["x-ui"]["order"].append("nomor_register")
        schema["x-ui"]["fields"]["nomor_register"] = {"widget": "text", "help": "Nomor register Dumas."}
        schema_path.write_text(json.dumps(schema), encoding="utf-8")
        alur.save_process_draft(PROCESS_OWNER, KEY, SOP.replace("PT10M", "PT15M"), expected_revision=None)
        v2 = alur.publish_process(PROCESS_OWNER, KEY, "Formulir verifikasi meminta nomor register")
        new_case = start(alur)

        def step2(instance_id):
            return next(t for t in alur.case(AUDITOR, instance_id=instance_id).tasks if t.state == "ready")

        # v1's pinned form has no nomor_register: the old case completes step 2 without it.
        alur.complete(UPP_UNIT_KERJA, step2(old_case).id, VERIFIKASI)
        with pytest.raises(InvalidData) as refused:
            alur.complete(UPP_UNIT_KERJA, step2(new_case).id, VERIFIKASI)
        assert "nomor_register" in refused.value.errors and v2.version == 2
    finally:
        alur.close()


@pytest.mark.parametrize("attempt", range(2))
def test_two_owners_publishing_one_draft_at_once_make_one_version(alur, attempt):
    from tests.integration.test_races import race

    alur.save_process_draft(PROCESS_OWNER, KEY, SOP.replace("PT10M", "PT15M"), expected_revision=None)
    owners = [PROCESS_OWNER, Actor("pemilik2", frozenset({"process_owner"}))]
    outcomes = race(lambda owner: alur.publish_process(owner, KEY, f"Diterbitkan oleh {owner.name}"), owners)
    published = [o for o in outcomes if not isinstance(o, Exception)]
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(published) == 1 and published[0].version == 2, outcomes
    assert len(refused) == 1 and isinstance(refused[0], (Conflict, NotFound)), outcomes
    assert [v.definition.status for v in alur.process_versions(AUDITOR, KEY).versions] == ["published", "retired"]
    assert counts(alur) == (2, 0)


PUBLISH_KILLER = textwrap.dedent("""
    import os, sys
    from engine.case import Actor
    from engine.facade import Alur
    from engine.services import definitions
    from engine.settings import Settings

    original = definitions.add_version
    def add_then_die(*args, **kwargs):
        original(*args, **kwargs)        # v2 inserted, v1 retired, nothing committed
        os._exit(9)                      # the server dies here, mid-publish
    definitions.add_version = add_then_die
    alur = Alur(Settings(database_url=os.environ["ALUR_DATABASE_URL"]))
    alur.publish_process(Actor("pemilik", frozenset({"process_owner"})), "pelayanan_pengaduan", "Mati di tengah")
""")


def test_a_server_killed_mid_publish_leaves_the_last_good_version_serving(alur, database_url):
    draft = alur.save_process_draft(PROCESS_OWNER, KEY, SOP.replace("PT10M", "PT15M"), expected_revision=None)
    killed = subprocess.run([sys.executable, "-c", PUBLISH_KILLER], cwd=ROOT, timeout=60,
                            env={**os.environ, "ALUR_DATABASE_URL": database_url}, capture_output=True)
    assert killed.returncode == 9, killed.stderr.decode()
    assert alur.latest_definition(KEY).version == 1 and counts(alur) == (1, 1)
    assert alur.process_draft(PROCESS_OWNER, KEY).revision == draft.revision
    assert version_of(alur, start(alur)) == 1
    assert alur.publish_process(PROCESS_OWNER, KEY, "Diterbitkan ulang").version == 2


@pytest.mark.parametrize("attempt", range(2))
def test_two_owners_starting_the_first_draft_at_once_keep_one(alur, attempt):
    from tests.integration.test_races import race

    owners = [PROCESS_OWNER, Actor("pemilik2", frozenset({"process_owner"}))]
    outcomes = race(lambda owner: alur.save_process_draft(owner, KEY, SOP.replace("PT10M", f"PT1{len(owner.name)}M"),
                                                          expected_revision=None), owners)
    saved = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(saved) == 1 and isinstance(next(o for o in outcomes if o not in saved), Conflict), outcomes
    assert alur.process_draft(PROCESS_OWNER, KEY).updated_by == saved[0].updated_by
