# SPDX-License-Identifier: Apache-2.0
# Attack 8 (fourth part): overlong UTF-8 and encoded surrogates in input
# strings were accepted (and then no longer matched in the state); the
# README says invalid UTF-8 is an error. One line naming the key, exit 1,
# no files.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/hostile-lib.sh"

bad_bytes() { # DESCRIPTION BYTES KEY
    printf '{"vm_name": "vm%s", "transport_method": "disk", "source_path": "%s/disk.img", "local_storage": "%s/out"}' \
        "$2" "$SCRATCH" "$SCRATCH" > "$SCRATCH/input.json"
    "$WRAPPER" < "$SCRATCH/input.json" > "$SCRATCH/stdout" 2> "$SCRATCH/stderr"
    check "$1: exit 1" test $? = 1
    check "$1: the error names the key ($(cat "$SCRATCH/stderr"))" grep -q '"vm_name": invalid UTF-8' "$SCRATCH/stderr"
    check "$1: nothing on stdout" test ! -s "$SCRATCH/stdout"
    check "$1: no run directory" test -z "$(run_dirs)"
}
one_run() {
    bad_bytes "$1: overlong slash" $'\xc0\xaf'
    bad_bytes "$1: overlong NUL" $'\xc0\x80'
    bad_bytes "$1: 3-byte overlong" $'\xe0\x80\xaf'
    bad_bytes "$1: encoded surrogate" $'\xed\xa0\x80'
    bad_bytes "$1: encoded low surrogate" $'\xed\xbf\xbf'
}
both_ways one_run
finish
