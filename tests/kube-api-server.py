#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A protocol-faithful test server for the part of the Kubernetes API the
wrapper's pod mode uses. A real API server (kube-apiserver with etcd) cannot
run here, so this one speaks the same HTTP and JSON for these calls:

  GET   /api/v1/namespaces/NS/pods/NAME
  PATCH /api/v1/namespaces/NS/pods/NAME  with
        application/merge-patch+json (RFC 7386),
        application/json-patch+json (RFC 6902),
        application/strategic-merge-patch+json (merge semantics for metadata)
        anything else: 415, as the real server answers

Like kube-apiserver: HTTPS only (a certificate the test makes with openssl),
a bearer token (401 with a Status object when it is missing or wrong: the
token file is read on every request so a test can rotate it), 404 for other
objects, 400 for a body that is not JSON or for annotation values that are
not strings, 422 (reason Invalid, cause FieldValueTooLong) when all the
annotations of the object (keys + values) exceed 262144 bytes, and
metadata.resourceVersion bumped on every change. Injected failures (409,
429 with Retry-After, 500, 503) answer the next PATCH requests in order.

Every request is appended to the record file as one JSON line: monotonic
time, method, path, content type, whether the token was right, the parsed
body, the answer status and the annotations after it. The pod as it is
after every change is written to the pod file.

usage: kube-api-server.py --cert C --key K --token-file T --pod POD.json
         --namespace NS --name NAME --record R --pod-out OUT --port-file P
         [--fail-patches 409,429,500] [--grow-after-get BYTES]
"""
import argparse
import copy
import http.server
import json
import os
import ssl
import sys
import threading
import time

ANNOTATIONS_LIMIT = 256 * 1024
PATCH_TYPES = ("application/merge-patch+json", "application/json-patch+json",
               "application/strategic-merge-patch+json")


class Conflict(Exception):
    pass


def status(code, reason, message, details=None):
    body = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": message, "reason": reason, "code": code}
    if details:
        body["details"] = details
    return code, body


def merge_patch(target, patch):
    """RFC 7386."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if not isinstance(target, dict):
        target = {}
    out = dict(target)
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = merge_patch(out.get(k), v)
    return out


def pointer(path):
    if path == "":
        return []
    if not path.startswith("/"):
        raise ValueError("bad JSON pointer %r" % path)
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def resolve(doc, tokens):
    for t in tokens:
        if isinstance(doc, list):
            doc = doc[int(t)]
        else:
            doc = doc[t]
    return doc


def json_patch(doc, ops):
    """RFC 6902 (add, remove, replace, move, copy, test)."""
    doc = copy.deepcopy(doc)
    if not isinstance(ops, list):
        raise ValueError("a JSON patch is an array")
    for op in ops:
        kind, toks = op["op"], pointer(op["path"])
        if kind == "test":
            if resolve(doc, toks) != op["value"]:
                raise Conflict("test failed at %s" % op["path"])
            continue
        if kind in ("move", "copy"):
            value = copy.deepcopy(resolve(doc, pointer(op["from"])))
            if kind == "move":
                doc = apply_one(doc, "remove", pointer(op["from"]), None)
            kind = "add"
        else:
            value = op.get("value")
        doc = apply_one(doc, kind, toks, value)
    return doc


def apply_one(doc, kind, toks, value):
    if not toks:
        return None if kind == "remove" else value
    parent = resolve(doc, toks[:-1])
    last = toks[-1]
    if isinstance(parent, list):
        i = len(parent) if last == "-" else int(last)
        if kind == "add":
            parent.insert(i, value)
        elif kind == "remove":
            del parent[i]
        else:
            parent[i] = value
    elif isinstance(parent, dict):
        if kind in ("remove", "replace") and last not in parent:
            raise KeyError(last)
        if kind == "remove":
            del parent[last]
        else:
            parent[last] = value
    else:
        raise KeyError(last)
    return doc


class State:
    def __init__(self, args):
        self.args = args
        with open(args.pod) as f:
            self.pod = json.load(f)
        self.faults = [int(x) for x in args.fail_patches.split(",") if x] if args.fail_patches else []
        self.lock = threading.Lock()
        self.t0 = time.monotonic()
        self.write_pod()

    def write_pod(self):
        tmp = self.args.pod_out + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.pod, f)
        os.replace(tmp, self.args.pod_out)

    def record(self, entry):
        entry["t"] = round(time.monotonic() - self.t0, 3)
        entry["wall"] = time.time()
        with open(self.args.record, "a") as f:
            f.write(json.dumps(entry) + "\n")


