// SPDX-License-Identifier: GPL-2.0-only
/*
 * modload - load or unload a kernel module and check the outcome exactly.
 *
 *   modload [-e ERRNO] MODULE.ko [PARAM=VALUE...]   finit_module()
 *   modload [-e ERRNO] -r NAME                      delete_module()
 *
 * Without -e the call must succeed; with -e (a name such as EINVAL) it must
 * fail with exactly that errno. insmod's messages differ between busybox
 * and kmod; this reports the errno itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "vpmc-util.h"

static const struct {
	const char *name;
	int value;
} errnos[] = {
	{ "EPERM", EPERM }, { "ENOENT", ENOENT }, { "EIO", EIO },
	{ "ENOMEM", ENOMEM }, { "EBUSY", EBUSY }, { "EEXIST", EEXIST },
	{ "ENODEV", ENODEV }, { "EINVAL", EINVAL }, { "ENOSPC", ENOSPC },
	{ "EAGAIN", EAGAIN }, { "EACCES", EACCES }, { "ENOEXEC", ENOEXEC },
};

static const char *errno_name(int e)
{
	for (size_t i = 0; i < ARRAY_SIZE(errnos); i++)
		if (errnos[i].value == e)
			return errnos[i].name;
	return "E?";
}

static int errno_value(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(errnos); i++)
		if (!strcmp(errnos[i].name, name))
			return errnos[i].value;
	fprintf(stderr, "modload: unknown errno name %s\n", name);
	exit(2);
}

int main(int argc, char **argv)
{
	int expect = 0, remove = 0, opt, ret;
	char params[4096] = "";

	while ((opt = getopt(argc, argv, "e:r")) != -1) {
		switch (opt) {
		case 'e':
			expect = errno_value(optarg);
			break;
		case 'r':
			remove = 1;
			break;
		default:
			goto usage;
		}
	}
	if (optind >= argc || (remove && argc - optind != 1))
		goto usage;

	if (remove) {
		ret = syscall(SYS_delete_module, argv[optind], O_NONBLOCK);
	} else {
		int fd = open(argv[optind], O_RDONLY | O_CLOEXEC);

		if (fd < 0) {
			perror(argv[optind]);
			return 2;
		}
		for (int i = optind + 1; i < argc; i++) {
			if (strlen(params) + strlen(argv[i]) + 2 > sizeof(params))
				goto usage;
			strcat(params, argv[i]);
			strcat(params, " ");
		}
		ret = syscall(SYS_finit_module, fd, params, 0);
		close(fd);
	}
	ret = ret ? errno : 0;
	printf("modload: %s %s%s%s: %s\n", remove ? "remove" : "load",
	       argv[optind], *params ? " " : "", params,
	       ret ? errno_name(ret) : "ok");
	if (ret != expect) {
		printf("modload: FAIL: expected %s\n", expect ? errno_name(expect) : "success");
		return 1;
	}
	return 0;

usage:
	fprintf(stderr, "usage: modload [-e ERRNO] MODULE.ko [PARAM=VALUE...]\n"
			"       modload [-e ERRNO] -r NAME\n");
	return 2;
}
