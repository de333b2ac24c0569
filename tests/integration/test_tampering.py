"""Tampering with the audit log on SQLite and PostgreSQL: each kind of rewrite is named with the
exact event, by the one-case check and by the check of all cases."""
from __future__ import annotations

import pytest

from engine.errors import Forbidden, NotFound
from tests.conftest import AUDITOR, PROCESS_OWNER, SESDEP, UPP_KEMENTERIAN
from tests.integration.chain_attacks import Attacker, case_with_events, last_seq


def found(report) -> list[tuple]:
    return [(p.seq, p.kind, p.related) for p in report.problems]


def test_an_untouched_case_is_intact(alur):
    instance_id = case_with_events(alur)
    report = alur.verify_case(AUDITOR, instance_id)
    assert report.intact and report.events == 7 and report.problems == ()


def test_edited_data_is_named_altered(alur):
    instance_id = case_with_events(alur)
    with Attacker(alur, instance_id) as attacker:
        attacker.edit_data(3, {"tujuan": "tanya_progres"})
    report = alur.verify_case(AUDITOR, instance_id)
    assert found(report) == [(3, "altered", ())]
    assert report.breaks[0].startswith("event #3: altered")
    assert report.problems[0].message.startswith("Peristiwa #3 diubah")


def test_an_edited_event_with_its_hash_recomputed_is_named_not_its_successor(alur):
    instance_id = case_with_events(alur)
    with Attacker(alur, instance_id) as attacker:
        attacker.rewrite_one(3, actor="mallory")
    assert found(alur.verify_case(AUDITOR, instance_id)) == [(3, "altered", ())]


def test_a_deleted_middle_event_is_named_by_its_own_number(alur):
    instance_id = case_with_events(alur)
    with Attacker(alur, instance_id) as attacker:
        attacker.delete(4)
    report = alur.verify_case(AUDITOR, instance_id)
    assert found(report) == [(4, "deleted", ())]
    assert report.problems[0].message.startswith("Peristiwa #4 dihapus")


def test_a_deleted_middle_event_with_the_rest_renumbered_is_one_finding(alur):
    instance_id = case_with_events(alur)
    with Attacker(alur, instance_id) as attacker:
        attacker.delete(4)
        attacker.renumber({5: 4, 6: 5, 7: 6})
    report = alur.verify_case(AUDITOR, instance_id)
    assert found(report) == [(4, "deleted", ())]
    assert "peristiwa #5–#7 sesudahnya kini bernomor #4–#6" in report.problems[0].detail


def test_a_deleted_last_event_is_named_while_the_head_remembers_it(alur):
    instance_id = case_with_events(alur)
    last = last_seq(alur, instance_id)
    with Attacker(alur, instance_id) as attacker:
        attacker.delete(last)
    assert found(alur.verify_case(AUDITOR, instance_id)) == [(last, "deleted", ())]


def test_a_deleted_last_event_with_the_head_rewritten_passes_the_chain_alone(alur):
    # Undetectable from the chain alone: the digest of chain heads catches it (test_digest.py).
    instance_id = case_with_events(alur)
    with Attacker(alur, instance_id) as attacker:
        attacker.delete_last_and_rewrite_head()
    assert alur.verify_case(AUDITOR, instance_id).intact


def test_a_forged_event_inserted_in_the_middle_is_named(alur):
    instance_id = case_with_events(alur)
    with Attacker(alur, instance_id) as attacker:
        before = attacker.rows()[2]  # the forged event follows #3
        attacker.renumber({7: 8, 6: 7, 5: 6, 4: 5})
        attacker.forge(4, before.hash, template_seq=3, data={"catatan": "palsu"})
    report = alur.verify_case(AUDITOR, instance_id)
    assert found(report) == [(4, "inserted", ())]
    assert report.problems[0].message.startswith("Peristiwa #4 disisipkan")
    assert "peristiwa #4–#7 sesudahnya kini bernomor #5–#8" in report.problems[0].detail


