# Sources of throttle/ (append to WRAPPER_SOURCES)
list(APPEND WRAPPER_SOURCES throttle/throttle_request.c)
