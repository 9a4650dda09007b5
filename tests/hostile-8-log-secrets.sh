# SPDX-License-Identifier: Apache-2.0
# Attack 8 (last parts): a password inside vmware_uri reached the wrapper
# log, and the log dumped the whole environment at debug level. URIs are
# logged with their password masked, and environment values whose names
# look secret are masked.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/hostile-lib.sh"

FP=01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67
one_run() {
    local m=$1 wlog
    FOO_PASSWORD=Env-Pw-22x API_TOKEN=Env-Tok-33y MY_SECRET_KEY=Env-Key-44z run_wrapper "$(input_local \
        'del(.source_path) | .transport_method = "vddk" | .vmware_uri = "esx://root:Uri-Pw-81q@esx.example.com?no_verify=1" | .vmware_password = "Vm-Pw-55w" | .vmware_fingerprint = "'$FP'"')"
    check "$m: started ($ERR)" test "$RC" = 0
    check "$m: finished" wait_finished "$(jq -r .state_file "$SCRATCH/stdout")" 30
    wlog=$(jq -r .wrapper_log "$SCRATCH/stdout")
    check "$m: the wrapper log names the URI with the password masked" grep -q 'esx://root:\*\*\*\*\*@esx.example.com' "$wlog"
    for s in Uri-Pw-81q Env-Pw-22x Env-Tok-33y Env-Key-44z Vm-Pw-55w; do
        check "$m: $s is not in any log" sh -c "! grep -rqF '$s' '$V2VW_LOG_DIR'"
    done
    check "$m: the environment is still logged (masked)" grep -q 'FOO_PASSWORD=\*\*\*\*\*' "$wlog"
}
both_ways one_run
finish