def annotations_size(pod):
    ann = pod.get("metadata", {}).get("annotations") or {}
    return sum(len(k.encode()) + len(v.encode()) for k, v in ann.items() if isinstance(v, str))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "kube-apiserver-test"

    def log_message(self, fmt, *args):
        pass

    def answer(self, code, body, headers=()):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def token_ok(self):
        with open(self.server.state.args.token_file) as f:
            want = f.read().strip()
        return self.headers.get("Authorization", "") == "Bearer " + want

    def handle_any(self, method):
        st = self.server.state
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        entry = {"method": method, "path": self.path, "content_type": ctype,
                 "token_ok": self.token_ok()}
        try:
            entry["body"] = json.loads(raw) if raw else None
        except ValueError:
            entry["body_text"] = raw.decode(errors="replace")
        with st.lock:
            headers = []
            code, body = self.decide(st, method, raw, ctype, entry, headers)
            entry["status"] = code
            entry["annotations"] = dict(st.pod.get("metadata", {}).get("annotations") or {})
            st.record(entry)
        self.answer(code, body, headers)

    def decide(self, st, method, raw, ctype, entry, headers):
        a = st.args
        if not entry["token_ok"]:
            return status(401, "Unauthorized", "Unauthorized")
        want = "/api/v1/namespaces/%s/pods/%s" % (a.namespace, a.name)
        name = self.path.rsplit("/", 1)[-1]
        if self.path != want:
            return status(404, "NotFound", 'pods "%s" not found' % name,
                          {"name": name, "kind": "pods"})
        if method == "GET":
            pod = copy.deepcopy(st.pod)
            if a.grow_after_get:
                st.pod["metadata"].setdefault("annotations", {})["example.com/late"] = "z" * a.grow_after_get
                a.grow_after_get = 0
                st.write_pod()
            return 200, pod
        if ctype not in PATCH_TYPES:
            return status(415, "UnsupportedMediaType",
                          "the body of the request was in an unknown format - accepted media types "
                          "include: application/json-patch+json, application/merge-patch+json, "
                          "application/apply-patch+yaml")
        if st.faults:
            code = st.faults.pop(0)
            entry["injected"] = True
            if code == 409:
                return status(409, "Conflict", 'Operation cannot be fulfilled on pods "%s": the object '
                              'has been modified; please apply your changes to the latest version and '
                              'try again' % a.name, {"name": a.name, "kind": "pods"})
            if code == 429:
                headers.append(("Retry-After", "1"))
                return status(429, "TooManyRequests", "Too many requests, please try again later.",
                              {"retryAfterSeconds": 1})
            return status(code, "InternalError", "Internal error occurred: injected failure")
        try:
            patch = json.loads(raw)
        except ValueError as e:
            return status(400, "BadRequest", "error decoding patch: %s" % e)
        try:
            if ctype == "application/json-patch+json":
                new = json_patch(st.pod, patch)
            else:
                if not isinstance(patch, dict):
                    raise ValueError("a merge patch must be a JSON object here")
                new = merge_patch(st.pod, patch)
        except Conflict as e:
            return status(422, "Invalid", str(e))
        except (KeyError, IndexError, ValueError, TypeError) as e:
            return status(422, "Invalid", "the server rejected our request due to an error in our "
                          "request: %s" % e)
        ann = new.get("metadata", {}).get("annotations") or {}
        bad = [k for k, v in ann.items() if not isinstance(v, str)]
        if bad:
            return status(400, "BadRequest", "json: cannot unmarshal into Go struct field "
                          "ObjectMeta.metadata.annotations of type string (%s)" % bad[0])
        if annotations_size(new) > ANNOTATIONS_LIMIT:
            msg = "Too long: must have at most %d bytes" % ANNOTATIONS_LIMIT
            return status(422, "Invalid", 'Pod "%s" is invalid: metadata.annotations: %s' % (a.name, msg),
                          {"name": a.name, "kind": "Pod", "causes": [
                              {"reason": "FieldValueTooLong", "message": msg,
                               "field": "metadata.annotations"}]})
        meta = new.setdefault("metadata", {})
        meta["resourceVersion"] = str(int(st.pod["metadata"].get("resourceVersion", "1")) + 1)
        st.pod = new
        st.write_pod()
        return 200, st.pod

    def do_GET(self):
        self.handle_any("GET")

    def do_PATCH(self):
        self.handle_any("PATCH")

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")


def main():
    p = argparse.ArgumentParser()
    for opt in ("cert", "key", "token-file", "pod", "namespace", "name", "record", "pod-out", "port-file"):
        p.add_argument("--" + opt, required=True)
    p.add_argument("--fail-patches", default="")
    p.add_argument("--grow-after-get", type=int, default=0,
                   help="after the first GET, someone else adds an annotation of this many bytes")
    args = p.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.state = State(args)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    os.replace(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
