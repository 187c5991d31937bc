"""Two-factor sign-in: a time-based code (TOTP, RFC 6238, with pyotp) after
the password, or one of ten one-time recovery codes when the device is lost.

A code is accepted in its own 30-second step or the one before or after
(clocks drift), and never twice: the last step used is kept, and a code of
that step or an earlier one is refused, so a code seen over a shoulder or in
a log cannot be replayed. Recovery codes are random (80 bits), kept only as
SHA-256 digests, and deleted when used.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime
from typing import cast

import pyotp
import segno
from sqlalchemy import CursorResult, delete, func, select, update

from .account_models import RecoveryCode, User
from .extensions import db
from .roles import may_edit_statements

# The issuer an authenticator app shows beside the account.
ISSUER = "IST editor"
RECOVERY_CODE_COUNT = 10
# Base32 without the letters people misread; 16 of them are 80 bits.
_RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 16
# Steps either side of now whose code is still accepted.
_DRIFT_STEPS = 1


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_code_svg(uri: str, title: str) -> str:
    """The QR code of ``uri`` as an inline <svg> element: nothing is fetched
    from anywhere, and a light background keeps it readable in dark mode."""
    svg = segno.make(uri, error="m").svg_inline(
        scale=4, border=4, dark="#000", light="#fff", title=title, svgclass="qr-code"
    )
    return svg.replace("<svg ", '<svg role="img" ', 1)


def normalise_code(code: str) -> str:
    """What a person typed, without the spaces and hyphens they may add."""
    return "".join(code.split()).replace("-", "").lower()


def is_time_code(code: str) -> bool:
    return len(code) == 6 and code.isascii() and code.isdigit()


def matching_step(secret: str, code: str, now: datetime | None = None) -> int | None:
    """The 30-second step (near ``now``) whose code ``code`` is, or None."""
    totp = pyotp.TOTP(secret)
    moment = now or datetime.now(UTC)
    current = totp.timecode(moment)
    for step in range(current - _DRIFT_STEPS, current + _DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def start_enrolment(user: User) -> str:
    """The secret for ``user`` to scan: a new one, unless an enrolment is
    already under way (so reloading the page keeps the QR code just scanned).
    Refused with ValueError when 2FA is already on."""
    if user.uses_two_factor:
        raise ValueError("two-factor sign-in is already on")
    if user.totp_secret is None:
        user.totp_secret = new_secret()
        db.session.commit()
    return user.totp_secret


def confirm_enrolment(user: User, code: str) -> list[str] | None:
    """Turn 2FA on if ``code`` is the current code of the secret being
    enrolled, ending ``user``'s sessions; then the new recovery codes, to be
    shown once. None when the code is wrong."""
    if user.uses_two_factor or user.totp_secret is None:
        return None
    code = normalise_code(code)
    step = matching_step(user.totp_secret, code) if is_time_code(code) else None
    if step is None:
        return None
    user.totp_enabled_at = datetime.now(UTC)
    user.totp_last_step = step
    # Other browsers signed in with the password alone are signed out: a
    # session stolen before cannot outlive the second factor.
    user.session_generation += 1
    return replace_recovery_codes(user)


def _digest(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def _recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4))


def replace_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes for ``user`` (the old ones stop working); commits."""
    codes = [_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.add_all(RecoveryCode(user_id=user.id, code_sha256=_digest(c)) for c in codes)
    db.session.commit()
    return codes


def recovery_codes_left(user: User) -> int:
    return db.session.execute(
        select(func.count()).select_from(RecoveryCode).where(RecoveryCode.user_id == user.id)
    ).scalar_one()


def _use_time_code(user: User, code: str) -> bool:
    if user.totp_secret is None:
        return False
    step = matching_step(user.totp_secret, code)
    if step is None:
        return False
    # Compare and set in one statement, so two requests with the same code
    # at the same moment cannot both pass.
    taken = cast(
        CursorResult[None],
        db.session.execute(
            update(User)
            .where(User.id == user.id)
            .where((User.totp_last_step.is_(None)) | (User.totp_last_step < step))
            .values(totp_last_step=step)
        ),
    )
    db.session.commit()
    return taken.rowcount == 1


def _use_recovery_code(user: User, code: str) -> bool:
    # Deleting it is using it: a second request with the same code deletes nothing.
    used = cast(
        CursorResult[None],
        db.session.execute(
            delete(RecoveryCode).where(
                RecoveryCode.user_id == user.id, RecoveryCode.code_sha256 == _digest(code)
            )
        ),
    )
    db.session.commit()
    return used.rowcount == 1


def verify_second_step(user: User, code: str) -> bool:
    """Whether ``code`` completes ``user``'s sign-in: the authenticator's
    current code, not used before, or an unused recovery code (used up now)."""
    if not user.uses_two_factor:
        return False
    code = normalise_code(code)
    if is_time_code(code):
        return _use_time_code(user, code)
    if len(code) == _RECOVERY_LENGTH:
        return _use_recovery_code(user, code)
    return False


def turn_off(user: User) -> None:
    """2FA off for ``user`` (a lost device): the secret and the recovery codes
    are forgotten and every session ends. Commits."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    user.session_generation += 1
    db.session.commit()


def must_enrol(user: User, required: bool) -> bool:
    """Whether ``user`` is kept to the enrolment page (IST_REQUIRE_2FA):
    admins and editors without 2FA; translators never are."""
    return required and may_edit_statements(user) and not user.uses_two_factor
