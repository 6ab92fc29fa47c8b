// SPDX-License-Identifier: GPL-2.0
/* JSON reader and the loader of result files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/error.h"
#include "lib/file.h"
#include "report/json.h"

struct parser {
	const char *s;
	size_t pos;
	int depth;
};

static void skip_ws(struct parser *p)
{
	while (p->s[p->pos] == ' ' || p->s[p->pos] == '\n' ||
	       p->s[p->pos] == '\t' || p->s[p->pos] == '\r')
		p->pos++;
}

static int json_bad(struct parser *p, const char *what)
{
	return vmb_fail(-EINVAL, "JSON syntax error at byte %zu: %s", p->pos,
			what);
}

static int parse_value(struct parser *p, struct vmb_jval *v);

static int parse_string(struct parser *p, char **out)
{
	size_t start, len = 0;
	char *buf;

	if (p->s[p->pos] != '"')
		return json_bad(p, "expected a string");
	start = ++p->pos;
	while (p->s[p->pos] && p->s[p->pos] != '"') {
		if (p->s[p->pos] == '\\' && p->s[p->pos + 1])
			p->pos++;
		p->pos++;
	}
	if (p->s[p->pos] != '"')
		return json_bad(p, "unterminated string");
	buf = malloc(p->pos - start + 1);
	if (!buf)
		return -ENOMEM;
	for (size_t i = start; i < p->pos; i++) {
		char c = p->s[i];

		if (c == '\\') {
			c = p->s[++i];
			if (c == 'n')
				c = '\n';
			else if (c == 't')
				c = '\t';
			else if (c == 'u') {
				/* Only what the writer emits: \u00XX. */
				char hex[5] = { 0 };

				memcpy(hex, p->s + i + 1, 4);
				c = (char)strtol(hex, NULL, 16);
				i += 4;
			}
		}
		buf[len++] = c;
	}
	buf[len] = '\0';
	p->pos++;
	*out = buf;
	return 0;
}

static int push(struct vmb_jval *v, char *key)
{
	struct vmb_jval *items;
	char **keys;

	items = realloc(v->items, (v->n + 1) * sizeof(*items));
	if (!items)
		return -ENOMEM;
	v->items = items;
	memset(&v->items[v->n], 0, sizeof(v->items[0]));
	if (v->t == VMB_J_OBJ) {
		keys = realloc(v->keys, (v->n + 1) * sizeof(*keys));
		if (!keys)
			return -ENOMEM;
		v->keys = keys;
		v->keys[v->n] = key;
	}
	v->n++;
	return 0;
}

static int parse_container(struct parser *p, struct vmb_jval *v, char close)
{
	char *key = NULL;
	int ret;

	if (++p->depth > 64)
		return json_bad(p, "nested too deep");
	p->pos++;
	skip_ws(p);
	if (p->s[p->pos] == close) {
		p->pos++;
		p->depth--;
		return 0;
	}
	for (;;) {
		skip_ws(p);
		if (v->t == VMB_J_OBJ) {
			ret = parse_string(p, &key);
			if (ret)
				return ret;
			skip_ws(p);
			if (p->s[p->pos] != ':') {
				free(key);
				return json_bad(p, "expected ':'");
			}
			p->pos++;
		}
		ret = push(v, key);
		if (ret) {
			free(key);
			return ret;
		}
		key = NULL;
		ret = parse_value(p, &v->items[v->n - 1]);
		if (ret)
			return ret;
		skip_ws(p);
		if (p->s[p->pos] == ',') {
			p->pos++;
			continue;
		}
		if (p->s[p->pos] == close) {
			p->pos++;
			p->depth--;
			return 0;
		}
		return json_bad(p, close == '}' ? "expected ',' or '}'" :
						"expected ',' or ']'");
	}
}

static int parse_value(struct parser *p, struct vmb_jval *v)
{
	const char *s;
	char *end;

	skip_ws(p);
	s = p->s + p->pos;
	memset(v, 0, sizeof(*v));
	switch (*s) {
	case '{':
		v->t = VMB_J_OBJ;
		return parse_container(p, v, '}');
	case '[':
		v->t = VMB_J_ARR;
		return parse_container(p, v, ']');
	case '"':
		v->t = VMB_J_STR;
		return parse_string(p, &v->str);
	case 't':
	case 'f':
	case 'n':
		if (!strncmp(s, "true", 4) || !strncmp(s, "null", 4)) {
			v->t = *s == 't' ? VMB_J_BOOL : VMB_J_NULL;
			v->b = *s == 't';
			p->pos += 4;
			return 0;
		}
		if (!strncmp(s, "false", 5)) {
			v->t = VMB_J_BOOL;
			p->pos += 5;
			return 0;
		}
		return json_bad(p, "unknown literal");
	default:
		v->t = VMB_J_NUM;
		v->num = strtod(s, &end);
		if (end == s)
			return json_bad(p, "expected a value");
		if (*s >= '0' && *s <= '9' && !memchr(s, '.', (size_t)(end - s)) &&
		    !memchr(s, 'e', (size_t)(end - s)))
			v->u = strtoull(s, NULL, 10);
		else
			v->u = v->num > 0 ? (uint64_t)v->num : 0;
		p->pos += (size_t)(end - s);
		return 0;
	}
}

