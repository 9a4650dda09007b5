# SPDX-License-Identifier: Apache-2.0
# The examples a cluster admin uses are valid offline: the manifests pass
# tests/kube-manifests.py (a structure check; kubectl's own validation needs
# an API server, which cannot run here), and copies with one contract
# point broken fail it (so the check can fail); the entrypoint is
# shellcheck-clean.
source "$TESTS_DIR/lib.sh"
ex=$SRCDIR/examples/kubernetes
python3 -c 'import yaml' 2>/dev/null || skip "python3-yaml is not installed (scripts/install-deps)"

check "the examples pass the structure check" python3 "$TESTS_DIR/kube-manifests.py" "$ex"

# broken NAME SED_EXPR FILE: a copy with one thing broken must fail.
broken() {
    rm -rf "$SCRATCH/ex" && cp -r "$ex" "$SCRATCH/ex"
    sed -i "$2" "$SCRATCH/ex/$3"
    cmp -s "$ex/$3" "$SCRATCH/ex/$3" && { fail "$1: the edit changed nothing"; return; }
    if python3 "$TESTS_DIR/kube-manifests.py" "$SCRATCH/ex" >/dev/null 2>&1; then fail "$1: not caught"; else pass; fi
}
broken "restartPolicy OnFailure" 's/restartPolicy: Never/restartPolicy: OnFailure/' job.yaml
broken "no POD_NAME" 's/fieldPath: metadata.name/fieldPath: spec.nodeName/' job.yaml
broken "input not at /data/input" 's|mountPath: /data/input|mountPath: /input|' job.yaml
broken "undeclared claim" 's/claimName: win2k22-disk1/claimName: other-disk/' job.yaml
broken "Role without patch" 's/verbs: \["get", "patch"\]/verbs: ["get"]/' rbac.yaml
broken "Role with delete" 's/verbs: \["get", "patch"\]/verbs: ["get", "patch", "delete"]/' rbac.yaml
broken "bad name" 's/name: virt-v2v-annotate-pods/name: Virt_V2V/' rbac.yaml
broken "not Debian 12" 's/^FROM debian:12$/FROM fedora:40/' Containerfile
broken "YAML that does not parse" 's/^spec:$/spec: [/' job.yaml

if command -v shellcheck >/dev/null; then
    check "the entrypoint is shellcheck-clean" shellcheck "$ex/entrypoint.sh"
    check "the test helpers are shellcheck-clean" shellcheck -x -e SC1091,SC2034 "$TESTS_DIR/kube-lib.sh"
elif [ "${CI:-}" = true ]; then
    fail "shellcheck is not installed (scripts/install-deps installs it)"
else
    skip "shellcheck is not installed (scripts/install-deps)"
fi

# The entrypoint with no input document: exit 1 and a line saying where.
V2VW_KUBE_DATA_DIR=$SCRATCH/nodata V2V_WRAPPER=/bin/false "$ex/entrypoint.sh" > "$SCRATCH/entrypoint.out" 2>&1
check "entrypoint: no input is exit 1" test $? = 1
check "entrypoint: it names the missing file" grep -q "cannot read the conversion document $SCRATCH/nodata/input/conversion.json" "$SCRATCH/entrypoint.out"
finish
