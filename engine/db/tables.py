"""The schema, as SQLAlchemy Core tables. Alembic migrations create it; tests compare the two."""
from __future__ import annotations

from sqlalchemy import (
    JSON, BigInteger, Boolean, Column, DateTime, ForeignKey, Index, Integer, MetaData, String, Table,
    Text, UniqueConstraint,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# One row per deployed version of a process. The serialized spec is stored here once and
# instances refer to it, instead of every instance re-embedding it.
process_definition = Table(
    "process_definition", metadata,
    Column("id", Integer, primary_key=True),
    Column("process_key", String(100), nullable=False),
    Column("version", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("name", String(300), nullable=False),
    Column("status", String(20), nullable=False),  # draft / published / retired
    Column("bpmn_xml", Text, nullable=False),
    Column("spec_json", Text, nullable=False),
    Column("steps_json", JSON, nullable=False),
    Column("lanes_json", JSON, nullable=False),
    Column("sop_header_json", JSON, nullable=False),
    Column("forms_json", JSON, nullable=False),  # the form schemas this version pins
    Column("change_note", Text, nullable=False, default=""),
    Column("created_by", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("process_key", "version"),
    UniqueConstraint("process_key", "sha256"),
)

# The process owners' working copy of a process, one per process: saved as often as they like,
# checked on demand, never run. It may be invalid; publishing turns it into the next version.
process_draft = Table(
    "process_draft", metadata,
    Column("process_key", String(100), primary_key=True),
    Column("bpmn_xml", Text, nullable=False),
    Column("base_version", Integer),  # the version it was opened from, if any
    Column("revision", Integer, nullable=False),  # optimistic lock between two owners' tabs
    Column("updated_by", String(100), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

instance = Table(
    "instance", metadata,
    Column("id", Integer, primary_key=True),
    Column("definition_id", Integer, ForeignKey("process_definition.id"), nullable=False, index=True),
    Column("ticket_code", String(20), nullable=False, unique=True),
    Column("status", String(20), nullable=False),  # running / completed / error
    Column("outcome", String(100)),  # BPMN id of the end event reached
    Column("display_name", String(200)),  # the visitor's name for lists; personal, purgeable
    Column("state_json", Text, nullable=False),  # SpiffWorkflow state without its spec
    Column("revision", Integer, nullable=False),  # optimistic lock: every change bumps it
    Column("event_seq", Integer, nullable=False),  # chain head: last sequence number ...
    Column("event_head", String(64), nullable=False),  # ... and its hash
    Column("started_by", String(100), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("completed_at", DateTime(timezone=True)),
    Column("personal_purged_at", DateTime(timezone=True)),  # retention purge erased its personal data
    Index("ix_instance_status_completed", "status", "completed_at"),
)

# The inbox read model: one row per user task the engine has made ready, kept in step with the
# workflow state in the same transaction.
human_task = Table(
    "human_task", metadata,
    Column("id", String(36), primary_key=True),  # SpiffWorkflow task UUID
    Column("instance_id", Integer, ForeignKey("instance.id"), nullable=False),
    Column("bpmn_id", String(100), nullable=False),
    Column("name", String(300), nullable=False),
    Column("lane_id", String(100), nullable=False),
    Column("role", String(50), nullable=False),
    Column("sop_step", Integer, nullable=False),
    Column("form_key", String(100), nullable=False),
    Column("state", String(20), nullable=False),  # ready / completed / cancelled
    Column("claimed_by", String(100)),
    Column("claimed_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("completed_at", DateTime(timezone=True)),
    Column("completed_by", String(100)),
    Column("draft_json", JSON),
    Index("ix_human_task_role_state_created", "role", "state", "created_at"),
    Index("ix_human_task_instance", "instance_id"),
    Index("ix_human_task_state_completed", "state", "completed_at"),  # the SLA report's period
)

# Append-only, hash-chained audit log. Database triggers refuse UPDATE and DELETE.
event = Table(
    "event", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("instance_id", Integer, ForeignKey("instance.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("task_id", String(36)),
    Column("bpmn_id", String(100)),
    Column("lane_id", String(100)),
    Column("data_json", JSON, nullable=False),
    Column("personal_digest", String(64)),  # salted hash of the personal fields kept apart
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("instance_id", "seq"),
    Index("ix_event_occurred_at", "occurred_at"),
)

# Personal fields of an event's data, kept apart so a retention purge can erase them while the
# chain (which commits only to their salted digest) still verifies.
event_personal = Table(
    "event_personal", metadata,
    Column("event_id", BigInteger().with_variant(Integer, "sqlite"), ForeignKey("event.id"), primary_key=True),
    Column("salt", String(32)),
    Column("data_json", JSON),
    Column("purged_at", DateTime(timezone=True)),
)

# A periodic (daily) digest of every case's chain head, itself chained to the digest before it.
# Printed and kept outside the system, it makes a later rewrite of events *and* heads by someone
# with database access detectable: the heads recomputed from the events no longer give `digest`.
chain_digest = Table(
    "chain_digest", metadata,
    Column("id", Integer, primary_key=True),
    Column("period_end", DateTime(timezone=True), nullable=False, unique=True),  # events up to here
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("case_count", Integer, nullable=False),
    Column("event_count", Integer, nullable=False),
    Column("heads_json", JSON, nullable=False),  # [[instance id, seq, hash], ...] by instance id
    Column("prev_digest", String(64), nullable=False),
    Column("digest", String(64), nullable=False, unique=True),
)

# Due times of pending BPMN timers, indexed so a worker sleeps until the next one.
timer = Table(
    "timer", metadata,
    Column("id", Integer, primary_key=True),
    Column("instance_id", Integer, ForeignKey("instance.id"), nullable=False),
    Column("task_id", String(36), nullable=False),
    Column("bpmn_id", String(100), nullable=False),
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("fired_at", DateTime(timezone=True)),
    Column("active", Boolean, nullable=False, default=True),
    UniqueConstraint("instance_id", "task_id"),
    Index("ix_timer_pending_due", "active", "due_at"),
)

# Staff accounts. Passwords are stored only as Argon2id hashes; failed logins lock an account
# for a while (Peraturan BSSN 4/2021).
user_account = Table(
    "user_account", metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("full_name", String(200), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("roles_json", JSON, nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("password_changed_at", DateTime(timezone=True), nullable=False),
    Column("last_login_at", DateTime(timezone=True)),
)

# Per-user API tokens. Only a SHA-256 of the token is kept: tokens are 256-bit random, so a
# fast hash is enough (no dictionary to guess from), and lookups stay one indexed read.
api_token = Table(
    "api_token", metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("user_account.id"), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(12), nullable=False),  # shown in lists so a user can tell tokens apart
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
)
