"""A loopback SMTP server for tests: enough SMTP to take messages and record them."""

import contextlib
import socketserver
import threading
import time
from collections import Counter


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Every command gets 250 and DATA is read to '.'; each connection keeps its own recipient.
    A recipient whose name starts with "bad" is refused (550), as an unknown mailbox is."""

    def reply(self, line: str) -> None:
        self.wfile.write((line + "\r\n").encode())

    def handle(self):
        rcpt = ""
        self.reply("220 test ESMTP")
        while line := self.rfile.readline():
            command = line.decode().strip().upper()
            if command.startswith("DATA"):
                self.reply("354 go ahead")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk
                if rcpt.startswith("bad"):
                    self.reply("550 no such user")
                    continue
                time.sleep(self.server.delay)  # a server that takes its time: senders overlap
                with self.server.lock:
                    self.server.messages.append((rcpt, data.decode()))
                self.reply("250 queued")
            elif command.startswith("RCPT"):
                rcpt = command.split(":", 1)[1].strip(" <>").lower()
                self.reply("250 ok")
            elif command.startswith("QUIT"):
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


class SMTPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, delay: float = 0.0) -> None:
        super().__init__(("127.0.0.1", 0), _SMTPHandler)
        self.delay, self.lock, self.messages = delay, threading.Lock(), []

    @property
    def port(self) -> int:
        return self.server_address[1]

    def per_recipient(self) -> Counter:
        with self.lock:
            return Counter(rcpt for rcpt, _ in self.messages)


@contextlib.contextmanager
def serving(server: SMTPServer):
    """Serve on a thread of its own for the block, then shut down and close."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
