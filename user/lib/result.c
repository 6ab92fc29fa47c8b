// SPDX-License-Identifier: GPL-2.0
/* Results of a run; see result.h. */
#include <stdio.h>

#include "lib/result.h"

const char *const vmb_role_names[VMB_ROLE_NR] = {
	[VMB_ROLE_VICTIM] = "victim",
	[VMB_ROLE_BYSTANDER] = "bystander",
	[VMB_ROLE_BYSTANDER_BASE] = "bystander_base",
	[VMB_ROLE_WRITER] = "writer",
	[VMB_ROLE_WRITER_BASE] = "writer_base",
	[VMB_ROLE_INJECTOR] = "injector",
};

const char *vmb_status_name(enum vmb_status s)
{
	return s == VMB_OK ? "ok" : s == VMB_SKIPPED ? "skipped" : "failed";
}

void vmb_add_metric(struct vmb_result *res, const char *name, double v,
		    bool lower_is_better)
{
	struct vmb_metric *m;

	if (res->nmetrics >= VMB_MAX_METRICS)
		return;
	m = &res->metrics[res->nmetrics++];
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->value = v;
	m->lower_is_better = lower_is_better;
}
