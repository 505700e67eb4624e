/*
 * extract_arm.c - Azure Resource Manager templates: the inbound security
 * rules of each network security group.
 *
 * Follows "Network security groups" and "Template syntax" in the Azure
 * documentation:
 * - An NSG is a first-match list: lowest priority number wins; user rules
 *   have priorities 100..4096, the default rules sit at 65000-65500
 *   (AllowVnetInBound, AllowAzureLoadBalancerInBound, DenyAllInBound).
 * - Rules come inline (properties.securityRules), as nested child
 *   resources (type "securityRules") or as standalone resources of type
 *   Microsoft.Network/networkSecurityGroups/securityRules named
 *   "NSG/RULE"; the latter become fragments joined by resources_join().
 * - Templates nested in Microsoft.Resources/deployments and in Blueprint
 *   template artifacts (properties.template) are read with their scope.
 * - Property names and resource types are case-insensitive.
 * - A string "[...]" is an expression, "[[..." a literal starting with
 *   "[". parameters(), variables(), concat(), string(), toLower(),
 *   toUpper() and resourceId() of known strings are evaluated; anything
 *   else is an unknown, never a guess.
 * - Copy loops ("Resource iteration in ARM templates" and "Property
 *   iteration in ARM templates", learn.microsoft.com/azure/
 *   azure-resource-manager/templates/copy-resources and copy-properties):
 *   a resource's "copy": {"name", "count"} deploys count instances, and
 *   a property copy "copy": [{"name": "securityRules", "count", "input"}]
 *   builds that property's list from count evaluations of input;
 *   copyIndex() is the resource loop's index, copyIndex('NAME') the named
 *   loop's, copyIndex(..., offset) adds offset. The count can't exceed
 *   800: a count that is not a known number in 0..800 is an unknown.
 *
 * The exposure of an NSG is what may reach any of the machines it
 * protects, so destination addresses are not modelled: an allow rule counts
 * whatever its destination, and a deny rule counts only when it covers
 * every destination and source port (otherwise some traffic it names
 * still gets through to a later allow). What the rules' values mean
 * (sources, service tags, the Internet tag, protocols, the default rules)
 * is read in extract_azure.c, shared with the azurerm_* reader.
 */
#include <stdarg.h>
#include <string.h>

#include "extract.h"
#include "extract_private.h"

#define ARM_KIND "Azure NSG"
#define ARM_TYPE_NSG "Microsoft.Network/networkSecurityGroups"
#define ARM_TYPE_RULE "Microsoft.Network/networkSecurityGroups/securityRules"
#define ARM_TYPE_DEPLOYMENT "Microsoft.Resources/deployments"
/* What an NSG protects: a subnet or a network interface that names it in
 * networkSecurityGroup.id. Each is a settings-only resource ("nsg": the
 * NSG's name), and each NSG records those of its own template under
 * "protects", so that removing an NSG together with what it protects is
 * told apart from removing it while they stay (rules/classify.c). */
#define ARM_TYPE_VNET "Microsoft.Network/virtualNetworks"
#define ARM_TYPE_SUBNET "Microsoft.Network/virtualNetworks/subnets"
#define ARM_TYPE_NIC "Microsoft.Network/networkInterfaces"
#define ARM_TYPE_ARTIFACT "Microsoft.Blueprint/blueprints/artifacts"

/* The copy loops around an expression: copyIndex() looks here. */
struct arm_loop {
	const char *name;           /* the loop's name, or NULL */
	bool resource;              /* a resource's loop (copyIndex() without a name) */
	unsigned index;
	const struct arm_loop *up;
};

/* The parameter files that apply to a template (extract_arm_with()). */
struct arm_files {
	const struct extract_tf_file *in;
	size_t n;
	struct doc **docs;  /* n; NULL where a file cannot be read; owned */
};

/* Where parameters() and variables() look. */
struct arm_scope {
	const struct doc_node *parameters;   /* the template's "parameters" map, or NULL */
	const struct doc_node *variables;    /* the template's "variables" map, or NULL */
	/* A nested deployment with inner scope: values passed in its
	 * properties.parameters, evaluated in the outer scope. */
	const struct doc_node *param_values;
	const struct arm_scope *outer;
	const struct arm_loop *loop;         /* innermost copy loop, or NULL */
	const struct arm_files *files;       /* the template's parameter files, or NULL */
};

struct arm_ctx {
	const struct doc *d;
	GPtrArray *found;   /* struct resource *, owned */
	struct dw_problems problems;
};

/* An evaluated value: a node of the document (borrowed) or a computed string. */
struct arm_value {
	const struct doc_node *node;
	char *str;          /* owned */
};

static void arm_value_clear(struct arm_value *v)
{
	g_clear_pointer(&v->str, g_free);
	v->node = NULL;
}

static const char *arm_value_text(const struct arm_value *v)
{
	return v->str != NULL ? v->str : doc_scalar(v->node);
}

/* ---- expressions ------------------------------------------------------ */

static bool arm_eval_node(const struct arm_scope *s, const struct doc_node *n, unsigned depth,
                          struct arm_value *out, char **why);

struct arm_expr {
	const struct arm_scope *s;
	unsigned depth;
	const char *p;
	const char *end;
	unsigned nest;      /* calls and indexes open at this point */
	char *why;          /* why the expression is unknown; owned */
};

