# 10.4: errors of virt-v2v's C parts are `/usr/bin/virt-v2v: TEXT` lines
# (error(3) names the program by the path it was run as; the wrapper runs
# a full path) with no machine-readable error; last_message carries them,
# not "failed with exit status 1; see LOG". Replays a real virt-v2v 2.2 run
# of a guest with a LUKS disk and no key (tests/data/v2v-2.2-luks-no-key,
# recorded as `virt-v2v` from PATH: the program name is made the full
# path the wrapper uses), and checks that the bare OCaml `virt-v2v: TEXT`
# lines (banner, info) are never taken for the cause.
. "$TESTS_DIR/lib.sh"
touch "$SCRATCH/disk.img"
mkdir "$SCRATCH/fullpath"
cp "$TESTS_DIR/data/v2v-2.2-luks-no-key/"* "$SCRATCH/fullpath/"
sed -i 's|^virt-v2v: could not read key|/usr/bin/virt-v2v: could not read key|' "$SCRATCH/fullpath/v2v.log"
FAKE_ENGINE_SCENARIO="replay:$SCRATCH/fullpath" run_wrapper "$(input_local '.daemonize = false')"
STATE=$(head -1 "$SCRATCH/stdout" | jq -r .state_file)
check "failed" test "$(jq -r .failed "$STATE")" = true
check "last_message is the LUKS key error" \
    test "$(jq -r .last_message.message "$STATE")" = "could not read key from user"

# A real run with a wrong LUKS key: the error's paragraphs in one sentence.
FAKE_ENGINE_SCENARIO="replay:$TESTS_DIR/data/v2v-2.2-luks-wrong-key" run_wrapper "$(input_local '.daemonize = false')"
STATE=$(head -1 "$SCRATCH/stdout" | jq -r .state_file)
check "wrong key: the whole error in one line" test "$(jq -r .last_message.message "$STATE")" = \
    "could not find key to open LUKS encrypted /dev/sdb1. Try using --key on the command line. Original error: cryptsetup_open: cryptsetup exited with status 2: No key available with this passphrase. (0)"

# The bare form is the OCaml side's (banner, info lines): not a cause.
FAKE_ENGINE_SCENARIO="replay:$TESTS_DIR/data/v2v-2.2-luks-no-key" run_wrapper "$(input_local '.daemonize = false')"
STATE=$(head -1 "$SCRATCH/stdout" | jq -r .state_file)
case "$(jq -r .last_message.message "$STATE")" in
"virt-v2v failed with exit status 1; see "*) pass ;;
*) fail "bare virt-v2v: lines taken as the cause: $(jq -r .last_message.message "$STATE")" ;;
esac
finish
