"""Unit tests of the forms package: catalog, schemas, coercion and Indonesian validation messages."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from forms import (
    FORM_ERROR_KEY,
    SCHEMA_DIR,
    SHARED_FIELD_NAMES,
    Form,
    FormCatalog,
    FormDefinitionError,
    UnknownFormError,
    ValidationResult,
    default_catalog,
)

REPO = Path(__file__).resolve().parents[2]

EXPECTED_FORMS = {  # form key -> SOP step (docs/CONVENTIONS.md)
    "screening_pengunjung": "1",
    "verifikasi_dumas": "2",
    "keputusan_sesdep": "3",
    "penyampaian_keputusan": "4",
    "pemberitahuan_pengunjung": "5",
    "kedatangan_pengunjung": "6",
    "layanan_konsultasi": "7",
    "layanan_progres": "7",
    "survei_skm": "8",
    "catatan_langkah": "umum",  # for steps a process owner adds in the modeler
}

# The standard SKM questionnaire, PermenPANRB 14/2017 (domain.md), hard-coded as the expectation.
SKM_STANDARD = {
    "u1": ("Persyaratan",
           "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
           ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"]),
    "u2": ("Sistem, Mekanisme, dan Prosedur",
           "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
           ["Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"]),
    "u3": ("Waktu Penyelesaian",
           "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
           ["Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"]),
    "u4": ("Biaya/Tarif",
           "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
           ["Sangat mahal", "Cukup mahal", "Murah", "Gratis"]),
    "u5": ("Produk Spesifikasi Jenis Pelayanan",
           "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam "
           "standar pelayanan dengan hasil yang diberikan?",
           ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"]),
    "u6": ("Kompetensi Pelaksana",
           "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
           ["Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"]),
    "u7": ("Perilaku Pelaksana",
           "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?",
           ["Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah"]),
    "u8": ("Penanganan Pengaduan, Saran dan Masukan",
           "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
           ["Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik"]),
    "u9": ("Sarana dan Prasarana",
           "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
           ["Buruk", "Cukup", "Baik", "Sangat baik"]),
}

NIK_OK = "3171011708450001"  # Jakarta Pusat, born 17-08-1945
NIK_OK_WOMAN = "3171015708450001"  # day + 40

VALID = {
    "screening_pengunjung": {
        "nama": "  Siti Aminah ", "nik": NIK_OK_WOMAN, "telepon": "0812-3456-7890",
        "alamat": "Jl. Medan Merdeka Barat No. 15, Jakarta Pusat", "email": "siti@contoh.go.id",
        "tujuan": "konsultasi", "nomor_dumas": "DUMAS-2024-0042", "perihal_dumas": "Keamanan lingkungan",
        "persetujuan_data_pribadi": True, "catatan_screening": "",
    },
    "verifikasi_dumas": {
        "dumas_ditemukan": "ya", "status_dumas": "ditindaklanjuti",
        "ringkasan_verifikasi": "Dumas terdaftar dan sedang ditindaklanjuti.", "pimpinan_diinformasikan": True,
    },
    "keputusan_sesdep": {"keputusan": "disetujui", "jadwal_konsultasi": "2024-07-10T09:30"},
    "penyampaian_keputusan": {"keputusan_disampaikan": True, "dokumen_dumas_dilampirkan": True},
    "pemberitahuan_pengunjung": {
        "pengunjung_diberi_tahu": True, "cara_pemberitahuan": "telepon",
        "pesan_kepada_pengunjung": "Dengan hormat, pimpinan berkenan menerima Bapak/Ibu pada 10 Juli pukul 09.30.",
    },
    "kedatangan_pengunjung": {"waktu_kedatangan": "2024-07-10 09:20", "dicatat_oleh": "pengunjung"},
    "layanan_konsultasi": {
        "identitas_dicocokkan": True, "pimpinan_yang_menerima": "Sesdep",
        "ruang_konsultasi": "Ruang rapat Deputi V", "ringkasan_konsultasi": "Pengadu menjelaskan duduk perkara.",
        "telaahan": "Perlu koordinasi dengan Polda.",
    },
    "layanan_progres": {
        "identitas_dicocokkan": True, "progres_dumas": "ditindaklanjuti",
        "penjelasan_progres": "Dumas sedang diklarifikasi ke instansi terkait.",
    },
    "survei_skm": {
        **{code: 3 for code in SKM_STANDARD}, "u4": 4,
        "tanggal_survei": "2024-07-10", "waktu_survei": "08.00-12.00", "jenis_kelamin": "P", "usia": 41,
        "pendidikan": "D4/S1", "pekerjaan": "Wirausaha", "saran": "Ruang tunggu diperluas.",
    },
    "catatan_langkah": {"langkah_dilaksanakan": True, "catatan_pelaksanaan": "Hasil survei direkap."},
}

EXPECTED_CLEAN = {
    "screening_pengunjung": {
        "nama": "Siti Aminah", "nik": NIK_OK_WOMAN, "telepon": "+6281234567890",
        "alamat": "Jl. Medan Merdeka Barat No. 15, Jakarta Pusat", "email": "siti@contoh.go.id",
        "tujuan": "konsultasi", "nomor_dumas": "DUMAS-2024-0042", "perihal_dumas": "Keamanan lingkungan",
        "persetujuan_data_pribadi": True,
    },
    "verifikasi_dumas": VALID["verifikasi_dumas"],
    "keputusan_sesdep": {"keputusan": "disetujui", "jadwal_konsultasi": "2024-07-10T09:30",
                         "tempat_konsultasi": "Ruang rapat Deputi V"},
    "penyampaian_keputusan": VALID["penyampaian_keputusan"],
    "pemberitahuan_pengunjung": VALID["pemberitahuan_pengunjung"],
    "kedatangan_pengunjung": {"waktu_kedatangan": "2024-07-10T09:20", "dicatat_oleh": "pengunjung"},
    "layanan_konsultasi": VALID["layanan_konsultasi"],
    "layanan_progres": VALID["layanan_progres"],
    "survei_skm": {**VALID["survei_skm"], "jenis_layanan": "Pelayanan Pengaduan Masyarakat"},
    "catatan_langkah": VALID["catatan_langkah"],
}


@pytest.fixture(scope="module")
def catalog() -> FormCatalog:
    return default_catalog()


def errors_of(catalog: FormCatalog, key: str, **changes) -> dict[str, str]:
    data = {**VALID[key], **changes}
    data = {k: v for k, v in data.items() if v is not None}
    result = catalog.get(key).validate(data)
    assert not result.ok
    return result.errors


# --- Catalog ---------------------------------------------------------------------------------

def test_catalog_loads_exactly_the_nine_forms_in_sop_order(catalog):
    assert catalog.keys() == list(EXPECTED_FORMS)
    for key, step in EXPECTED_FORMS.items():
        form = catalog.get(key)
        assert key in catalog
        assert form.sop_step == step
        assert form.title and form.description
        assert set(form.order) == set(form.schema["properties"]) and len(form.order) == len(set(form.order))
    assert sorted(p.stem for p in SCHEMA_DIR.glob("*.json")) == sorted(EXPECTED_FORMS)


@pytest.mark.parametrize("key", list(EXPECTED_FORMS))
def test_schema_is_valid_2020_12_with_ui_hints(key):
    schema = json.loads((SCHEMA_DIR / f"{key}.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    assert schema["x-sop-step"] == EXPECTED_FORMS[key]
    for name, prop in schema["properties"].items():
        spec = schema["x-ui"]["fields"][name]
        assert spec["widget"] and spec["help"].strip(), name
        assert prop["title"].strip(), name
        if prop.get("type") == "string" and "oneOf" not in prop:
            assert prop["maxLength"] <= 2000, f"{key}.{name} is unbounded"


def test_unknown_form_raises_keyerror_in_indonesian(catalog):
    assert "tidak_ada" not in catalog
    with pytest.raises(UnknownFormError) as info:
        catalog.get("tidak_ada")
    assert isinstance(info.value, KeyError)
    assert str(info.value) == "Formulir tidak dikenal: 'tidak_ada'."


def test_from_schemas_roundtrip_and_snapshots_are_copies(catalog):
    snapshot = catalog.schemas()
    rebuilt = FormCatalog.from_schemas(snapshot)
    assert rebuilt.keys() == catalog.keys()
    assert rebuilt.get("screening_pengunjung").validate(VALID["screening_pengunjung"]).ok
    snapshot["screening_pengunjung"]["properties"].clear()
    assert catalog.get("screening_pengunjung").schema["properties"]
    assert rebuilt.get("screening_pengunjung").schema["properties"]


def _write(tmp_path: Path, key: str, schema) -> Path:
    text = schema if isinstance(schema, str) else json.dumps(schema)
    (tmp_path / f"{key}.json").write_text(text, encoding="utf-8")
    return tmp_path


def _good() -> dict:
    return copy.deepcopy(default_catalog().schemas()["penyampaian_keputusan"])


def _broken_variants():
    missing_order = _good()
    missing_order["x-ui"]["order"].remove("catatan_penyampaian")
    bad_type = _good()
    bad_type["properties"]["catatan_penyampaian"]["type"] = "teks"
    unbounded = _good()
    del unbounded["properties"]["catatan_penyampaian"]["maxLength"]
    bad_widget = _good()
    bad_widget["x-ui"]["fields"]["catalog_x"] = {"widget": "text", "help": "x"}
    open_form = _good()
    open_form["additionalProperties"] = True
    unknown_format = _good()
    unknown_format["properties"]["catatan_penyampaian"]["format"] = "nomor-ktp"
    return [
        ("{ not json", "JSON tidak dapat dibaca"),
        (missing_order, "x-ui.order\" tidak mencakup isian: catatan_penyampaian"),
        (bad_type, "bukan JSON Schema 2020-12"),
        (unbounded, "maxLength"),
        (bad_widget, "catalog_x"),
        (open_form, "additionalProperties"),
        (unknown_format, "nomor-ktp"),
    ]


@pytest.mark.parametrize("schema,problem", _broken_variants())
def test_broken_file_raises_naming_file_and_problem(tmp_path, schema, problem):
    _write(tmp_path, "formulir_rusak", schema)
    with pytest.raises(FormDefinitionError) as info:
        FormCatalog(tmp_path)
    assert info.value.source == "formulir_rusak.json"
    assert "formulir_rusak.json" in str(info.value)
    assert problem in str(info.value)


def test_missing_directory_raises(tmp_path):
    with pytest.raises(FormDefinitionError):
        FormCatalog(tmp_path / "tidak_ada")


# --- Valid submissions -----------------------------------------------------------------------

@pytest.mark.parametrize("key", list(EXPECTED_FORMS))
def test_valid_example_passes_with_cleaned_data(catalog, key):
    result = catalog.get(key).validate(VALID[key])
    assert isinstance(result, ValidationResult)
    assert result.errors == {}
    assert result.ok
    assert result.data == EXPECTED_CLEAN[key]


@pytest.mark.parametrize("raw", ["0812-3456-7890", "081234567890", "+62 812 3456 7890", "6281234567890"])
def test_mobile_phone_normalised_to_e164(catalog, raw):
    result = catalog.get("screening_pengunjung").validate({**VALID["screening_pengunjung"], "telepon": raw})
    assert result.ok, result.errors
    assert result.data["telepon"] == "+6281234567890"


def test_fixed_line_phone_and_nik_with_separators_are_normalised(catalog):
    data = {**VALID["screening_pengunjung"], "telepon": "(021) 345 6789", "nik": "3171 0117 0845 0001"}
    result = catalog.get("screening_pengunjung").validate(data)
    assert result.ok, result.errors
    assert result.data["telepon"] == "+62213456789"
    assert result.data["nik"] == NIK_OK


def test_invalid_result_is_not_normalised(catalog):
    result = catalog.get("screening_pengunjung").validate({**VALID["screening_pengunjung"], "nama": ""})
    assert not result.ok
    assert result.data["telepon"] == "0812-3456-7890"


# --- Error messages --------------------------------------------------------------------------

def test_missing_required_field(catalog):
    errors = errors_of(catalog, "screening_pengunjung", nama="   ", alamat=None)
    assert errors == {"nama": "Wajib diisi.", "alamat": "Wajib diisi."}


@pytest.mark.parametrize("nik", ["31710117084500", "317101170845000123", "3171O11708450001"])
def test_nik_wrong_shape(catalog, nik):
    assert errors_of(catalog, "screening_pengunjung", nik=nik) == {"nik": "NIK harus 16 digit angka."}


@pytest.mark.parametrize("nik", [
    "3171013208450001",  # day 32
    "3171017208450001",  # day 72 (woman's day is 41-71)
    "3171018108450001",  # day 81: stdnum alone accepts it (81 % 40 = 1), domain.md does not
    "3171011713450001",  # month 13
    "3171013002450001",  # 30 February
    "9971011708450001",  # unknown province
])
def test_nik_bad_date_or_region(catalog, nik):
    assert errors_of(catalog, "screening_pengunjung", nik=nik) == {
        "nik": "NIK tidak valid: tanggal lahir atau kode wilayah salah."
    }


@pytest.mark.parametrize("phone", ["0812", "12345", "+14155552671", "08abc", "0812-3456-7890-1234"])
def test_bad_phone(catalog, phone):
    assert errors_of(catalog, "screening_pengunjung", telepon=phone) == {
        "telepon": "Nomor telepon tidak valid. Contoh: 0812-3456-7890."
    }


def test_bad_email(catalog):
    assert errors_of(catalog, "screening_pengunjung", email="siti@contoh") == {
        "email": "Alamat email tidak valid. Contoh: nama@contoh.go.id."
    }


def test_enum_choice(catalog):
    assert errors_of(catalog, "screening_pengunjung", tujuan="jalan-jalan") == {
        "tujuan": "Pilih salah satu: Konsultasi dengan pimpinan, Menanyakan progres Dumas."
    }


@pytest.mark.parametrize("value", [False, None, "on"])
def test_consent_must_be_given(catalog, value):
    assert errors_of(catalog, "screening_pengunjung", persetujuan_data_pribadi=value) == {
        "persetujuan_data_pribadi": "Harus dicentang."
    }


def test_keputusan_ditolak_requires_alasan(catalog):
    form = catalog.get("keputusan_sesdep")
    assert form.validate({"keputusan": "ditolak"}).errors == {"alasan_keputusan": "Wajib diisi."}
    assert form.validate({"keputusan": "ditolak", "alasan_keputusan": "Bukan kewenangan Deputi V."}).ok


def test_keputusan_disetujui_requires_jadwal(catalog):
    form = catalog.get("keputusan_sesdep")
    assert form.validate({"keputusan": "disetujui"}).errors == {"jadwal_konsultasi": "Wajib diisi."}
    assert form.validate({"keputusan": "disetujui", "jadwal_konsultasi": "10-07-2024"}).errors == {
        "jadwal_konsultasi": "Tanggal dan jam tidak valid. Gunakan format TTTT-BB-HH JJ:MM, contoh: 2024-07-10 09:30."
    }


def test_verifikasi_found_requires_status(catalog):
    form = catalog.get("verifikasi_dumas")
    data = {k: v for k, v in VALID["verifikasi_dumas"].items() if k != "status_dumas"}
    assert form.validate(data).errors == {"status_dumas": "Wajib diisi."}
    assert form.validate({**data, "dumas_ditemukan": "tidak"}).ok


@pytest.mark.parametrize("answer", [5, 0, "3", True])
def test_survey_answer_out_of_scale(catalog, answer):
    assert errors_of(catalog, "survei_skm", u3=answer) == {
        "u3": "Pilih salah satu: Tidak cepat, Kurang cepat, Cepat, Sangat cepat."
    }


def test_survey_range_and_date(catalog):
    assert errors_of(catalog, "survei_skm", usia=14) == {"usia": "Harus antara 15 dan 100."}
    assert errors_of(catalog, "survei_skm", usia="empat puluh") == {"usia": "Harus berupa bilangan bulat."}
    assert errors_of(catalog, "survei_skm", tanggal_survei="2024-02-30") == {
        "tanggal_survei": "Tanggal tidak valid. Gunakan format TTTT-BB-HH, contoh: 2024-07-10."
    }


def test_unknown_field_is_a_form_level_error(catalog):
    assert errors_of(catalog, "layanan_progres", rahasia="x", asal="y") == {
        FORM_ERROR_KEY: "Isian tidak dikenal: asal, rahasia."
    }


def test_too_long(catalog):
    assert errors_of(catalog, "screening_pengunjung", nama="A" * 101) == {
        "nama": "Terlalu panjang (maksimal 100 karakter)."
    }
    assert errors_of(catalog, "layanan_konsultasi", ringkasan_konsultasi="x" * 2001) == {
        "ringkasan_konsultasi": "Terlalu panjang (maksimal 2000 karakter)."
    }


def test_not_a_mapping(catalog):
    result = catalog.get("survei_skm").validate(["u1", 3])
    assert set(result.errors) == {FORM_ERROR_KEY}


@pytest.mark.parametrize("key", list(EXPECTED_FORMS))
@pytest.mark.parametrize("garbage", [{"a": 1}, [1, 2], 3.5, "x" * 2500])
def test_every_message_is_one_indonesian_sentence(catalog, key, garbage):
    form = catalog.get(key)
    result = form.validate({name: garbage for name in form.order})
    assert not result.ok
    for name, message in result.errors.items():
        assert name in form.order
        assert isinstance(message, str) and message.endswith(".")
        for english in ("is not", "required property", "valid under", "Additional", "expected"):
            assert english not in message, message


# --- Coercion --------------------------------------------------------------------------------

def test_coerce_html_post(catalog):
    form = catalog.get("survei_skm")
    raw = {**{code: "2" for code in SKM_STANDARD}, "usia": " 33 ", "tanggal_survei": "2024-07-10",
           "waktu_survei": "13.00-17.00", "jenis_kelamin": "L", "pendidikan": "SMA",
           "pekerjaan": "PNS", "saran": "", "jenis_layanan": ["Pelayanan Pengaduan Masyarakat"]}
    data = form.coerce(raw)
    assert data["u1"] == 2 and data["usia"] == 33
    assert "saran" not in data
    assert data["jenis_layanan"] == "Pelayanan Pengaduan Masyarakat"
    assert form.validate(data).ok


def test_coerce_checkboxes_and_unconvertible_values(catalog):
    form = catalog.get("screening_pengunjung")
    assert form.coerce({"persetujuan_data_pribadi": "on"})["persetujuan_data_pribadi"] is True
    assert form.coerce({})["persetujuan_data_pribadi"] is False  # unchecked box is not posted
    assert form.coerce({"persetujuan_data_pribadi": ["off", "on"]})["persetujuan_data_pribadi"] is True
    survey = catalog.get("survei_skm")
    data = survey.coerce({"u1": "sangat", "usia": "3.5", "tak_dikenal": "x"})
    assert data == {"u1": "sangat", "usia": "3.5", "tak_dikenal": "x"}
    errors = survey.validate(data).errors
    assert errors["usia"] == "Harus berupa bilangan bulat."
    assert errors["u1"].startswith("Pilih salah satu: Tidak sesuai")
    assert errors[FORM_ERROR_KEY] == "Isian tidak dikenal: tak_dikenal."


def test_coerce_full_post_then_validate(catalog):
    form = catalog.get("screening_pengunjung")
    raw = {k: ("on" if v is True else str(v)) for k, v in VALID["screening_pengunjung"].items()}
    result = form.validate(form.coerce(raw))
    assert result.ok, result.errors
    assert result.data == EXPECTED_CLEAN["screening_pengunjung"]


def test_coerce_never_raises(catalog):
    for key in EXPECTED_FORMS:
        form = catalog.get(key)
        for raw in ({n: ["a", "b"] for n in form.order}, {n: "\x00" for n in form.order}, {}):
            assert isinstance(form.coerce(raw), dict)


# --- Field names, conditions, personal data --------------------------------------------------

def test_field_names_unique_across_forms_except_documented(catalog):
    seen: dict[str, list[str]] = {}
    for key in catalog.keys():
        for name in catalog.get(key).order:
            seen.setdefault(name, []).append(key)
    shared = {name: keys for name, keys in seen.items() if len(keys) > 1}
    assert shared == {
        "identitas_dicocokkan": ["layanan_konsultasi", "layanan_progres"],
        "telaahan": ["layanan_konsultasi", "layanan_progres"],
    }
    assert set(shared) == SHARED_FIELD_NAMES == set(catalog.shared_field_names())
    for name in SHARED_FIELD_NAMES:  # documented in both schemas, with the same meaning
        props = [catalog.get(k).schema["properties"][name] for k in shared[name]]
        assert all("$comment" in p for p in props)
        assert props[0] == props[1]


def test_gateway_variables(catalog):
    tujuan = catalog.get("screening_pengunjung").fields()[catalog.get("screening_pengunjung").order.index("tujuan")]
    assert [v for v, _ in tujuan.options] == ["konsultasi", "tanya_progres"]
    keputusan = catalog.get("keputusan_sesdep").fields()[0]
    assert keputusan.name == "keputusan" and keputusan.required
    assert [v for v, _ in keputusan.options] == ["disetujui", "ditolak"]


def test_personal_fields(catalog):
    assert catalog.get("screening_pengunjung").personal_fields == {"nama", "nik", "telepon", "alamat", "email"}
    for key in EXPECTED_FORMS:
        if key != "screening_pengunjung":
            assert catalog.get(key).personal_fields == frozenset(), key


def test_fields_describe_the_form(catalog):
    form: Form = catalog.get("screening_pengunjung")
    fields = {f.name: f for f in form.fields()}
    assert [f.name for f in form.fields()] == form.order
    assert fields["nama"].required and fields["nama"].personal and fields["nama"].widget == "text"
    assert not fields["email"].required and fields["email"].personal
    assert fields["tujuan"].widget == "radio"
    assert fields["tujuan"].options == [("konsultasi", "Konsultasi dengan pimpinan"),
                                        ("tanya_progres", "Menanyakan progres Dumas")]
    assert fields["persetujuan_data_pribadi"].widget == "checkbox"
    assert "UU Nomor 27 Tahun 2022" in fields["persetujuan_data_pribadi"].help
    alasan = {f.name: f for f in catalog.get("keputusan_sesdep").fields()}["alasan_keputusan"]
    assert not alasan.required and alasan.required_when == {"keputusan": "ditolak"}


# --- SKM standard ----------------------------------------------------------------------------

def test_survey_matches_the_skm_standard(catalog):
    form = catalog.get("survei_skm")
    fields = {f.name: f for f in form.fields()}
    assert [n for n in form.order if n[1:].isdigit()] == list(SKM_STANDARD)
    for code, (unsur, question, labels) in SKM_STANDARD.items():
        field = fields[code]
        assert field.label == question, code
        assert field.options == list(zip([1, 2, 3, 4], labels)), code
        assert field.widget == "radio" and field.required and field.type == "integer"
        assert form.schema["properties"][code]["x-skm-unsur"] == unsur
        assert unsur in field.help
    assert [v for v, _ in fields["waktu_survei"].options] == ["08.00-12.00", "13.00-17.00"]
    assert [v for v, _ in fields["jenis_kelamin"].options] == ["L", "P"]
    assert [v for v, _ in fields["pendidikan"].options] == ["SD", "SMP", "SMA", "D1", "D2", "D3", "D4/S1", "S2", "S3"]
    assert [v for v, _ in fields["pekerjaan"].options] == ["PNS", "TNI", "POLRI", "Swasta", "Wirausaha", "Lainnya"]
    assert (fields["usia"].minimum, fields["usia"].maximum) == (15, 100)
    assert fields["jenis_layanan"].default == "Pelayanan Pengaduan Masyarakat"
    assert not fields["saran"].required


# --- Architecture ----------------------------------------------------------------------------

def test_forms_imports_no_engine_web_or_orm():
    code = (
        "import sys, forms, forms.catalog, forms.validation, forms.coercion, forms.formats\n"
        "forms.default_catalog()\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "{'engine', 'web', 'flask', 'SpiffWorkflow', 'sqlalchemy'}]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_the_checking_schema_gives_the_verdicts_of_the_form_as_written():
    """Choice lists run as enums for speed; for every choice field of every form, each offered
    value and a few outsiders must be judged exactly as the oneOf-of-consts schema judges them."""
    from forms.definition import FORMAT_CHECKER
    from forms.validation import checking_schema, option_pairs

    catalog = FormCatalog(SCHEMA_DIR)
    checked = 0
    for key in catalog.keys():
        schema = catalog.get(key).schema
        as_written = Draft202012Validator(schema, format_checker=FORMAT_CHECKER)
        fast = Draft202012Validator(checking_schema(schema), format_checker=FORMAT_CHECKER)
        for name, prop in schema["properties"].items():
            values = [value for value, _ in option_pairs(prop)]
            if not values:
                continue
            for candidate in [*values, 0, 5, True, "x", None, 1.0]:
                doc = {name: candidate}
                verdict = lambda v: sorted(e.path[0] for e in v.iter_errors(doc) if e.path)
                assert verdict(fast) == verdict(as_written), (key, name, candidate)
                checked += 1
    assert checked > 100


def test_fields_are_built_once_and_handed_out_in_a_new_list(catalog):
    form = catalog.get("screening_pengunjung")
    first, second = form.fields(), form.fields()
    assert first == second and first is not second  # a caller's list is its own
    assert all(a is b for a, b in zip(first, second))  # the Field objects are built once
    first.clear()
    assert [f.name for f in form.fields()] == form.order


def test_by_key_lists_the_forms_in_sop_order(catalog):
    forms = catalog.by_key()
    assert list(forms) == catalog.keys() and all(forms[key] is catalog.get(key) for key in forms)
    forms.clear()
    assert list(catalog.by_key()) == catalog.keys()
