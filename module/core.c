// SPDX-License-Identifier: GPL-2.0
/*
 * vmalock_bench: a test bench for page faults under the per-VMA lock.
 *
 * This file owns the module's lifetime, the debugfs root and the files
 * that describe the module itself: version, features and knobs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/utsname.h>

#include "compat.h"
#include "knob.h"
#include "vmalock_bench.h"

unsigned long vmb_features;
struct dentry *vmb_debugfs_root;

/* The third line of version: loading it taints the kernel (TAINT_TEST). */
#define VMB_TEST_NOTICE \
	"test module (taint N, TAINT_TEST): changes fault paths on purpose, for test machines only"

#define VMB_FEAT_NAME(name, ...) #name,
static const char *const vmb_feature_names[] = {
	VMB_FEATURES(VMB_FEAT_NAME)
};

static int vmb_version_show(struct seq_file *m, struct vmb_group *g,
			    unsigned int idx)
{
	seq_printf(m, "vmalock_bench %s\nkernel %s\n%s\n", VMB_VERSION,
		   init_utsname()->release, VMB_TEST_NOTICE);
	return 0;
}

static int vmb_features_show(struct seq_file *m, struct vmb_group *g,
			     unsigned int idx)
{
	unsigned int i;

	for (i = 0; i < VMB_NR_FEATURES; i++)
		if (vmb_has(i))
			seq_printf(m, "%s\n", vmb_feature_names[i]);
	return 0;
}

#define VMB_ROOT_KNOBS(X)						\
	X(root, version, VMB_SHOW, .mode = 0400, .show = vmb_version_show, \
	  .help = "module version, kernel release, test-module notice")	\
	X(root, features, VMB_SHOW, .mode = 0400,			\
	  .show = vmb_features_show,					\
	  .help = "one capability per line, see VMB_FEATURES")		\
	X(root, knobs, VMB_SHOW, .mode = 0400, .show = vmb_knobs_show,	\
	  .help = "every knob: path type mode default min max live help")

VMB_DEFINE_GROUP(root, "", VMB_ROOT_KNOBS);

/* What the kernel's configuration alone decides. */
static void vmb_static_features(void)
{
	if (IS_ENABLED(CONFIG_TRACEPOINTS))
		vmb_set_feature(VMB_FEAT_tracepoints);
	if (IS_ENABLED(CONFIG_DEVICE_MIGRATION))
		vmb_set_feature(VMB_FEAT_migrate_vma);
	if (IS_ENABLED(CONFIG_SWAP))
		vmb_set_feature(VMB_FEAT_swap);
	if (IS_ENABLED(CONFIG_USERFAULTFD))
		vmb_set_feature(VMB_FEAT_userfaultfd);
	if (VMB_HAVE_UFFDIO_MOVE)
		vmb_set_feature(VMB_FEAT_userfaultfd_move);
	if (VMB_HAVE_THP)
		vmb_set_feature(VMB_FEAT_transparent_hugepage);
}

/*
 * Files go first, on every way out: once the root is removed no store can
 * run, and only then may the parts behind the files go away. Idempotent,
 * so that each unwind label below can begin with it.
 */
static void vmb_remove_files(void)
{
	debugfs_remove(vmb_debugfs_root);
	vmb_debugfs_root = NULL;
}

static int __init vmb_init(void)
{
	int ret;

	vmb_static_features();

	vmb_debugfs_root = debugfs_create_dir(VMB_DEBUGFS_DIR, NULL);
	if (IS_ERR(vmb_debugfs_root))
		return PTR_ERR(vmb_debugfs_root);

	ret = vmb_group_register(&vmb_group_root);
	if (ret)
		goto err_remove_files;

	/* Registers its probes and the target/ directory. */
	ret = vmb_accounting_init();
	if (ret)
		goto err_unregister_root;

	/* /dev/vmalock_swap0 and the swap/ directory. */
	ret = vmb_swap_init();
	if (ret)
		goto err_accounting_exit;

	/* /dev/vmalock_disk0 and the disk/ directory. */
	ret = vmb_disk_init();
	if (ret)
		goto err_swap_exit;

	/* The folio_lock/ and migration/ injectors (their exit also undoes a
	 * failed init).
	 */
	ret = vmb_inject_init();
	if (ret)
		goto err_inject_exit;

	pr_info("%s loaded\n", VMB_VERSION);
	return 0;

err_inject_exit:
	vmb_remove_files();
	vmb_inject_exit();
	vmb_disk_exit();
err_swap_exit:
	vmb_remove_files();
	vmb_swap_exit();
err_accounting_exit:
	vmb_remove_files();
	vmb_accounting_exit();
err_unregister_root:
	vmb_remove_files();
	vmb_group_unregister(&vmb_group_root);
err_remove_files:
	vmb_remove_files();
	return ret;
}

static void __exit vmb_exit(void)
{
	vmb_remove_files();
	vmb_inject_exit();
	vmb_disk_exit();
	vmb_swap_exit();
	vmb_accounting_exit();
	vmb_group_unregister(&vmb_group_root);
}

module_init(vmb_init);
module_exit(vmb_exit);

MODULE_DESCRIPTION("Test bench for page faults under the per-VMA lock");
MODULE_LICENSE("GPL");
MODULE_VERSION(VMB_VERSION);
/* It changes fault paths and holds locks on purpose: TAINT_TEST. */
MODULE_INFO(test, "Y");
