# Sources of state/ (append to WRAPPER_SOURCES)
