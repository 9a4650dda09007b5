# Sources of throttle/ (append to WRAPPER_SOURCES)
