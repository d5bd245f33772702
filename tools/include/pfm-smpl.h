/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sample readers for the two sampling formats of vpmc_perfmon, for
 * programs that map a context's buffer (Documentation/ABI/testing/
 * dev-perfmon): perfmon2's "default" and vpmc's "vpmc-ring".
 *
 *  - default: pfm_dfl_count() is how many whole entries there are (read
 *    with acquire order, so each is whole); pfm_dfl_next() steps over one
 *    entry and its sampled PMDs, whose number the caller knows per PMD;
 *  - vpmc-ring: vpmc_ring_map() maps the header and records read-only and
 *    the control page writable; vpmc_ring_next() copies out the next
 *    record (skipping padding) and vpmc_ring_consume() gives what was
 *    read back to the kernel. vpmc_ring_oldest() starts a reader of an
 *    overwriting ring at its oldest record.
 */
#ifndef PFM_SMPL_H
#define PFM_SMPL_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <perfmon/perfmon_dfl_smpl.h>
#include <perfmon/perfmon_vpmc_ring.h>

static inline uint64_t pfm_smpl_load(const __u64 *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* Whole entries in a "default" buffer, as the kernel wrote them. */
static inline uint64_t pfm_dfl_count(const pfm_dfl_smpl_hdr_t *hdr)
{
	return pfm_smpl_load(&hdr->hdr_count);
}

/* The first entry of a "default" buffer. */
static inline const pfm_dfl_smpl_entry_t *pfm_dfl_first(const pfm_dfl_smpl_hdr_t *hdr)
{
	return (const void *)(hdr + 1);
}

/* The PMD values after entry @e. */
static inline const uint64_t *pfm_dfl_values(const pfm_dfl_smpl_entry_t *e)
{
	return (const void *)(e + 1);
}

/* The entry after @e, which carries @nvalues PMD values. */
static inline const pfm_dfl_smpl_entry_t *
pfm_dfl_next(const pfm_dfl_smpl_entry_t *e, unsigned int nvalues)
{
	return (const void *)((const char *)(e + 1) + nvalues * sizeof(uint64_t));
}

/* A reader of a vpmc-ring buffer. */
struct vpmc_ring_reader {
	const struct vpmc_ring_hdr *hdr;
	struct vpmc_ring_ctl *ctl;
	const char *data;
	size_t map_size;
	uint64_t tail;
};

/*
 * Map the ring of context @fd, whose argument asked for @data_size bytes.
 * 0, or -1 with errno set (nothing left mapped).
 */
static inline int vpmc_ring_map(struct vpmc_ring_reader *r, int fd, uint64_t data_size)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p, *c;
	int err;

	r->map_size = 2 * page + ((data_size + page - 1) & ~(uint64_t)(page - 1));
	p = mmap(NULL, r->map_size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -1;
	r->hdr = p;
	c = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, r->hdr->ctl_offset);
	if (c == MAP_FAILED) {
		err = errno;
		munmap(p, r->map_size);
		errno = err;
		return -1;
	}
	r->ctl = c;
	r->data = (const char *)p + r->hdr->data_offset;
	r->tail = r->ctl->data_tail;
	return 0;
}

static inline void vpmc_ring_unmap(struct vpmc_ring_reader *r)
{
	munmap(r->ctl, sysconf(_SC_PAGESIZE));
	munmap((void *)r->hdr, r->map_size);
}

/* The kernel's head: records before it are whole. */
static inline uint64_t vpmc_ring_head(const struct vpmc_ring_reader *r)
{
	return pfm_smpl_load(&r->hdr->data_head);
}

/*
 * Copy the next record (at most @len bytes of it) to @buf and step past
 * it; padding is skipped. Its size, or 0 when the reader is at the head.
 */
static inline size_t vpmc_ring_next(struct vpmc_ring_reader *r, void *buf, size_t len)
{
	uint64_t head = vpmc_ring_head(r);
	const struct vpmc_ring_rec *rec;

	while (r->tail != head) {
		rec = (const void *)(r->data + r->tail % r->hdr->data_size);
		if (rec->size < sizeof(*rec) || rec->size % 8)
			return 0;	/* not a record: the kernel's bug */
		r->tail += rec->size;
		if (rec->type == VPMC_RING_REC_PAD)
			continue;
		memcpy(buf, rec, rec->size < len ? rec->size : len);
		return rec->size;
	}
	return 0;
}

/* Give the records read so far back to the kernel. */
static inline void vpmc_ring_consume(struct vpmc_ring_reader *r)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&r->ctl->data_tail, r->tail, __ATOMIC_RELAXED);
}

/* An overwriting ring: start at its oldest record. */
static inline void vpmc_ring_oldest(struct vpmc_ring_reader *r)
{
	r->tail = pfm_smpl_load(&r->hdr->data_oldest);
}

#endif /* PFM_SMPL_H */
