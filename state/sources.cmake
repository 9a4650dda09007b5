# Sources of state/: the state model, its file, the engine log parser.
list(APPEND V2VW_STATE_SOURCES
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
