#include <errno.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/utf8.h"
#include "wrapper/systemd_bus.h"
#include "wrapper/systemd_unit.h"

static const char unit_chars[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:-_.";

int systemd_unit_name(const char *tag, char **name)
{
    if (!tag || !*tag || tag[strspn(tag, unit_chars)] != '\0' || strlen(tag) > 200)
        return -EINVAL;
    if (asprintf(name, SYSTEMD_UNIT_PREFIX "%s.service", tag) < 0)
        return -ENOMEM;
    return 0;
}

/* ExecStart for transient units takes a(sasb): path, argv, ignore-failure. */
static int append_exec_start(sd_bus_message *m, char **argv)
{
    int r = sd_bus_message_open_container(m, 'r', "sv");
    if (r >= 0)
        r = sd_bus_message_append(m, "s", "ExecStart");
    if (r >= 0)
        r = sd_bus_message_open_container(m, 'v', "a(sasb)");
    if (r >= 0)
        r = sd_bus_message_open_container(m, 'a', "(sasb)");
    if (r >= 0)
        r = sd_bus_message_open_container(m, 'r', "sasb");
    if (r >= 0)
        r = sd_bus_message_append(m, "s", argv[0]);
    if (r >= 0)
        r = sd_bus_message_append_strv(m, argv);
    if (r >= 0)
        r = sd_bus_message_append(m, "b", 0);
    for (int i = 0; i < 4 && r >= 0; i++)
        r = sd_bus_message_close_container(m);
    return r;
}

/* What systemd accepts in Environment=: NAME of [A-Za-z0-9_] not starting
 * with a digit, a UTF-8 value without control characters but tab and
 * newline. One bad entry would make systemd refuse the whole unit. */
bool systemd_env_valid(const char *assignment)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment || (*assignment >= '0' && *assignment <= '9'))
        return false;
    for (const char *p = assignment; p < eq; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '_'))
            return false;
    for (const unsigned char *p = (const unsigned char *)eq + 1; *p; p++)
        if ((*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f)
            return false;
    return utf8_valid(eq + 1, strlen(eq + 1));
}

static int append_environment(sd_bus_message *m, char **envp)
{
    int r = sd_bus_message_open_container(m, 'r', "sv");
    if (r >= 0)
        r = sd_bus_message_append(m, "s", "Environment");
    if (r >= 0)
        r = sd_bus_message_open_container(m, 'v', "as");
    if (r >= 0)
        r = sd_bus_message_open_container(m, 'a', "s");
    for (char **e = envp; e && *e && r >= 0; e++) {
        if (systemd_env_valid(*e))
            r = sd_bus_message_append(m, "s", *e);
        else
            log_warning("systemd: not passing an environment entry systemd would refuse: %.*s",
                        (int)strcspn(*e, "="), *e);
    }
    for (int i = 0; i < 3 && r >= 0; i++)
        r = sd_bus_message_close_container(m);
    return r;
}

static int append_properties(sd_bus_message *m, const struct engine_command *cmd)
{
    char uid[24], gid[24];
    snprintf(uid, sizeof uid, "%u", (unsigned)cmd->uid);
    snprintf(gid, sizeof gid, "%u", (unsigned)cmd->gid);
    int r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)(sv)(sv)(sv)",
                                  "Description", "s", cmd->description ? cmd->description : "virt-v2v",
                                  "Type", "s", "exec",
                                  "User", "s", uid,
                                  "Group", "s", gid,
                                  "StandardInput", "s", "null",
                                  "StandardOutputFileToAppend", "s", cmd->v2v_log_path,
                                  "StandardErrorFileToAppend", "s", cmd->v2v_log_path);
    if (r >= 0)
        r = sd_bus_message_append(m, "(sv)(sv)(sv)(sv)(sv)(sv)",
                                  "KillMode", "s", "mixed",
                                  "TimeoutStopUSec", "t", (uint64_t)SYSTEMD_UNIT_STOP_TIMEOUT_USEC,
                                  "SendSIGKILL", "b", 1,
                                  "CollectMode", "s", "inactive-or-failed",
                                  "CPUAccounting", "b", 1,
                                  "Delegate", "b", 0);
    if (r >= 0)
        r = append_exec_start(m, cmd->argv);
    if (r >= 0)
        r = append_environment(m, cmd->envp);
    return r;
}

int systemd_unit_start_message(sd_bus *bus, const char *name, const struct engine_command *cmd,
                               sd_bus_message **out)
{
    _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
    if (!cmd->argv || !cmd->argv[0] || !cmd->v2v_log_path)
        return -EINVAL;
    int r = sd_bus_message_new_method_call(bus, &m, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER,
                                           "StartTransientUnit");
    if (r >= 0)
        r = sd_bus_message_append(m, "ss", name, "fail");
    if (r >= 0)
        r = sd_bus_message_open_container(m, 'a', "(sv)");
    if (r >= 0)
        r = append_properties(m, cmd);
    if (r >= 0)
        r = sd_bus_message_close_container(m);
    if (r >= 0)
        r = sd_bus_message_append(m, "a(sa(sv))", 0);
    if (r < 0)
        return r;
    *out = TAKE_PTR(m);
    return 0;
}
