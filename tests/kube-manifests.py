#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Offline checks of examples/kubernetes: every manifest parses, has the
fields the Kubernetes API requires for its kind (apiVersion, kind,
metadata.name as an RFC 1123 name, namespace), and the Job has the pod
layout of the contract (KUBERNETES.md): the input Secret at /data/input,
disk PVCs at /data/vm/diskN, a /var/tmp scratch PVC, /data/vddklib, the
optional /dev/kvm, POD_NAME from the downward API, restartPolicy Never,
the termination message path; every mount names a volume, every PVC a
claim that the file declares; the RBAC objects grant pods get+patch to the
Job's service account. The Containerfile is Debian 12 with virt-v2v and the
entrypoint. No cluster is needed (none can run here)."""
import re
import sys

import yaml

DNS1123 = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
API = {"Job": "batch/v1", "PersistentVolumeClaim": "v1", "ServiceAccount": "v1",
       "Role": "rbac.authorization.k8s.io/v1", "RoleBinding": "rbac.authorization.k8s.io/v1"}
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


def load(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def common(doc, where):
    kind = doc.get("kind")
    check(kind in API, "%s: unknown kind %r" % (where, kind))
    check(doc.get("apiVersion") == API.get(kind), "%s: apiVersion %r for %s" % (where, doc.get("apiVersion"), kind))
    meta = doc.get("metadata") or {}
    name = meta.get("name", "")
    check(bool(DNS1123.match(name)) and len(name) <= 253, "%s: metadata.name %r" % (where, name))
    check(bool(LABEL.match(meta.get("namespace", ""))), "%s %s: namespace" % (where, name))
    return kind, name


def check_container(c, volumes, where):
    check(bool(c.get("name")) and bool(LABEL.match(c["name"])), "%s: container name" % where)
    check(bool(c.get("image")), "%s: image" % where)
    for m in c.get("volumeMounts", []):
        check(m.get("name") in volumes, "%s: mount of unknown volume %r" % (where, m.get("name")))
        check(m.get("mountPath", "").startswith("/"), "%s: mountPath %r" % (where, m.get("mountPath")))
    return {m["mountPath"]: m for m in c.get("volumeMounts", [])}


def check_job(job, claims, accounts):
    spec = job["spec"]["template"]["spec"]
    check(spec.get("restartPolicy") == "Never", "Job: restartPolicy Never")
    check(job["spec"].get("backoffLimit") == 0, "Job: backoffLimit 0")
    check(spec.get("serviceAccountName") in accounts, "Job: serviceAccountName is the RBAC ServiceAccount")
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    for v in volumes.values():
        if "persistentVolumeClaim" in v:
            check(v["persistentVolumeClaim"]["claimName"] in claims,
                  "Job: claim %r is declared" % v["persistentVolumeClaim"]["claimName"])
    containers = spec.get("containers", [])
    check(len(containers) == 1, "Job: one container")
    for ic in spec.get("initContainers", []):
        check_container(ic, volumes, "init container")
    mounts = check_container(containers[0], volumes, "container")
    c = containers[0]
    vol = lambda path: volumes.get(mounts.get(path, {}).get("name"), {})
    check("secret" in vol("/data/input"), "Job: /data/input is a Secret")
    check(mounts.get("/data/input", {}).get("readOnly") is True, "Job: /data/input read-only")
    check("persistentVolumeClaim" in vol("/data/vm/disk1"), "Job: /data/vm/disk1 is a PVC")
    check("persistentVolumeClaim" in vol("/var/tmp"), "Job: /var/tmp is a PVC")
    check("/data/vddklib" in mounts, "Job: /data/vddklib")
    check(any("/data/vddklib" in [m["mountPath"] for m in ic.get("volumeMounts", [])]
              for ic in spec.get("initContainers", [])), "Job: an init container fills /data/vddklib")
    check(vol("/dev/kvm").get("hostPath", {}).get("path") == "/dev/kvm", "Job: /dev/kvm")
    env = {e["name"]: e for e in c.get("env", [])}
    check(env.get("POD_NAME", {}).get("valueFrom", {}).get("fieldRef", {}).get("fieldPath") == "metadata.name",
          "Job: POD_NAME from the downward API")
    check(c.get("terminationMessagePath") == "/dev/termination-log", "Job: terminationMessagePath")
    labels = job["spec"]["template"]["metadata"].get("labels", {})
    check(labels.get("app") == "virt-v2v" and "vm" in labels, "Job: labels app and vm for kubectl get -L")


def check_rbac(docs):
    by = {(d["kind"], d["metadata"]["name"]): d for d in docs}
    accounts = {n for k, n in by if k == "ServiceAccount"}
    roles = {n: d for (k, n), d in by.items() if k == "Role"}
    check(len(accounts) == 1 and len(roles) == 1, "rbac: one ServiceAccount, one Role")
    for role in roles.values():
        rules = role.get("rules", [])
        check(any("" in r.get("apiGroups", []) and "pods" in r.get("resources", [])
                  and {"get", "patch"} <= set(r.get("verbs", [])) for r in rules), "rbac: pods get, patch")
        check(all(set(r.get("verbs", [])) <= {"get", "patch"} for r in rules), "rbac: nothing more than get, patch")
    for (k, n), d in by.items():
        if k != "RoleBinding":
            continue
        check(d["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": next(iter(roles))},
              "rbac: the binding names the Role")
        check([s["name"] for s in d["subjects"] if s["kind"] == "ServiceAccount"] == list(accounts),
              "rbac: the binding names the ServiceAccount")
    return accounts


def check_containerfile(path):
    with open(path) as f:
        text = f.read()
    froms = re.findall(r"^FROM\s+(\S+)", text, re.M)
    check(froms and all(f == "debian:12" for f in froms), "Containerfile: Debian 12 base")
    check(re.search(r"apt-get install[^\n]*\\\n(.*\\\n)*\s*virt-v2v ", text) is not None, "Containerfile: installs virt-v2v")
    check("COPY --from=build /install/usr/bin/virt-v2v-wrapper" in text, "Containerfile: the wrapper from the build stage")
    check("COPY examples/kubernetes/entrypoint.sh /usr/local/bin/v2v-entrypoint" in text, "Containerfile: the entrypoint")
    check('ENTRYPOINT ["/usr/local/bin/v2v-entrypoint"]' in text, "Containerfile: ENTRYPOINT")


def main(folder):
    rbac = load(folder + "/rbac.yaml")
    job_docs = load(folder + "/job.yaml")
    for i, d in enumerate(rbac + job_docs):
        common(d, "document %d" % i)
    accounts = check_rbac(rbac)
    claims = {d["metadata"]["name"] for d in job_docs if d["kind"] == "PersistentVolumeClaim"}
    jobs = [d for d in job_docs if d["kind"] == "Job"]
    check(len(jobs) == 1, "job.yaml: one Job")
    for j in jobs:
        check_job(j, claims, accounts)
    check_containerfile(folder + "/Containerfile")
    for f in failures:
        print("FAIL: " + f, file=sys.stderr)
    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
