# The lean-core benchmark's two helper programs (bench/lean-core.sh).
add_executable(lean-core-minimal bench/lean-core-minimal.c)
add_executable(lean-core-runstat bench/lean-core-runstat.c)
