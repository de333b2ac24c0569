"""Migrating running cases to a newer version: choose cases (one, several, or all of a version),
see a dry-run report per case, then migrate the safe ones. Plain forms; no script needed.

The dry-run page carries each case's revision as it was judged; the migration sends them back,
so a case that changed in between is refused as a conflict instead of moving on a stale verdict
(the engine judges every case again inside its own transaction anyway).
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from web.owner import OWNERS, blueprint
from web.security import alur, current_actor, roles_required

CASE_FIELD = "kasus"  # the chosen case ids (checkboxes)
VERSION_FIELD = "semua_versi"  # "every case of version N" (checkboxes, one per version)
TARGET_FIELD = "ke"  # the target version number
REVISION_PREFIX = "rev_"  # rev_<case id>: the revision the dry run judged


@blueprint.get("/<process_key>/migrasi")
@roles_required(*OWNERS)
def migration(process_key: str):
    target = request.args.get(TARGET_FIELD, type=int)
    listing = alur().migration_candidates(current_actor(), process_key, target)
    return render_template("owner/migration.html", listing=listing, process_key=process_key, report=None)


@blueprint.post("/<process_key>/migrasi/uji")
@roles_required(*OWNERS)
def migration_dry_run(process_key: str):
    actor = current_actor()
    target = request.form.get(TARGET_FIELD, type=int)
    ids = _chosen_ids(actor, process_key, target)
    if not ids:
        flash(_("Pilih paling sedikit satu kasus, atau centang semua kasus dari satu versi."), "error")
        return redirect(url_for("owner.migration", process_key=process_key, **_target_arg(target)))
    report = alur().migration_dry_run(actor, process_key, ids, target)
    return _report_page(actor, process_key, report)


@blueprint.post("/<process_key>/migrasi")
@roles_required(*OWNERS)
def migrate(process_key: str):
    actor = current_actor()
    target = request.form.get(TARGET_FIELD, type=int)
    ids = request.form.getlist(CASE_FIELD, type=int)
    if not ids:
        flash(_("Tidak ada kasus yang dipilih untuk dimigrasikan; centang kasus yang aman pada laporan uji."),
              "error")
        return redirect(url_for("owner.migration", process_key=process_key, **_target_arg(target)))
    revisions = {}
    for case_id in ids:
        revision = request.form.get(f"{REVISION_PREFIX}{case_id}", type=int)
        if revision is not None:
            revisions[case_id] = revision
    report = alur().migrate(actor, process_key, ids, target, expected_revisions=revisions)
    migrated, refused = report.migrated_count, report.refused_count
    category = "success" if migrated and not refused else ("warning" if migrated else "error")
    flash(_("%(migrated)d kasus dimigrasikan ke versi %(version)d, %(refused)d ditolak.", migrated=migrated,
            refused=refused, version=report.target_version), category)
    return _report_page(actor, process_key, report)


def _report_page(actor, process_key: str, report):
    """The report, with the open steps of the cases still on an older version (the refused ones)."""
    listing = alur().migration_candidates(actor, process_key, report.target_version)
    current_steps = {c.instance_id: c.current_steps for c in listing.cases}
    return render_template("owner/migration.html", listing=listing, process_key=process_key, report=report,
                           current_steps=current_steps)


def _chosen_ids(actor, process_key: str, target: int | None) -> list[int]:
    """The ticked cases, then every case of each ticked version (in the list's order)."""
    ids = request.form.getlist(CASE_FIELD, type=int)
    versions = set(request.form.getlist(VERSION_FIELD, type=int))
    if versions:
        listing = alur().migration_candidates(actor, process_key, target)
        ids += [c.instance_id for c in listing.cases if c.version in versions]
    return list(dict.fromkeys(ids))


def _target_arg(target: int | None) -> dict:
    return {TARGET_FIELD: target} if target is not None else {}
