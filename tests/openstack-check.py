#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""What the OpenStack output tests ask the real lab (as its admin, straight
to the services, not through the fault proxy), test tooling only:

  openstack-check.py prepare USER         create USER (password $PW) with the
                                          admin role in the admin project and
                                          member in the destination project
                                          (as in a ManageIQ deployment); print
                                          the default volume type id
  openstack-check.py drop-user USER       delete USER
  openstack-check.py leftovers GID NAME   JSON: volumes with guest id GID
                                          (any project), ports NAME_port_*,
                                          servers NAME, transfers
  openstack-check.py server ID            JSON: the server, its volumes, ports
  openstack-check.py server-named NAME USER  create a server NAME in the
                                          destination project as USER
                                          (password $PW), no boot wait
  openstack-check.py purge GID NAME       delete what leftovers lists
  openstack-check.py volumes-exist ID...  print the ids of those that exist
  openstack-check.py calls RECORD FROM TO print the proxy's record between two
                                          epoch times as a table
"""

import json
import os
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "openstack"))
import osplab  # noqa: E402
from osplab import ApiError, Session  # noqa: E402

env = osplab.load_env()


def admin():
    return Session(env["OSPLAB_AUTH_URL"], env["OSPLAB_ADMIN_USER"], env["OSPLAB_ADMIN_PASSWORD"],
                   project_name=env["OSPLAB_ADMIN_PROJECT"])


def keystone(s, method, path, body=None):
    return osplab.call(method, env["OSPLAB_AUTH_URL"] + path, body, {"X-Auth-Token": s.token})[2]


def prepare(user):
    password = os.environ["PW"]
    s = admin()
    uid = keystone(s, "POST", "/users", {"user": {"name": user, "password": password,
                                                  "domain_id": "default"}})["user"]["id"]
    admin_role = keystone(s, "GET", "/roles?name=admin")["roles"][0]["id"]
    member_role = keystone(s, "GET", "/roles?name=member")["roles"][0]["id"]
    keystone(s, "PUT", "/projects/%s/users/%s/roles/%s" % (env["OSPLAB_ADMIN_PROJECT_ID"], uid, admin_role))
    keystone(s, "PUT", "/projects/%s/users/%s/roles/%s" % (env["OSPLAB_DEST_PROJECT_ID"], uid, member_role))
    types = s.request("GET", "volumev3", "/types")["volume_types"]
    print(types[0]["id"] if types else "")


def drop_user(user):
    s = admin()
    for u in keystone(s, "GET", "/users?name=" + user)["users"]:
        keystone(s, "DELETE", "/users/" + u["id"])


def leftovers(gid, name):
    s = admin()
    md = json.dumps({"virt_v2v_guest_id": gid})
    vols = s.request("GET", "volumev3", "/volumes/detail?all_tenants=1&metadata=" + urllib.parse.quote(md))
    vols = [{"id": v["id"], "status": v["status"], "project": v.get("os-vol-tenant-attr:tenant_id")}
            for v in vols["volumes"]]
    ports = s.request("GET", "network", "/v2.0/ports")["ports"]
    ports = [{"id": p["id"], "name": p["name"], "project": p["project_id"]} for p in ports
             if p["name"].startswith(name + "_port_")]
    servers = s.request("GET", "compute", "/servers?all_tenants=1&name=" + urllib.parse.quote("^%s$" % name))
    servers = [{"id": v["id"], "name": v["name"]} for v in servers["servers"] if v["name"] == name]
    transfers = s.request("GET", "volumev3", "/volume-transfers/detail?all_tenants=1")["transfers"]
    transfers = [t["id"] for t in transfers if t["name"] == "virt-v2v-" + gid]
    print(json.dumps({"volumes": vols, "ports": ports, "servers": servers, "transfers": transfers}))


def server(sid):
    s = admin()
    v = s.request("GET", "compute", "/servers/" + sid)["server"]
    ports = s.request("GET", "network", "/v2.0/ports?device_id=" + sid)["ports"]
    vols = []
    for a in v.get("os-extended-volumes:volumes_attached", []):
        vol = s.request("GET", "volumev3", "/volumes/" + a["id"])["volume"]
        vols.append({"id": vol["id"], "bootable": vol["bootable"], "status": vol["status"],
                     "index": vol["metadata"].get("virt_v2v_disk_index"),
                     "device": [x["device"] for x in vol["attachments"]]})
    print(json.dumps({"id": v["id"], "name": v["name"], "status": v["status"],
                      "project": v["tenant_id"], "flavor": v["flavor"], "volumes": vols,
                      "ports": [{"name": p["name"], "mac": p["mac_address"],
                                 "ips": [i["ip_address"] for i in p["fixed_ips"]],
                                 "security_groups": p["security_groups"],
                                 "project": p["project_id"]} for p in ports]}))


def server_named(name, user):
    s = Session(env["OSPLAB_AUTH_URL"], user, os.environ["PW"], project_id=env["OSPLAB_DEST_PROJECT_ID"])
    # A server needs a bootable disk: boot from a fresh volume.
    vol = s.request("POST", "volumev3", "/volumes", {"volume": {"size": 1, "name": name + "-root"}})["volume"]["id"]
    s.wait_volume(vol)
    s.request("POST", "volumev3", "/volumes/%s/action" % vol, {"os-set_bootable": {"bootable": True}})
    v = s.request("POST", "compute", "/servers", {"server": {
        "name": name, "flavorRef": env["OSPLAB_FLAVOR_ID"], "networks": "none",
        "block_device_mapping_v2": [{"boot_index": 0, "uuid": vol, "source_type": "volume",
                                     "destination_type": "volume", "delete_on_termination": True}]}})
    print(v["server"]["id"])


def purge(gid, name):
    s = d = admin()
    for t in json.loads(os.popen("%s leftovers %s %s" % (sys.argv[0], gid, name)).read())["transfers"]:
        try:
            s.request("DELETE", "volumev3", "/volume-transfers/" + t)
        except ApiError:
            pass
    md = json.dumps({"virt_v2v_guest_id": gid})
    vols = s.request("GET", "volumev3", "/volumes/detail?all_tenants=1&metadata=" + urllib.parse.quote(md))
    servers = s.request("GET", "compute", "/servers?all_tenants=1&name=" + urllib.parse.quote("^%s$" % name))
    for v in servers["servers"]:
        try:
            s.request("DELETE", "compute", "/servers/" + v["id"])
        except ApiError:
            pass
    for v in servers["servers"]:
        s.wait("server gone", lambda: gone(s, "compute", "/servers/" + v["id"]), timeout=120)
    for p in s.request("GET", "network", "/v2.0/ports")["ports"]:
        if p["name"].startswith(name + "_port_"):
            s.request("DELETE", "network", "/v2.0/ports/" + p["id"])
    for v in vols["volumes"]:
        sess = d if v.get("os-vol-tenant-attr:tenant_id") == env["OSPLAB_DEST_PROJECT_ID"] else s
        try:
            for a in v["attachments"]:
                try:
                    s.request("DELETE", "compute", "/servers/%s/os-volume_attachments/%s" % (a["server_id"], v["id"]))
                except ApiError as e:
                    if e.status != 404:
                        raise
            sess.wait_volume(v["id"], "available", timeout=120)
            sess.request("DELETE", "volumev3", "/volumes/" + v["id"])
        except (ApiError, RuntimeError, TimeoutError) as e:
            print("purge: volume %s: %s" % (v["id"], e), file=sys.stderr)


def volumes_exist(*ids):
    """Print the ids of those volumes that still exist (any project)."""
    s = admin()
    for vid in ids:
        if not gone(s, "volumev3", "/volumes/" + vid):
            print(vid)


def gone(s, svc, path):
    try:
        s.request("GET", svc, path)
    except ApiError as e:
        return e.status == 404
    return False


def calls(record, t0, t1):
    t0, t1 = float(t0), float(t1)
    rows = [json.loads(line) for line in open(record)]
    rows = [r for r in rows if t0 <= r["start"] <= t1]
    base = rows[0]["start"] if rows else 0
    for r in rows:
        path = r["path"]
        if len(path) > 90:
            path = path[:87] + "..."
        print("%7.2f s %7.1f ms %-9s %-6s %s %s%s" % (r["start"] - base, r["ms"], r["service"], r["method"],
                                                     r["status"], path,
                                                     "  [fault %s]" % r["rule"] if r.get("rule") is not None else ""))
    print("%d calls, %.1f ms in total" % (len(rows), sum(r["ms"] for r in rows)))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"prepare": prepare, "drop-user": drop_user, "leftovers": leftovers, "server": server, "server-named": server_named,
     "purge": purge, "calls": calls, "volumes-exist": volumes_exist}[cmd](*args)
