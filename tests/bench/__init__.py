"""`make bench`: the raw SpiffWorkflow engine against the project's persisted completion, and
the application over real HTTP (`alur serve` on loopback).

Run with `.venv/bin/python -m tests.bench` from the project root. Figures are printed only;
nothing here asserts on time (the machines are shared and noisy).
"""
