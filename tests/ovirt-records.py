#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Print the requests the oVirt API test server recorded, one per line:
`METHOD PATH[?QUERY] STATUS`, and check the protocol on the way: API calls
carry a valid Bearer token, Accept: application/json and Version: 4; SSO
calls are forms with Accept: application/json; the token request has every
field. With --times each line starts with the seconds since the first."""
import json
import sys


def fail(msg, r):
    sys.exit("ovirt-records: %s in %s" % (msg, json.dumps(r)))


def check(r):
    h = {k.lower(): v for k, v in r["headers"].items()}
    if h.get("accept") != "application/json":
        fail("Accept is not application/json", r)
    if r["path"].startswith("/ovirt-engine/api/"):
        if r["auth"] != "Bearer valid":
            fail("no valid Bearer token", r)
        if h.get("version") != "4":
            fail("no Version: 4", r)
        if r["method"] == "POST" and r["body"] != "{}":
            fail("POST body is not {}", r)
    else:
        if r["auth"] != "none":
            fail("SSO call with Authorization", r)
        if not h.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            fail("SSO call is not a form", r)
        body = r["body"]
        if r["path"].endswith("/oauth/token"):
            if (body.get("grant_type") != "password" or body.get("scope") != "ovirt-app-api"
                    or body.get("password") != "<redacted>" or not body.get("username")):
                fail("token request fields", r)
        elif body.get("token") != "<redacted>" or len(body) != 1:
            fail("logout fields", r)


def main():
    times = "--times" in sys.argv
    path = [a for a in sys.argv[1:] if not a.startswith("--")][0]
    with open(path) as f:
        records = [json.loads(line) for line in f]
    t0 = records[0]["time"] if records else 0
    for r in records:
        check(r)
        q = "?" + r["query"] if r["query"] else ""
        prefix = "%+8.3f " % (r["time"] - t0) if times else ""
        print("%s%s %s%s %s" % (prefix, r["method"], r["path"], q, r["status"]))


main()
