"""The XML layer of the deploy checks: hardened loading, XSD validation, references.

Loading: size limit, no DTD, no entities, no network.
Nothing here ever expands an entity or fetches a URL: documents that declare a DOCTYPE
or an ENTITY are refused before lxml sees them, and the parser itself is configured so
that it could not expand or fetch them anyway (defence in depth).
"""
from __future__ import annotations

import threading

from lxml import etree

from .model import DefinitionRejected, Problem

DEFAULT_MAX_BYTES = 2_000_000

# Markers searched in the raw bytes, in the encodings an XML file may legally use.
_MARKERS = {
    "entity": "<!ENTITY",
    "doctype": "<!DOCTYPE",
}
_ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")


def _encoded(marker: str) -> tuple[bytes, ...]:
    return tuple(marker.encode(enc) for enc in _ENCODINGS)


_RAW_MARKERS = {kind: _encoded(text) for kind, text in _MARKERS.items()}


def _make_parser() -> etree.XMLParser:
    # A new parser per call: lxml parsers must not be shared between threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
        attribute_defaults=False,
        collect_ids=False,
    )


def _reject(code: str, message: str) -> DefinitionRejected:
    return DefinitionRejected([Problem(code, None, message)])


def _as_bytes(xml: bytes | bytearray | memoryview | str) -> bytes:
    if isinstance(xml, str):
        return xml.encode("utf-8")
    if isinstance(xml, (bytearray, memoryview)):
        return bytes(xml)
    if not isinstance(xml, bytes):
        raise _reject("xml.malformed", "Isi berkas BPMN harus berupa teks XML (bytes); unggah berkas .bpmn.")
    return xml


def _thousands(n: int) -> str:
    return f"{n:_}".replace("_", ".")


