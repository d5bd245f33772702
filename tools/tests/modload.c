// SPDX-License-Identifier: GPL-2.0-only
/*
 * modload - load or unload a kernel module and check the outcome exactly.
 *
 *   modload [-e ERRNO] MODULE.ko [PARAM=VALUE...]   finit_module()
 *   modload [-e ERRNO] -r NAME                      delete_module()
 *   modload -n [-e ERRNO] [-b PARAM=BAD] [-k K[:OFF]] MODULE.ko [PARAM=VALUE...]
 *                                                   the load's fault points
 *
 * -n (fault injection, Documentation/testing.rst) loads the module again
 * and again with its Nth fault point failed, N = 1, 2, ...
 * (/proc/thread-self/fail-nth: failslab and fail_function sites, the
 * module loader's and the module's init's alike), until a load completes
 * with none left to fail; it stays loaded. Each failed load must fail with
 * ENOMEM and leave no module behind; a load that tolerated its failure is
 * unloaded again; the load with none left ends as -e says (success without).
 * -b names a parameter value the module refuses as the loader parses it:
 * the fault points a load with it passes are the loader's own before the
 * module's parameters and code, and are not failed (they are the same for
 * every module, and slow to sweep under KASAN). -k K:OFF fails only every
 * Kth fault point past them, from the OFFth (make check's bounded sweep;
 * make fuzz sweeps them all).
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
#include <sys/stat.h>
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

/*
 * /proc/thread-self/fail-nth, opened once: opening it is a fault point
 * itself (a struct file), writing and reading it are none.
 */
static int nth_fd = -1;

static void put_nth(int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", n);

	if (pwrite(nth_fd, buf, len, 0) != len) {
		perror("fail-nth");
		exit(2);
	}
}

static int get_nth(void)
{
	char buf[16] = "";

	if (pread(nth_fd, buf, sizeof(buf) - 1, 0) <= 0) {
		perror("fail-nth");
		exit(2);
	}
	return atoi(buf);
}

/* The name a module file loads as: its base name, '-' as '_', no .ko. */
static void mod_name(const char *path, char *name, size_t size)
{
	const char *base = strrchr(path, '/');

	snprintf(name, size, "%s", base ? base + 1 : path);
	for (char *p = name; *p; p++) {
		if (*p == '-')
			*p = '_';
		if (!strcmp(p, ".ko")) {
			*p = 0;
			break;
		}
	}
}

static int sweep(int fd, const char *path, const char *params, int expect,
		 const char *bad, int stride, int off)
{
	char name[256], sys[300];
	struct stat st;
	int n = 1, left, ret, err, tolerated = 0, failed = 0;

	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (nth_fd < 0) {
		perror("fail-nth");
		return 2;
	}
	mod_name(path, name, sizeof(name));
	snprintf(sys, sizeof(sys), "/sys/module/%s", name);
	if (bad) {
		char with[4096 + 256];

		snprintf(with, sizeof(with), "%s%s", params, bad);
		put_nth(1000000);
		ret = syscall(SYS_finit_module, fd, with, 0);
		err = errno;
		left = get_nth();
		put_nth(0);
		if (!ret || err != EINVAL || !left) {
			printf("modload: FAIL: %s with %s: %s, not EINVAL\n", name, bad,
			       ret ? errno_name(err) : "loaded");
			return 1;
		}
		n = 1000000 - left;
		printf("modload: %s: the loader's first %d fault points not failed\n", name, n);
	}
	n += off % stride;
	for (; n < 100000; n += stride) {
		put_nth(n);
		ret = syscall(SYS_finit_module, fd, params, 0);
		err = errno;
		left = get_nth();
		put_nth(0);
		if (left) {	/* none left to fail: the load's own outcome */
			if ((ret ? err : 0) != expect) {
				printf("modload: FAIL: %s without a fault: %s, expected %s\n", name,
				       ret ? errno_name(err) : "ok",
				       expect ? errno_name(expect) : "success");
				return 1;
			}
			printf("modload: %s: %d fault points failed (1 in %d, %d tolerated), %s\n",
			       name, failed, stride, tolerated, ret ? errno_name(err) : "loaded");
			return 0;
		}
		failed++;
		if (!ret) {
			tolerated++;
			if (syscall(SYS_delete_module, name, O_NONBLOCK)) {
				printf("modload: FAIL: fault point %d: not unloaded: %s\n", n,
				       strerror(errno));
				return 1;
			}
			continue;
		}
		/* ENOMEM, or what the load ends in anyway once past its fault. */
		if (err != ENOMEM && err != expect) {
			printf("modload: FAIL: fault point %d: %s, not ENOMEM\n", n,
			       errno_name(err));
			return 1;
		}
		if (!stat(sys, &st)) {
			printf("modload: FAIL: fault point %d: ENOMEM, but %s is left\n", n, sys);
			return 1;
		}
	}
	printf("modload: FAIL: %s still failing after %d fault points\n", name, n);
	return 1;
}

int main(int argc, char **argv)
{
	int expect = 0, remove = 0, nth = 0, opt, ret;
	char params[4096] = "";
	const char *bad = NULL;
	int stride = 1, off = 0;

	while ((opt = getopt(argc, argv, "e:rnb:k:")) != -1) {
		switch (opt) {
		case 'e':
			expect = errno_value(optarg);
			break;
		case 'r':
			remove = 1;
			break;
		case 'n':
			nth = 1;
			break;
		case 'b':
			bad = optarg;
			break;
		case 'k':
			if (sscanf(optarg, "%d:%d", &stride, &off) < 1 || stride < 1 || off < 0)
				goto usage;
			break;
		default:
			goto usage;
		}
	}
	if (optind >= argc || (remove && argc - optind != 1) || (nth && remove) ||
	    ((bad || stride > 1) && !nth))
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
		if (nth) {
			ret = sweep(fd, argv[optind], params, expect, bad, stride, off);
			close(fd);
			return ret;
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
			"       modload [-e ERRNO] -r NAME\n"
			"       modload -n [-e ERRNO] [-b PARAM=BAD] [-k K[:OFF]] MODULE.ko [PARAM=VALUE...]\n");
	return 2;
}
