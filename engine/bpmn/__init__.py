"""Deploy-time BPMN checks and the run-time script engine (no web, no forms, no database)."""
from .inspection import inspect_definition, parse_iso_duration
from .model import DefinitionRejected, InspectedDefinition, Lane, Problem, StepSpec
from .script_engine import make_script_engine

__all__ = [
    "DefinitionRejected", "InspectedDefinition", "Lane", "Problem", "StepSpec",
    "inspect_definition", "make_script_engine", "parse_iso_duration",
]
