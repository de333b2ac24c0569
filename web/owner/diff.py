"""The diff between two versions of a process: what was added, removed and changed, in words and
marked on both diagrams (static/js/version-diff.js draws them from the versions' BPMN downloads).

/pemodelan/<process_key>/beda?dari=N&ke=M; without them the newest version against the one before.
"""
from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from web.owner import READERS, blueprint
from web.security import alur, current_actor, roles_required

SUBJECT_LABELS = {"step": _l("Langkah"), "lane": _l("Lajur"), "node": _l("Elemen"), "flow": _l("Alur"),
                  "header": _l("Kepala SOP")}


@blueprint.get("/<process_key>/beda")
@roles_required(*READERS)
def diff(process_key: str):
    actor = current_actor()
    process = alur().process_versions(actor, process_key)  # NotFound -> 404
    numbers = [v.definition.version for v in process.versions]  # newest first
    page = dict(process=process, numbers=numbers, subject_labels=SUBJECT_LABELS)
    if len(numbers) < 2:
        page["notice"] = _("Proses ini baru memiliki %(count)d versi; perbandingan dapat dilihat setelah versi "
                           "berikutnya diterbitkan.", count=len(numbers))
        return render_template("owner/diff.html", **page)
    to_number, to_error = _chosen("ke", numbers, numbers[0])
    from_number, from_error = _chosen("dari", numbers, _before(numbers, to_number))
    error = to_error or from_error
    if error:
        # The pickers stay on the page so the owner can choose again.
        page.update(error=error, from_number=from_number, to_number=to_number)
        return render_template("owner/diff.html", **page), 404
    result = alur().diff_versions(actor, process_key, from_number, to_number)
    page.update(
        result=result, from_number=from_number, to_number=to_number,
        definitions={v.definition.version: v.definition for v in process.versions},
        from_url=url_for("owner.download", process_key=process_key, number=from_number, unduh=0),
        to_url=url_for("owner.download", process_key=process_key, number=to_number, unduh=0),
        markers=result.markers())
    return render_template("owner/diff.html", **page)


def _chosen(name: str, numbers: list[int], default: int) -> tuple[int, str | None]:
    """The version asked for in the query (or the default) and, when it is not one of this
    process's versions, why; the default stands in so the pickers still show something sensible."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return default, None
    if not raw.isdigit() or int(raw) not in numbers:
        return default, _("Versi '%(value)s' tidak ada untuk proses ini; pilih salah satu versi %(first)d sampai "
                          "%(last)d.", value=raw[:20], first=min(numbers), last=max(numbers))
    return int(raw), None


def _before(numbers: list[int], number: int) -> int:
    """The version just before `number` (numbers are newest first); for the first one, the next."""
    older = [n for n in numbers if n < number]
    return max(older) if older else min(n for n in numbers if n != number)
