"""The printed SOP of one version: the official document as a print-ready page (A4 landscape) and
as a PDF made by WeasyPrint from the same template.

WeasyPrint never reaches the network: its URL fetcher serves only this app's own static files,
read from disk, and refuses everything else (a refused URL fails the PDF rather than printing a
document without its stylesheet).
"""
from __future__ import annotations

import functools
import mimetypes
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app, make_response, render_template, url_for
from flask_babel import format_date, gettext as _
from markupsafe import Markup
from werkzeug.security import safe_join

from web.owner import READERS, blueprint
from web.security import alur, current_actor, roles_required


@blueprint.get("/<process_key>/versi/<int:number>/sop")
@roles_required(*READERS)
def sop_html(process_key: str, number: int):
    document = alur().sop_document(current_actor(), process_key, number)
    return render_template("owner/sop_print.html", doc=document, **_helpers())


@blueprint.get("/<process_key>/versi/<int:number>/sop.pdf")
@roles_required(*READERS)
def sop_pdf(process_key: str, number: int):
    document = alur().sop_document(current_actor(), process_key, number)
    html = render_template("owner/_sop_pdf.html", doc=document, **_helpers())
    pdf = render_pdf(html, url_for("static", filename="", _external=True), current_app.static_folder)
    response = make_response(pdf)
    response.mimetype = "application/pdf"
    filename = f"SOP-{_safe_name(document.process_key)}-v{document.version}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A published version never changes; the labels follow the reader's language, so private only.
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


def render_pdf(html: str, static_root: str, static_folder: str) -> bytes:
    # Imported here: WeasyPrint and pango add ~0.4 s to start-up and only this route needs them.
    from weasyprint import HTML
    return HTML(string=html, base_url=static_root,
                url_fetcher=static_files_only(static_root, static_folder)).write_pdf()


def static_files_only(static_root: str, static_folder: str):
    """A WeasyPrint URL fetcher that serves `<static_root><file>` from the static folder, from disk,
    and refuses any other URL (http, file, data, another host)."""
    return _fetcher_class()(static_root, static_folder)


@functools.cache
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesOnly(URLFetcher):
        def __init__(self, static_root: str, folder: str):
            super().__init__(fail_on_errors=True)
            self.static_root, self.folder = static_root, str(folder)

        def fetch(self, url, headers=None):
            bare = urlsplit(url)._replace(query="", fragment="").geturl()
            if not bare.startswith(self.static_root):
                raise ValueError(f"refused (only the app's static files are served): {url}")
            path = safe_join(self.folder, unquote(bare[len(self.static_root):]))
            if path is None or not Path(path).is_file():
                raise ValueError(f"no such static file: {url}")
            mime = mimetypes.guess_type(path)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=Path(path).read_bytes(), headers={"Content-Type": mime})

    return StaticFilesOnly


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)


def _helpers() -> dict:
    return {"durasi": duration_text, "tanggal": date_text, "css_string": css_string}


def duration_text(seconds: int) -> str:
    """120 -> "2 menit", 5400 -> "1 jam 30 menit", 90000 -> "1 hari 1 jam" (the SOP's Waktu)."""
    seconds = int(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [text for value, text in (
        (days, _("%(num)d hari", num=days)), (hours, _("%(num)d jam", num=hours)),
        (minutes, _("%(num)d menit", num=minutes)), (secs, _("%(num)d detik", num=secs))) if value]
    return " ".join(parts) or _("%(num)d menit", num=0)


def date_text(value) -> str:
    """A header date (engine SopDate): "Kamis, 15 Juni 2023"; as written when it is not ISO."""
    if value is None or not value:
        return "–"
    if value.value is None:
        return value.text
    return format_date(value.value, "EEEE, d MMMM yyyy")


def css_string(text: str) -> Markup:
    """A quoted CSS string for the page footer (@page content): everything but letters, digits and
    a little punctuation as a CSS escape, so no text can end the string or the <style> element."""
    escaped = "".join(ch if ch.isalnum() or ch in " .,:-_/()" else f"\\{ord(ch):x} " for ch in str(text))
    return Markup(f'"{escaped}"')
