"""The SLA and SKM reports as CSV: one table per report, each row tagged with its part (bagian),
so a spreadsheet filter shows one part at a time. Durations in seconds and shares as fractions,
plain numbers for further work; headers in Indonesian, stable for scripts.

Cells that would start a formula in a spreadsheet (=, +, -, @) are quoted with a leading
apostrophe: step and lane names come from a process owner's diagram.
"""
from __future__ import annotations

import csv
import io

SLA_COLUMNS = ["bagian", "periode", "periode_mulai", "periode_akhir", "langkah", "nama_langkah", "lajur",
               "jumlah", "dalam_standar", "terlambat", "bagian_dalam_standar", "median_detik", "p90_detik",
               "maks_detik", "waktu_baku_detik", "kode_tiket", "batas_waktu", "terlambat_detik", "diambil_oleh"]
SKM_COLUMNS = ["bagian", "periode", "periode_mulai", "periode_akhir", "unsur", "nama_unsur", "responden",
               "jumlah_nilai", "nrr", "nrr_tertimbang", "nilai_25_100", "ikm", "mutu", "kinerja", "pilihan", "jumlah"]


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(round(value, 6))
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _write(columns: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return out.getvalue()


def _sla_figures(f) -> dict:
    return {"jumlah": f.count, "dalam_standar": f.within, "terlambat": f.late, "bagian_dalam_standar": f.share_within,
            "median_detik": f.median_seconds, "p90_detik": f.p90_seconds, "maks_detik": f.max_seconds,
            "waktu_baku_detik": " / ".join(str(s) for s in f.standard_seconds)}


def sla(report) -> str:
    rows = [{"bagian": "total", "periode_mulai": report.start, "periode_akhir": report.end,
             **_sla_figures(report.total)}]
    names = {}
    for r in report.steps:
        names[r.sop_step] = " / ".join(r.names)
        rows.append({"bagian": "langkah", "langkah": r.sop_step, "nama_langkah": names[r.sop_step],
                     "lajur": ", ".join(r.lane_names), **_sla_figures(r.figures)})
        rows += [{"bagian": "langkah_per_waktu", "langkah": r.sop_step, "nama_langkah": names[r.sop_step],
                  "lajur": ", ".join(r.lane_names), **_sla_figures(part.figures)} for part in r.by_standard]
    rows += [{"bagian": "lajur", "lajur": r.lane_name, **_sla_figures(r.figures)} for r in report.lanes]
    for p in report.periods:
        span = {"periode": p.key, "periode_mulai": p.start, "periode_akhir": p.end}
        rows.append({"bagian": "periode", **span, **_sla_figures(p.figures)})
        rows += [{"bagian": "periode_langkah", **span, "langkah": step, "nama_langkah": names.get(step),
                  **_sla_figures(f)} for step, f in p.steps]
    rows += [{"bagian": "terlambat_sekarang", "langkah": o.sop_step, "nama_langkah": o.name, "lajur": o.lane_name,
              "kode_tiket": o.ticket_code, "batas_waktu": o.due_at.isoformat(), "terlambat_detik": o.late_seconds,
              "diambil_oleh": o.claimed_by} for o in report.overdue]
    return _write(SLA_COLUMNS, rows)


def _skm_total(f) -> dict:
    return {"responden": f.respondents, "ikm": f.ikm, "nilai_25_100": f.unit_value, "mutu": f.mutu,
            "kinerja": f.kinerja}


def skm(report) -> str:
    total = report.total
    rows = [{"bagian": "total", "periode_mulai": report.start, "periode_akhir": report.end, **_skm_total(total)}]
    rows += [{"bagian": "unsur", "unsur": e.code, "nama_unsur": e.name, "responden": e.answered,
              "jumlah_nilai": e.total_score, "nrr": e.nrr, "nrr_tertimbang": e.weighted, "nilai_25_100": e.unit_value}
             for e in total.elements]
    for p in report.periods:
        span = {"periode": p.key, "periode_mulai": p.start, "periode_akhir": p.end}
        rows.append({"bagian": "periode", **span, **_skm_total(p.figures)})
        rows += [{"bagian": "periode_unsur", **span, "unsur": e.code, "nama_unsur": e.name, "responden": e.answered,
                  "jumlah_nilai": e.total_score, "nrr": e.nrr, "nrr_tertimbang": e.weighted,
                  "nilai_25_100": e.unit_value} for e in p.figures.elements]
    for breakdown in report.profile:
        rows += [{"bagian": f"profil_{breakdown.field}", "pilihan": c.label, "jumlah": c.count}
                 for c in breakdown.counts]
    rows.append({"bagian": "populasi", "jumlah": report.population, "responden": total.respondents})
    return _write(SKM_COLUMNS, rows)