static bool arm_expr_fail(struct arm_expr *e, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static bool arm_expr_fail(struct arm_expr *e, const char *fmt, ...)
{
	va_list ap;

	if (e->why == NULL) {
		va_start(ap, fmt);
		e->why = g_strdup_vprintf(fmt, ap);
		va_end(ap);
	}
	return false;
}

static void arm_expr_skip_space(struct arm_expr *e)
{
	while (e->p < e->end && g_ascii_isspace(*e->p))
		e->p++;
}

static bool arm_expr_take(struct arm_expr *e, char ch)
{
	arm_expr_skip_space(e);
	if (e->p < e->end && *e->p == ch) {
		e->p++;
		return true;
	}
	return false;
}

/* 'text' with '' for a quote. */
static bool arm_expr_string(struct arm_expr *e, struct arm_value *out)
{
	GString *s = g_string_new(NULL);

	e->p++;
	while (e->p < e->end) {
		if (*e->p == '\'') {
			if (e->p + 1 < e->end && e->p[1] == '\'') {
				g_string_append_c(s, '\'');
				e->p += 2;
				continue;
			}
			e->p++;
			out->str = g_string_free(s, FALSE);
			return true;
		}
		g_string_append_c(s, *e->p++);
	}
	g_string_free(s, TRUE);
	return arm_expr_fail(e, "cannot be read (unterminated string)");
}

/* Equal values (parameter files are literal JSON); a bounded walk. */
static bool arm_node_equal(const struct doc_node *a, const struct doc_node *b, unsigned depth)
{
	if (a == NULL || b == NULL || depth > DW_LIMIT_DEPTH)
		return a == b;
	if (a->kind != b->kind || a->n != b->n)
		return false;
	if (a->kind == DOC_SCALAR)
		return a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
	for (size_t i = 0; i < a->n; i++) {
		if (a->kind == DOC_LIST && !arm_node_equal(a->items[i], b->items[i], depth + 1))
			return false;
		if (a->kind == DOC_MAP && (!arm_node_equal(a->pairs[i].key, b->pairs[i].key, depth + 1) ||
		                           !arm_node_equal(a->pairs[i].value, b->pairs[i].value, depth + 1)))
			return false;
	}
	return true;
}

/*
 * A parameter's value from the parameter files: 1 with *out set when they
 * give one (all that apply agree; a file without the parameter means the
 * template's default), 0 when none sets it, -1 (failed e) when a file
 * cannot be read, or two disagree: never a guess between environments.
 */
static int arm_expr_file_value(struct arm_expr *e, const char *name, const struct doc_node *dflt,
                               const struct doc_node **out)
{
	const struct arm_files *f = e->s->files;
	const struct doc_node *first = NULL;
	size_t from = 0;
	bool set = false;

	for (size_t i = 0; f != NULL && i < f->n; i++) {
		const struct doc_node *p;
		const struct doc_node *v;

		if (f->docs[i] == NULL || f->docs[i]->roots->len != 1) {
			arm_expr_fail(e, "parameter %s: %s cannot be read", name, f->in[i].path);
			return -1;
		}
		p = doc_map_get_ci(doc_map_get_ci(g_ptr_array_index(f->docs[i]->roots, 0), "parameters"), name);
		if (p != NULL && doc_map_get_ci(p, "reference") != NULL) {
			arm_expr_fail(e, "parameter %s is a Key Vault reference in %s", name, f->in[i].path);
			return -1;
		}
		v = doc_map_get_ci(p, "value");
		set = set || v != NULL;
		if (v == NULL)
			v = dflt;
		if (i > 0 && !arm_node_equal(first, v, 0)) {
			arm_expr_fail(e, "parameter %s differs between %s and %s", name, f->in[from].path,
			              f->in[i].path);
			return -1;
		}
		if (i == 0 || first == NULL) {
			first = v;
			from = i;
		}
	}
	*out = first;
	return set ? 1 : 0;
}

/* The value of a parameters()/variables() entry, itself evaluated. */
static bool arm_expr_lookup(struct arm_expr *e, bool is_param, const char *name, struct arm_value *out)
{
	const struct arm_scope *s = e->s;
	const struct doc_node *n;
	char *why = NULL;
	int got;
	bool ok;

	if (is_param) {
		n = doc_map_get_ci(doc_map_get_ci(s->param_values, name), "value");
		if (n != NULL && s->outer != NULL) {
			s = s->outer;
		} else if (s->files != NULL && doc_map_get_ci(s->parameters, name) != NULL &&
		           (got = arm_expr_file_value(e, name, doc_map_get_ci(doc_map_get_ci(s->parameters, name),
		                                                             "defaultValue"), &n)) != 0) {
			/* A parameter file's value is literal, not an expression. */
			if (got > 0)
				out->node = n;
			return got > 0;
		} else if (doc_map_get_ci(s->parameters, name) == NULL) {
			return arm_expr_fail(e, "parameter %s is not declared", name);
		} else if ((n = doc_map_get_ci(doc_map_get_ci(s->parameters, name), "defaultValue")) == NULL) {
			return arm_expr_fail(e, "parameter %s has no defaultValue", name);
		}
	} else if ((n = doc_map_get_ci(s->variables, name)) == NULL) {
		return arm_expr_fail(e, "variable %s is not declared", name);
	}
	ok = arm_eval_node(s, n, e->depth + 1, out, &why);
	if (!ok)
		e->why = why;
	return ok;
}

/* copyIndex(), copyIndex(offset), copyIndex('loop'), copyIndex('loop', offset). */
static bool arm_expr_copy_index(struct arm_expr *e, const char *const *text, size_t n,
                                struct arm_value *out)
{
	const char *name = NULL;
	guint64 offset = 0;
	const struct arm_loop *l;

	if (n > 2)
		return arm_expr_fail(e, "copyIndex() has too many arguments");
	if (n >= 1 && !g_ascii_string_to_unsigned(text[0], 10, 0, DW_LIMIT_ARM_COPIES, &offset, NULL))
		name = text[0];
	if (n == 2 && (name == NULL ||
	               !g_ascii_string_to_unsigned(text[1], 10, 0, DW_LIMIT_ARM_COPIES, &offset, NULL)))
		return arm_expr_fail(e, "copyIndex() has an offset that is not evaluated");
	for (l = e->s->loop; l != NULL; l = l->up) {
		if ((name == NULL && l->resource) ||
		    (name != NULL && l->name != NULL && g_ascii_strcasecmp(name, l->name) == 0))
			break;
	}
	if (l == NULL)
		return arm_expr_fail(e, "copyIndex(%s) is outside its copy loop", name ? name : "");
	out->str = g_strdup_printf("%u", l->index + (unsigned)offset);
	return true;
}

/* length() of a list, an object or a string. */
static bool arm_expr_length(struct arm_expr *e, const struct arm_value *arg, struct arm_value *out)
{
	const char *text = arm_value_text(arg);

	if (text != NULL)
		out->str = g_strdup_printf("%zu", strlen(text));
	else if (arg->node != NULL && (arg->node->kind == DOC_LIST || arg->node->kind == DOC_MAP))
		out->str = g_strdup_printf("%zu", arg->node->n);
	else
		return arm_expr_fail(e, "length() of this value is not evaluated");
	return true;
}

static bool arm_expr_call(struct arm_expr *e, const char *fn, struct arm_value *args, size_t n,
                          struct arm_value *out)
{
	const char *text[DW_LIMIT_ARM_ARGS];

	if (g_ascii_strcasecmp(fn, "length") == 0 && n == 1)
		return arm_expr_length(e, &args[0], out);
	for (size_t i = 0; i < n; i++) {
		text[i] = arm_value_text(&args[i]);
		if (text[i] == NULL)
			return arm_expr_fail(e, "%s() of a list or object is not evaluated", fn);
	}
	if ((g_ascii_strcasecmp(fn, "parameters") == 0 || g_ascii_strcasecmp(fn, "variables") == 0) &&
	    n == 1)
		return arm_expr_lookup(e, g_ascii_strcasecmp(fn, "parameters") == 0, text[0], out);
	if (g_ascii_strcasecmp(fn, "concat") == 0 || g_ascii_strcasecmp(fn, "string") == 0) {
		GString *s = g_string_new(NULL);

		for (size_t i = 0; i < n; i++)
			g_string_append(s, text[i]);
		out->str = g_string_free(s, FALSE);
		return true;
	}
	if (g_ascii_strcasecmp(fn, "copyIndex") == 0)
		return arm_expr_copy_index(e, text, n, out);
	if (g_ascii_strcasecmp(fn, "toLower") == 0 && n == 1) {
		out->str = g_ascii_strdown(text[0], -1);
		return true;
	}
	if (g_ascii_strcasecmp(fn, "toUpper") == 0 && n == 1) {
		out->str = g_ascii_strup(text[0], -1);
		return true;
	}
	/* A value the Bicep reader could not evaluate (extract_bicep.c):
	 * bicep('TEXT', 'WHY') is an unknown saying why. */
	if (g_ascii_strcasecmp(fn, "bicep") == 0 && n == 2)
		return arm_expr_fail(e, "%s", text[1]);
	/* Only what names need: "TYPE/NAME..." from the first argument that
	 * is a type, without subscription and resource group. */
	if (g_ascii_strcasecmp(fn, "resourceId") == 0) {
		GString *s = NULL;

		for (size_t i = 0; i < n; i++) {
			if (s == NULL && strchr(text[i], '/') != NULL)
				s = g_string_new(text[i]);
			else if (s != NULL)
				g_string_append_printf(s, "/%s", text[i]);
		}
		if (s != NULL) {
			out->str = g_string_free(s, FALSE);
			return true;
		}
	}
	return arm_expr_fail(e, "%s() is not evaluated", fn);
}

static bool arm_expr_value(struct arm_expr *e, struct arm_value *out);

/* NAME(args...), the name already read. */
static bool arm_expr_call_args(struct arm_expr *e, const char *fn, struct arm_value *out)
{
	struct arm_value args[DW_LIMIT_ARM_ARGS] = { { 0 } };
	size_t n = 0;
	bool ok = false;

	if (!arm_expr_take(e, ')')) {
		do {
			if (n == DW_LIMIT_ARM_ARGS) {
				arm_expr_fail(e, "%s() has too many arguments to evaluate", fn);
				goto out;
			}
			if (!arm_expr_value(e, &args[n++]))
				goto out;
		} while (arm_expr_take(e, ','));
		if (!arm_expr_take(e, ')')) {
			arm_expr_fail(e, "cannot be read (expected \")\" after the arguments of %s())", fn);
			goto out;
		}
	}
	ok = arm_expr_call(e, fn, args, n, out);
out:
	for (size_t i = 0; i < n; i++)
		arm_value_clear(&args[i]);
	return ok;
}

static bool arm_expr_primary(struct arm_expr *e, struct arm_value *out)
{
	const char *start;
	g_autofree char *name = NULL;

	arm_expr_skip_space(e);
	if (e->p >= e->end)
		return arm_expr_fail(e, "cannot be read (ends early)");
	if (*e->p == '\'')
		return arm_expr_string(e, out);
	start = e->p;
	if (*e->p == '-' || g_ascii_isdigit(*e->p)) {
		e->p++;
		while (e->p < e->end && g_ascii_isdigit(*e->p))
			e->p++;
		if (!g_ascii_isdigit(e->p[-1]))
			return arm_expr_fail(e, "cannot be read (\"-\" without digits)");
		out->str = g_strndup(start, (gsize)(e->p - start));
		return true;
	}
	while (e->p < e->end && (g_ascii_isalnum(*e->p) || *e->p == '_' || *e->p == '.'))
		e->p++;
	if (e->p == start)
		return arm_expr_fail(e, "cannot be read (unexpected \"%c\")", *e->p);
	name = g_strndup(start, (gsize)(e->p - start));
	if (!arm_expr_take(e, '('))
		return arm_expr_fail(e, "cannot be read (expected \"(\" after %s)", name);
	return arm_expr_call_args(e, name, out);
}

/* Property access and indexing on a value from the document. */
static bool arm_expr_access(struct arm_expr *e, struct arm_value *v)
{
	const struct doc_node *next;
	char *why = NULL;

	for (;;) {
		next = NULL;
		arm_expr_skip_space(e);
		if (e->p < e->end && *e->p == '.') {
			const char *start = ++e->p;
			g_autofree char *prop = NULL;

			while (e->p < e->end && (g_ascii_isalnum(*e->p) || *e->p == '_'))
				e->p++;
			prop = g_strndup(start, (gsize)(e->p - start));
			if (v->node == NULL || (next = doc_map_get_ci(v->node, prop)) == NULL)
				return arm_expr_fail(e, "has no property %s to evaluate", prop);
		} else if (e->p < e->end && *e->p == '[') {
			struct arm_value index = { 0 };
			const char *text;
			guint64 i;

			e->p++;
			if (!arm_expr_value(e, &index))
				return false;
			text = arm_value_text(&index);
			if (!arm_expr_take(e, ']') || text == NULL || v->node == NULL) {
				arm_value_clear(&index);
				return arm_expr_fail(e, "has an index that is not evaluated");
			}
			/* list[number] or object['property'] */
			if (v->node->kind == DOC_LIST &&
			    g_ascii_string_to_unsigned(text, 10, 0, G_MAXSIZE, &i, NULL) && i < v->node->n)
				next = v->node->items[i];
			else if (v->node->kind == DOC_MAP)
				next = doc_map_get_ci(v->node, text);
			arm_value_clear(&index);
			if (next == NULL)
				return arm_expr_fail(e, "has an index or property that does not exist");
		} else {
			return true;
		}
		arm_value_clear(v);
		if (!arm_eval_node(e->s, next, e->depth + 1, v, &why)) {
			e->why = why;
			return false;
		}
	}
}

static bool arm_expr_value(struct arm_expr *e, struct arm_value *out)
{
	bool ok;

	if (e->nest >= DW_LIMIT_ARM_EXPR_NEST)
		return arm_expr_fail(e, "nests calls deeper than %u", DW_LIMIT_ARM_EXPR_NEST);
	e->nest++;
	ok = arm_expr_primary(e, out);
	if (ok && !arm_expr_access(e, out)) {
		arm_value_clear(out);
		ok = false;
	}
	e->nest--;
	return ok;
}

/*
 * Evaluates node: an expression string becomes its value, anything else
 * is itself. On false, *why says why the value is unknown.
 */
static bool arm_eval_node(const struct arm_scope *s, const struct doc_node *n, unsigned depth,
                          struct arm_value *out, char **why)
{
	struct arm_expr e = { .s = s, .depth = depth };

	out->node = NULL;
	out->str = NULL;
	if (n == NULL || n->kind != DOC_SCALAR || n->len < 2 || n->text[0] != '[' ||
	    n->text[n->len - 1] != ']') {
		out->node = n;
		return true;
	}
	if (n->text[1] == '[') {
		out->str = g_strdup(n->text + 1);
		return true;
	}
	if (depth > DW_LIMIT_ARM_EVAL_DEPTH) {
		*why = g_strdup_printf("refers through more than %u expressions", DW_LIMIT_ARM_EVAL_DEPTH);
		return false;
	}
	e.p = n->text + 1;
	e.end = n->text + n->len - 1;
	if (arm_expr_value(&e, out)) {
		arm_expr_skip_space(&e);
		if (e.p == e.end)
			return true;
		arm_value_clear(out);
		arm_expr_fail(&e, "cannot be read (text after the expression)");
	}
	*why = e.why != NULL ? e.why : g_strdup("not evaluated");
	return false;
}

/* ---- fields ----------------------------------------------------------- */

/* One rule being read; problems are recorded on the resource or as errors. */
struct arm_rule {
	struct arm_ctx *c;
	const struct arm_scope *s;
	struct resource *r;
	const char *name;
	const struct doc_node *props;
	unsigned line;
	bool unknown;      /* some value was not evaluated (recorded on r) */
	bool bad;          /* some value was malformed (recorded in why) */
	bool quiet;        /* record neither unknowns nor errors */
	GString *why;      /* what is malformed, for the rule's unknown; borrowed */
};

static void arm_rule_bad(struct arm_rule *ar, unsigned line, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

/* "what, got \"TEXT\"" with TEXT quoted. */
static void arm_rule_bad_value(struct arm_rule *ar, unsigned line, const char *what, const char *text)
{
	g_autofree char *quoted = extract_quote(text);

	arm_rule_bad(ar, line, "%s, got \"%s\"", what, quoted);
}

/* A malformed value: the rule becomes an unknown saying what is wrong
 * (arm_rule_add()), and the rest of the template is still read. */
static void arm_rule_bad(struct arm_rule *ar, unsigned line, const char *fmt, ...)
{
	g_autofree char *what = NULL;
	va_list ap;

	ar->bad = true;
	if (ar->quiet)
		return;
	va_start(ap, fmt);
	what = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	if (ar->why == NULL) {
		dw_problems_add(&ar->c->problems, line, "%s", what);
		return;
	}
	if (ar->why->len > 0)
		g_string_append(ar->why, "; ");
	if (ar->why->len < EXTRACT_QUOTE_MAX * 4)
		g_string_append(ar->why, what);
}

/*
 * Evaluates node (the value of key, or an item of it) into out. Returns
 * false when it is not known, after recording the unknown.
 */
static bool arm_rule_eval(struct arm_rule *ar, const char *key, const struct doc_node *node,
                          struct arm_value *out)
{
	g_autofree char *why = NULL;
	g_autofree char *quoted = NULL;

	if (arm_eval_node(ar->s, node, 0, out, &why))
		return true;
	ar->unknown = true;
	if (ar->quiet)
		return false;
	quoted = extract_quote(node->text);
	resource_add_unknown(ar->r, node->line, "security rule %s: %s is %s, %s", ar->name, key, quoted,
	                     why);
	return false;
}

/* The line to blame for a value: where it is written, if in the document. */
static unsigned arm_value_line(const struct arm_value *v, const struct doc_node *field)
{
	return v->node != NULL ? v->node->line : field->line;
}

typedef void (*arm_item_fn)(struct arm_rule *ar, const char *key, const char *text, unsigned line,
                            void *user_data);

/*
 * Calls fn for every string of the property key (a string) and of keys (a
 * list of strings; may be NULL), each evaluated. Returns whether either is
 * present.
 */
static bool arm_rule_strings(struct arm_rule *ar, const char *key, const char *keys, arm_item_fn fn,
                             void *user_data)
{
	const char *names[2] = { key, keys };
	bool present = false;

	for (size_t k = 0; k < 2; k++) {
		const struct doc_node *field = names[k] != NULL ? doc_map_get_ci(ar->props, names[k]) : NULL;
		struct arm_value v = { 0 };

		if (field == NULL || field->kind == DOC_NULL)
			continue;
		present = true;
		if (!arm_rule_eval(ar, names[k], field, &v))
			continue;
		if (k == 0 && arm_value_text(&v) != NULL) {
			fn(ar, names[k], arm_value_text(&v), arm_value_line(&v, field), user_data);
		} else if (k == 1 && v.node != NULL && v.node->kind == DOC_LIST) {
			for (size_t i = 0; i < v.node->n; i++) {
				struct arm_value item = { 0 };

				if (!arm_rule_eval(ar, names[k], v.node->items[i], &item))
					continue;
				if (arm_value_text(&item) != NULL)
					fn(ar, names[k], arm_value_text(&item), arm_value_line(&item, v.node->items[i]),
					   user_data);
				else
					arm_rule_bad(ar, arm_value_line(&item, v.node->items[i]),
					             "expected a string in %s", names[k]);
				arm_value_clear(&item);
			}
		} else {
			arm_rule_bad(ar, arm_value_line(&v, field), "expected %s for %s",
			             k == 0 ? "a string" : "a list", names[k]);
		}
		arm_value_clear(&v);
	}
	return present;
}

/* A required single string property, evaluated; NULL when absent,
 * unknown or malformed (recorded). */
static char *arm_rule_string(struct arm_rule *ar, const char *key, unsigned *line_out)
{
	const struct doc_node *field = doc_map_get_ci(ar->props, key);
	struct arm_value v = { 0 };
	char *text;

	if (field == NULL || field->kind == DOC_NULL) {
		arm_rule_bad(ar, ar->line, "no %s", key);
		return NULL;
	}
	if (!arm_rule_eval(ar, key, field, &v))
		return NULL;
	text = g_strdup(arm_value_text(&v));
	*line_out = arm_value_line(&v, field);
	if (text == NULL)
		arm_rule_bad(ar, *line_out, "expected a string for %s", key);
	arm_value_clear(&v);
	return text;
}

/* A whole decimal number in lo..hi, digits only. */
static bool arm_parse_uint(const char *text, unsigned lo, unsigned hi, unsigned *out)
{
	guint64 v;

	if (text[0] == '\0' || strspn(text, "0123456789") != strlen(text) || strlen(text) > 9)
		return false;
	v = g_ascii_strtoull(text, NULL, 10);
	if (v < lo || v > hi)
		return false;
	*out = (unsigned)v;
	return true;
}

/* ---- rule values ------------------------------------------------------ */

struct arm_ports {
	GArray *ranges;    /* unsigned pairs: lo, hi */
};

static void arm_rule_port(struct arm_rule *ar, const char *key, const char *text, unsigned line,
                          void *user_data)
{
	struct arm_ports *ports = user_data;
	unsigned lo = 0, hi = EXPOSURE_PORT_MAX;
	const char *dash = strchr(text, '-');

	if (strcmp(text, "*") != 0) {
		g_autofree char *first = g_strndup(text, dash != NULL ? (gsize)(dash - text) : strlen(text));

		if (!arm_parse_uint(first, 0, EXPOSURE_PORT_MAX, &lo) ||
		    !arm_parse_uint(dash != NULL ? dash + 1 : first, 0, EXPOSURE_PORT_MAX, &hi) ||
		    lo > hi) {
			arm_rule_bad_value(ar, line, "expected a port or range", text);
			return;
		}
	}
	g_array_append_val(ports->ranges, lo);
	g_array_append_val(ports->ranges, hi);
}

/* The sources of a rule being read (user_data of arm_rule_source). */
struct arm_sources {
	srcset *src;   /* owned by the caller, may be replaced */
	bool allow;
};

static void arm_rule_source(struct arm_rule *ar, const char *key, const char *text, unsigned line,
                            void *user_data)
{
	struct arm_sources *sources = user_data;

	if (!azure_source_add(&sources->src, text, sources->allow))
		arm_rule_bad_value(ar, line, "expected an address prefix or service tag", text);
}

static void arm_rule_asg(struct arm_rule *ar, const char *key, const char *text, unsigned line,
                         void *user_data)
{
	srcset *src = user_data;
	const char *slash = strrchr(text, '/');
	g_autofree char *atom = g_strconcat("azure-asg:", slash != NULL ? slash + 1 : text, NULL);

	srcset_add_atom(src, atom);
}

/* sourceApplicationSecurityGroups: [{"id": ...}] -> atoms "azure-asg:NAME". */
static bool arm_rule_asgs(struct arm_rule *ar, srcset *src)
{
	const struct doc_node *list = doc_map_get_ci(ar->props, "sourceApplicationSecurityGroups");

	if (list == NULL || list->kind != DOC_LIST)
		return false;
	for (size_t i = 0; i < list->n; i++) {
		struct arm_rule item = *ar;

		item.props = list->items[i];
		arm_rule_strings(&item, "id", NULL, arm_rule_asg, src);
		ar->unknown |= item.unknown;
		ar->bad |= item.bad;
	}
	return true;
}

static void arm_rule_wide(struct arm_rule *ar, const char *key, const char *text, unsigned line,
                          void *user_data)
{
	bool *wide = user_data;

	if (azure_wide(text))
		*wide = true;
}

/*
 * Does a deny rule cover every destination and source port? A value that
 * is not known counts as narrow: the deny is then left out, which can only
 * overstate what gets in.
 */
static bool arm_rule_deny_is_wide(struct arm_rule *ar)
{
	struct arm_rule quiet = *ar;
	bool dst = false, sport = false;

	quiet.quiet = true;
	arm_rule_strings(&quiet, "destinationAddressPrefix", "destinationAddressPrefixes", arm_rule_wide,
	                 &dst);
	arm_rule_strings(&quiet, "sourcePortRange", "sourcePortRanges", arm_rule_wide, &sport);
	return dst && sport;
}

/* ---- rules and resources ---------------------------------------------- */

static exposure *arm_rule_match(unsigned proto_lo, unsigned proto_hi, const GArray *ranges,
                                const srcset *src)
{
	size_t n = ranges->len / 2;
	g_autoptr(GPtrArray) boxes = g_ptr_array_new_with_free_func((GDestroyNotify)exposure_free);

	for (size_t i = 0; i < n; i++) {
		g_ptr_array_add(boxes, exposure_new_box(proto_lo, proto_hi, g_array_index(ranges, unsigned, 2 * i),
		                                        g_array_index(ranges, unsigned, 2 * i + 1), src));
	}
	return exposure_union_all((const exposure *const *)boxes->pdata, boxes->len);
}

/* Reads the values of a rule; false when it is left out. */
static bool arm_rule_read(struct arm_rule *ar, bool *allow, unsigned *priority, unsigned *proto_lo,
                          unsigned *proto_hi, GArray *ranges, srcset **src)
{
	struct arm_sources sources;
	g_autofree char *direction = NULL, *access = NULL, *prio = NULL, *proto = NULL;
	unsigned line = ar->line, prio_line = ar->line, proto_line = ar->line;
	struct arm_ports ports = { ranges };
	bool has_source;

	direction = arm_rule_string(ar, "direction", &line);
	if (direction != NULL && g_ascii_strcasecmp(direction, "Outbound") == 0)
		return false;
	if (direction != NULL && g_ascii_strcasecmp(direction, "Inbound") != 0)
		arm_rule_bad_value(ar, line, "expected Inbound or Outbound", direction);
	access = arm_rule_string(ar, "access", &line);
	if (access != NULL && g_ascii_strcasecmp(access, "Allow") != 0 &&
	    g_ascii_strcasecmp(access, "Deny") != 0)
		arm_rule_bad_value(ar, line, "expected Allow or Deny", access);
	*allow = access != NULL && g_ascii_strcasecmp(access, "Allow") == 0;
	prio = arm_rule_string(ar, "priority", &prio_line);
	if (prio != NULL && !arm_parse_uint(prio, 100, 4096, priority))
		arm_rule_bad_value(ar, prio_line, "expected a priority 100..4096", prio);
	proto = arm_rule_string(ar, "protocol", &proto_line);
	if (proto != NULL && !azure_parse_protocol(proto, proto_lo, proto_hi))
		arm_rule_bad_value(ar, proto_line, "expected a protocol (*, Tcp, Udp, Icmp, Esp, Ah)", proto);
	sources.src = *src;
	sources.allow = *allow;
	has_source = arm_rule_strings(ar, "sourceAddressPrefix", "sourceAddressPrefixes", arm_rule_source,
	                              &sources);
	*src = sources.src;
	has_source |= arm_rule_asgs(ar, *src);
	if (!has_source)
		arm_rule_bad(ar, ar->line, "no sourceAddressPrefix");
	if (!arm_rule_strings(ar, "destinationPortRange", "destinationPortRanges", arm_rule_port, &ports))
		arm_rule_bad(ar, ar->line, "no destinationPortRange");
	return direction != NULL && access != NULL && prio != NULL && proto != NULL;
}

static void arm_rule_add_read(struct arm_ctx *c, const struct arm_scope *s, struct resource *r,
                              const char *name, const struct doc_node *props, unsigned line, GString *why)
{
	struct arm_rule ar = { .c = c, .s = s, .r = r, .name = name, .props = props, .line = line, .why = why };
	g_autoptr(GArray) ranges = g_array_new(FALSE, FALSE, sizeof(unsigned));
	g_autoptr(srcset) src = srcset_new();
	unsigned priority = 0, proto_lo = 0, proto_hi = 0;
	bool allow = false;

	if (props == NULL || props->kind != DOC_MAP) {
		g_string_append(why, "no properties");
		return;
	}
	if (!arm_rule_read(&ar, &allow, &priority, &proto_lo, &proto_hi, ranges, &src))
		return;
	if (ar.bad || ar.unknown)
		return;
	/* A deny that spares some destinations or source ports lets the rest
	 * of its traffic on to later rules: as a whole it denies nothing. */
	if (!allow && !arm_rule_deny_is_wide(&ar))
		return;
	resource_add_rule(r, name, line, allow, priority, arm_rule_match(proto_lo, proto_hi, ranges, src));
}

/*
 * One security rule (props = its "properties") into r. A value that is
 * not known leaves the rule out, with the unknown recorded: an allow rule
 * whose source or port is unknown might let in anything or nothing, and
 * guessing either way would make a finding up or hide one. A malformed
 * value does the same, naming what is wrong: one unreadable rule must not
 * hide the others (a deny left out can only overstate what gets in).
 */
static void arm_rule_add(struct arm_ctx *c, const struct arm_scope *s, struct resource *r,
                         const char *name, const struct doc_node *props, unsigned line)
{
	g_autoptr(GString) why = g_string_new(NULL);

	arm_rule_add_read(c, s, r, name, props, line, why);
	if (why->len > 0)
		resource_add_unknown(r, line, "security rule %s cannot be read: %s", name, why->str);
}

/* A name or other string of a resource, evaluated; NULL (with *why set)
 * when not known. */
static char *arm_resource_string(const struct arm_scope *s, const struct doc_node *n, char **why)
{
	struct arm_value v = { 0 };
	char *text;

	if (!arm_eval_node(s, n, 0, &v, why))
		return NULL;
	text = g_strdup(arm_value_text(&v));
	arm_value_clear(&v);
	if (text == NULL)
		*why = g_strdup("not a string");
	return text;
}

/* An NSG's name, or its expression as written when that is not known
 * (recorded on the resource once it exists). */
static char *arm_name(const struct arm_scope *s, const struct doc_node *n, char **why)
{
	char *name = arm_resource_string(s, n, why);

	if (name == NULL)
		name = g_strdup(doc_scalar(n) != NULL ? doc_scalar(n) : "?");
	return name;
}

/* Records an unknown name on r, now that r exists. */
static void arm_name_unknown(struct resource *r, const struct doc_node *n, const char *why)
{
	g_autofree char *quoted = NULL;

	if (why == NULL)
		return;
	quoted = extract_quote(doc_scalar(n) != NULL ? doc_scalar(n) : "?");
	resource_add_unknown(r, n != NULL ? n->line : r->line, RESOURCE_UNKNOWN_NAME "%s, %s", quoted,
	                     why);
}

/* A copy loop's count: a known number in 0..DW_LIMIT_ARM_COPIES, else false
 * with *why set. */
static bool arm_copy_count(const struct arm_scope *s, const struct doc_node *count, unsigned *out,
                           char **why)
{
	struct arm_value v = { 0 };
	const char *text;
	guint64 n = 0;
	bool ok;

	if (count == NULL) {
		*why = g_strdup("has no count");
		return false;
	}
	if (!arm_eval_node(s, count, 0, &v, why))
		return false;
	text = arm_value_text(&v);
	ok = text != NULL && g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT64, &n, NULL);
	if (ok && n > DW_LIMIT_ARM_COPIES) {
		*why = g_strdup_printf("has a count of %" G_GUINT64_FORMAT ", more than %u", n, DW_LIMIT_ARM_COPIES);
		ok = false;
	} else if (!ok) {
		*why = g_strdup("has a count that is not a number");
	}
	arm_value_clear(&v);
	*out = (unsigned)n;
	return ok;
}

/* One rule of a securityRules copy loop: input evaluated at index i. */
static void arm_nsg_copy_rule(struct arm_ctx *c, const struct arm_scope *s, struct resource *r,
                              const struct doc_node *input, const char *loop, unsigned i)
{
	struct arm_loop l = { .name = loop, .index = i, .up = s->loop };
	struct arm_scope inner = *s;
	g_autofree char *why = NULL;
	g_autofree char *name = NULL;

	inner.loop = &l;
	name = arm_name(&inner, doc_map_get_ci(input, "name"), &why);
	arm_name_unknown(r, doc_map_get_ci(input, "name"), why);
	arm_rule_add(c, &inner, r, name, doc_map_get_ci(input, "properties"), input->line);
}

/* A property copy of an NSG: "copy": [{"name": "securityRules", "count",
 * "input"}]; each iteration is one rule. A loop that cannot be evaluated
 * is an unknown, never dropped. */
static void arm_nsg_copy(struct arm_ctx *c, const struct arm_scope *s, struct resource *r,
                         const struct doc_node *copy)
{
	for (size_t k = 0; copy != NULL && copy->kind == DOC_LIST && k < copy->n; k++) {
		const struct doc_node *loop = copy->items[k];
		const char *name = doc_scalar(doc_map_get_ci(loop, "name"));
		const struct doc_node *input = doc_map_get_ci(loop, "input");
		g_autofree char *why = NULL;
		unsigned count = 0;

		if (name == NULL || g_ascii_strcasecmp(name, "securityRules") != 0)
			continue;
		if (input == NULL || input->kind != DOC_MAP) {
			resource_add_unknown(r, loop->line, "securityRules copy loop has an input that is not evaluated");
			continue;
		}
		if (!arm_copy_count(s, doc_map_get_ci(loop, "count"), &count, &why)) {
			resource_add_unknown(r, loop->line, "securityRules copy loop %s, not evaluated", why);
			continue;
		}
		for (unsigned i = 0; i < count; i++)
			arm_nsg_copy_rule(c, s, r, input, name, i);
	}
	if (copy != NULL && copy->kind != DOC_LIST)
		resource_add_unknown(r, copy->line, "copy of properties is not a list, not evaluated");
}

static void arm_nsg(struct arm_ctx *c, const struct arm_scope *s, const struct doc_node *res,
                    const char *name, const char *name_why)
{
	const struct doc_node *props = doc_map_get_ci(res, "properties");
	const struct doc_node *rules = doc_map_get_ci(props, "securityRules");
	g_autofree char *identity = g_strconcat("azure-nsg:", name, NULL);
	struct resource *r = resource_new(identity, ARM_KIND, name, c->d->path, res->line,
	                                  RESOURCE_FIRST_MATCH);
	struct arm_value v = { 0 };
	g_autofree char *why = NULL;

	g_ptr_array_add(c->found, r);
	arm_name_unknown(r, doc_map_get_ci(res, "name"), name_why);
	arm_nsg_copy(c, s, r, doc_map_get_ci(props, "copy"));
	if (rules != NULL && !arm_eval_node(s, rules, 0, &v, &why)) {
		g_autofree char *quoted = extract_quote(rules->text);

		resource_add_unknown(r, rules->line, "securityRules is %s, %s", quoted, why);
	} else if (v.node != NULL && v.node->kind == DOC_LIST) {
		for (size_t i = 0; i < v.node->n; i++) {
			const struct doc_node *rule = v.node->items[i];
			g_autofree char *rule_why = NULL;
			g_autofree char *rule_name = arm_name(s, doc_map_get_ci(rule, "name"), &rule_why);

			arm_name_unknown(r, doc_map_get_ci(rule, "name"), rule_why);
			arm_rule_add(c, s, r, rule_name, doc_map_get_ci(rule, "properties"), rule->line);
		}
	} else if (rules != NULL && rules->kind != DOC_NULL) {
		dw_problems_add(&c->problems, rules->line, "expected a list for securityRules");
	}
	arm_value_clear(&v);
	azure_add_default_rules(r);
}

/* The NSG a subnet's or NIC's properties name by networkSecurityGroup.id,
 * or NULL; "?" when the id cannot be evaluated. New string. */
static char *arm_nsg_ref(const struct arm_scope *s, const struct doc_node *props, unsigned *line_out)
{
	static const char marker[] = "networksecuritygroups/";
	const struct doc_node *id = doc_map_get_ci(doc_map_get_ci(props, "networkSecurityGroup"), "id");
	g_autofree char *why = NULL;
	g_autofree char *text = NULL;
	g_autofree char *lower = NULL;
	const char *at, *name;

	if (id == NULL)
		return NULL;
	*line_out = id->line;
	text = arm_resource_string(s, id, &why);
	if (text == NULL)
		return g_strdup("?");
	lower = g_ascii_strdown(text, -1);
	at = g_strrstr(lower, marker);
	if (at == NULL)
		return g_strdup("?");
	name = text + (at - lower) + strlen(marker);
	return g_strndup(name, strcspn(name, "/"));
}

/* A subnet ("azure-subnet:VNET/SUBNET") or NIC ("azure-nic:NAME"). */
static void arm_protected(struct arm_ctx *c, const struct arm_scope *s, const char *prefix,
                          const char *kind, const char *name, const struct doc_node *props,
                          unsigned line)
{
	g_autofree char *identity = g_strconcat(prefix, name, NULL);
	struct resource *r = resource_new(identity, kind, name, c->d->path, line, RESOURCE_SETTINGS);
	unsigned at = line;
	g_autofree char *nsg = arm_nsg_ref(s, props, &at);

	if (nsg != NULL) {
		g_autofree char *raw = g_strdup_printf("networkSecurityGroup: %s", nsg);

		resource_add_setting(r, "nsg", nsg, raw, at);
	}
	g_ptr_array_add(c->found, r);
}

static void arm_vnet_subnet(struct arm_ctx *c, const struct arm_scope *s, const struct doc_node *sub,
                            const char *vnet)
{
	g_autofree char *why = NULL;
	g_autofree char *name = arm_name(s, doc_map_get_ci(sub, "name"), &why);
	g_autofree char *full = g_strdup_printf("%s/%s", vnet, name);

	arm_protected(c, s, "azure-subnet:", "Azure subnet", full, doc_map_get_ci(sub, "properties"),
	              sub->line);
}

/* The subnets of a virtual network: in its properties, and child resources of type "subnets". */
static void arm_vnet_subnets(struct arm_ctx *c, const struct arm_scope *s, const struct doc_node *res,
                             const char *vnet)
{
	const struct doc_node *list = doc_map_get_ci(doc_map_get_ci(res, "properties"), "subnets");
	const struct doc_node *children = doc_map_get_ci(res, "resources");

	for (size_t i = 0; list != NULL && list->kind == DOC_LIST && i < list->n; i++)
		arm_vnet_subnet(c, s, list->items[i], vnet);
	for (size_t i = 0; children != NULL && children->kind == DOC_LIST && i < children->n; i++) {
		const char *type = doc_scalar(doc_map_get_ci(children->items[i], "type"));

		if (type != NULL && g_ascii_strcasecmp(type, "subnets") == 0)
			arm_vnet_subnet(c, s, children->items[i], vnet);
	}
}

/* After all resources: each NSG records the subnets and NICs of its template that name it. */
static void arm_link_protected(GPtrArray *found)
{
	for (guint i = 0; i < found->len; i++) {
		struct resource *nsg = found->pdata[i];
		g_autoptr(GString) list = g_string_new(NULL);

		if (strcmp(nsg->kind, ARM_KIND) != 0 || nsg->fragment)
			continue;
		for (guint j = 0; j < found->len; j++) {
			const struct resource *r = found->pdata[j];
			const struct resource_setting *ref = resource_setting_get(r, "nsg");

			/* "?": a reference that could not be evaluated names no NSG for sure. */
			if (r->model == RESOURCE_SETTINGS && ref != NULL && strcmp(ref->value, "?") != 0 &&
			    strcmp(ref->value, nsg->name) == 0)
				g_string_append_printf(list, "%s%s", list->len ? "," : "", r->identity);
		}
		if (list->len)
			resource_add_setting(nsg, "protects", list->str, list->str, nsg->line);
	}
}

/* A standalone rule resource: a fragment of its NSG. */
static void arm_rule_resource(struct arm_ctx *c, const struct arm_scope *s,
                              const struct doc_node *res, const char *parent)
{
	const struct doc_node *name_node = doc_map_get_ci(res, "name");
	g_autofree char *why = NULL;
	g_autofree char *full = arm_name(s, name_node, &why);
	g_autofree char *identity = NULL;
	const char *slash = strchr(full, '/');
	g_autofree char *nsg = NULL;
	const char *rule = full;
	struct resource *r;

	if (slash != NULL && why == NULL) {
		nsg = g_strndup(full, (gsize)(slash - full));
		rule = slash + 1;
	} else if (parent != NULL) {
		nsg = g_strdup(parent);
	} else {
		/* Not "NSG/RULE": the group is not known. */
		nsg = g_strdup(full);
	}
	identity = g_strconcat("azure-nsg:", nsg, NULL);
	r = resource_new(identity, ARM_KIND, nsg, c->d->path, res->line, RESOURCE_FIRST_MATCH);
	r->fragment = true;
	g_ptr_array_add(c->found, r);
	arm_name_unknown(r, name_node, why);
	if (why == NULL && slash == NULL && parent == NULL) {
		g_autofree char *quoted = extract_quote(full);

		dw_problems_add(&c->problems, res->line,
		                "expected a name NSG/RULE for a security rule, got \"%s\"", quoted);
	}
	arm_rule_add(c, s, r, rule, doc_map_get_ci(res, "properties"), res->line);
}

static void arm_resources(struct arm_ctx *c, const struct arm_scope *s, const struct doc_node *list,
                          const char *parent, unsigned depth);

/*
 * A nested deployment with an inline template. Its expressions are
 * evaluated in the parent's scope unless expressionEvaluationOptions.scope
 * is "inner"; then the template's own parameters apply, with the values
 * the deployment passes.
 */
static void arm_deployment(struct arm_ctx *c, const struct arm_scope *s, const struct doc_node *res,
                           unsigned depth)
{
	const struct doc_node *props = doc_map_get_ci(res, "properties");
	const struct doc_node *tmpl = doc_map_get_ci(props, "template");
	const char *scope = doc_scalar(doc_map_get_ci(doc_map_get_ci(props, "expressionEvaluationOptions"),
	                                              "scope"));
	struct arm_scope inner = { 0 };

	if (tmpl == NULL || tmpl->kind != DOC_MAP)
		return;
	if (depth >= DW_LIMIT_ARM_TEMPLATE_DEPTH) {
		dw_problems_add(&c->problems, res->line, "deployments nested deeper than %u",
		                DW_LIMIT_ARM_TEMPLATE_DEPTH);
		return;
	}
	if (scope != NULL && g_ascii_strcasecmp(scope, "inner") == 0) {
		inner.parameters = doc_map_get_ci(tmpl, "parameters");
		inner.variables = doc_map_get_ci(tmpl, "variables");
		inner.param_values = doc_map_get_ci(props, "parameters");
		inner.outer = s;
		s = &inner;
	}
	arm_resources(c, s, doc_map_get_ci(tmpl, "resources"), NULL, depth + 1);
}

/*
 * A Blueprint template artifact (Microsoft.Blueprint/blueprints/artifacts
 * of kind "template", as a resource or as an artifact file of its own):
 * properties.template is an ARM template deployed with the values of
 * properties.parameters, which are evaluated in the scope around the
 * artifact (the blueprint's parameters are not in the file: unknowns).
 */
static void arm_artifact(struct arm_ctx *c, const struct arm_scope *s, const struct doc_node *res,
                         unsigned depth)
{
	const struct doc_node *props = doc_map_get_ci(res, "properties");
	const struct doc_node *tmpl = doc_map_get_ci(props, "template");
	struct arm_scope inner = { 0 };

	if (tmpl == NULL || tmpl->kind != DOC_MAP)
		return;
	if (depth >= DW_LIMIT_ARM_TEMPLATE_DEPTH) {
		dw_problems_add(&c->problems, res->line, "templates nested deeper than %u", DW_LIMIT_ARM_TEMPLATE_DEPTH);
		return;
	}
	inner.parameters = doc_map_get_ci(tmpl, "parameters");
	inner.variables = doc_map_get_ci(tmpl, "variables");
	inner.param_values = doc_map_get_ci(props, "parameters");
	inner.outer = s;
	arm_resources(c, &inner, doc_map_get_ci(tmpl, "resources"), NULL, depth + 1);
}

/* Is root a Blueprint artifact file (no "resources" of its own)? */
static bool arm_is_artifact(const struct doc_node *root)
{
	const char *type = doc_scalar(doc_map_get_ci(root, "type"));
	const char *kind = doc_scalar(doc_map_get_ci(root, "kind"));

	return doc_map_get_ci(root, "resources") == NULL &&
	       doc_map_get_ci(doc_map_get_ci(root, "properties"), "template") != NULL &&
	       ((type != NULL && g_ascii_strcasecmp(type, ARM_TYPE_ARTIFACT) == 0) ||
	        (kind != NULL && g_ascii_strcasecmp(kind, "template") == 0));
}

/* A resource whose condition is known to be false is not deployed. An
 * unknown condition counts as deployed: leaving it out could hide rules. */
static bool arm_deployed(const struct arm_scope *s, const struct doc_node *res)
{
	const struct doc_node *cond = doc_map_get_ci(res, "condition");
	g_autofree char *why = NULL;
	g_autofree char *text = NULL;

	if (cond == NULL)
		return true;
	text = arm_resource_string(s, cond, &why);
	return text == NULL || g_ascii_strcasecmp(text, "false") != 0;
}

/* ---- service endpoints: firewalls, storage, AKS ---------------------------- */

/*
 * Azure services with a public endpoint whose own IP firewall says who
 * reaches it (a union of allows; a server with no rule admits nobody):
 * firewallRules children of SQL, MySQL, PostgreSQL, MariaDB and Redis
 * servers, each a start-end IPv4 range on the service's ports
 * (azure_firewall_rule()).
 * Identity: PREFIX:SERVER. publicNetworkAccess is the
 * "public_network_access" setting (absent: Enabled), as for azurerm_*.
 */
static const struct {
	const char *type;
	const char *kind;
	const char *prefix;
	enum azure_service service;
} arm_fw_services[] = {
	{ "Microsoft.Sql/servers", "Azure SQL server", "azure-sql:", AZURE_SERVICE_SQL },
	{ "Microsoft.DBforMySQL/servers", "Azure MySQL server", "azure-mysql:", AZURE_SERVICE_MYSQL },
	{ "Microsoft.DBforMySQL/flexibleServers", "Azure MySQL server", "azure-mysql:", AZURE_SERVICE_MYSQL },
	{ "Microsoft.DBforPostgreSQL/servers", "Azure PostgreSQL server", "azure-postgresql:",
	  AZURE_SERVICE_POSTGRESQL },
	{ "Microsoft.DBforPostgreSQL/flexibleServers", "Azure PostgreSQL server", "azure-postgresql:",
	  AZURE_SERVICE_POSTGRESQL },
	{ "Microsoft.DBforMariaDB/servers", "Azure MariaDB server", "azure-mariadb:", AZURE_SERVICE_MYSQL },
	{ "Microsoft.Cache/redis", "Azure Cache for Redis", "azure-redis:", AZURE_SERVICE_REDIS },
};

/* One firewall rule (its "properties") into r: startIpAddress-endIpAddress. */
static void arm_fw_rule(struct arm_ctx *c, const struct arm_scope *s, struct resource *r, size_t t,
                        const char *name, const struct doc_node *props, unsigned line)
{
	g_autofree char *start = NULL, *end = NULL, *why = NULL;
	const struct doc_node *a = doc_map_get_ci(props, "startIpAddress");
	const struct doc_node *b = doc_map_get_ci(props, "endIpAddress");
	uint32_t lo, hi;

	if (a == NULL || b == NULL) {
		resource_add_unknown(r, line, "firewall rule %s cannot be read: no startIpAddress or endIpAddress", name);
		return;
	}
	if ((start = arm_resource_string(s, a, &why)) == NULL || (end = arm_resource_string(s, b, &why)) == NULL) {
		g_autofree char *quoted = extract_quote(start == NULL ? a->text : b->text);

		resource_add_unknown(r, line, "firewall rule %s: %s is %s, %s", name,
		                     start == NULL ? "startIpAddress" : "endIpAddress", quoted, why);
		return;
	}
	if (!azure_parse_ipv4(start, &lo) || !azure_parse_ipv4(end, &hi) || lo > hi) {
		g_autofree char *qs = extract_quote(start), *qe = extract_quote(end);

		resource_add_unknown(r, line, "firewall rule %s cannot be read: expected an IPv4 range, got \"%s\" "
		                     "- \"%s\"", name, qs, qe);
		return;
	}
	azure_firewall_rule(r, name, line, arm_fw_services[t].service, lo, hi);
}

/* Is properties.publicNetworkAccess not Disabled (absent: dflt)? Recorded as
 * the "public_network_access" setting when record; false when unknown. */
static bool arm_public_access(const struct arm_scope *s, struct resource *r, const struct doc_node *props,
                              bool dflt, bool record)
{
	const struct doc_node *n = doc_map_get_ci(props, "publicNetworkAccess");
	g_autofree char *why = NULL, *text = NULL, *raw = NULL;
	bool on = dflt;

	if (n != NULL && (text = arm_resource_string(s, n, &why)) == NULL) {
		g_autofree char *quoted = extract_quote(n->text);

		resource_add_unknown(r, n->line, "publicNetworkAccess is %s, %s", quoted, why);
		return false;
	}
	if (text != NULL)
		on = g_ascii_strcasecmp(text, "Disabled") != 0;
	raw = text != NULL ? g_strdup_printf("publicNetworkAccess: %s", text)
	                   : g_strdup_printf("publicNetworkAccess absent (default %s)", on ? "Enabled" : "Disabled");
	/* Line 0 for the default: in force before the resource was written too. */
	if (record)
		resource_add_setting(r, "public_network_access", on ? "on" : "off", raw, n != NULL ? n->line : 0);
	return on;
}

static struct resource *arm_fw_resource(struct arm_ctx *c, size_t t, const char *server, unsigned line,
                                        bool fragment)
{
	g_autofree char *identity = g_strconcat(arm_fw_services[t].prefix, server, NULL);
	struct resource *r = resource_new(identity, arm_fw_services[t].kind, server, c->d->path, line,
	                                  RESOURCE_UNION);

	r->fragment = fragment;
	g_ptr_array_add(c->found, r);
	return r;
}

/* A server, with its firewallRules children. */
static void arm_fw_server(struct arm_ctx *c, const struct arm_scope *s, const struct doc_node *res, size_t t)
{
	const struct doc_node *children = doc_map_get_ci(res, "resources");
	g_autofree char *why = NULL;
	g_autofree char *name = arm_name(s, doc_map_get_ci(res, "name"), &why);
	struct resource *r = arm_fw_resource(c, t, name, res->line, false);

	arm_public_access(s, r, doc_map_get_ci(res, "properties"), true, true);
	for (size_t i = 0; children != NULL && children->kind == DOC_LIST && i < children->n; i++) {
		const struct doc_node *child = children->items[i];
		const char *type = doc_scalar(doc_map_get_ci(child, "type"));
		g_autofree char *rule_why = NULL;
		g_autofree char *rule = NULL;

		if (type == NULL || g_ascii_strcasecmp(type, "firewallRules") != 0 || !arm_deployed(s, child))
			continue;
		rule = arm_name(s, doc_map_get_ci(child, "name"), &rule_why);
		arm_fw_rule(c, s, r, t, rule, doc_map_get_ci(child, "properties"), child->line);
	}
}

/* A standalone TYPE/firewallRules resource named "SERVER/RULE": a fragment. */
static void arm_fw_standalone(struct arm_ctx *c, const struct arm_scope *s, const struct doc_node *res, size_t t)
{
	g_autofree char *why = NULL;
	g_autofree char *full = arm_name(s, doc_map_get_ci(res, "name"), &why);
	const char *slash = strchr(full, '/');
	g_autofree char *server = slash != NULL ? g_strndup(full, (gsize)(slash - full)) : g_strdup(full);
	struct resource *r = arm_fw_resource(c, t, server, res->line, true);

	if (why != NULL || slash == NULL) {
		g_autofree char *quoted = extract_quote(full);

		resource_add_unknown(r, res->line, "firewall rule named \"%s\": its server is not known%s%s", quoted,
		                     why != NULL ? ", " : "", why != NULL ? why : "");
		return;
	}
	arm_fw_rule(c, s, r, t, slash + 1, doc_map_get_ci(res, "properties"), res->line);
}

/* Is type one of the firewalled services (*t_out), or its /firewallRules (*rule)? */
static bool arm_fw_type(const char *type, size_t *t_out, bool *rule)
{
	for (size_t t = 0; t < G_N_ELEMENTS(arm_fw_services); t++) {
		size_t n = strlen(arm_fw_services[t].type);

		if (g_ascii_strncasecmp(type, arm_fw_services[t].type, n) != 0)
			continue;
		if (type[n] == '\0' || g_ascii_strcasecmp(type + n, "/firewallRules") == 0) {
			*t_out = t;
			*rule = type[n] != '\0';
			return true;
		}
	}
	return false;
}

/*
 * A storage account (Microsoft.Storage/storageAccounts): its endpoints
 * answer HTTPS (443, and 80 when supportsHttpsTrafficOnly is false) from
 * whoever networkAcls admits: every address and the trusted Azure services
 * when defaultAction is Allow (the default when absent), else the ipRules,
 * the virtual network rules (atoms azure-subnet:ID) and the bypassed Azure
 * services (azure-tag:AzureServices; bypass defaults to AzureServices).
 * publicNetworkAccess Disabled closes it. Identity: azure-storage:NAME.
 */
static void arm_storage(struct arm_ctx *c, const struct arm_scope *s, const struct doc_node *res)
{
	const struct doc_node *props = doc_map_get_ci(res, "properties");
	const struct doc_node *acls = doc_map_get_ci(props, "networkAcls");
	const char *deflt = doc_scalar(doc_map_get_ci(acls, "defaultAction"));
	const char *https = doc_scalar(doc_map_get_ci(props, "supportsHttpsTrafficOnly"));
	const char *bypass = doc_scalar(doc_map_get_ci(acls, "bypass"));
	const struct doc_node *ips = doc_map_get_ci(acls, "ipRules");
	const struct doc_node *vnets = doc_map_get_ci(acls, "virtualNetworkRules");
	g_autofree char *why = NULL;
	g_autofree char *name = arm_name(s, doc_map_get_ci(res, "name"), &why);
	g_autofree char *identity = g_strconcat("azure-storage:", name, NULL);
	struct resource *r = resource_new(identity, "Azure storage account", name, c->d->path, res->line,
	                                  RESOURCE_UNION);
	g_autoptr(srcset) src = srcset_new();

	g_ptr_array_add(c->found, r);
	/* The exposure says it all: no setting besides. */
	if (!arm_public_access(s, r, props, true, false))
		return;
	if (deflt != NULL && g_ascii_strcasecmp(deflt, "Deny") != 0 && g_ascii_strcasecmp(deflt, "Allow") != 0) {
		resource_add_unknown(r, acls->line, "storage account %s: defaultAction is \"%s\", not evaluated",
		                     name, deflt);
		return;
	}
	if (deflt == NULL || g_ascii_strcasecmp(deflt, "Allow") == 0) {
		/* Every address, and the trusted Azure services with them. */
		srcset_add_all_addresses(src);
		srcset_add_atom(src, "azure-tag:AzureServices");
	} else {
		for (size_t i = 0; ips != NULL && ips->kind == DOC_LIST && i < ips->n; i++) {
			const char *v = doc_scalar(doc_map_get_ci(ips->items[i], "value"));

			if (v == NULL || !srcset_add_cidr(src, v, NULL))
				resource_add_unknown(r, ips->items[i]->line, "storage account %s: an ipRules value is "
				                     "not an address", name);
		}
		for (size_t i = 0; vnets != NULL && vnets->kind == DOC_LIST && i < vnets->n; i++) {
			const struct doc_node *n = doc_map_get_ci(vnets->items[i], "id");
			g_autofree char *vwhy = NULL;
			g_autofree char *id = n != NULL ? arm_resource_string(s, n, &vwhy) : NULL;
			const char *slash = id != NULL ? strrchr(id, '/') : NULL;
			g_autofree char *atom = NULL;

			if (id == NULL) {
				resource_add_unknown(r, vnets->items[i]->line, "storage account %s: a virtual network "
				                     "rule's subnet is not known%s%s", name, vwhy != NULL ? ", " : "",
				                     vwhy != NULL ? vwhy : "");
				continue;
			}
			atom = g_strconcat("azure-subnet:", slash != NULL ? slash + 1 : id, NULL);
			srcset_add_atom(src, atom);
		}
		/* bypass defaults to AzureServices (Storage REST API, NetworkRuleSet). */
		if (bypass == NULL || strstr(bypass, "AzureServices") != NULL)
			srcset_add_atom(src, "azure-tag:AzureServices");
	}
	if (srcset_is_empty(src))
		return;
	resource_add_rule(r, "networkAcls", acls != NULL ? acls->line : res->line, true, 0,
	                  exposure_new_box(EXPOSURE_PROTO_TCP, EXPOSURE_PROTO_TCP, 443, 443, src));
	/* Plain HTTP on 80 as well, not the ports between. */
	if (https != NULL && g_ascii_strcasecmp(https, "false") == 0)
		resource_add_rule(r, "networkAcls", acls != NULL ? acls->line : res->line, true, 0,
		                  exposure_new_box(EXPOSURE_PROTO_TCP, EXPOSURE_PROTO_TCP, 80, 80, src));
}

/* apiServerAccessProfile.authorizedIPRanges into src: every address when
 * absent or empty; false (with an unknown on r) when not evaluated. */
static bool arm_aks_ranges(const struct arm_scope *s, struct resource *r, const char *name,
                           const struct doc_node *ranges, srcset *src)
{
	g_autofree char *why = NULL;
	struct arm_value v = { 0 };

	if (ranges != NULL && !arm_eval_node(s, ranges, 0, &v, &why)) {
		g_autofree char *quoted = extract_quote(ranges->text);

		resource_add_unknown(r, ranges->line, "AKS %s: authorizedIPRanges is %s, %s", name, quoted, why);
		return false;
	}
	if (v.node == NULL || v.node->kind != DOC_LIST || v.node->n == 0) {
		srcset_add_all_addresses(src);
	} else {
		for (size_t i = 0; i < v.node->n; i++) {
			const char *cidr = doc_scalar(v.node->items[i]);

			if (cidr == NULL || !srcset_add_cidr(src, cidr, NULL))
				resource_add_unknown(r, v.node->items[i]->line, "AKS %s: an authorizedIPRanges entry is "
				                     "not a CIDR", name);
		}
	}
	arm_value_clear(&v);
	return true;
}

/*
 * An AKS cluster (Microsoft.ContainerService/managedClusters): its API
 * server answers from apiServerAccessProfile.authorizedIPRanges, every
 * address when they are absent or empty, and only from inside the
 * virtual network for a private cluster (enablePrivateCluster); see
 * azure_aks_endpoint(). Identity: azure-aks:NAME.
 */
static void arm_aks(struct arm_ctx *c, const struct arm_scope *s, const struct doc_node *res)
{
	const struct doc_node *profile = doc_map_get_ci(doc_map_get_ci(res, "properties"), "apiServerAccessProfile");
	const struct doc_node *ranges = doc_map_get_ci(profile, "authorizedIPRanges");
	bool private_cluster = g_strcmp0(doc_scalar(doc_map_get_ci(profile, "enablePrivateCluster")), "true") == 0;
	g_autofree char *why = NULL, *name = arm_name(s, doc_map_get_ci(res, "name"), &why);
	g_autofree char *identity = g_strconcat("azure-aks:", name, NULL);
	struct resource *r = resource_new(identity, "Azure AKS API server", name, c->d->path, res->line,
	                                  RESOURCE_UNION);
	g_autoptr(srcset) src = srcset_new();

	g_ptr_array_add(c->found, r);
	if (!private_cluster && !arm_aks_ranges(s, r, name, ranges, src))
		return;
	azure_aks_endpoint(r, "apiServerAccessProfile", profile != NULL ? profile->line : res->line, src,
	                   private_cluster);
}

static void arm_resource(struct arm_ctx *c, const struct arm_scope *s, const struct doc_node *res,
                         const char *parent, unsigned depth)
{
	const char *type = doc_scalar(doc_map_get_ci(res, "type"));
	g_autofree char *why = NULL;
	g_autofree char *name = NULL;
	const char *child_parent = NULL;
	bool fw_rule = false;
	size_t t = 0;

	if (type == NULL || !arm_deployed(s, res))
		return;
	if (doc_map_get_ci(res, "name") == NULL &&
	    (g_ascii_strcasecmp(type, ARM_TYPE_NSG) == 0 || g_ascii_strcasecmp(type, ARM_TYPE_RULE) == 0 ||
	     (parent != NULL && g_ascii_strcasecmp(type, "securityRules") == 0))) {
		dw_problems_add(&c->problems, res->line, "resource of type %s has no name", type);
		return;
	}
	if (g_ascii_strcasecmp(type, ARM_TYPE_NSG) == 0) {
		name = arm_name(s, doc_map_get_ci(res, "name"), &why);
		arm_nsg(c, s, res, name, why);
		child_parent = name;
	} else if (g_ascii_strcasecmp(type, ARM_TYPE_RULE) == 0 ||
	           (parent != NULL && g_ascii_strcasecmp(type, "securityRules") == 0)) {
		arm_rule_resource(c, s, res, parent);
	} else if (g_ascii_strcasecmp(type, ARM_TYPE_DEPLOYMENT) == 0) {
		arm_deployment(c, s, res, depth);
	} else if (g_ascii_strcasecmp(type, ARM_TYPE_VNET) == 0) {
		name = arm_name(s, doc_map_get_ci(res, "name"), &why);
		arm_vnet_subnets(c, s, res, name);
	} else if (g_ascii_strcasecmp(type, ARM_TYPE_SUBNET) == 0) {
		name = arm_name(s, doc_map_get_ci(res, "name"), &why);
		arm_protected(c, s, "azure-subnet:", "Azure subnet", name, doc_map_get_ci(res, "properties"),
		              res->line);
	} else if (g_ascii_strcasecmp(type, ARM_TYPE_NIC) == 0) {
		name = arm_name(s, doc_map_get_ci(res, "name"), &why);
		arm_protected(c, s, "azure-nic:", "Azure network interface", name,
		              doc_map_get_ci(res, "properties"), res->line);
	} else if (g_ascii_strcasecmp(type, ARM_TYPE_ARTIFACT) == 0) {
		arm_artifact(c, s, res, depth);
	} else if (arm_fw_type(type, &t, &fw_rule)) {
		if (fw_rule)
			arm_fw_standalone(c, s, res, t);
		else
			arm_fw_server(c, s, res, t);
	} else if (g_ascii_strcasecmp(type, "Microsoft.Storage/storageAccounts") == 0) {
		arm_storage(c, s, res);
	} else if (g_ascii_strcasecmp(type, "Microsoft.ContainerService/managedClusters") == 0) {
		arm_aks(c, s, res);
	}
	arm_resources(c, s, doc_map_get_ci(res, "resources"), child_parent, depth);
}

/* A resource, with its copy loop ("copy": {"name", "count"}) when it has
 * one: count instances, each with its copyIndex(). A loop that cannot be
 * evaluated reads the resource once, and each resource that gives carries
 * an unknown saying so. */
static void arm_resource_copies(struct arm_ctx *c, const struct arm_scope *s, const struct doc_node *res,
                                const char *parent, unsigned depth)
{
	const struct doc_node *copy = doc_map_get_ci(res, "copy");
	g_autofree char *why = NULL;
	unsigned count = 0;
	guint before = c->found->len;

	if (copy == NULL) {
		arm_resource(c, s, res, parent, depth);
		return;
	}
	if (copy->kind == DOC_MAP && arm_copy_count(s, doc_map_get_ci(copy, "count"), &count, &why)) {
		for (unsigned i = 0; i < count; i++) {
			struct arm_loop l = { .name = doc_scalar(doc_map_get_ci(copy, "name")), .resource = true,
			                      .index = i, .up = s->loop };
			struct arm_scope inner = *s;

			inner.loop = &l;
			arm_resource(c, &inner, res, parent, depth);
		}
		return;
	}
	arm_resource(c, s, res, parent, depth);
	for (guint j = before; j < c->found->len; j++)
		resource_add_unknown(c->found->pdata[j], copy->line, "deployed by a copy loop that %s, not evaluated",
		                     why != NULL ? why : "is not an object");
}

/* "resources": a list, or (languageVersion 2.0) a map of symbolic names. */
static void arm_resources(struct arm_ctx *c, const struct arm_scope *s, const struct doc_node *list,
                          const char *parent, unsigned depth)
{
	if (list == NULL)
		return;
	if (list->kind == DOC_LIST) {
		for (size_t i = 0; i < list->n; i++)
			arm_resource_copies(c, s, list->items[i], parent, depth);
	} else if (list->kind == DOC_MAP) {
		for (size_t i = 0; i < list->n; i++)
			arm_resource_copies(c, s, list->pairs[i].value, parent, depth);
	}
}

bool extract_arm(GPtrArray *out, const struct doc *d, GError **error)
{
	return extract_arm_with(out, d, NULL, 0, error);
}

/* NAME.parameters.json or NAME.parameters.ENV.json beside NAME.json. */
bool extract_arm_params_for(const char *path, const char *template_path)
{
	g_autofree char *tmpl = extract_arm_template_of(path);

	return tmpl != NULL && strcmp(tmpl, template_path) == 0;
}

char *extract_arm_template_of(const char *params_path)
{
	const char *base = extract_basename(params_path);
	const char *at = strstr(base, ".parameters.");
	const char *rest;

	if (at == NULL || at == base || !g_str_has_suffix(params_path, ".json"))
		return NULL;
	rest = at + strlen(".parameters.");
	/* "json", or "ENV.json" with ENV one name */
	if (strcmp(rest, "json") != 0 &&
	    (strchr(rest, '.') == rest || strchr(rest, '.') != strrchr(rest, '.')))
		return NULL;
	return g_strdup_printf("%.*s.json", (int)(at - params_path), params_path);
}

bool extract_arm_with(GPtrArray *out, const struct doc *d, const struct extract_tf_file *params, size_t n,
                      GError **error)
{
	g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func((GDestroyNotify)resource_free);
	struct arm_ctx c = { .d = d, .found = found };
	struct arm_files files = { .in = params, .n = n, .docs = g_new0(struct doc *, n + 1) };
	bool ok;

	for (size_t i = 0; i < n; i++) {
		if (!doc_parse(&files.docs[i], params[i].path, params[i].data, params[i].len, NULL, NULL))
			files.docs[i] = NULL;
	}
	dw_problems_init(&c.problems, d->path, EXTRACT_MAX_PROBLEMS);

	for (guint i = 0; i < d->roots->len; i++) {
		const struct doc_node *root = g_ptr_array_index(d->roots, i);
		struct arm_scope s = {
			.parameters = doc_map_get_ci(root, "parameters"),
			.variables = doc_map_get_ci(root, "variables"),
			.files = n > 0 ? &files : NULL,
		};

		if (root->kind == DOC_MAP && arm_is_artifact(root))
			arm_artifact(&c, &s, root, 0);
		else if (root->kind == DOC_MAP)
			arm_resources(&c, &s, doc_map_get_ci(root, "resources"), NULL, 0);
	}
	arm_link_protected(found);
	ok = extract_finish(out, found, &c.problems, error);
	for (size_t i = 0; i < n; i++)
		doc_free(files.docs[i]);
	g_free(files.docs);
	return ok;
}
