/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * perf event internals the perf backend (arch/perf/perf.c) relies on, in
 * one place: 6.1 exports no call that reads a kernel counter without
 * perf's mutex or moves its next overflow from an IPI, so these reach into
 * struct perf_event and struct hw_perf_event as perf's own core.c does.
 * Checked against 6.1's kernel/events/core.c (perf_event_read_local(),
 * perf_event_period() -> __perf_event_period()); a kernel that changes
 * those fields changes this file only.
 */
#ifndef _VPMC_WRAPPER_PERF_EVENT_H
#define _VPMC_WRAPPER_PERF_EVENT_H

#include <linux/compiler.h>
#include <linux/perf_event.h>
#include <linux/smp.h>

/* perf's MAX_INTERRUPTS: the event is throttled until the next tick. */
#define VPMC_WRAPPER_PERF_THROTTLED	(~0ULL)

/**
 * vpmc_wrapper_perf_count() - a kernel counter's count, without perf's mutex
 * @event: a per-CPU kernel counter, pinned
 *
 * On the event's CPU the PMU's own read folds the hardware into
 * event->count first (the method of LTTng's perf contexts); elsewhere the
 * count is as of the event's last fold.
 *
 * Context: any, NMI included (the PMUs perf has read NMI-safely);
 * interrupts off on the event's CPU.
 * Return: the event's count.
 */
static inline u64 vpmc_wrapper_perf_count(struct perf_event *event)
{
	/* Pairs with perf's WRITE_ONCE(event->oncpu, ...) at sched in/out. */
	if (READ_ONCE(event->oncpu) == smp_processor_id())
		event->pmu->read(event);
	return local64_read(&event->count);
}

/**
 * vpmc_wrapper_perf_set_period() - move a kernel counter's next overflow
 * @event: a per-CPU kernel sampling counter, pinned
 * @dist: events from now to the next overflow, at least 1
 *
 * What __perf_event_period() does when perf changes a period from an IPI:
 * stop the event (folding its count), set its period, start it again with
 * a reload, and restart it now if it was throttled. cpu-clock starts its
 * clock again at start(): the time from stop() to there would be lost at
 * every change, so it counts on from where stop() left.
 *
 * Context: on the event's CPU, interrupts off.
 */
static inline void vpmc_wrapper_perf_set_period(struct perf_event *event,
						u64 dist)
{
	struct hw_perf_event *hwc = &event->hw;
	/* As in vpmc_wrapper_perf_count(). */
	bool active = READ_ONCE(event->oncpu) == smp_processor_id();
	bool hrtimer = event->attr.type == PERF_TYPE_SOFTWARE &&
		       event->attr.config == PERF_COUNT_SW_CPU_CLOCK;
	u64 counted = 0;

	if (active) {
		if (hwc->interrupts == VPMC_WRAPPER_PERF_THROTTLED)
			hwc->interrupts = 0;
		event->pmu->stop(event, PERF_EF_UPDATE);
		/* cpu-clock's count is up to this local_clock() time. */
		counted = local64_read(&hwc->prev_count);
	}
	/* Pairs with vpmc_wrapper_perf_period(). */
	WRITE_ONCE(hwc->sample_period, dist);
	hwc->last_period = dist;
	/*
	 * Hardware PMUs and the hrtimer-driven cpu-clock count period_left
	 * down to zero; the other software events count it up from -period.
	 */
	if (event->attr.type == PERF_TYPE_SOFTWARE && !hrtimer)
		local64_set(&hwc->period_left, -(s64)dist);
	else
		local64_set(&hwc->period_left, dist);
	if (active) {
		event->pmu->start(event, PERF_EF_RELOAD);
		if (hrtimer)
			local64_set(&hwc->prev_count, counted);
	}
}

/**
 * vpmc_wrapper_perf_period() - a kernel sampling counter's current period
 * @event: the counter
 *
 * Context: any; the value may be changing on the event's CPU.
 * Return: the period last set.
 */
static inline u64 vpmc_wrapper_perf_period(struct perf_event *event)
{
	/* Pairs with vpmc_wrapper_perf_set_period()'s WRITE_ONCE(). */
	return READ_ONCE(event->hw.sample_period);
}

#endif /* _VPMC_WRAPPER_PERF_EVENT_H */
