// SPDX-License-Identifier: GPL-2.0
/*
 * The debugfs knob machinery: one file per entry of a group's table, one
 * parser, one bounds check, one place that returns -EBUSY while armed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "knob.h"
#include "vmalock_bench.h"

/* Longest accepted write: a 64-bit value in decimal or hex, or an enum. */
#define VMB_KNOB_BUF 32

static LIST_HEAD(vmb_groups);
static DEFINE_MUTEX(vmb_groups_lock);

static const char *const vmb_type_names[] = {
	[VMB_U64] = "u64", [VMB_S64] = "s64", [VMB_HEX] = "hex",
	[VMB_BOOL] = "bool", [VMB_ENUM] = "enum", [VMB_SHOW] = "show",
};

static void vmb_knob_print(struct seq_file *m, const struct vmb_knob *k, u64 v)
{
	switch (k->type) {
	case VMB_S64:
		seq_printf(m, "%lld", (s64)v);
		break;
	case VMB_HEX:
		seq_printf(m, "0x%llx", v);
		break;
	case VMB_ENUM:
		seq_puts(m, k->enum_names[v]);
		break;
	default:
		seq_printf(m, "%llu", v);
		break;
	}
}

static int vmb_knob_seq_show(struct seq_file *m, void *unused)
{
	struct vmb_knob_file *f = m->private;
	const struct vmb_knob *k = &f->g->knobs[f->idx];

	if (k->show)
		return k->show(m, f->g, f->idx);
	vmb_knob_print(m, k, vmb_knob_get(f->g, f->idx));
	seq_putc(m, '\n');
	return 0;
}

static int vmb_knob_open(struct inode *inode, struct file *file)
{
	struct vmb_knob_file *f = inode->i_private;
	const struct vmb_knob *k = &f->g->knobs[f->idx];

	/* root passes the permission check: apply the mode ourselves. */
	if ((file->f_mode & FMODE_READ) && !(k->mode & 0400))
		return -EACCES;
	if ((file->f_mode & FMODE_WRITE) && !(k->mode & 0200))
		return -EACCES;
	return single_open(file, vmb_knob_seq_show, f);
}

static int vmb_knob_parse(const struct vmb_knob *k, const char *buf, u64 *v)
{
	s64 s;
	int ret;

	switch (k->type) {
	case VMB_S64:
		ret = kstrtos64(buf, 10, &s);
		if (ret)
			return -EINVAL;
		if (s < (s64)k->min || s > (s64)k->max)
			return -EINVAL;
		*v = s;
		return 0;
	case VMB_ENUM:
		ret = __sysfs_match_string(k->enum_names, -1, buf);
		if (ret < 0)
			return -EINVAL;
		*v = ret;
		return 0;
	case VMB_U64:
	case VMB_BOOL:
	case VMB_HEX:
		/* kstrtou64() takes one trailing newline, nothing else. */
		if (kstrtou64(buf, k->type == VMB_HEX ? 16 : 10, v))
			return -EINVAL;
		if (*v < k->min || *v > k->max)
			return -EINVAL;
		return 0;
	default:
		return -EINVAL;
	}
}

static ssize_t vmb_knob_write(struct file *file, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct seq_file *m = file->private_data;
	struct vmb_knob_file *f = m->private;
	struct vmb_group *g = f->g;
	const struct vmb_knob *k = &g->knobs[f->idx];
	char buf[VMB_KNOB_BUF];
	u64 v;
	int ret;

	/* A value is written whole, in one write(), at offset 0. */
	if (*ppos || !count || count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';

	ret = vmb_knob_parse(k, buf, &v);
	if (ret)
		return ret;

	ret = mutex_lock_interruptible(&g->lock);
	if (ret)
		return ret;
	if (g->armed && !k->live)
		ret = -EBUSY;
	else if (k->store)
		ret = k->store(g, f->idx, v);
	if (!ret)
		WRITE_ONCE(g->vals[f->idx], v);
	mutex_unlock(&g->lock);

	if (ret)
		return ret;
	*ppos += count;
	return count;
}

static const struct file_operations vmb_knob_fops = {
	.owner = THIS_MODULE,
	.open = vmb_knob_open,
	.read = seq_read,
	.write = vmb_knob_write,
	.llseek = seq_lseek,
	.release = single_release,
};

int vmb_group_register(struct vmb_group *g)
{
	struct dentry *dir = vmb_debugfs_root;
	unsigned int i;

	g->files = kcalloc(g->nr_knobs, sizeof(*g->files), GFP_KERNEL);
	if (!g->files)
		return -ENOMEM;
	if (g->name[0]) {
		dir = debugfs_create_dir(g->name, vmb_debugfs_root);
		if (IS_ERR(dir)) {
			kfree(g->files);
			return PTR_ERR(dir);
		}
	}
	for (i = 0; i < g->nr_knobs; i++) {
		g->vals[i] = g->knobs[i].def;
		g->files[i].g = g;
		g->files[i].idx = i;
		/* debugfs failures only cost the file: nothing to unwind. */
		debugfs_create_file(g->knobs[i].name, g->knobs[i].mode, dir,
				    &g->files[i], &vmb_knob_fops);
	}
	mutex_lock(&vmb_groups_lock);
	list_add_tail(&g->node, &vmb_groups);
	mutex_unlock(&vmb_groups_lock);
	return 0;
}

/* Call after debugfs_remove() of the root: no file can be open then. */
void vmb_group_unregister(struct vmb_group *g)
{
	mutex_lock(&vmb_groups_lock);
	list_del(&g->node);
	mutex_unlock(&vmb_groups_lock);
	kfree(g->files);
	g->files = NULL;
}

int vmb_knobs_show(struct seq_file *m, struct vmb_group *unused,
		   unsigned int idx)
{
	const struct vmb_knob *k;
	struct vmb_group *g;
	unsigned int i;

	seq_puts(m, "# path type mode default min max live help\n");
	mutex_lock(&vmb_groups_lock);
	list_for_each_entry(g, &vmb_groups, node) {
		for (i = 0; i < g->nr_knobs; i++) {
			k = &g->knobs[i];
			seq_printf(m, "%s%s%s %s %04o ", g->name,
				   g->name[0] ? "/" : "", k->name,
				   vmb_type_names[k->type], k->mode);
			if (k->type == VMB_SHOW) {
				seq_printf(m, "- - - - %s\n", k->help);
				continue;
			}
			vmb_knob_print(m, k, k->def);
			seq_putc(m, ' ');
			vmb_knob_print(m, k, k->min);
			seq_putc(m, ' ');
			vmb_knob_print(m, k, k->max);
			seq_printf(m, " %d %s\n", k->live, k->help);
		}
	}
	mutex_unlock(&vmb_groups_lock);
	return 0;
}
