"""The limit: the same BPMN run in memory by SpiffWorkflow alone, no database, no validation.

SpiffWorkflow alone means its own defaults too: its script engine, and its loggers left as
they come (the "spiff" logger unset, so WARNING from the root). Importing the project sets
the "spiff" level; the raw rounds put SpiffWorkflow's default back while they run.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.util.task import TaskState

from tests.bench.sop import BPMN, PROCESS_KEY, data_for
from tests.bench.stats import now


def parse():
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(BPMN))
    return parser.get_spec(PROCESS_KEY), parser.get_subprocess_specs(PROCESS_KEY)


@contextmanager
def spiff_defaults():
    logger = logging.getLogger("spiff")
    project_level = logger.level
    logger.setLevel(logging.NOTSET)
    try:
        yield
    finally:
        logger.setLevel(project_level)


def run_instances(spec, subprocess_specs, count: int) -> tuple[list[int], list[int], list[int]]:
    """Run `count` instances to their end. Returns (every completion's ns, the same without
    each instance's first completion, each whole instance's ns including its creation)."""
    with spiff_defaults():
        return _run(spec, subprocess_specs, count)


def _run(spec, subprocess_specs, count: int) -> tuple[list[int], list[int], list[int]]:
    every, after_first, whole = [], [], []
    for _ in range(count):
        started = now()
        wf = BpmnWorkflow(spec, subprocess_specs)
        wf.do_engine_steps()
        first = True
        while True:
            ready = wf.get_tasks(state=TaskState.READY, manual=True)
            if not ready:
                break
            task = ready[0]
            data = data_for(task.task_spec.extensions["properties"]["form_key"])
            t0 = now()
            task.set_data(**data)
            task.run()
            wf.do_engine_steps()
            elapsed = now() - t0
            every.append(elapsed)
            if not first:
                after_first.append(elapsed)
            first = False
        assert wf.is_completed()
        whole.append(now() - started)
    return every, after_first, whole
