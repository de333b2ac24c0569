"""placeholder"""
from engine.cli import cli  # noqa: F401
