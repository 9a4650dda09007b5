# Sources of luks/ (append to WRAPPER_SOURCES)
