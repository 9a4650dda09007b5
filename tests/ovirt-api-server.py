#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""A test double of the oVirt engine: its REST API v4 and its SSO service.

A real oVirt engine (a Java application server with PostgreSQL) cannot run
on a build host, so the wrapper's oVirt client is tested against this
server. It speaks the same protocol the official SDKs use, on HTTPS with a
certificate the test made:

  POST /ovirt-engine/sso/oauth/token     form grant_type=password,
       scope=ovirt-app-api, username, password -> {"access_token": ...};
       wrong credentials -> 400 {"error": "access_denied", ...}
  POST /ovirt-engine/services/sso-logout form token=TOKEN (revokes it)
  GET  /ovirt-engine/api/storagedomains?search=name%3D%22NAME%22
  GET  /ovirt-engine/api/disks/ID        {"id", "status"}: "locked" for the
       first `locked_polls` GETs, then "ok"; 404 when unknown or deleted
  DELETE /ovirt-engine/api/disks/ID
  GET  /ovirt-engine/api/imagetransfers  {"image_transfer": [...]}
  POST /ovirt-engine/api/imagetransfers/ID/cancel
API calls need "Authorization: Bearer TOKEN" (401 otherwise) and get JSON
with "Accept: application/json".

Configuration: a JSON file (--config), re-read whenever it changes (the
server's in-memory state is reset then):
  {"users": {"admin@internal": "PASSWORD"},
   "storage_domains": [{"name": "data", "type": "nfs"}],
   "disks": {"ID": {"locked_polls": 2}},
   "transfers": [{"id": "T", "disk": "ID", "phase": "transferring"}],
   "delay": 0,                      # seconds before every answer (slow mode)
   "faults": [{"method": "GET", "path": "/ovirt-engine/api/disks/X",
               "status": 500, "reason": "Operation Failed", "detail": "..."}]}

Every request is appended to --record as one JSON line: time, method, path,
query, headers (the Authorization value reduced to its scheme and whether
the token was valid), the body (form bodies with the password replaced by
"<redacted>"), and the status sent back.
"""

import argparse
import json
import os
import secrets
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API = "/ovirt-engine/api/"


class Engine:
    def __init__(self, config_path, record_path):
        self.config_path = config_path
        self.record_path = record_path
        self.lock = threading.Lock()
        self.config_text = None
        self.reset({})

    def reset(self, config):
        self.config = config
        self.generation = getattr(self, "generation", 0) + 1
        self.tokens = set()
        self.disks = {k: dict(v) for k, v in config.get("disks", {}).items()}
        self.transfers = [dict(t) for t in config.get("transfers", [])]

    def refresh(self):
        try:
            with open(self.config_path) as f:
                text = f.read()
        except FileNotFoundError:
            text = "{}"
        if text != self.config_text:
            self.config_text = text
            self.reset(json.loads(text or "{}"))

    def record(self, entry):
        with open(self.record_path, "a") as f:
            f.write(json.dumps(entry, sort_keys=True) + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "ovirt-engine-test-double"

    def log_message(self, fmt, *args):
        pass

    def send_json(self, status, obj):
        body = json.dumps(obj).encode()
        self.status_sent = status
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def fault(self, status, reason, detail):
        self.send_json(status, {"fault": {"reason": reason, "detail": detail}})

    def handle_any(self, method):
        engine = self.server.engine
        url = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode() if length else ""
        self.status_sent = None
        with engine.lock:
            engine.refresh()
            body, auth = self.dispatch(engine, method, url, raw)
            entry = {
                "time": time.time(), "method": method, "path": url.path, "query": url.query,
                "headers": {k: v for k, v in self.headers.items() if k.lower() != "authorization"},
                "auth": auth, "body": body, "status": self.status_sent,
            }
            engine.record(entry)

    def check_token(self, engine):
        value = self.headers.get("Authorization")
        if value is None:
            return "none"
        scheme, _, token = value.partition(" ")
        if scheme != "Bearer":
            return "scheme:" + scheme
        return "Bearer valid" if token in engine.tokens else "Bearer invalid"

    def dispatch(self, engine, method, url, raw):
        cfg = engine.config
        delay = cfg.get("delay", 0)
        path = url.path
        auth = self.check_token(engine)
        ctype = self.headers.get("Content-Type", "")
        if ctype.startswith("application/x-www-form-urlencoded"):
            form = dict(urllib.parse.parse_qsl(raw, keep_blank_values=True))
            recorded = {k: ("<redacted>" if k in ("password", "token") else v) for k, v in form.items()}
        else:
            form = {}
            recorded = raw
        if delay:
            generation = engine.generation
            engine.lock.release()
            time.sleep(delay)
            engine.lock.acquire()
            if engine.generation != generation:
                # The test moved on (the client timed out): not part of it.
                raise ConnectionAbortedError("stale delayed request")
        for f in cfg.get("faults", []):
            if f.get("method", method) == method and f["path"] == path:
                self.fault(f.get("status", 500), f.get("reason", ""), f.get("detail", ""))
                return recorded, auth

        if method == "POST" and path == "/ovirt-engine/sso/oauth/token":
            self.sso_token(engine, form)
        elif method == "POST" and path == "/ovirt-engine/services/sso-logout":
            engine.tokens.discard(form.get("token"))
            self.send_json(200, {})
        elif not path.startswith(API):
            self.fault(404, "Not Found", path)
        elif auth != "Bearer valid":
            self.send_json(401, {"fault": {"reason": "Unauthorized", "detail": "no valid token"}})
        elif self.headers.get("Version") != "4":
            self.fault(400, "Bad Request", "Version: 4 header missing")
        else:
            self.api(engine, method, path[len(API):], urllib.parse.parse_qs(url.query), raw)
        return recorded, auth

    def sso_token(self, engine, form):
        users = engine.config.get("users", {})
        if (form.get("grant_type") != "password" or form.get("scope") != "ovirt-app-api"
                or "username" not in form or "password" not in form):
            self.send_json(400, {"error": "invalid_request",
                                 "error_description": "grant_type, scope, username and password are required"})
        elif users.get(form["username"]) != form["password"]:
            self.send_json(400, {"error": "access_denied",
                                 "error_description": "Cannot authenticate user '%s': The username or password is incorrect." % form["username"]})
        else:
            token = secrets.token_urlsafe(24)
            engine.tokens.add(token)
            self.send_json(200, {"access_token": token, "scope": "ovirt-app-api",
                                 "exp": str(int(time.time() + 3600) * 1000), "token_type": "bearer"})

    def api(self, engine, method, rel, query, raw):
        parts = rel.split("/")
        if method == "GET" and rel == "storagedomains":
            self.storage_domains(engine, query)
        elif method == "GET" and rel == "imagetransfers":
            self.send_json(200, {"image_transfer": [
                {"id": t["id"], "href": "/ovirt-engine/api/imagetransfers/" + t["id"],
                 "phase": t.get("phase", "transferring"), "direction": "upload",
                 "disk": {"id": t["disk"], "href": "/ovirt-engine/api/disks/" + t["disk"]},
                 "image": {"id": t["disk"]}} for t in engine.transfers]})
        elif method == "POST" and len(parts) == 3 and parts[0] == "imagetransfers" and parts[2] == "cancel":
            t = next((t for t in engine.transfers if t["id"] == parts[1]), None)
            if t is None:
                self.fault(404, "Not Found", "image transfer " + parts[1])
            else:
                engine.transfers.remove(t)
                self.send_json(200, {"status": "complete"})
        elif len(parts) == 2 and parts[0] == "disks" and method in ("GET", "DELETE"):
            disk = engine.disks.get(parts[1])
            if disk is None:
                self.fault(404, "Not Found", "disk " + parts[1])
            elif method == "GET":
                polls = disk.setdefault("polls", 0)
                disk["polls"] = polls + 1
                status = "locked" if polls < disk.get("locked_polls", 0) else "ok"
                self.send_json(200, {"id": parts[1], "href": "/ovirt-engine/api/disks/" + parts[1],
                                     "status": status, "name": "disk"})
            else:
                polls = disk.get("polls", 0)
                if polls <= disk.get("locked_polls", 0):
                    self.fault(409, "Operation Failed", "[Cannot remove Virtual Disk: Disk is locked.]")
                else:
                    del engine.disks[parts[1]]
                    self.send_json(200, {})
        else:
            self.fault(404, "Not Found", rel)

    def storage_domains(self, engine, query):
        search = query.get("search", [""])[0]
        wanted = None
        if search.startswith('name="') and search.endswith('"'):
            wanted = search[6:-1]
        sensitive = query.get("case_sensitive", ["false"])[0] == "true"
        found = []
        for i, d in enumerate(engine.config.get("storage_domains", [])):
            name = d["name"]
            if wanted is not None and not (name == wanted if sensitive else name.lower() == wanted.lower()):
                continue
            found.append({"id": d.get("id", "00000000-0000-0000-0000-%012d" % i),
                          "name": name, "type": "data",
                          "storage": {"type": d["type"]}})
        self.send_json(200, {"storage_domain": found} if found else {})

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_DELETE(self):
        self.handle_any("DELETE")


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # Clients that give up (timeouts, rejected certificates) are expected.
        if not isinstance(sys.exc_info()[1], (OSError, ssl.SSLError)):
            super().handle_error(request, client_address)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--config", required=True)
    p.add_argument("--record", required=True)
    p.add_argument("--port-file", required=True)
    a = p.parse_args()

    server = Server(("127.0.0.1", 0), Handler)
    server.engine = Engine(a.config, a.record)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(a.cert, a.key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, a.port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
