/* SPDX-License-Identifier: GPL-2.0-only */
/* Small helpers shared by vpmc's user-space tools and test programs. */
#ifndef _VPMC_TOOLS_UTIL_H
#define _VPMC_TOOLS_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define VPMC_SYSFS	"/sys/kernel/vpmc"

/*
 * Read the first line of a sysfs file into @buf, without its newline.
 * Returns 0, or -1 if the file is missing or empty.
 */
static inline int read_attr(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	char *line;

	if (!f)
		return -1;
	line = fgets(buf, size, f);
	fclose(f);
	if (!line)
		return -1;
	buf[strcspn(buf, "\n")] = 0;
	return 0;
}

/*
 * Write one command to vpmc_ctl.ko's debugfs file @ctl (samples/vpmc_ctl.c),
 * made from @fmt and @ap into @buf (kept for the caller's message).
 * Returns 0, or -1 with errno: the command's error.
 */
static inline int vpmc_ctl_vcmd(const char *ctl, char *buf, size_t size,
				const char *fmt, va_list ap)
{
	FILE *f;

	vsnprintf(buf, size, fmt, ap);
	f = fopen(ctl, "w");
	if (!f)
		return -1;
	if (fputs(buf, f) < 0) {
		fclose(f);
		return -1;
	}
	return fclose(f) ? -1 : 0;
}

#endif /* _VPMC_TOOLS_UTIL_H */
