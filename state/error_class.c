/* The table of engine messages -> error class. Rules are tried in order;
 * the first whose text occurs in the message (case-insensitive) wins, so
 * the more specific texts come first. Sources: the real virt-v2v 2.2
 * transcripts (no-os, failure runs under tests/data/) and the message
 * strings of virt-v2v, nbdcopy, nbdkit-vddk-plugin, libvirt and the oVirt
 * SDK that virt-v2v runs. */
#include <string.h>
#include <strings.h>

#include "state/error_class.h"

struct rule {
    const char *text;
    const char *cls;
};

static const struct rule rules[] = {
    /* LUKS (libguestfs options/decrypt.c, keys.c) */
    { "could not find key to open LUKS", ERROR_CLASS_LUKS_KEY },
    { "could not read key from user", ERROR_CLASS_LUKS_KEY },
    { "clevis_luks_unlock", ERROR_CLASS_LUKS_KEY },
    /* Windows hibernation / fast restart (convert/convert.ml) */
    { "Windows Hibernation or Fast Restart", ERROR_CLASS_HIBERNATED },
    /* Inspection (no-os transcript) */
    { "No root device found", ERROR_CLASS_NO_ROOT },
    { "inspection could not detect the source guest", ERROR_CLASS_NO_ROOT },
    { "no root device", ERROR_CLASS_NO_ROOT },
    /* Space: nbdcopy/qemu-img ENOSPC, virt-v2v's own checks */
    { "No space left on device", ERROR_CLASS_NO_SPACE },
    { "insufficient free space", ERROR_CLASS_NO_SPACE },
    { "not enough free space for conversion", ERROR_CLASS_NO_SPACE },
    { "not enough available inodes", ERROR_CLASS_NO_SPACE },
    { "Disk quota exceeded", ERROR_CLASS_NO_SPACE },
    /* oVirt output: ovirtsdk4 AuthError, HTTP 401 of the imageio/REST API */
    { "ovirtsdk4.AuthError", ERROR_CLASS_OUTPUT_AUTH },
    { "Error during SSO authentication", ERROR_CLASS_OUTPUT_AUTH },
    { "Cannot authenticate user", ERROR_CLASS_OUTPUT_AUTH },
    { "openstack: precheck failed, there may be a problem with authentication", ERROR_CLASS_OUTPUT_AUTH },
    /* VMware TLS thumbprint (nbdkit-vddk-plugin, libvirt esx driver) */
    { "thumbprint", ERROR_CLASS_TLS_THUMBPRINT },
    { "certificate verify failed", ERROR_CLASS_TLS_THUMBPRINT },
    { "SSL certificate", ERROR_CLASS_TLS_THUMBPRINT },
    { "Server certificate verification failed", ERROR_CLASS_TLS_THUMBPRINT },
    /* Source authentication: libvirt, ssh, vddk */
    { "authentication failed", ERROR_CLASS_SOURCE_AUTH },
    { "Permission denied (publickey", ERROR_CLASS_SOURCE_AUTH },
    { "ssh-agent authentication has not been set up", ERROR_CLASS_SOURCE_AUTH },
    { "Cannot complete login due to an incorrect user name or password", ERROR_CLASS_SOURCE_AUTH },
    { "incorrect user name or password", ERROR_CLASS_SOURCE_AUTH },
    { "Host key verification failed", ERROR_CLASS_SOURCE_AUTH },
    /* Timeouts (rhv-upload plugin, nbdkit) */
    { "timed out", ERROR_CLASS_TIMEOUT },
    { "Timeout was reached", ERROR_CLASS_TIMEOUT },
    /* Source unreachable */
    { "Connection refused", ERROR_CLASS_SOURCE_UNREACHABLE },
    { "No route to host", ERROR_CLASS_SOURCE_UNREACHABLE },
    { "Network is unreachable", ERROR_CLASS_SOURCE_UNREACHABLE },
    { "Name or service not known", ERROR_CLASS_SOURCE_UNREACHABLE },
    { "Could not resolve host", ERROR_CLASS_SOURCE_UNREACHABLE },
    { "unable to connect to server", ERROR_CLASS_SOURCE_UNREACHABLE },
    { "Failed to connect to", ERROR_CLASS_SOURCE_UNREACHABLE },
    { "could not copy the VMX file from the remote server", ERROR_CLASS_SOURCE_UNREACHABLE },
    /* Bugs of the engine itself */
    { "internal error", ERROR_CLASS_INTERNAL },
    { "assertion", ERROR_CLASS_INTERNAL },
};

struct hint {
    const char *cls;
    const char *text;
};

static const struct hint hints[] = {
    { ERROR_CLASS_SOURCE_AUTH, "Check the source user name, password or SSH key the conversion was given." },
    { ERROR_CLASS_SOURCE_UNREACHABLE, "Check that the source host is up and reachable from this host (name, address, port, firewall)." },
    { ERROR_CLASS_TLS_THUMBPRINT, "Check the VMware host's TLS fingerprint (vmware_fingerprint) against the host's certificate." },
    { ERROR_CLASS_NO_ROOT, "The disks hold no operating system virt-v2v recognizes: check that the right disks of the VM were given." },
    { ERROR_CLASS_HIBERNATED, "Shut Windows down fully in the source VM (disable Fast Restart and hibernation), then retry." },
    { ERROR_CLASS_LUKS_KEY, "Add the key of this encrypted device to the LUKS keys vault for this VM." },
    { ERROR_CLASS_NO_SPACE, "Free space on the output storage or in the conversion host's temporary directory, then retry." },
    { ERROR_CLASS_OUTPUT_AUTH, "Check the output's credentials (e.g. rhv_url user and password)." },
    { ERROR_CLASS_KILLED, "virt-v2v was killed by a signal: check the host's journal for the out-of-memory killer or an admin." },
    { ERROR_CLASS_CANCELLED, "The conversion was cancelled; start it again when wanted." },
    { ERROR_CLASS_TIMEOUT, "An operation took too long: check the load and the network to the source and the output." },
    { ERROR_CLASS_INTERNAL, "This looks like a bug: keep the logs and report it." },
};

const char *error_class_of(const char *msg, size_t len)
{
    if (!msg)
        return ERROR_CLASS_UNKNOWN;
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        size_t tl = strlen(rules[i].text);
        for (size_t k = 0; k + tl <= len; k++)
            if (strncasecmp(msg + k, rules[i].text, tl) == 0)
                return rules[i].cls;
    }
    return ERROR_CLASS_UNKNOWN;
}

const char *error_class_hint(const char *cls)
{
    for (size_t i = 0; cls && i < sizeof hints / sizeof hints[0]; i++)
        if (strcmp(hints[i].cls, cls) == 0)
            return hints[i].text;
    return NULL;
}
