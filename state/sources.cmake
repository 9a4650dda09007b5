# Sources of state/ (append to WRAPPER_SOURCES)
set(V2VW_STATE_SOURCES
  state/utf8.c
  state/state.c
  state/state_json.c
  state/state_write.c
  state/engine_parser.c
  state/engine_v2v.c
  state/engine_mr.c
  state/engine_cause.c
  state/error_class.c
  state/state_rate.c
  state/state_metrics.c
)
list(APPEND WRAPPER_SOURCES ${V2VW_STATE_SOURCES})
