"""A minimal SMTP sink (RFC 5321 subset, no TLS) for the SMTP adapter's tests.

It accepts every message and keeps (mail_from, rcpt_to, data) tuples.
"""

import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def _reply(self, line):
        self.wfile.write((line + "\r\n").encode())
        self.wfile.flush()

    def handle(self):
        sink = self.server.sink
        self._reply("220 sink.local ESMTP test sink")
        mail_from, rcpt = None, []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            cmd = line[:4].upper()
            if cmd in ("EHLO", "HELO"):
                self._reply("250-sink.local")
                self._reply("250 8BITMIME")
            elif cmd == "MAIL":
                mail_from = line.split(":", 1)[1].strip().strip("<>").split(">")[0]
                rcpt = []
                self._reply("250 OK")
            elif cmd == "RCPT":
                rcpt.append(line.split(":", 1)[1].strip().strip("<>"))
                self._reply("250 OK")
            elif cmd == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    d = self.rfile.readline()
                    if not d or d in (b".\r\n", b".\n"):
                        break
                    if d.startswith(b".."):
                        d = d[1:]
                    lines.append(d)
                with sink.lock:
                    sink.messages.append((mail_from, list(rcpt), b"".join(lines)))
                self._reply("250 OK queued")
            elif cmd == "QUIT":
                self._reply("221 Bye")
                return
            elif cmd in ("RSET", "NOOP"):
                self._reply("250 OK")
            else:
                self._reply("502 Command not implemented")


class SmtpSink:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.sink = self
        self.port = self.server.server_address[1]
        self.url = f"smtp://127.0.0.1:{self.port}"

    def start(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
