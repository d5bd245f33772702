// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/vpmc: the PMU description, read-only, for tools.
 * Documentation/ABI/testing/sysfs-kernel-vpmc is the contract.
 *
 * Created after core/ has probed the backend and removed before it goes, so
 * every show() reads a description that cannot change under it.
 */
#define pr_fmt(fmt) "vpmc: " fmt

#include <linux/error-injection.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "priv.h"

/* === Top level === */

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", VPMC_VERSION);
}

static ssize_t backend_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%s\n", vpmc_backend_name());
}

static ssize_t format_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", vpmc_event_format());
}

static ssize_t num_counters_show(struct kobject *kobj,
				 struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", vpmc_num_counters());
}

static struct kobj_attribute version_attr = __ATTR_RO(version);
static struct kobj_attribute backend_attr = __ATTR_RO(backend);
static struct kobj_attribute format_attr = __ATTR_RO(format);
static struct kobj_attribute num_counters_attr = __ATTR_RO(num_counters);

static struct attribute *vpmc_top_attrs[] = {
	&version_attr.attr,
	&backend_attr.attr,
	&format_attr.attr,
	&num_counters_attr.attr,
	NULL
};

static const struct attribute_group vpmc_top_group = {
	.attrs = vpmc_top_attrs,
};

/* === events/: one file per generic event the backend can count === */

struct vpmc_event_attr {
	struct kobj_attribute attr;
	enum vpmc_generic_event event;
};

static ssize_t event_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	struct vpmc_event_attr *ea = container_of(attr, struct vpmc_event_attr,
						  attr);
	u64 config;
	int ret;

	ret = vpmc_generic_event(ea->event, &config);
	if (ret)
		return ret;
	return sysfs_emit(buf, "config=%#llx\n", config);
}

/* Filled from core/'s table of generic event names by vpmc_sysfs_init(). */
static struct vpmc_event_attr vpmc_event_attrs[VPMC_EVENT_MAX];
static struct attribute *vpmc_event_attr_ptrs[VPMC_EVENT_MAX + 1];

static umode_t vpmc_event_visible(struct kobject *kobj, struct attribute *attr,
				  int n)
{
	struct vpmc_event_attr *ea = container_of(attr, struct vpmc_event_attr,
						  attr.attr);
	u64 config;

	return vpmc_generic_event(ea->event, &config) ? 0 : attr->mode;
}

static const struct attribute_group vpmc_event_group = {
	.name = "events",
	.attrs = vpmc_event_attr_ptrs,
	.is_visible = vpmc_event_visible,
};

static const struct attribute_group *vpmc_groups[] = {
	&vpmc_top_group,
	&vpmc_event_group,
	NULL
};

/* === counters/<n>/: one directory per physical counter === */

struct vpmc_counter_kobj {
	struct kobject kobj;
	unsigned int idx;
};

static struct vpmc_counter_info vpmc_kobj_info(struct kobject *kobj)
{
	struct vpmc_counter_kobj *ck = container_of(kobj, struct vpmc_counter_kobj,
						    kobj);
	struct vpmc_counter_info info = {};

	/* idx was checked at creation; the description outlives the kobject. */
	WARN_ON(vpmc_counter_info(ck->idx, &info));
	return info;
}

static ssize_t kind_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct vpmc_counter_info info = vpmc_kobj_info(kobj);

	return sysfs_emit(buf, "%s\n", info.kind == VPMC_COUNTER_FIXED ?
			  "fixed" : "general");
}

static ssize_t width_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "%u\n", vpmc_kobj_info(kobj).width);
}

static ssize_t fixed_event_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "config=%#llx\n", vpmc_kobj_info(kobj).fixed_event);
}

static struct kobj_attribute kind_attr = __ATTR_RO(kind);
static struct kobj_attribute width_attr = __ATTR_RO(width);
static struct kobj_attribute fixed_event_attr = __ATTR_RO(fixed_event);

static struct attribute *vpmc_counter_attrs[] = {
	&kind_attr.attr,
	&width_attr.attr,
	&fixed_event_attr.attr,
	NULL
};

static umode_t vpmc_counter_visible(struct kobject *kobj,
				    struct attribute *attr, int n)
{
	if (attr == &fixed_event_attr.attr &&
	    vpmc_kobj_info(kobj).kind != VPMC_COUNTER_FIXED)
		return 0;
	return attr->mode;
}

