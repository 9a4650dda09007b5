# stdin that is not a JSON document gives a sentence that names stdin, and
# a person who runs the wrapper at a terminal is told that it waits for the
# document there (instead of a silent wait).
. "$TESTS_DIR/lib.sh"

"$WRAPPER" < / > "$SCRATCH/dir.out" 2> "$SCRATCH/dir.err"
check "stdin is a directory: exit 1 (got $?)" test $? = 1
check "stdin is a directory: the error names stdin ($(cat "$SCRATCH/dir.err"))" \
    grep -qx 'virt-v2v-wrapper: cannot read the input from stdin: Is a directory' "$SCRATCH/dir.err"
check "stdin is a directory: nothing on stdout" test ! -s "$SCRATCH/dir.out"

# At a terminal (a pseudo-terminal here): the hint, then the usual error
# for an empty document once the terminal says end-of-file.
python3 - "$WRAPPER" > "$SCRATCH/tty" <<'PY'
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1]])
out = b""
deadline = time.time() + 20
sent = False
while True:
    if time.time() > deadline and not sent:      # no hint came: end the input anyway
        os.write(fd, b"\x04")
        sent = True
    if time.time() > deadline + 30:
        os.kill(pid, 9)
        break
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        out += data
    if b"Ctrl-D" in out and not sent:
        os.write(fd, b"\x04")                     # end-of-file at the terminal
        sent = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
sys.stdout.write(f"exit={os.waitstatus_to_exitcode(status)}\n")
PY
check "at a terminal: the hint" grep -q 'reading the input JSON document from the terminal; end it with Ctrl-D' "$SCRATCH/tty"
check "at a terminal: then the empty-input error" grep -q 'no input: expected one JSON object on stdin' "$SCRATCH/tty"
check "at a terminal: exit 1" grep -qx 'exit=1' "$SCRATCH/tty"
finish
