# Command-line conventions: getopt_long, -h/-V short forms (libguestfs tools
# accept -V), usage on stdout with exit 0 for --help, errors on stderr with
# exit 1, and the exit statuses documented (2: a failed foreground run).
. "$TESTS_DIR/lib.sh"

"$WRAPPER" -h > "$SCRATCH/h.out" 2> "$SCRATCH/h.err"
check "-h exits 0" test $? = 0
check "-h prints the usage on stdout" grep -q '^Usage: virt-v2v-wrapper' "$SCRATCH/h.out"
check "-h prints nothing on stderr" test ! -s "$SCRATCH/h.err"
"$WRAPPER" --help > "$SCRATCH/help.out" 2>&1
check "--help is the same as -h" cmp -s "$SCRATCH/h.out" "$SCRATCH/help.out"
check "--help names the short forms" grep -q -- '-V, --version' "$SCRATCH/help.out"
check "--help documents exit status 2" grep -Eq '^ +2 +a conversion in the foreground .*failed' "$SCRATCH/help.out"
check "-V prints the version" sh -c "'$WRAPPER' -V | grep -Eqx 'virt-v2v-wrapper [0-9]+\.[0-9]+\.[0-9]+'"
check "-V is the same as --version" test "$("$WRAPPER" -V)" = "$("$WRAPPER" --version)"
check "an unambiguous abbreviation works (--vers)" test "$("$WRAPPER" --vers)" = "$("$WRAPPER" --version)"

"$WRAPPER" -Z > "$SCRATCH/bad.out" 2> "$SCRATCH/bad.err"
check "an unknown short option exits 1" test $? = 1
check "an unknown option prints nothing on stdout" test ! -s "$SCRATCH/bad.out"
check "an unknown option points to --help" grep -q -- "--help" "$SCRATCH/bad.err"
"$WRAPPER" input.json > "$SCRATCH/arg.out" 2> "$SCRATCH/arg.err"
check "an argument exits 1" test $? = 1
check "an argument is explained (the input is stdin)" grep -q 'stdin' "$SCRATCH/arg.err"
check "-h with -V is refused" sh -c "! '$WRAPPER' -h -V >/dev/null 2>&1"
check "-hV is refused" sh -c "! '$WRAPPER' -hV >/dev/null 2>&1"
check "--check-virt-v2v still runs that check" sh -c "'$WRAPPER' --check-virt-v2v | grep -q 'mac-option'"
# "--" ends the options: no action, so the input is read from stdin.
"$WRAPPER" -- < /dev/null > "$SCRATCH/dd.out" 2> "$SCRATCH/dd.err"
check "'--' alone reads stdin (exit 1: no input)" test $? = 1
check "'--' alone: the error is about the input" grep -q 'no input' "$SCRATCH/dd.err"

# Exit status 2: a conversion in the foreground failed.
FAKE_ENGINE_SCENARIO=fail run_wrapper "$(input_local '.daemonize = false')"
check "a failed foreground conversion exits 2 (got $RC)" test "$RC" = 2
check "README documents exit status 2" grep -Eq '^\| *`2` *\|.*foreground' "$SRCDIR/README.md"
finish
