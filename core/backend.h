/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The contract between core/ and the hardware backends in arch/.
 *
 * A backend describes its PMU and drives counters one at a time; core/ does
 * the arithmetic (64-bit extension, overflow scheduling) and the arbitration.
 * core/ includes this header and never an arch/ one; each backend exports
 * one static const struct vpmc_backend_ops.
 */
#ifndef _VPMC_CORE_BACKEND_H
#define _VPMC_CORE_BACKEND_H

#include <linux/smp.h>

#include <vpmc/vpmc.h>

struct pt_regs;
struct vpmc_pmu;

/**
 * struct vpmc_pmu_desc - what a backend tells core/ about its PMU
 * @num_counters: physical counters per CPU (every CPU has the same)
 * @counters: one entry per counter, general ones first by convention
 * @event_format: the raw encoding, in perf's sysfs "format" syntax
 * @generic: raw encodings of the generic events, valid where @generic_valid
 * @generic_valid: bitmap over enum vpmc_generic_event
 * @plm_user: the encoding's bit that selects counting in user mode, or 0
 * @plm_kernel: its bit that selects counting in kernel mode, or 0; an
 *	encoding with neither bit counts in both (vpmc_event_plm())
 */
struct vpmc_pmu_desc {
	unsigned int num_counters;
	struct vpmc_counter_info counters[VPMC_MAX_COUNTERS];
	const char *event_format;
	u64 generic[VPMC_EVENT_MAX];
	unsigned long generic_valid;
	u64 plm_user;
	u64 plm_kernel;
};

/**
 * struct vpmc_backend_ops - one hardware backend
 * @name: what the backend= parameter and sysfs call it
 * @probe: check the hardware, claim it and fill @desc; 0 or -errno.
 *	@pmu is the instance to pass to vpmc_pmu_overflow(). Process context.
 * @remove: release what @probe claimed. Process context.
 * @event_get: optional. A virtual PMC counting the raw event @config on
 *	@cpu is about to be attached: prepare whatever @enable will need
 *	there (a backend whose counters can only be set up in process
 *	context does it here). 0 or -errno, which the attach then returns.
 *	Process context, may sleep.
 * @event_put: optional. Undo one successful @event_get, after the virtual
 *	PMC was detached. Process context, may sleep.
 * @event_constraint: set in @mask the general counters that may count the
 *	raw event @config; -ENOENT if the backend does not know the event,
 *	-EINVAL if @config is malformed. Fixed counters are core/'s business.
 *	Any context.
 * @enable: start counter @idx of this CPU counting @config, from whatever
 *	value it holds
 * @disable: stop counter @idx of this CPU
 * @read: the raw value of counter @idx of this CPU (the low "width" bits
 *	are significant). Must be NMI-safe.
 * @set_period: arrange for counter @idx of this CPU to call
 *	vpmc_pmu_overflow() (or, from NMI, vpmc_pmu_overflow_nmi()), with the
 *	registers its interrupt interrupted, after
 *	@distance more events (1 <= @distance <=
 *	half the counter's range), e.g. by writing -@distance. A backend
 *	that cannot reach that far may interrupt earlier: a call of
 *	vpmc_pmu_overflow() with nothing due only reprograms the counter.
 *	A 64-bit counter with no threshold is not reprogrammed after @enable;
 *	if it then interrupts for an older period, vpmc_pmu_overflow() does.
 *
 * @enable, @disable, @read and @set_period run on @cpu (the current CPU)
 * with interrupts disabled and the CPU's arbiter lock held, so they never
 * sleep and take no lock but the backend's own innermost raw spinlock;
 * @enable is only asked for an event some virtual PMC of @cpu holds an
 * @event_get on. @priv is the pointer given to vpmc_pmu_create().
 */
struct vpmc_backend_ops {
	const char *name;
	int (*probe)(struct vpmc_pmu *pmu, void *priv, struct vpmc_pmu_desc *desc);
	void (*remove)(void *priv);
	int (*event_get)(void *priv, int cpu, u64 config);
	void (*event_put)(void *priv, int cpu, u64 config);
	int (*event_constraint)(void *priv, u64 config, unsigned long *mask);
	void (*enable)(void *priv, int cpu, unsigned int idx, u64 config);
	void (*disable)(void *priv, int cpu, unsigned int idx);
	u64 (*read)(void *priv, int cpu, unsigned int idx);
	void (*set_period)(void *priv, int cpu, unsigned int idx, u64 distance);
};

struct vpmc_pmu *vpmc_pmu_create(const struct vpmc_backend_ops *ops, void *priv);
int vpmc_pmu_destroy(struct vpmc_pmu *pmu);
void *vpmc_pmu_priv(struct vpmc_pmu *pmu);
void vpmc_pmu_overflow(struct vpmc_pmu *pmu, unsigned int idx,
		       struct pt_regs *regs);
void vpmc_pmu_overflow_nmi(struct vpmc_pmu *pmu, unsigned int idx,
			   struct pt_regs *regs);
void vpmc_pmu_overflow_sync(struct vpmc_pmu *pmu, int cpu);
int vpmc_cpu_call(int cpu, smp_call_func_t fn, void *info);

#endif /* _VPMC_CORE_BACKEND_H */
