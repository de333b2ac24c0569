"""The production server as an operator starts it: `alur init --no-demo`, then `alur serve`.

Staff accounts are made in-process through the facade before the server starts (the CLI's
`users create` would do the same, one slow subprocess per account).
"""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from engine.case import Actor
from engine.facade import Alur
from engine.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
ALUR_SCRIPT = Path(sys.executable).parent / "alur"
PASSWORD = "Rahasia-Kuat-123!"
SETUP = Actor("setup", frozenset({"admin"}))

# Two front-desk staff so that a second UPP Kementerian colleague exists, as in the office.
E2E_USERS = {
    "ani": ("Ani Rahmawati", {"upp_kementerian"}),
    "ana": ("Ana Lestari", {"upp_kementerian"}),
    "budi": ("Budi Hartono", {"upp_unit_kerja"}),
    "sesdep": ("Sekretaris Deputi", {"sesdep"}),
    "admin": ("Admin Sistem", {"admin"}),
    "pemilik": ("Pemilik Proses", {"process_owner"}),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def compile_catalogs() -> None:
    """What `make run` does first: the .mo files are build products, not in git."""
    for po in (ROOT / "web" / "translations").glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            subprocess.run([str(Path(sys.executable).parent / "pybabel"), "-q", "compile", "-i", str(po),
                            "-o", str(mo)], check=True, timeout=120)


class Server:
    def __init__(self, workdir: Path, log_path: Path):
        self.workdir = workdir
        self.log_path = log_path
        self.database_url = f"sqlite:///{workdir / 'e2e.sqlite3'}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self._log = None

    def env(self) -> dict:
        env = dict(os.environ)
        env.update({
            "ALUR_DATABASE_URL": self.database_url,
            "ALUR_SECRET_KEY": secrets.token_hex(32),
            # Several tests log in and track the same way; the limits themselves are tested in tests/webapp.
            "ALUR_LOGIN_LIMIT": "1000 per minute",
            "ALUR_TRACK_LIMIT": "1000 per minute",
        })
        return env

    def prepare(self) -> None:
        compile_catalogs()
        result = subprocess.run([str(ALUR_SCRIPT), "init", "--no-demo"], env=self.env(), cwd=ROOT,
                                capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"alur init failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        alur = Alur(Settings(database_url=self.database_url))
        try:
            for username, (full_name, roles) in E2E_USERS.items():
                alur.create_user(SETUP, username, full_name, roles, PASSWORD)
        finally:
            alur.close()

    def start(self, timeout: float = 60) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w", encoding="utf-8")
        self.process = subprocess.Popen(
            [str(ALUR_SCRIPT), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env(), cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"alur serve exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(f"{self.url}/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"alur serve did not answer /health within {timeout} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._log:
            self._log.close()

    def log_tail(self, lines: int = 40) -> str:
        if self._log:
            self._log.flush()
        try:
            return "\n".join(self.log_path.read_text(encoding="utf-8").splitlines()[-lines:])
        except OSError:
            return "(no server log)"
