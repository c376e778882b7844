#!/usr/bin/env python3
"""A real SMTP server for scripts/check-smtp-keyring: aiosmtpd on loopback,
requiring AUTH LOGIN/PLAIN with one user and password, writing every message
it accepts to DIR/<n>.eml. Usage: smtp-receiver.py PORT DIR USER PASSWORD"""
import sys
import time
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, out, user, password = int(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]
out.mkdir(parents=True, exist_ok=True)


def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password
    return AuthResult(success=ok)


class Save:
    async def handle_DATA(self, server, session, envelope):
        n = len(list(out.glob("*.eml"))) + 1
        (out / f"{n}.eml").write_bytes(envelope.content)
        return "250 OK"


controller = Controller(Save(), hostname="127.0.0.1", port=port, authenticator=authenticator,
                        auth_required=True, auth_require_tls=False)
controller.start()
print("ready", flush=True)
try:
    while True:
        time.sleep(1)
finally:
    controller.stop()