static const struct attribute_group vpmc_counter_group = {
	.attrs = vpmc_counter_attrs,
	.is_visible = vpmc_counter_visible,
};

static const struct attribute_group *vpmc_counter_groups[] = {
	&vpmc_counter_group,
	NULL
};

static void vpmc_counter_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct vpmc_counter_kobj, kobj));
}

static struct kobj_type vpmc_counter_ktype = {
	.release	= vpmc_counter_release,
	.sysfs_ops	= &kobj_sysfs_ops,
	.default_groups	= vpmc_counter_groups,
};

/* === Setup and teardown === */

/* Only module init and exit touch these; they never run concurrently. */
static struct kobject *vpmc_kobj;
static struct kobject *vpmc_counters_kobj;
static struct vpmc_counter_kobj *vpmc_counter_kobjs[VPMC_MAX_COUNTERS];

static void vpmc_sysfs_remove_counters(void)
{
	unsigned int i;

	for (i = 0; i < VPMC_MAX_COUNTERS; i++) {
		if (vpmc_counter_kobjs[i])
			kobject_put(&vpmc_counter_kobjs[i]->kobj);
		vpmc_counter_kobjs[i] = NULL;
	}
	kobject_put(vpmc_counters_kobj);
	vpmc_counters_kobj = NULL;
}

/* A fault-injection site (Documentation/testing.rst): it only allocates. */
static noinline struct vpmc_counter_kobj *vpmc_counter_alloc(void)
{
	struct vpmc_counter_kobj *ck;

	return kzalloc(sizeof(*ck), GFP_KERNEL);
}

ALLOW_ERROR_INJECTION(vpmc_counter_alloc, NULL);

static int vpmc_sysfs_add_counters(void)
{
	struct vpmc_counter_kobj *ck;
	unsigned int i;
	int ret;

	vpmc_counters_kobj = kobject_create_and_add("counters", vpmc_kobj);
	if (!vpmc_counters_kobj)
		return -ENOMEM;
	for (i = 0; i < vpmc_num_counters(); i++) {
		ck = vpmc_counter_alloc();
		if (!ck)
			return -ENOMEM;
		ck->idx = i;
		ret = kobject_init_and_add(&ck->kobj, &vpmc_counter_ktype,
					   vpmc_counters_kobj, "%u", i);
		if (ret) {
			kobject_put(&ck->kobj);
			return ret;
		}
		vpmc_counter_kobjs[i] = ck;
	}
	return 0;
}

/**
 * vpmc_sysfs_init() - create /sys/kernel/vpmc for the probed PMU
 *
 * Context: module init, after the default PMU exists; may sleep.
 * Return: 0 or -ENOMEM, or the sysfs error (nothing is left behind).
 */
int vpmc_sysfs_init(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < VPMC_EVENT_MAX; i++) {
		struct vpmc_event_attr *ea = &vpmc_event_attrs[i];

		sysfs_attr_init(&ea->attr.attr);
		ea->attr.attr.name = vpmc_generic_event_name(i);
		ea->attr.attr.mode = 0444;
		ea->attr.show = event_show;
		ea->event = i;
		vpmc_event_attr_ptrs[i] = &ea->attr.attr;
	}

	vpmc_kobj = kobject_create_and_add("vpmc", kernel_kobj);
	if (!vpmc_kobj)
		return -ENOMEM;
	ret = sysfs_create_groups(vpmc_kobj, vpmc_groups);
	if (ret)
		goto err_kobj;
	ret = vpmc_sysfs_add_counters();
	if (ret)
		goto err_counters;
	return 0;

err_counters:
	vpmc_sysfs_remove_counters();
	sysfs_remove_groups(vpmc_kobj, vpmc_groups);
err_kobj:
	kobject_put(vpmc_kobj);
	vpmc_kobj = NULL;
	return ret;
}

/**
 * vpmc_sysfs_exit() - remove /sys/kernel/vpmc
 *
 * Context: module exit, before the default PMU goes; may sleep.
 */
void vpmc_sysfs_exit(void)
{
	vpmc_sysfs_remove_counters();
	sysfs_remove_groups(vpmc_kobj, vpmc_groups);
	kobject_put(vpmc_kobj);
	vpmc_kobj = NULL;
}
