# The man page renders without a warning, and names every input key that
# docs/input.md names, which names every key the input parser knows.
. "$TESTS_DIR/lib.sh"

pod=$SRCDIR/docs/virt-v2v-wrapper.pod
man=$BUILDDIR/virt-v2v-wrapper.1
check "the build made the man page" test -s "$man"

out=$(podchecker -warnings -warnings "$pod" 2>&1)
check "podchecker: syntax OK" grep -q "pod syntax OK" <<<"$out"
check "podchecker: no warning ($out)" bash -c '! grep -qi "warning" <<<"$1"' _ "$out"
out=$(pod2man --errors=die --section=1 "$pod" 2>&1 >/dev/null)
check "pod2man: no message ($out)" test -z "$out"
# man -l with groff warnings on, in a terminal width that wraps.
out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings=all -E UTF-8 -l "$man" 2>&1 >/dev/null)
check "man -l: no warning ($out)" test -z "$out"
out=$(groff -man -Tutf8 -ww -z "$man" 2>&1)
check "groff -ww: no warning ($out)" test -z "$out"
text=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -E UTF-8 -l "$man" 2>/dev/null)
check "the page shows its name section" grep -q "virt-v2v-wrapper - run a virt-v2v conversion" <<<"$text"

# Keys: docs/input.md's table rows "| `key` |" in its "## Keys" section.
doc_keys=$(sed -n '/^## Keys/,/^## /p' "$SRCDIR/docs/input.md" | sed -n 's/^| `\([a-z_]*\)` |.*/\1/p' | sort -u)
check "docs/input.md names keys" test "$(wc -l <<<"$doc_keys")" -ge 30
# The man page's keys: C<key> in the INPUT section.
man_keys=$(sed -n '/^=head1 INPUT/,/^=head1 STANDARD OUTPUT/p' "$pod" | grep -o 'C<[a-z_]*>' | sed 's/C<\(.*\)>/\1/' | sort -u)
missing=$(comm -23 <(echo "$doc_keys") <(echo "$man_keys") | tr '\n' ' ')
check "the man page names every key of docs/input.md (missing: $missing)" test -z "$missing"
# The parser's keys: the known_keys table of the input parser.
config=$(grep -rl 'known_keys\[\]' "$SRCDIR" --include=config.c | head -n 1)
check "found the input parser" test -n "$config"
code_keys=$(sed -n '/known_keys\[\] = {/,/^};/p' "$config" | grep -o '"[a-z_]*"' | tr -d '"' | sort -u)
check "the parser knows keys" test "$(wc -l <<<"$code_keys")" -ge 30
missing=$(comm -23 <(echo "$code_keys") <(echo "$doc_keys") | tr '\n' ' ')
check "docs/input.md has a row for every key the parser knows (missing: $missing)" test -z "$missing"
extra=$(comm -13 <(echo "$code_keys") <(echo "$doc_keys") | tr '\n' ' ')
check "docs/input.md documents no key the parser ignores (extra: $extra)" test -z "$extra"
finish
