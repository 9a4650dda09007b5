"""A small OpenStack REST client for the lab's own scripts (lab-smoke,
fake-engine-openstack), Python standard library only.

It is test tooling, not the product's client: it speaks the same calls
(Keystone v3 password auth, catalog lookup, Cinder/Neutron/Nova JSON) so
the scripts can drive and inspect the real services.
"""

import json
import os
import time
import urllib.error
import urllib.request

VOLUME_MICROVERSION = "volume 3.55"
COMPUTE_MICROVERSION = "2.67"


class ApiError(Exception):
    def __init__(self, method, url, status, body):
        self.method, self.url, self.status, self.body = method, url, status, body
        super().__init__("%s %s -> HTTP %s: %s" % (method, url, status, body[:300]))


def load_env(path=None):
    """The variables lab-start wrote (export NAME=VALUE lines)."""
    path = path or os.environ.get("OSPLAB_ENV", "/run/v2vw-osplab/env")
    env = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("export "):
                line = line[len("export "):]
            if "=" in line and not line.startswith("#"):
                k, v = line.split("=", 1)
                env[k] = v
    return env


def call(method, url, body=None, headers=None, timeout=60):
    """One HTTP request; returns (status, headers, parsed JSON or None).
    Raises ApiError on a status >= 400."""
    data = None
    hdrs = {"Accept": "application/json"}
    if body is not None:
        data = json.dumps(body).encode()
        hdrs["Content-Type"] = "application/json"
    hdrs.update(headers or {})
    req = urllib.request.Request(url, data=data, headers=hdrs, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
            status, rhdrs = resp.status, resp.headers
    except urllib.error.HTTPError as e:
        raise ApiError(method, url, e.code, e.read().decode(errors="replace"))
    parsed = json.loads(raw) if raw.strip() else None
    return status, rhdrs, parsed


class Session:
    """A project-scoped Keystone v3 token and its catalog."""

    def __init__(self, auth_url, user, password, project_name=None,
                 project_id=None, user_domain=None, project_domain=None,
                 region=None, interface="public"):
        self.auth_url = auth_url.rstrip("/")
        if not self.auth_url.endswith("/v3"):
            self.auth_url += "/v3"
        self.user, self.password = user, password
        self.project_name, self.project_id = project_name, project_id
        self.user_domain, self.project_domain = user_domain, project_domain
        self.region, self.interface = region, interface
        self.token = None
        self.catalog = []
        self.authenticate()

    def authenticate(self):
        # No domain given: the default one, as the OpenStack CLI does.
        def domain(name):
            return {"name": name} if name else {"id": "default"}
        if self.project_id:
            project = {"id": self.project_id}
        else:
            project = {"name": self.project_name,
                       "domain": domain(self.project_domain)}
        body = {"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": self.user, "domain": domain(self.user_domain),
                "password": self.password}}},
            "scope": {"project": project}}}
        _, hdrs, data = call("POST", self.auth_url + "/auth/tokens", body)
        self.token = hdrs["X-Subject-Token"]
        self.project_id = data["token"]["project"]["id"]
        self.catalog = data["token"].get("catalog", [])
        return data

    def endpoint(self, service_type):
        for svc in self.catalog:
            if svc["type"] != service_type:
                continue
            for ep in svc["endpoints"]:
                if ep["interface"] != self.interface:
                    continue
                if self.region and ep.get("region_id") != self.region:
                    continue
                return ep["url"].rstrip("/")
        raise LookupError("no %s endpoint (%s) in the catalog"
                          % (service_type, self.interface))

    def request(self, method, service_type, path, body=None, headers=None,
                reauth=True):
        hdrs = {"X-Auth-Token": self.token}
        if service_type == "volumev3":
            hdrs["OpenStack-API-Version"] = VOLUME_MICROVERSION
        elif service_type == "compute":
            hdrs["X-OpenStack-Nova-API-Version"] = COMPUTE_MICROVERSION
        hdrs.update(headers or {})
        url = self.endpoint(service_type) + path
        try:
            return call(method, url, body, hdrs)[2]
        except ApiError as e:
            if e.status == 401 and reauth:
                self.authenticate()
                return self.request(method, service_type, path, body,
                                    headers, reauth=False)
            raise

    def wait(self, what, fn, timeout=120, interval=0.5):
        """Poll fn() until it returns a true value; TimeoutError after
        timeout seconds."""
        end = time.monotonic() + timeout
        while True:
            v = fn()
            if v:
                return v
            if time.monotonic() > end:
                raise TimeoutError("%s: not within %s s" % (what, timeout))
            time.sleep(interval)

    def volume(self, vid):
        return self.request("GET", "volumev3", "/volumes/" + vid)["volume"]

    def wait_volume(self, vid, status="available", timeout=120):
        def check():
            v = self.volume(vid)
            if v["status"] == "error":
                raise RuntimeError("volume %s went to error" % vid)
            return v if v["status"] == status else None
        return self.wait("volume %s %s" % (vid, status), check, timeout)

    def wait_volume_gone(self, vid, timeout=120):
        def check():
            try:
                self.volume(vid)
            except ApiError as e:
                if e.status == 404:
                    return True
                raise
            return False
        return self.wait("volume %s deleted" % vid, check, timeout)
