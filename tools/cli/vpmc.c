// SPDX-License-Identifier: GPL-2.0-only
/*
 * vpmc - command-line view of the virtual PMC layer.
 *
 *   vpmc info     the PMU vpmc drives: backend, counters, generic events
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vpmc-util.h"

static const char *const generic_events[] = {
	"cycles", "instructions", "ref-cycles", "cache-references",
	"cache-misses", "branches", "branch-misses",
};

/* The generic event whose encoding is @config, or NULL. */
static const char *generic_name(const char *config)
{
	char path[256], buf[64];

	for (size_t i = 0; i < ARRAY_SIZE(generic_events); i++) {
		snprintf(path, sizeof(path), VPMC_SYSFS "/events/%s",
			 generic_events[i]);
		if (!read_attr(path, buf, sizeof(buf)) && !strcmp(buf, config))
			return generic_events[i];
	}
	return NULL;
}

static int info(void)
{
	char version[64], backend[64], format[128], buf[128], path[256];
	int n, i;

	if (read_attr(VPMC_SYSFS "/version", version, sizeof(version)) ||
	    read_attr(VPMC_SYSFS "/backend", backend, sizeof(backend)) ||
	    read_attr(VPMC_SYSFS "/format", format, sizeof(format)) ||
	    read_attr(VPMC_SYSFS "/num_counters", buf, sizeof(buf))) {
		fprintf(stderr, "vpmc: %s not readable: is vpmc.ko loaded?\n",
			VPMC_SYSFS);
		return 1;
	}
	n = atoi(buf);
	printf("vpmc %s: backend %s, %d counters per CPU, raw events %s\n",
	       version, backend, n, format);
	printf("  %-8s %-8s %-6s %s\n", "counter", "kind", "width", "counts");
	for (i = 0; i < n; i++) {
		char kind[32] = "?", width[32] = "?", event[64];
		const char *name;

		snprintf(path, sizeof(path), VPMC_SYSFS "/counters/%d/kind", i);
		read_attr(path, kind, sizeof(kind));
		snprintf(path, sizeof(path), VPMC_SYSFS "/counters/%d/width", i);
		read_attr(path, width, sizeof(width));
		snprintf(path, sizeof(path), VPMC_SYSFS "/counters/%d/fixed_event", i);
		if (read_attr(path, event, sizeof(event))) {
			printf("  %-8d %-8s %-6s %s\n", i, kind, width,
			       "any event its constraints allow");
			continue;
		}
		name = generic_name(event);
		printf("  %-8d %-8s %-6s %s%s%s%s\n", i, kind, width, event,
		       name ? " (" : "", name ? name : "", name ? ")" : "");
	}
	printf("  generic events:");
	for (size_t e = 0; e < ARRAY_SIZE(generic_events); e++) {
		snprintf(path, sizeof(path), VPMC_SYSFS "/events/%s",
			 generic_events[e]);
		if (!read_attr(path, buf, sizeof(buf)))
			printf(" %s=%s", generic_events[e], buf + strlen("config="));
	}
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "info"))
		return info();
	fprintf(stderr, "usage: vpmc info\n");
	return 2;
}
