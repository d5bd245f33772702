// SPDX-License-Identifier: GPL-2.0-only
/*
 * vpmc - command-line view of the virtual PMC layer.
 *
 *   vpmc info     the PMU vpmc drives: backend, counters, generic events
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SYSFS "/sys/kernel/vpmc"

static int read_attr(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (!f)
		return -1;
	ok = fgets(buf, size, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static int info(void)
{
	char version[64], backend[64], format[128], buf[128], path[512];
	struct dirent *de;
	DIR *dir;
	int n, i;

	if (read_attr(SYSFS "/version", version, sizeof(version)) ||
	    read_attr(SYSFS "/backend", backend, sizeof(backend)) ||
	    read_attr(SYSFS "/format", format, sizeof(format)) ||
	    read_attr(SYSFS "/num_counters", buf, sizeof(buf))) {
		fprintf(stderr, "vpmc: %s not readable: is vpmc.ko loaded?\n", SYSFS);
		return 1;
	}
	n = atoi(buf);
	printf("vpmc %s: backend %s, %d counters per CPU, raw events %s\n",
	       version, backend, n, format);
	printf("  %-8s %-8s %-6s %s\n", "counter", "kind", "width", "event");
	for (i = 0; i < n; i++) {
		char kind[32] = "?", width[32] = "?", event[64] = "";

		snprintf(path, sizeof(path), SYSFS "/counters/%d/kind", i);
		read_attr(path, kind, sizeof(kind));
		snprintf(path, sizeof(path), SYSFS "/counters/%d/width", i);
		read_attr(path, width, sizeof(width));
		snprintf(path, sizeof(path), SYSFS "/counters/%d/fixed_event", i);
		if (read_attr(path, event, sizeof(event)))
			strcpy(event, "any allowed");
		printf("  %-8d %-8s %-6s %s\n", i, kind, width, event);
	}
	printf("  generic events:");
	dir = opendir(SYSFS "/events");
	while (dir && (de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), SYSFS "/events/%s", de->d_name);
		if (!read_attr(path, buf, sizeof(buf)))
			printf(" %s(%s)", de->d_name, buf);
	}
	if (dir)
		closedir(dir);
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
