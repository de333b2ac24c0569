"""`alur users ...` and `alur tokens ...`: staff accounts and API tokens from the shell."""
from __future__ import annotations

import sys

import click

from engine.case import Actor
from engine.cli import _emit, _local, _to_plain, cli

# -- accounts ---------------------------------------------------------------------------------
# These commands are for the system operator: someone with a shell on the server, who could
# change the database directly anyway. They act as an admin named "cli" that owns no account, so
# the engine's rules still hold (password policy, never leaving the system without an admin).
CLI_ADMIN = Actor("cli", frozenset({"admin"}))


def _password(from_stdin: bool) -> str:
    if from_stdin:  # one line, for scripts: printf '%s\n' "$PW" | alur users create ...
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Kata sandi", hide_input=True, confirmation_prompt="Ulangi kata sandi")


def _user_plain(info) -> dict:
    return {**_to_plain(info), "roles": sorted(info.roles)}


def _user_line(u) -> str:
    state = "aktif" if u.active else "NONAKTIF"
    locked = f", terkunci sampai {_local(u.locked_until)}" if u.locked_until else ""
    return (f"{u.username:<24} {u.full_name:<28} {', '.join(sorted(u.roles)):<30} {state}{locked}, "
            f"terakhir masuk {_local(u.last_login_at)}")


password_stdin = click.option("--password-stdin", is_flag=True,
                              help="Baca kata sandi dari satu baris stdin (tanpa ini: ditanyakan).")


@cli.group("users")
def users_group():
    """Kelola akun staf (sebagai operator sistem)."""


@users_group.command("create")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="Nama lengkap.")
@click.option("--role", "roles", multiple=True, required=True, help="Peran (boleh berulang).")
@password_stdin
@click.pass_obj
def users_create_cmd(state, username, full_name, roles, password_stdin):
    """Buat akun staf baru."""
    info = state.alur.create_user(CLI_ADMIN, username, full_name, set(roles), _password(password_stdin))
    _emit(state, _user_plain(info), f"Akun {info.username} dibuat (peran: {', '.join(sorted(info.roles))}).")


@users_group.command("list")
@click.pass_obj
def users_list_cmd(state):
    """Daftar akun staf."""
    users = state.alur.users(CLI_ADMIN)
    _emit(state, [_user_plain(u) for u in users], "\n".join(_user_line(u) for u in users) or "Belum ada akun.")


@users_group.command("reset-password")
@click.argument("username")
@password_stdin
@click.pass_obj
def users_reset_cmd(state, username, password_stdin):
    """Atur kata sandi baru (sekaligus membuka kunci akun)."""
    info = state.alur.reset_password(CLI_ADMIN, username, _password(password_stdin))
    _emit(state, _user_plain(info), f"Kata sandi {info.username} diatur ulang; akun tidak terkunci.")


@users_group.command("set-roles")
@click.argument("username")
@click.option("--role", "roles", multiple=True, required=True, help="Peran (boleh berulang); menggantikan yang lama.")
@click.pass_obj
def users_roles_cmd(state, username, roles):
    """Ganti peran sebuah akun."""
    info = state.alur.update_user(CLI_ADMIN, username, roles=set(roles))
    _emit(state, _user_plain(info), f"Peran {info.username}: {', '.join(sorted(info.roles))}.")


@users_group.command("deactivate")
@click.argument("username")
@click.pass_obj
def users_deactivate_cmd(state, username):
    """Nonaktifkan akun (tidak bisa masuk, tokennya berhenti berlaku)."""
    info = state.alur.update_user(CLI_ADMIN, username, active=False)
    _emit(state, _user_plain(info), f"Akun {info.username} dinonaktifkan.")


@users_group.command("activate")
@click.argument("username")
@click.pass_obj
def users_activate_cmd(state, username):
    """Aktifkan kembali akun."""
    info = state.alur.update_user(CLI_ADMIN, username, active=True)
    _emit(state, _user_plain(info), f"Akun {info.username} diaktifkan.")


@cli.group("tokens")
def tokens_group():
    """Kelola token API (untuk skrip dan integrasi)."""


@tokens_group.command("create")
@click.argument("username")
@click.option("--name", required=True, help="Untuk apa token ini, misalnya 'laporan harian'.")
@click.pass_obj
def tokens_create_cmd(state, username, name):
    """Buat token API untuk akun USERNAME; token dicetak sekali saja."""
    # A token is made for one's own account: the operator acts as that user here.
    info, token = state.alur.create_api_token(Actor(username, frozenset()), name)
    _emit(state, {"token": token, **_to_plain(info)},
          f"Token API #{info.id} '{info.name}' untuk {info.username} (dicetak sekali saja; simpan sekarang):\n{token}")


@tokens_group.command("list")
@click.argument("username")
@click.pass_obj
def tokens_list_cmd(state, username):
    """Daftar token API sebuah akun (tanpa tokennya sendiri)."""
    items = state.alur.api_tokens(Actor(username, frozenset()))
    lines = [f"#{t.id} {t.prefix}… '{t.name}' dibuat {_local(t.created_at)}, terakhir dipakai {_local(t.last_used_at)}"
             + (f", DICABUT {_local(t.revoked_at)}" if t.revoked_at else "") for t in items]
    _emit(state, items, "\n".join(lines) or f"{username} belum punya token.")


@tokens_group.command("revoke")
@click.argument("token_id", type=int)
@click.pass_obj
def tokens_revoke_cmd(state, token_id):
    """Cabut token API (nomornya dari `alur tokens list`)."""
    state.alur.revoke_api_token(CLI_ADMIN, token_id)
    _emit(state, {"revoked": token_id}, f"Token #{token_id} dicabut.")
