#!/usr/bin/env python3
"""Real receivers for scripts/check-outbox-faults, on loopback:

  fault-receivers.py smtp PORT LOG [DELAY_MS [OUTBOX]]   an SMTP server (aiosmtpd)
  fault-receivers.py http PORT LOG [DELAY_MS]            an HTTP server taking POSTs

DELAY_MS: how long each takes over a report (a slow server keeps the
sender busy, so kills land mid-send). SMTP: four fifths before the mail's
data is sent (at RCPT), one fifth after it arrived, before it is recorded
and answered. HTTP: all of it after the whole request arrived (a client
writes headers and body at once). A sender killed after the report
arrived cannot know it did, and sends it again under the same key.

Each accepted report is one line in LOG: "<report id> <key> <taken>
<answered>", the key being what a deduplicating receiver would go by: the
mail's Message-ID, the webhook's Idempotency-Key. The report id comes from
the report itself (X-Secondlook-Report-Id; the JSON body's "id"), so the
check can tell a key that changed between retries from a second report.
<taken> and <answered> are "connected" or "gone": whether the sender was
still there when the receiver took the report (before writing it down)
and when it answered (after writing it down and syncing). The HTTP
server, like most web frameworks, finishes a request whose client has
left (the sender was killed during its DELAY_MS of work: the report is
kept although no one will read the answer); aiosmtpd cancels a session
whose client left, so a mail taken from a gone sender is rare. A sender
that was there at the answer and still sent the report again was killed
after the answer left the receiver and before its outbox recorded it.

OUTBOX (smtp): the sender's outbox directory. When a sender says QUIT,
the state its outbox file has for that mail is appended to LOG.quit as
"<report id> <state>": the sender records a delivery right after the 250
that follows the data, before QUIT, so it must be "delivered".
"""
import json
import os
import re
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

mode, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
delay = (int(sys.argv[4]) if len(sys.argv) > 4 else 0) / 1000
before, after = delay * 0.8, delay * 0.2
lock = threading.Lock()


outbox = sys.argv[5] if len(sys.argv) > 5 else None


def record(report_id, key, taken, answered):
    """Write the report down (synced, as a mail server does before its
    250), then see whether the sender is still there to get the answer."""
    with lock:
        with open(log, "a") as f:
            f.write(f"{report_id} {key} {taken} ")
            f.flush()
            os.fsync(f.fileno())
            f.write(f"{answered()}\n")
            f.flush()


def sender(conn):
    """"gone" when the client closed its side (a killed sender), else "connected"."""
    try:
        return "gone" if conn.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b"" else "connected"
    except BlockingIOError:
        return "connected"
    except OSError:
        return "gone"


if mode == "smtp":
    import asyncio

    from aiosmtpd.controller import Controller

    class Save:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            await asyncio.sleep(before)
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            content = envelope.content if isinstance(envelope.content, bytes) else envelope.content.encode()
            rid = re.search(rb"^X-Secondlook-Report-Id: *(\S+)", content, re.M | re.I)
            mid = re.search(rb"^Message-ID: *(\S+)", content, re.M | re.I)
            await asyncio.sleep(after)
            gone = server.transport is None or server.transport.is_closing()
            report_id = rid.group(1).decode() if rid else "no-id"

            def answered():
                # The event loop waits for the sync: look at the socket itself.
                sock = server.transport.get_extra_info("socket") if server.transport else None
                if sock is None:
                    return "gone"
                with socket.fromfd(sock.fileno(), sock.family, sock.type) as peek:
                    return sender(peek)

            record(
                report_id,
                mid.group(1).decode() if mid else "no-message-id",
                "gone" if gone else "connected",
                answered,
            )
            session.taken = getattr(session, "taken", []) + [report_id]
            return "250 OK"

        async def handle_QUIT(self, server, session, envelope):
            if outbox:
                for report_id in getattr(session, "taken", []):
                    try:
                        with open(os.path.join(outbox, report_id + ".json")) as f:
                            channels = json.load(f)["channels"]
                        state = next(c["state"] for c in channels if c["target"]["kind"] == "smtp")
                    except (OSError, ValueError, KeyError, StopIteration):
                        state = "unreadable"
                    with lock:
                        with open(log + ".quit", "a") as f:
                            f.write(f"{report_id} {state}\n")
            return "221 Bye"

    controller = Controller(Save(), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    try:
        while True:
            time.sleep(1)
    finally:
        controller.stop()
else:

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if len(body) < length:
                return  # the sender died mid-request: nothing arrived
            time.sleep(delay)
            try:
                rid = json.loads(body).get("id") or "no-id"
            except ValueError:
                rid = "no-id"
            record(
                rid,
                self.headers.get("Idempotency-Key") or "no-key",
                sender(self.connection),
                lambda: sender(self.connection),
            )
            try:
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            except OSError:
                pass  # the sender was killed after the report was accepted

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Hook)
    server.daemon_threads = True
    print("ready", flush=True)
    server.serve_forever()
