/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <unistd.h>

#include "wrapper/privileges.h"

int privileges_drop(uid_t uid, gid_t gid)
{
    if (getuid() == uid && geteuid() == uid && getgid() == gid && getegid() == gid)
        return 0;
    if (setgroups(1, &gid) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
        return -errno;
    if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
        return -EPERM;
    if (getuid() != uid || geteuid() != uid || getgid() != gid || getegid() != gid)
        return -EPERM;
    return 0;
}

void child_reset_signals(void)
{
    sigset_t none;
    sigemptyset(&none);
    for (int sig = 1; sig < _NSIG; sig++)
        signal(sig, SIG_DFL);
    sigprocmask(SIG_SETMASK, &none, NULL);
}
