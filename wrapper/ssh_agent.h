/* The ssh-agent of an ssh-transport conversion (CONTRACT §3): started as
 * the conversion user, holding `ssh_key` if given, else that user's default
 * keys (ssh-add with no argument), killed at the end. */
#ifndef V2VW_SSH_AGENT_H
#define V2VW_SSH_AGENT_H

#include "wrapper/conversion.h"

struct ssh_agent;

int ssh_agent_start(struct conversion *c, struct ssh_agent **out, char **error);
const char *ssh_agent_socket(const struct ssh_agent *a);
void ssh_agent_stop(struct ssh_agent *a);

#endif
