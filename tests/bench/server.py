"""The production server for the bench: `alur serve` (waitress) in a subprocess on loopback,
against a fresh SQLite file, with staff accounts and API tokens made through the facade.
"""
from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from engine.case import Actor
from engine.facade import Alur
from engine.settings import Settings
from tests.bench.http_client import Client
from tests.bench.sop import ROOT

PASSWORD = "Rahasia-Kuat-123!"
SETUP = Actor("setup", frozenset({"admin"}))
SERVER_THREADS = 8  # `alur serve`'s default; passed explicitly so the figure printed is the one used
# The sequential measures act as these three; each concurrent client n gets its own ani<n>,
# budi<n> and sesdep<n>, so every request carries the token of a user of that task's lane.
LANE_USERS = {"upp_kementerian": "ani", "upp_unit_kerja": "budi", "sesdep": "sesdep"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _alur_command() -> list[str]:
    script = Path(sys.executable).parent / "alur"
    return [str(script)] if script.exists() else [sys.executable, "-m", "web.cli"]


class Server:
    """Start with `with Server(clients=4) as server:`; tokens[role] and client_tokens[n][role]."""

    def __init__(self, clients: int = 4, threads: int = SERVER_THREADS):
        self.threads = threads
        self.directory = Path(tempfile.mkdtemp(prefix="alur-bench-web-"))
        self.path = self.directory / "web.sqlite3"
        self.url = f"sqlite:///{self.path}"
        self.env = {**os.environ, "ALUR_DATABASE_URL": self.url, "ALUR_SECRET_KEY": secrets.token_hex(32),
                    "PYTHONPATH": str(ROOT)}
        self.process = None
        self.log_path = self.directory / "server.log"
        self._init_database()
        self.alur = Alur(Settings(database_url=self.url))
        self.tokens = {role: self._user_token(name, role) for role, name in LANE_USERS.items()}
        self.client_tokens = [{role: self._user_token(f"{name}{n}", role) for role, name in LANE_USERS.items()}
                              for n in range(1, clients + 1)]
        self.port = _free_port()

    def _init_database(self) -> None:
        done = subprocess.run(_alur_command() + ["init", "--no-demo"], env=self.env, cwd=ROOT,
                              capture_output=True, text=True)
        if done.returncode != 0 and "no-demo" in done.stderr:  # an older CLI without the flag
            done = subprocess.run(_alur_command() + ["init"], env=self.env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"alur init failed:\n{done.stderr}")

    def _user_token(self, username: str, role: str) -> str:
        self.alur.create_user(SETUP, username, username.title(), {role}, PASSWORD)
        _info, token = self.alur.create_api_token(self.alur.authenticate(username, PASSWORD), "bench")
        return token

    def start(self) -> "Server":
        command = _alur_command() + ["serve", "--host", "127.0.0.1", "--port", str(self.port), "--no-worker",
                                     "--threads", str(self.threads)]
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"alur serve exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                client = Client(self.port)
                status, _ = client.get("/masuk")
                client.close()
                if status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"alur serve did not answer within 60 s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def log_problems(self) -> list[str]:
        """Lines of the server's log that tell of trouble (tracebacks, waitress queue warnings)."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return []
        return [line for line in text.splitlines()
                if "Traceback" in line or " ERROR " in line or " WARNING " in line]

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None:
            self._log.close()

    def close(self) -> None:
        self.stop()
        self.alur.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> "Server":
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *exc) -> None:
        self.close()
