/* One include across one arrow of the rooms picture (README, Layout).
 * tests/layering.cmake compiles it once per arrow, linked with one room:
 * arrows the design allows must build, the others must not. */
#include PROBE_HEADER

int layering_probe;
