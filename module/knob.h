/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarative debugfs knobs. A directory is one group, declared by one
 * X-macro list; each entry names the knob, its type and the fields of
 * struct vmb_knob that differ from zero, e.g.
 *
 *   #define VMB_FOO_KNOBS(X)                                             \
 *	X(foo, len, VMB_U64, .mode = 0600, .max = VMB_LEN_MAX,            \
 *	  .help = "bytes to hold")                                         \
 *	X(foo, enable, VMB_BOOL, .mode = 0600, .max = 1, .live = true,    \
 *	  .store = foo_enable, .help = "arm the injector")
 *   VMB_DEFINE_GROUP(foo, "foo", VMB_FOO_KNOBS);
 *
 * which gives the indices VMB_foo_len, VMB_foo_enable, the group
 * vmb_group_foo with one file per knob (or, for a group embedded in a
 * bigger struct, VMB_DEFINE_KNOBS() and VMB_GROUP_INIT()), parsing, bounds, -EBUSY while
 * armed, and a line per knob in the root "knobs" file.
 */
#ifndef _VMB_KNOB_H
#define _VMB_KNOB_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/seq_file.h>
#include <linux/types.h>

enum vmb_knob_type {
	VMB_U64,	/* decimal, unsigned */
	VMB_S64,	/* decimal, signed; min and max are read as s64 */
	VMB_HEX,	/* an address: "0x..." out, hex with or without 0x in */
	VMB_BOOL,	/* 0 or 1 */
	VMB_ENUM,	/* one of ->enum_names; the value is its index */
	VMB_SHOW,	/* read-only, produced by ->show */
};

struct vmb_group;

struct vmb_knob {
	const char *name;
	const char *help;
	enum vmb_knob_type type;
	umode_t mode;		/* 0400, 0200 or 0600 */
	bool live;		/* may change while the group is armed */
	u64 def, min, max;
	const char * const *enum_names;	/* NULL-terminated */
	/*
	 * Validate and apply a parsed, in-bounds value, with the group's
	 * mutex held. Returns 0 (the value is then stored) or -errno.
	 */
	int (*store)(struct vmb_group *g, unsigned int idx, u64 val);
	/* Replace the default formatting of the value. */
	int (*show)(struct seq_file *m, struct vmb_group *g, unsigned int idx);
};

struct vmb_knob_file {
	struct vmb_group *g;
	unsigned int idx;
};

struct vmb_group {
	const char *name;	/* "" for the debugfs root */
	const struct vmb_knob *knobs;
	unsigned int nr_knobs;
	u64 *vals;		/* READ_ONCE() them outside the mutex */
	struct mutex lock;	/* serialises stores; never in fault paths */
	bool armed;		/* set by a store hook, under lock */
	struct vmb_knob_file *files;
	struct list_head node;
};

#define VMB_KNOB_IDX(grp, nm, ...) VMB_##grp##_##nm,
#define VMB_KNOB_INIT(grp, nm, ty, ...) \
	[VMB_##grp##_##nm] = { .name = #nm, .type = ty, __VA_ARGS__ },

/* The indices, the knob table and the values of group grp. */
#define VMB_DEFINE_KNOBS(grp, LIST)					\
	enum { LIST(VMB_KNOB_IDX) VMB_##grp##_NR };			\
	static const struct vmb_knob vmb_##grp##_knobs[] = {		\
		LIST(VMB_KNOB_INIT)					\
	};								\
	static u64 vmb_##grp##_vals[VMB_##grp##_NR]

/* An initializer for the struct vmb_group obj, wherever it is embedded. */
#define VMB_GROUP_INIT(grp, dirname, obj)				\
	{								\
		.name = dirname,					\
		.knobs = vmb_##grp##_knobs,				\
		.nr_knobs = VMB_##grp##_NR,				\
		.vals = vmb_##grp##_vals,				\
		.lock = __MUTEX_INITIALIZER(obj.lock),			\
	}

#define VMB_DEFINE_GROUP(grp, dirname, LIST)				\
	VMB_DEFINE_KNOBS(grp, LIST);					\
	static struct vmb_group vmb_group_##grp =			\
		VMB_GROUP_INIT(grp, dirname, vmb_group_##grp)

static inline u64 vmb_knob_get(struct vmb_group *g, unsigned int idx)
{
	return READ_ONCE(g->vals[idx]);
}

int vmb_group_register(struct vmb_group *g);
void vmb_group_unregister(struct vmb_group *g);
/* The root "knobs" file: every knob of every registered group. */
int vmb_knobs_show(struct seq_file *m, struct vmb_group *g, unsigned int idx);

#endif /* _VMB_KNOB_H */