def test_a_forged_event_appended_after_the_head_is_named(alur):
    instance_id = case_with_events(alur)
    last = last_seq(alur, instance_id)
    with Attacker(alur, instance_id) as attacker:
        attacker.forge(last + 1, attacker.rows()[-1].hash)
    assert found(alur.verify_case(AUDITOR, instance_id)) == [(last + 1, "inserted", ())]


def test_two_swapped_events_are_named_as_one_reordering(alur):
    instance_id = case_with_events(alur)
    with Attacker(alur, instance_id) as attacker:
        attacker.renumber({3: 4, 4: 3})
    report = alur.verify_case(AUDITOR, instance_id)
    assert found(report) == [(3, "reordered", (4,))]
    assert report.problems[0].message.startswith("Peristiwa #3 dan #4 ditukar urutannya")


def test_a_consistent_rewrite_of_events_and_head_passes_the_chain_alone(alur):
    instance_id = case_with_events(alur)
    with Attacker(alur, instance_id) as attacker:
        attacker.rewrite_consistently(3, {"tujuan": "tanya_progres"})
    assert alur.verify_case(AUDITOR, instance_id).intact  # only the digest can tell (test_digest.py)


def test_verify_all_names_only_the_tampered_case(alur):
    ids = [case_with_events(alur, nama=f"Tamu {n}") for n in range(4)]
    with Attacker(alur, ids[2]) as attacker:
        attacker.renumber({5: 6, 6: 5})
    report = alur.verify_all(AUDITOR)
    assert (report.cases, report.events) == (4, 28)
    assert [r.instance_id for r in report.broken] == [ids[2]]
    assert report.reports[0].instance_id == ids[2]  # broken cases first
    broken = report.broken[0]
    assert broken.ticket_code == alur.case(AUDITOR, instance_id=ids[2]).ticket_code
    assert found(broken) == [(5, "reordered", (6,))]
    assert [r.instance_id for r in report.reports[1:]] == [ids[0], ids[1], ids[3]]
    assert not report.intact


def test_verify_all_agrees_with_verify_case_on_every_kind_at_once(alur):
    ids = [case_with_events(alur, nama=f"Tamu {n}") for n in range(5)]
    with Attacker(alur, ids[0]) as attacker:
        attacker.edit_data(2, {"x": 1})
    with Attacker(alur, ids[1]) as attacker:
        attacker.delete(3)
    with Attacker(alur, ids[3]) as attacker:
        attacker.renumber({6: 7, 7: 6})
    everything = {r.instance_id: found(r) for r in alur.verify_all(AUDITOR).reports}
    assert everything == {i: found(alur.verify_case(AUDITOR, i)) for i in ids}
    assert everything[ids[0]] == [(2, "altered", ())]
    assert everything[ids[1]] == [(3, "deleted", ())]
    assert everything[ids[2]] == [] and everything[ids[4]] == []
    assert everything[ids[3]] == [(6, "reordered", (7,))]


def test_altered_personal_data_is_named_by_both_checks(alur):
    instance_id = case_with_events(alur)
    with Attacker(alur, instance_id) as attacker:
        attacker.sql("update event_personal set data_json = '{\"nik\": \"3171011501900002\"}'")
    assert found(alur.verify_case(AUDITOR, instance_id)) == [(3, "altered", ())]
    assert found(alur.verify_all(AUDITOR).broken[0]) == [(3, "altered", ())]


def test_only_auditors_verify(alur):
    instance_id = case_with_events(alur)
    for actor in (UPP_KEMENTERIAN, SESDEP, PROCESS_OWNER):
        with pytest.raises(Forbidden):
            alur.verify_case(actor, instance_id)
        with pytest.raises(Forbidden):
            alur.verify_all(actor)
    with pytest.raises(NotFound):
        alur.verify_case(AUDITOR, 999_999)


def test_verify_all_on_an_empty_database(alur):
    report = alur.verify_all(AUDITOR)
    assert (report.cases, report.events, report.intact) == (0, 0, True)
