/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * perfmon sampling formats: how a module adds one to vpmc_perfmon.ko, as
 * perfmon2 v2.82's <linux/perfmon_fmt.h> did. A context created with a
 * format's name gets a kernel buffer the format fills from the overflow
 * interrupt and user space maps read-only (Documentation/ABI/testing/
 * dev-perfmon). vpmc_perfmon.ko registers "default" itself.
 */
#ifndef _VPMC_PERFMON_FMT_H
#define _VPMC_PERFMON_FMT_H

#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/types.h>

struct module;

/* What the handler, or restart, asks of the interrupt's tail. */
#define PFM_OVFL_CTRL_NOTIFY	0x1	/* notify, if the PMD asked to be */
#define PFM_OVFL_CTRL_RESET	0x2	/* reload the PMD and its reset_pmds */
#define PFM_OVFL_CTRL_MASK	0x4	/* stop monitoring until pfm_restart() */
#define PFM_OVFL_CTRL_SWITCH	0x8	/* switch sets (deferred while masked) */
/*
 * vpmc's own: queue an overflow message, wake readers and send SIGIO, as
 * a notification does, but leave monitoring running (a ring's watermark).
 */
#define PFM_OVFL_CTRL_WAKE	0x10

/* The most PMD values one sample carries. */
#define PFM_SMPL_MAX_PMDS	32

/**
 * struct pfm_ovfl_arg - one 64-bit overflow, as the handler is told of it
 * @ovfl_pmd: the PMD that overflowed
 * @active_set: the set it is in
 * @ovfl_ctrl: the handler sets PFM_OVFL_CTRL_* here
 * @pmd_last_reset: the PMD's value at its last reload
 * @pmd_eventid: its reg_smpl_eventid
 * @ip: the interrupted instruction pointer
 * @tstamp: the interrupt's time, local_clock() ns
 * @pid: the interrupted thread's id
 * @tgid: its process id
 * @cpu: the CPU
 * @user: @ip is in user mode
 * @num_smpl_pmds: values in @smpl_pmds_values
 * @smpl_pmds_values: the 64-bit values of the PMD's reg_smpl_pmds, in
 *	increasing PMD order
 */
struct pfm_ovfl_arg {
	u16 ovfl_pmd;
	u16 active_set;
	u32 ovfl_ctrl;
	u64 pmd_last_reset;
	u64 pmd_eventid;
	u64 ip;
	u64 tstamp;
	pid_t pid;
	pid_t tgid;
	u16 cpu;
	bool user;
	u16 num_smpl_pmds;
	u64 smpl_pmds_values[PFM_SMPL_MAX_PMDS];
};

/**
 * struct pfm_smpl_fmt - a sampling format
 * @fmt_name: what pfm_create_context() names it by (below PFM_FMT_NAME_LEN)
 * @fmt_arg_size: the size of its argument (at most PAGE_SIZE; may be 0)
 * @fmt_version: (major << 16) | minor
 * @fmt_validate: optional; 0 if @arg suits a context of @ctx_flags with
 *	@npmds PMDs, else -errno (returned by pfm_create_context())
 * @fmt_getsize: required; the buffer's size in bytes for @arg
 * @fmt_init: optional; set up the zeroed buffer @buf
 * @fmt_handler: required; record the overflow @arg into @buf, set
 *	@arg->ovfl_ctrl. Hard interrupt context, interrupts disabled, the
 *	context's lock held: it must not sleep and may not fail halfway (a
 *	record is written whole or not at all). 0, or -ENOBUFS when full
 * @fmt_restart: optional; pfm_restart() of a masked context: empty @buf as
 *	the format wants and set @ovfl_ctrl (PFM_OVFL_CTRL_RESET: reload the
 *	PMDs whose reload the mask deferred, with their long reset). Process
 *	context, under the context's lock
 * @fmt_exit: optional; the buffer is about to go (process context)
 * @fmt_ctl_page: optional; the one page of the buffer (by index, never 0)
 *	user space may map writable, by itself and shared; 0 for none. The
 *	format must take what it reads there as untrusted
 * @owner: THIS_MODULE: held while a context uses the format
 * @node: in the list of formats (vpmc_perfmon's)
 * @kobj: /sys/kernel/perfmon/formats/<name> (vpmc_perfmon's)
 */
struct pfm_smpl_fmt {
	const char *fmt_name;
	size_t fmt_arg_size;
	u32 fmt_version;
	int (*fmt_validate)(u32 ctx_flags, u16 npmds, void *arg);
	int (*fmt_getsize)(u32 ctx_flags, void *arg, size_t *size);
	int (*fmt_init)(void *buf, u32 ctx_flags, u16 npmds, void *arg);
	int (*fmt_handler)(void *buf, struct pfm_ovfl_arg *arg);
	int (*fmt_restart)(bool is_active, u32 *ovfl_ctrl, void *buf);
	int (*fmt_exit)(void *buf);
	unsigned int fmt_ctl_page;
	struct module *owner;
	struct list_head node;
	struct kobject kobj;
};

int pfm_fmt_register(struct pfm_smpl_fmt *fmt);
int pfm_fmt_unregister(struct pfm_smpl_fmt *fmt);

#endif /* _VPMC_PERFMON_FMT_H */