def check_size(data: bytes, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise _reject(
            "xml.too_large",
            f"Berkas BPMN berukuran {_thousands(len(data))} bait, melebihi batas {_thousands(max_bytes)} bait; "
            "perkecil berkas (hapus lampiran atau gambar yang tertanam).",
        )


def check_no_dtd(data: bytes) -> None:
    """Refuse on sight any document that declares entities or a DOCTYPE."""
    if any(marker in data for marker in _RAW_MARKERS["entity"]):
        raise _reject(
            "xml.entity",
            "Berkas memuat deklarasi <!ENTITY>; entitas XML tidak diizinkan demi keamanan, "
            "hapus deklarasi DOCTYPE/ENTITY dan simpan ulang dari modeler BPMN.",
        )
    if any(marker in data for marker in _RAW_MARKERS["doctype"]):
        raise _reject(
            "xml.doctype",
            "Berkas memuat deklarasi <!DOCTYPE>; DTD tidak diizinkan demi keamanan, "
            "hapus deklarasi DOCTYPE dan simpan ulang dari modeler BPMN.",
        )


def parse_safely(xml: bytes | str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[bytes, etree._ElementTree]:
    """Return ``(raw_bytes, tree)`` or raise :class:`DefinitionRejected` (xml.* codes)."""
    data = _as_bytes(xml)
    check_size(data, max_bytes)
    if not data.strip():
        raise _reject("xml.malformed", "Berkas BPMN kosong; unggah berkas .bpmn yang berisi diagram.")
    check_no_dtd(data)
    try:
        root = etree.fromstring(data, parser=_make_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or (exc.position[0] if getattr(exc, "position", None) else "?")
        detail = (exc.msg or str(exc)).splitlines()[0].strip()
        raise _reject(
            "xml.malformed",
            f"Baris {line}: XML tidak valid ({detail}); perbaiki struktur XML atau simpan ulang dari modeler BPMN.",
        ) from None
    except (ValueError, MemoryError, RecursionError) as exc:
        raise _reject(
            "xml.malformed",
            f"XML tidak dapat dibaca ({type(exc).__name__}); simpan ulang berkas dari modeler BPMN.",
        ) from None
    tree = root.getroottree()
    docinfo = tree.docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None or docinfo.doctype:
        raise _reject(
            "xml.doctype",
            "Berkas memuat deklarasi <!DOCTYPE>; DTD tidak diizinkan demi keamanan, hapus deklarasi DOCTYPE.",
        )
    # Unexpanded entity references left in the tree (belt and braces).
    for _ in root.iter(etree.Entity):
        raise _reject("xml.entity", "Berkas memuat referensi entitas XML; entitas tidak diizinkan, hapus referensinya.")
    return data, tree


# ---------------------------------------------------------------- XSD (check 2)
_XSD_LOCK = threading.Lock()  # one compiled schema shared by threads; its error_log is not
MAX_XSD_PROBLEMS = 20


def _validator():
    # Compiled once, when SpiffWorkflow.spiff.parser is first imported (BPMN20.xsd + spiffworkflow.xsd).
    from SpiffWorkflow.spiff.parser import VALIDATOR
    return VALIDATOR


def _element_id_at(tree: etree._ElementTree, path: str | None) -> str | None:
    if not path:
        return None
    try:
        nsmap = {k: v for k, v in tree.getroot().nsmap.items() if k}
        found = tree.xpath(path, namespaces=nsmap)
    except (etree.XPathError, TypeError, ValueError):
        return None
    node = found[0] if found and isinstance(found[0], etree._Element) else None
    while node is not None and not node.get("id"):
        node = node.getparent()
    return node.get("id") if node is not None else None


def validate_xsd(tree: etree._ElementTree) -> list[Problem]:
    """Validate against SpiffWorkflow's shipped BPMN 2.0 XSD; one Problem per error (max 20).

    Like SpiffWorkflow's own validator, first renames bpmn-js' correlation
    ``formalExpression`` to ``messagePath`` (mutates ``tree``, as SpiffWorkflow does).
    """
    validator = _validator()
    validator.preprocess(tree)
    with _XSD_LOCK:
        valid = validator.validator.validate(tree)
        errors = [] if valid else list(validator.validator.error_log)
    if valid:
        return []
    if not errors:
        return [Problem("xsd", None, "Berkas tidak sesuai skema BPMN 2.0; simpan ulang dari modeler BPMN.")]
    problems = []
    for error in errors[:MAX_XSD_PROBLEMS]:
        element_id = _element_id_at(tree, getattr(error, "path", None))
        detail = " ".join((error.message or "").split())[:300]
        problems.append(Problem.at("xsd", element_id, f"baris {error.line}: tidak sesuai skema BPMN 2.0 ({detail}); "
                                                      "perbaiki elemen ini atau simpan ulang dari modeler BPMN."))
    if len(errors) > MAX_XSD_PROBLEMS:
        problems.append(Problem("xsd", None, f"Masih ada {len(errors) - MAX_XSD_PROBLEMS} kesalahan skema lain; "
                                             "perbaiki yang di atas lalu unggah ulang."))
    return problems


# ---------------------------------------------------------------- references (check 3)
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_REF_ATTRS = ("sourceRef", "targetRef", "default", "attachedToRef", "processRef", "bpmnElement",
              "messageRef", "signalRef", "errorRef", "escalationRef")
_REF_CHILDREN = {f"{{{BPMN_NS}}}{t}" for t in ("flowNodeRef", "incoming", "outgoing", "sourceRef", "targetRef")}


def owner_id(node: etree._Element | None) -> str | None:
    """The id of ``node`` or of its nearest ancestor that has one."""
    while node is not None:
        if node.get("id"):
            return node.get("id")
        node = node.getparent()
    return None


def check_references(root: etree._Element) -> list[Problem]:
    """IDREFs the XSD does not check: flows, lanes, defaults, boundary events, pools, diagram shapes."""
    ids = {el.get("id") for el in root.iter(etree.Element) if el.get("id")}
    problems = []
    for el in root.iter(etree.Element):
        refs = [(attr, el.get(attr)) for attr in _REF_ATTRS if el.get(attr)]
        if el.tag in _REF_CHILDREN and (el.text or "").strip():
            refs.append((etree.QName(el).localname, el.text.strip()))
        for attr, value in refs:
            if value.rsplit(":", 1)[-1] not in ids:
                problems.append(Problem.at("reference.dangling", owner_id(el),
                                           f"{attr} menunjuk ke '{value}' yang tidak ada di berkas ini; "
                                           "perbaiki referensinya atau hapus elemen tersebut."))
    return problems
