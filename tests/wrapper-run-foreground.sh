# SPDX-License-Identifier: Apache-2.0
# A whole run in the foreground (daemonize false): the paths line first,
# then the log lines on stdout; the state finished with the source disk.
. "$TESTS_DIR/lib.sh"
export FAKE_ENGINE_RECORD="$SCRATCH/record"
touch "$SCRATCH/disk.img"

run_wrapper "$(input_local '.daemonize = false')"
check "foreground: exit 0" test "$RC" = 0
check "foreground: first stdout line is the paths" sh -c "head -1 '$SCRATCH/stdout' | jq -e .state_file >/dev/null"
check "foreground: log lines follow on stdout" grep -q 'INFO: Conversion succeeded' "$SCRATCH/stdout"
STATE=$(head -1 "$SCRATCH/stdout" | jq -r .state_file)
check "foreground: finished" test "$(jq -r .finished "$STATE")" = true
check "foreground: the disk is the source_path" test "$(jq -c .disks "$STATE")" = "[{\"path\":\"$SCRATCH/disk.img\",\"progress\":100}]"
finish
