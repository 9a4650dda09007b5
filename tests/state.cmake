# Tests of the state/ room: the state model and file, the engine log parser.
v2vw_unit_test(test-state tests/test-state.c)
v2vw_unit_test(test-engine-parser tests/test-engine-parser.c)
