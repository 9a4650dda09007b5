# Sources of outputs/ (append to WRAPPER_SOURCES)
