/* File descriptor I/O that survives EINTR and short transfers. */
#ifndef V2VW_IO_H
#define V2VW_IO_H

#include <stddef.h>

/* Write all `len` bytes. 0 or negative errno (-EIO for a zero-byte write). */
int write_all(int fd, const void *buf, size_t len);
/* Read until end of file or until `size` bytes are in buf (the caller
 * passes one byte more than it accepts to see "too large"). *len = bytes
 * read. 0 or negative errno. Nothing is NUL-terminated. */
int read_all(int fd, char *buf, size_t size, size_t *len);

#endif
