"""Step 5's suggested message, built from the case data (unit: no database)."""
from __future__ import annotations

import pytest
from flask import Flask
from flask_babel import Babel

from tests.sop_data import keputusan, screening
from web.staff.courtesy import schedule_text, visitor_message


@pytest.fixture
def babel_context():
    app = Flask(__name__)
    app.config.update(BABEL_DEFAULT_LOCALE="id", BABEL_DEFAULT_TIMEZONE="Asia/Jakarta")
    Babel(app)
    with app.test_request_context():
        yield


def test_approval_invites_the_visitor_with_place_time_and_ticket(babel_context):
    data = {**screening(nama="Siti Rahmawati"), **keputusan(True)}
    message = visitor_message(data, "ABCDE-23456")
    assert message == ("Yth. Bapak/Ibu, dengan hormat kami sampaikan bahwa permohonan konsultasi "
                       "Anda telah disetujui. Silakan datang ke Ruang rapat Deputi V pada Selasa, 1 Desember 2026 "
                       "pukul 10.00 WIB, dengan membawa slip tiket ABCDE-23456. Terima kasih.")


def test_approval_of_a_progress_question_says_what_was_asked(babel_context):
    data = {**screening("tanya_progres"), **keputusan(True)}
    message = visitor_message(data, "ABCDE-23456")
    assert "permohonan Anda untuk menanyakan progres Dumas telah disetujui" in message
    assert "permohonan konsultasi" not in message


def test_refusal_quotes_the_reason_politely(babel_context):
    data = {**screening(nama="Agus Pratama"), **keputusan(False)}
    message = visitor_message(data, "ABCDE-23456")
    assert "Agus" not in message  # public, chained data: a name would outlive the retention purge
    assert message.startswith("Yth. Bapak/Ibu, dengan berat hati kami sampaikan")
    assert "karena: Dumas masih dalam proses verifikasi instansi terkait. Anda tetap dapat" in message
    assert "ABCDE-23456" in message and message.endswith("Mohon maaf dan terima kasih atas pengertiannya.")
    assert ".." not in message


def test_no_message_before_a_decision(babel_context):
    assert visitor_message(screening(), "ABCDE-23456") is None


def test_missing_details_still_make_a_sentence(babel_context):
    message = visitor_message({"keputusan": "disetujui"}, "ABCDE-23456")
    assert message.startswith("Yth. Bapak/Ibu, ") and "datang ke unit kerja pada waktu yang akan kami informasikan" in message


@pytest.mark.parametrize("value, expected", [
    ("2026-12-01T10:00:00+07:00", "Selasa, 1 Desember 2026 pukul 10.00 WIB"),
    ("2026-12-01T03:00:00+00:00", "Selasa, 1 Desember 2026 pukul 10.00 WIB"),  # shown on the office's clock
    ("2026-12-01T10:00", "Selasa, 1 Desember 2026 pukul 10.00 WIB"),  # datetime-local: office time
    ("besok pagi", "besok pagi"),
])
def test_schedule_text(babel_context, value, expected):
    assert schedule_text(value) == expected
