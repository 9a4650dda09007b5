# SPDX-License-Identifier: Apache-2.0
# Hostile vm_name values: with "/", "..", quotes and shell syntax, unicode,
# at the length limit: accepted, and no path contains input text (state and
# log names are TAG only), nothing is created outside the state and log
# directories, the engine gets the name as exactly one argument. With
# newlines, control characters, NUL or 10 kB: refused before anything
# starts with an error naming the key, and no files are left.
. "$TESTS_DIR/lib.sh"
ENG=$SCRATCH/eng
mkdir -p "$ENG"
cp "$TESTS_DIR/secrets-engine" "$ENG/engine"
touch "$ENG/go"                       # the recorder does not wait here
export V2VW_ENGINE=$ENG/engine
MARK=evil$RANDOM$RANDOM
FP=01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67
NAME_RE='^v2v-import-[0-9]{8}T[0-9]{6}-[0-9]+(\.state|\.throttle|\.log|-mr\.log|-wrapper\.log|\.secrets)$'

input_named() { # NAME (raw) -> vddk input, name JSON-encoded by jq from stdin
    printf '%s' "$1" | jq -Rs --arg out "$SCRATCH/out" --arg fp "$FP" \
        '{vm_name: ., transport_method: "vddk", vmware_uri: "esx://h", vmware_password: "pw",
          vmware_fingerprint: $fp, local_storage: $out}'
}

only_tag_names() {
    local f bad=0
    for f in "$V2VW_STATE_DIR"/* "$V2VW_LOG_DIR"/* $(jq -r '.[]' "$SCRATCH/stdout"); do
        [ -e "$f" ] || [ "${f%.throttle}" != "$f" ] || continue
        if ! basename "$f" | grep -Eq "$NAME_RE"; then echo "unexpected name: $f" >&2; bad=1; fi
    done
    case "$(dirname "$(jq -r .state_file "$SCRATCH/stdout")")" in "$V2VW_STATE_DIR") ;; *) bad=1 ;; esac
    case "$(dirname "$(jq -r .v2v_log "$SCRATCH/stdout")")" in "$V2VW_LOG_DIR") ;; *) bad=1 ;; esac
    [ "$bad" = 0 ]
}

accepted() { # DESCRIPTION NAME
    local what=$1 name=$2
    rm -rf "${V2VW_STATE_DIR:?}"/* "${V2VW_LOG_DIR:?}"/* "$ENG/rec"
    run_wrapper "$(input_named "$name")"
    check "$what: exit 0 ($ERR)" test "$RC" = 0
    [ "$RC" = 0 ] || return
    local state
    state=$(jq -r .state_file "$SCRATCH/stdout")
    check "$what: finished" wait_finished "$state" 30
    check "$what: succeeded" test "$(jq -r .failed "$state")" = false
    check "$what: only TAG names, in the state and log dirs" only_tag_names
    check "$what: nothing named after the input anywhere under /tmp or $SCRATCH" \
        test -z "$(find /tmp "$SCRATCH" -name "*$MARK*" 2>/dev/null | head -1)"
    # The kernel's argv of the script: bash, its path, -v, -x, NAME, --root, ...
    check "$what: the engine got the name as one argument" \
        test "$(tr '\0' '\n' < "$ENG/rec/engine-cmdline" | sed -n 6p)" = "--root"
    check "$what: ... and exactly that name" \
        sh -c "python3 -c 'import sys; a=open(sys.argv[1],\"rb\").read().split(b\"\\0\"); sys.exit(0 if a[4]==sys.argv[2].encode() else 1)' '$ENG/rec/engine-cmdline' \"\$1\"" _ "$name"
    check "$what: logged as one quoted line" grep -qF "converting \"$name\" (transport vddk" "$(jq -r .wrapper_log "$SCRATCH/stdout")"
}

refused() { # DESCRIPTION NAME EXPECTED
    local what=$1
    rm -rf "${V2VW_STATE_DIR:?}"/* "${V2VW_LOG_DIR:?}"/* "$ENG/rec"
    run_wrapper "$(input_named "$2")"
    check "$what: exit 1" test "$RC" = 1
    check "$what: error names the key ($ERR)" grep -q "\"vm_name\" $3" "$SCRATCH/stderr"
    check "$what: one line of error" test "$(wc -l < "$SCRATCH/stderr")" = 1
    check "$what: nothing on stdout" test ! -s "$SCRATCH/stdout"
    check "$what: no files" no_files_left
    check "$what: engine never ran" test ! -e "$ENG/rec/argv"
}

accepted "dot-dot traversal" "../../../../tmp/$MARK"
accepted "slashes" "a/b/../$MARK/c"
accepted "absolute path" "/etc/$MARK"
accepted "shell syntax and quotes" "\$(touch /tmp/$MARK) \`id\` ; | & \"q\" 'q' \\ $MARK"
accepted "unicode" "Ünïcödé 名前 $MARK"
accepted "1024 bytes (the limit)" "$MARK$(head -c $((1024 - ${#MARK})) /dev/zero | tr '\0' A)"
check "shell syntax: nothing was executed" test ! -e "/tmp/$MARK"

refused "newline" "vm$MARK
2026-01-01 00:00:00.000:ERROR: forged line" "must not contain control characters"
refused "tab" "vm	$MARK" "must not contain control characters"
refused "escape sequence" $'vm\e[31m'"$MARK" "must not contain control characters"
refused "10 kB" "$(head -c 10240 /dev/zero | tr '\0' B)" ""
# NUL inside the JSON string.
rm -rf "${V2VW_STATE_DIR:?}"/* "${V2VW_LOG_DIR:?}"/*
run_wrapper "$(input_named "vm" | jq '.vm_name = "a\u0000b"')"
check "NUL: exit 1 ($ERR)" test "$RC" = 1
check "NUL: no files" no_files_left
finish
