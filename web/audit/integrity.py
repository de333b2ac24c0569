"""Hash-chain verification (one case, all cases) and the digests of chain heads: the list with
"make one now" and "check", the printable digest (A4, the root hash large with its QR code and
signature lines) and its JSON and CSV exports.

Auditors only; the engine checks the role again in every use case. Making a digest is the one
write here (a POST with CSRF); checking one reads only, but an uploaded file needs a POST too.
"""
from __future__ import annotations

from dataclasses import dataclass

import segno
from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import format_date, format_decimal, gettext as _, lazy_gettext

from engine.errors import Conflict, InvalidData
from web.audit import AUDITORS, blueprint
from web.security import alur, current_actor, roles_required

# A break in a case's chain (engine.ledger.ChainBreak.kind), in words.
BREAK_KINDS = {
    "altered": lazy_gettext("diubah"), "deleted": lazy_gettext("dihapus"), "inserted": lazy_gettext("disisipkan"),
    "reordered": lazy_gettext("ditukar urutannya"), "head": lazy_gettext("kepala rantai tidak cocok"),
}
# A case whose head differs from a digest (engine.digest.HeadChange.kind), in words.
FINDING_KINDS = {
    "rewritten": lazy_gettext("riwayat ditulis ulang"), "deleted": lazy_gettext("peristiwa dihapus"),
    "inserted": lazy_gettext("peristiwa disisipkan"), "missing": lazy_gettext("kasus hilang"),
    "new_case": lazy_gettext("kasus baru bertanggal lampau"),
}
INTACT_SHOWN = 100  # intact cases listed under the broken ones on the all-cases page
MAX_UPLOAD_NOTE = lazy_gettext("paling besar 2 MB, kira-kira 20.000 kasus; untuk yang lebih besar gunakan "
                               "alur digest check --file di server")


@dataclass(frozen=True)
class Break:
    """One finding of a chain as the page shows it: its kind and the events it names."""
    kind: str
    label: str
    events: tuple[int, ...]
    detail: str


def _breaks(report) -> list[Break]:
    return [Break(p.kind, str(BREAK_KINDS.get(p.kind, p.kind)), p.events, p.detail) for p in report.problems]


@blueprint.get("/kasus/<int:instance_id>/verifikasi")
@roles_required(*AUDITORS)
def verify_case(instance_id: int):
    report = alur().verify_case(current_actor(), instance_id)
    return render_template("audit/integrity_case.html", report=report, breaks=_breaks(report))


@blueprint.get("/verifikasi")
@roles_required(*AUDITORS)
def verify_all():
    chains = alur().verify_all(current_actor())
    broken = [(r, _breaks(r)) for r in chains.broken]
    intact = [r for r in chains.reports if r.intact]
    counts = {"cases": format_decimal(chains.cases), "events": format_decimal(chains.events),
              "seconds": format_decimal(chains.seconds, format="#,##0.0#")}
    return render_template("audit/integrity_all.html", chains=chains, broken=broken, counts=counts,
                           intact=intact[:INTACT_SHOWN], intact_count=len(intact))


@blueprint.get("/digest")
@roles_required(*AUDITORS)
def digests():
    return _digest_list()


def _digest_list(errors: dict | None = None, typed: str = "", status: int = 200):
    found = alur().digests(current_actor())
    return render_template("audit/digest_list.html", digests=found, errors=errors or {}, typed=typed,
                           upload_note=MAX_UPLOAD_NOTE, format_date=format_date, pattern=None), status


@blueprint.post("/digest")
@roles_required(*AUDITORS)
def create_digest():
    try:
        made = alur().create_digest(current_actor())
    except (Conflict, InvalidData) as refused:
        flash(refused.message, "error")
        return redirect(url_for("audit.digests"))
    flash(_("Digest #%(id)d dibuat: kepala rantai %(cases)d kasus. Cetak dan simpan lembarnya di luar sistem.",
            id=made.id, cases=made.case_count), "success")
    return redirect(url_for("audit.digest", digest_id=made.id))


@blueprint.get("/digest/<int:digest_id>")
@roles_required(*AUDITORS)
def digest(digest_id: int):
    info = alur().digest(current_actor(), digest_id)
    # The QR code carries only the root hash, made here from hex: safe to inline.
    qr = segno.make(info.digest, error="m").svg_inline(scale=3, border=2, omitsize=True, svgclass="qr",
                                                      title=_("Kode QR hash akar digest"), light="#ffffff")
    return render_template("audit/digest_print.html", d=info, qr_svg=qr, format_date=format_date,
                           groups=[info.digest[i:i + 8] for i in range(0, 64, 8)],
                           prev_groups=[info.prev_digest[i:i + 8] for i in range(0, 64, 8)])


@blueprint.get("/digest/<int:digest_id>.json")
@roles_required(*AUDITORS)
def digest_json(digest_id: int):
    return _download(alur().digest_export(current_actor(), digest_id), "application/json",
                     f"digest-{digest_id}.json")


@blueprint.get("/digest/<int:digest_id>.csv")
@roles_required(*AUDITORS)
def digest_csv(digest_id: int):
    return _download(alur().digest_csv(current_actor(), digest_id), "text/csv", f"digest-{digest_id}-kepala.csv")


def _download(body: str, mimetype: str, filename: str):
    response = make_response(body.encode("ascii" if mimetype == "text/csv" else "utf-8"))
    # No charset parameter on the CSV: its bytes are what sha256sum is run on, ASCII by construction.
    response.headers["Content-Type"] = mimetype if mimetype == "text/csv" else f"{mimetype}; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@blueprint.get("/digest/<int:digest_id>/periksa")
@roles_required(*AUDITORS)
def check_digest(digest_id: int):
    """Today's events against a stored digest (a read: GET)."""
    check = alur().check_digest(current_actor(), digest_id=digest_id)
    return render_template("audit/digest_check.html", check=check, kinds=FINDING_KINDS, format_date=format_date,
                           pattern=None)


@blueprint.post("/digest/periksa")
@roles_required(*AUDITORS)
def check_digest_against():
    """Today's events against what was kept outside: an exported file, or the printed root hash."""
    file = request.files.get("berkas")
    typed = request.form.get("hash", "").strip()
    if file is not None and file.filename:
        exported, root = file.read(), None
    elif typed:
        exported, root = None, typed
    else:
        return _digest_list({"periksa": _("Unggah berkas ekspor JSON digest, atau ketik hash akar yang tercetak.")},
                            status=422)
    try:
        check = alur().check_digest(current_actor(), exported=exported, root=root)
    except InvalidData as refused:
        return _digest_list({"periksa": refused.message}, typed=typed[:200], status=422)
    return render_template("audit/digest_check.html", check=check, kinds=FINDING_KINDS, format_date=format_date,
                           pattern=None)