void vmb_json_free(struct vmb_jval *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		vmb_json_free(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
	memset(v, 0, sizeof(*v));
}

int vmb_json_parse(const char *text, struct vmb_jval *out)
{
	struct parser p = { text, 0, 0 };
	int ret;

	ret = parse_value(&p, out);
	if (!ret) {
		skip_ws(&p);
		if (p.s[p.pos])
			ret = json_bad(&p, "trailing characters");
	}
	if (ret)
		vmb_json_free(out);
	return ret;
}

const struct vmb_jval *vmb_json_get(const struct vmb_jval *obj,
				    const char *key)
{
	size_t i;

	if (!obj || obj->t != VMB_J_OBJ)
		return NULL;
	for (i = 0; i < obj->n; i++)
		if (!strcmp(obj->keys[i], key))
			return &obj->items[i];
	return NULL;
}

double vmb_json_num(const struct vmb_jval *obj, const char *key, double def)
{
	const struct vmb_jval *v = vmb_json_get(obj, key);

	return v && v->t == VMB_J_NUM ? v->num : def;
}

static uint64_t jnum_u(const struct vmb_jval *obj, const char *key)
{
	const struct vmb_jval *v = vmb_json_get(obj, key);

	return v && v->t == VMB_J_NUM ? v->u : 0;
}

static void copy_str(char *dst, size_t size, const struct vmb_jval *v)
{
	snprintf(dst, size, "%s", v && v->t == VMB_J_STR ? v->str : "");
}

static int load_role(const struct vmb_jval *jr, struct vmb_role_result *rr)
{
	const struct vmb_jval *b = vmb_json_get(jr, "buckets");
	size_t i;

	vmb_hist_init(&rr->h);
	rr->present = true;
	rr->ops = jnum_u(jr, "ops");
	rr->secs = vmb_json_num(jr, "secs", 0);
	rr->h.count = jnum_u(jr, "count");
	rr->h.sum = jnum_u(jr, "sum_ns");
	rr->h.min = rr->h.count ? jnum_u(jr, "min_ns") : UINT64_MAX;
	rr->h.max = jnum_u(jr, "max_ns");
	if (!b || b->t != VMB_J_ARR)
		return -EINVAL;
	for (i = 0; i < b->n; i++) {
		const struct vmb_jval *pair = &b->items[i];

		if (pair->t != VMB_J_ARR || pair->n != 2)
			return -EINVAL;
		rr->h.b[vmb_hist_index(pair->items[0].u)] += pair->items[1].u;
	}
	return 0;
}

static int load_result(const struct vmb_jval *j, struct vmb_result *r)
{
	const struct vmb_jval *roles, *ctr, *met, *st;
	int k;

	memset(r, 0, sizeof(*r));
	copy_str(r->scenario, sizeof(r->scenario), vmb_json_get(j, "scenario"));
	copy_str(r->reason, sizeof(r->reason), vmb_json_get(j, "reason"));
	r->threads = (int)vmb_json_num(j, "threads", 0);
	r->repeat = (int)vmb_json_num(j, "repeat", 0);
	r->elapsed_s = vmb_json_num(j, "elapsed_s", 0);
	r->iterations = jnum_u(j, "iterations");
	st = vmb_json_get(j, "status");
	r->status = st && st->t == VMB_J_STR && !strcmp(st->str, "ok") ?
			    VMB_OK :
		    st && st->t == VMB_J_STR && !strcmp(st->str, "skipped") ?
			    VMB_SKIPPED : VMB_FAILED;
	roles = vmb_json_get(j, "roles");
	for (k = 0; k < VMB_ROLE_NR; k++) {
		const struct vmb_jval *jr = vmb_json_get(roles, vmb_role_names[k]);

		vmb_hist_init(&r->roles[k].h);
		if (jr && load_role(jr, &r->roles[k]))
			return -EINVAL;
	}
	ctr = vmb_json_get(j, "counters");
	if (ctr && ctr->t == VMB_J_OBJ) {
		r->have_counters = true;
		for (k = 0; k < VMB_C_NR; k++)
			r->counters[k] = jnum_u(ctr, vmb_counter_names[k]);
	}
	ctr = vmb_json_get(j, "mmap_lock");
	if (ctr && ctr->t == VMB_J_OBJ) {
		r->have_mmap_lock = true;
		for (k = 0; k < VMB_ML_NR; k++)
			r->mmap_lock[k] = jnum_u(ctr, vmb_mmap_lock_names[k]);
	}
	met = vmb_json_get(j, "metrics");
	if (met && met->t == VMB_J_OBJ)
		for (size_t i = 0; i < met->n && i < VMB_MAX_METRICS; i++)
			vmb_add_metric(r, met->keys[i], met->items[i].num,
				       !strcmp(met->keys[i], "compact_ms") ||
				       !strncmp(met->keys[i], "collapse_fail", 13) ||
				       !strcmp(met->keys[i], "collapse_einval"));
	return 0;
}

int vmb_load_results(const char *path, struct vmb_loaded *out)
{
	const struct vmb_jval *results, *tool, *settings, *v;
	struct vmb_jval root;
	struct stat st;
	char *text;
	size_t i;
	int ret, k;

	memset(out, 0, sizeof(*out));
	snprintf(out->path, sizeof(out->path), "%s", path);
	if (stat(path, &st))
		return vmb_fail(-errno, "cannot read %s (give a file written by 'vmalock-bench run --json')",
				path);
	text = malloc((size_t)st.st_size + 1);
	if (!text)
		return vmb_fail(-ENOMEM, "reading %s", path);
	ret = vmb_read_file(path, text, (size_t)st.st_size + 1);
	if (ret < 0) {
		free(text);
		return vmb_fail(ret, "cannot read %s", path);
	}
	ret = vmb_json_parse(text, &root);
	free(text);
	if (ret)
		return vmb_fail(ret, "%s is not valid JSON", path);
	tool = vmb_json_get(&root, "tool");
	results = vmb_json_get(&root, "results");
	if (!tool || tool->t != VMB_J_STR || strcmp(tool->str, "vmalock-bench") ||
	    !results || results->t != VMB_J_ARR) {
		vmb_json_free(&root);
		return vmb_fail(-EINVAL,
				"%s is not a vmalock-bench result file (no \"tool\" or \"results\")",
				path);
	}
	copy_str(out->release, sizeof(out->release),
		 vmb_json_get(vmb_json_get(&root, "kernel"), "release"));
	copy_str(out->modversion, sizeof(out->modversion),
		 vmb_json_get(vmb_json_get(&root, "module"), "version"));
	settings = vmb_json_get(&root, "settings");
	out->hold_us = (uint64_t)vmb_json_num(settings, "hold_us", 0);
	out->repeat = (int)vmb_json_num(settings, "repeat", 1);
	v = vmb_json_get(settings, "force_mmap_lock");
	out->force_mmap_lock = v && v->t == VMB_J_BOOL && v->b;
	v = vmb_json_get(settings, "writer");
	out->alone = vmb_json_num(settings, "bystanders", 1) == 0 &&
		     v && v->t == VMB_J_BOOL && !v->b;
	v = vmb_json_get(vmb_json_get(&root, "module"), "present");
	out->module_present = v && v->t == VMB_J_BOOL && v->b;
	v = vmb_json_get(vmb_json_get(&root, "module"), "features");
	for (i = 0; v && v->t == VMB_J_ARR && i < v->n; i++)
		for (k = 0; k < VMB_F_NR; k++)
			if (v->items[i].t == VMB_J_STR &&
			    !strcmp(v->items[i].str, vmb_feature_names[k]))
				out->features |= 1U << k;
	out->res = calloc(results->n ? results->n : 1, sizeof(*out->res));
	if (!out->res) {
		vmb_json_free(&root);
		return vmb_fail(-ENOMEM, "reading %s", path);
	}
	for (i = 0; i < results->n; i++) {
		ret = load_result(&results->items[i], &out->res[i]);
		if (ret) {
			vmb_json_free(&root);
			vmb_loaded_free(out);
			return vmb_fail(ret, "%s: result %zu is malformed", path,
					i);
		}
	}
	out->n = results->n;
	for (i = 0; i < out->n; i++)
		out->res[i].alone = out->alone;
	vmb_json_free(&root);
	return 0;
}

void vmb_loaded_free(struct vmb_loaded *l)
{
	free(l->res);
	l->res = NULL;
	l->n = 0;
}
