# Bad throttling files: each is one error, nothing is applied, the file is
# removed and not read again. A file still being written is read once its
# writer closes it.
. "$TESTS_DIR/throttle-lib.sh"
F=$SCRATCH/throttle

"$DRIVER" --tag "bad-$$" --watch "$F" -- sleep 30 > driver.out 2> driver.err &
DRV=$!
BG_PIDS="$BG_PIDS $DRV"
wait_line driver.out "^ready"
CPUCG=$(ready_field driver.out cpu)
quota() { if [ -e "$CPUCG/cpu.max" ]; then cat "$CPUCG/cpu.max"; else cat "$CPUCG/cpu.cfs_quota_us"; fi; }
Q0=$(quota)

errors=0
# expect_error WHAT: one more error line, the file gone, nothing applied.
expect_error() {
    errors=$((errors + 1))
    for _ in $(seq 100); do
        [ "$(grep -c '^error' driver.out)" -ge $errors ] && [ ! -e "$F" ] && [ ! -L "$F" ] && break
        sleep 0.05
    done
    [ "$(grep -c '^error' driver.out)" = $errors ] || fatal "$1: expected $errors errors: $(cat driver.out)"
    [ -e "$F" ] || [ -L "$F" ] && fatal "$1: not removed"
    grep -q '^applied' driver.out && fatal "$1: something was applied"
    [ "$(quota)" = "$Q0" ] || fatal "$1: the CPU quota changed"
    ok "$1: $(grep '^error' driver.out | tail -1)"
}

put_file "$F" '{"cpu": "50%", "network": "10'
expect_error "truncated JSON"
put_file "$F" '{"cpu": "fast"}'
expect_error '"cpu": "fast"'
put_file "$F" '{"network": "-5"}'
expect_error '"network": "-5"'
mkdir "$F"
expect_error "a directory"
ln -s /etc/shadow "$F"
expect_error "a symlink to /etc/shadow"
[ -e /etc/shadow ] || fatal "/etc/shadow is gone"
printf '[1, 2]' > "$F"
expect_error "not an object"

# Not re-read: no further error after a while.
sleep 0.5
[ "$(grep -c '^error' driver.out)" = $errors ] || fatal "an error was reported again"
ok "every error reported once"

# A file still open for writing is not read half-written.
exec 3> "$F"
printf '{"cpu": ' >&3
sleep 0.5
grep -q '^applied' driver.out && fatal "a half-written file was applied"
[ "$(grep -c '^error' driver.out)" = $errors ] || fatal "a half-written file was reported"
printf '"30%%"}' >&3
exec 3>&-
wait_line driver.out "^applied cpu=30"
ok "half-written file read once complete"
case "$(quota)" in 30000*) ;; *) fatal "quota is $(quota)" ;; esac
for _ in $(seq 40); do [ -e "$F" ] || break; sleep 0.05; done
[ -e "$F" ] && fatal "applied file not removed"
kill -TERM "$DRV"
wait "$DRV"
ok "cleaned up"
