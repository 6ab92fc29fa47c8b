/* SPDX-License-Identifier: GPL-2.0 */
/* A small JSON reader, enough for the files 'run --json' writes. */
#ifndef VMB_JSON_H
#define VMB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/result.h"

enum vmb_jtype { VMB_J_NULL, VMB_J_BOOL, VMB_J_NUM, VMB_J_STR, VMB_J_ARR,
		 VMB_J_OBJ };

struct vmb_jval {
	enum vmb_jtype t;
	bool b;
	double num;
	uint64_t u;		/* exact value of a non-negative integer */
	char *str;
	struct vmb_jval *items;	/* array elements or object values */
	char **keys;		/* object keys */
	size_t n;
};

/* -EINVAL with a message naming the byte offset on a syntax error. */
int vmb_json_parse(const char *text, struct vmb_jval *out);
void vmb_json_free(struct vmb_jval *v);
const struct vmb_jval *vmb_json_get(const struct vmb_jval *obj,
				    const char *key);
double vmb_json_num(const struct vmb_jval *obj, const char *key, double def);

/* A results file read back: what compare and plot work from. */
struct vmb_loaded {
	char path[256];
	char release[128];
	char modversion[64];
	uint64_t hold_us;
	int repeat;		/* settings.repeat */
	bool force_mmap_lock;	/* settings.force_mmap_lock */
	bool alone;		/* settings: no bystanders, no writer */
	bool module_present;
	uint32_t features;	/* module.features, bit per enum vmb_feature */
	struct vmb_result *res;
	size_t n;
};

int vmb_load_results(const char *path, struct vmb_loaded *out);
void vmb_loaded_free(struct vmb_loaded *l);

#endif /* VMB_JSON_H */
