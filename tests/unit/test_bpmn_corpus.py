"""Robustness on diagrams real modelers export: the 21 BPMN MIWG reference files.

Each one must either pass or be refused with DefinitionRejected whose problems all carry a
code and a non-empty one-line message; any other exception is a bug. The corpus lives
outside the repository, at ../shared/corpus/miwg relative to the repository root.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from engine.bpmn import DefinitionRejected, InspectedDefinition, inspect_definition

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "miwg"
FILES = sorted(CORPUS.glob("*.bpmn")) if CORPUS.is_dir() else []
IDS = [p.name for p in FILES]
ROLES = {"masyarakat", "upp_kementerian", "upp_unit_kerja", "sesdep"}
BPMN_PROCESS = "{http://www.omg.org/spec/BPMN/20100524/MODEL}process"


def _passes_or_is_refused_cleanly(data: bytes) -> None:
    try:
        result = inspect_definition(data, form_keys=set(), lane_roles=ROLES)
    except DefinitionRejected as rejected:
        assert rejected.problems
        for problem in rejected.problems:
            assert isinstance(problem.code, str) and problem.code, problem
            assert problem.message.strip(), problem
            assert "\n" not in problem.message and "\r" not in problem.message, problem
            assert "Traceback" not in problem.message, problem
            assert "\n" not in str(problem)
    else:
        assert isinstance(result, InspectedDefinition)


def _first_process_executable(data: bytes) -> bytes:
    """Most MIWG processes are isExecutable="false": flip the first one so the deeper checks
    (lanes, tasks, expressions, gateways, SpiffWorkflow parse) run on real diagrams too."""
    root = etree.fromstring(data)
    for index, process in enumerate(root.findall(BPMN_PROCESS)):
        process.set("isExecutable", "true" if index == 0 else "false")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_corpus_is_present():
    assert CORPUS.is_dir(), f"MIWG corpus missing: {CORPUS}"
    assert len(FILES) == 21, f"expected the 21 MIWG reference files in {CORPUS}, found {len(FILES)}"


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_corpus_file_passes_or_is_refused_cleanly(path):
    _passes_or_is_refused_cleanly(path.read_bytes())


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_corpus_file_made_executable_passes_or_is_refused_cleanly(path):
    _passes_or_is_refused_cleanly(_first_process_executable(path.read_bytes()))
