/* The network classifier for kernels without cls_cgroup: a hand-assembled
 * SCHED_CLS program, loaded with bpf(2), that matches the packets whose
 * socket belongs to the conversion's cgroup v2:
 *
 *     r0 = bpf_skb_cgroup_id(skb)      ; r1 is still skb
 *     r1 = CGROUP_ID ll
 *     if r0 != r1 goto nomatch
 *     r0 = -1                           ; "use the filter's classid"
 *     exit
 *   nomatch:
 *     r0 = 0                            ; no match: next filter / default
 *     exit
 */
#include <errno.h>
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "throttle/throttle_int.h"
#include "common/error.h"

#define INSN(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })

int bpf_cgroup_match_load(uint64_t cgroup_id, int *fd, char **error)
{
    const struct bpf_insn prog[] = {
        INSN(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_skb_cgroup_id),
        INSN(BPF_LD | BPF_DW | BPF_IMM, BPF_REG_1, 0, 0, (int32_t)(uint32_t)cgroup_id),
        INSN(0, 0, 0, 0, (int32_t)(uint32_t)(cgroup_id >> 32)),
        INSN(BPF_JMP | BPF_JNE | BPF_X, BPF_REG_0, BPF_REG_1, 2, 0),
        INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, -1),
        INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
        INSN(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0),
        INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
    };
    char log[1024] = "";
    union bpf_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.prog_type = BPF_PROG_TYPE_SCHED_CLS;
    attr.insns = (uint64_t)(uintptr_t)prog;
    attr.insn_cnt = sizeof prog / sizeof prog[0];
    /* The kernel lets only GPL-compatible programs call its helpers: these
     * few instructions are offered under GPL-2.0 too (see README: Licence). */
    attr.license = (uint64_t)(uintptr_t)"GPL";
    strncpy(attr.prog_name, "v2vw_cgroup", sizeof attr.prog_name - 1);
    long r = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof attr);
    if (r < 0) {
        int e = errno;
        /* Once more with the verifier's log, for the error message. */
        attr.log_buf = (uint64_t)(uintptr_t)log;
        attr.log_size = sizeof log;
        attr.log_level = 1;
        long again = syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof attr);
        if (again >= 0) {
            close((int)again);
            log[0] = '\0';
        }
        error_set(error, 0, "cannot load the eBPF classifier: %s%s%s",
                            strerror(e), log[0] ? ": " : "", log);
        return -e;
    }
    *fd = (int)r;
    return 0;
}
