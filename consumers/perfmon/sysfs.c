// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/perfmon: the interface version and the PMU description, as
 * perfmon2's PMU description modules exported it, read-only, for tools.
 * Documentation/ABI/testing/sysfs-kernel-perfmon is the contract.
 *
 * The registers are vpmc's virtual counters: PMC n takes a raw event
 * encoding of the backend (pmu_desc/format), PMD n is its 64-bit count.
 */
#define pr_fmt(fmt) "vpmc_perfmon: " fmt

#include <linux/error-injection.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "pfm.h"

/* One pmcN or pmdN directory. */
struct pfm_reg_kobj {
	struct kobject kobj;
	bool pmd;
	unsigned int num;
};

#define to_reg(k) container_of(k, struct pfm_reg_kobj, kobj)

static struct kobject *pfm_kobj;
static struct kobject *pfm_desc_kobj;
static struct pfm_reg_kobj *pfm_regs[2 * PFM_NR];

/* === Top level and pmu_desc === */

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%u.%u\n", PFM_VERSION_MAJ, PFM_VERSION_MIN);
}

static struct kobj_attribute version_attr = __ATTR_RO(version);

static struct attribute *pfm_top_attrs[] = {
	&version_attr.attr,
	NULL
};

static const struct attribute_group pfm_top_group = {
	.attrs = pfm_top_attrs,
};

static ssize_t model_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "vpmc-%s\n", vpmc_backend_name());
}

static ssize_t format_show(struct kobject *kobj, struct kobj_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", vpmc_event_format());
}

static ssize_t num_pmcs_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%u\n", pfm_nr);
}

static ssize_t num_pmds_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "%u\n", pfm_nr);
}

static struct kobj_attribute model_attr = __ATTR_RO(model);
static struct kobj_attribute format_attr = __ATTR_RO(format);
static struct kobj_attribute num_pmcs_attr = __ATTR_RO(num_pmcs);
static struct kobj_attribute num_pmds_attr = __ATTR_RO(num_pmds);

static struct attribute *pfm_desc_attrs[] = {
	&model_attr.attr,
	&format_attr.attr,
	&num_pmcs_attr.attr,
	&num_pmds_attr.attr,
	NULL
};

static const struct attribute_group pfm_desc_group = {
	.attrs = pfm_desc_attrs,
};

/* === One register === */

static ssize_t name_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	struct pfm_reg_kobj *reg = to_reg(kobj);

	return sysfs_emit(buf, "%s%u\n", reg->pmd ? "PMD" : "PMC", reg->num);
}

/*
 * perfmon2's register type bits, spelled out: a PMC is implemented; a PMD
 * is implemented, virtualized to 64 bits and can interrupt (overflow).
 */
static ssize_t type_show(struct kobject *kobj, struct kobj_attribute *attr,
			 char *buf)
{
	return sysfs_emit(buf, "%s\n", to_reg(kobj)->pmd ?
			  "implemented counter 64bit interrupt" : "implemented");
}

static ssize_t dfl_val_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "0x0\n");
}

static ssize_t rsvd_msk_show(struct kobject *kobj, struct kobj_attribute *attr,
			     char *buf)
{
	return sysfs_emit(buf, "0x%llx\n", to_reg(kobj)->pmd ? 0ULL : pfm_pmc_rsvd);
}

static ssize_t width_show(struct kobject *kobj, struct kobj_attribute *attr,
			  char *buf)
{
	return sysfs_emit(buf, "64\n");
}

static struct kobj_attribute name_attr = __ATTR_RO(name);
static struct kobj_attribute type_attr = __ATTR_RO(type);
static struct kobj_attribute dfl_val_attr = __ATTR_RO(dfl_val);
static struct kobj_attribute rsvd_msk_attr = __ATTR_RO(rsvd_msk);
static struct kobj_attribute width_attr = __ATTR_RO(width);

static struct attribute *pfm_reg_attrs[] = {
	&name_attr.attr,
	&type_attr.attr,
	&dfl_val_attr.attr,
	&rsvd_msk_attr.attr,
	&width_attr.attr,
	NULL
};
ATTRIBUTE_GROUPS(pfm_reg);

static void pfm_reg_release(struct kobject *kobj)
{
	kfree(to_reg(kobj));
}

static struct kobj_type pfm_reg_ktype = {
	.release = pfm_reg_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = pfm_reg_groups,
};

/* === Setup === */

void pfm_sysfs_exit(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pfm_regs); i++) {
		if (pfm_regs[i])
			kobject_put(&pfm_regs[i]->kobj);
		pfm_regs[i] = NULL;
	}
	/* Removing a directory removes its attribute files. */
	kobject_put(pfm_desc_kobj);
	pfm_desc_kobj = NULL;
	kobject_put(pfm_kobj);
	pfm_kobj = NULL;
}

/* A fault-injection site (Documentation/testing.rst): it only allocates. */
static noinline struct pfm_reg_kobj *pfm_reg_alloc(void)
{
	struct pfm_reg_kobj *reg;

	return kzalloc(sizeof(*reg), GFP_KERNEL);
}

ALLOW_ERROR_INJECTION(pfm_reg_alloc, NULL);

static int pfm_sysfs_reg(unsigned int slot, bool pmd, unsigned int num)
{
	struct pfm_reg_kobj *reg = pfm_reg_alloc();
	int ret;

	if (!reg)
		return -ENOMEM;
	reg->pmd = pmd;
	reg->num = num;
	ret = kobject_init_and_add(&reg->kobj, &pfm_reg_ktype, pfm_desc_kobj,
				   "%s%u", pmd ? "pmd" : "pmc", num);
	if (ret) {
		kobject_put(&reg->kobj);
		return ret;
	}
	pfm_regs[slot] = reg;
	return 0;
}

/**
 * pfm_sysfs_kobj() - /sys/kernel/perfmon, for what else lives there
 *
 * Context: after pfm_sysfs_init() succeeded.
 * Return: its kobject.
 */
struct kobject *pfm_sysfs_kobj(void)
{
	return pfm_kobj;
}

/**
 * pfm_sysfs_init() - create /sys/kernel/perfmon
 *
 * Context: module init.
 * Return: 0 or -errno (nothing left behind).
 */
int pfm_sysfs_init(void)
{
	unsigned int i;
	int ret = -ENOMEM;

	pfm_kobj = kobject_create_and_add("perfmon", kernel_kobj);
	if (!pfm_kobj)
		return -ENOMEM;
	ret = sysfs_create_group(pfm_kobj, &pfm_top_group);
	if (ret)
		goto fail;
	pfm_desc_kobj = kobject_create_and_add("pmu_desc", pfm_kobj);
	if (!pfm_desc_kobj) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = sysfs_create_group(pfm_desc_kobj, &pfm_desc_group);
	if (ret)
		goto fail;
	for (i = 0; i < pfm_nr && !ret; i++) {
		ret = pfm_sysfs_reg(2 * i, false, i);
		if (!ret)
			ret = pfm_sysfs_reg(2 * i + 1, true, i);
	}
	if (!ret)
		return 0;
fail:
	pfm_sysfs_exit();
	return ret;
}
