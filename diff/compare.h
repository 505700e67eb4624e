/*
 * compare.h - old against new, per resource identity: what a change let
 * in (widened), what it shut (narrowed), and which settings moved.
 *
 * Resources are matched by identity (extract.h), never by file, so moving
 * a resource or renaming its file compares it with itself.
 */
#ifndef DW_COMPARE_H
#define DW_COMPARE_H

#include <glib.h>
#include <stdbool.h>

#include "extract.h"

struct compare_setting {
	const char *key;         /* "auth", "bind"; borrowed from a resource */
	const char *old_value;   /* NULL when not set before */
	const char *new_value;   /* NULL when no longer set */
	const struct resource_setting *setting; /* the new one, or NULL; borrowed */
};

struct compare_change {
	char *identity;                /* the resource's identity, with "@FILE" when
	                                * several resources share it; owned */
	const struct resource *old_r;  /* NULL when the resource is new; borrowed */
	const struct resource *new_r;  /* NULL when it was removed; borrowed */
	exposure *before;              /* old exposure; owned */
	exposure *after;               /* new exposure; owned */
	exposure *widened;             /* after - before; owned */
	exposure *narrowed;            /* before - after; owned */
	GArray *settings;              /* struct compare_setting, only keys that changed */
	GPtrArray *new_unknowns;       /* struct resource_unknown *, in new but not old; borrowed */
};

void compare_change_free(struct compare_change *c);

/*
 * Compares two resource lists (already joined with resources_join) and
 * appends one struct compare_change to out for each resource whose rules
 * or settings differ in effect; resources whose exposure and settings
 * are equal produce nothing, however their text changed. Old and new are
 * paired by identity; when several resources share one identity (two
 * templates defining "AppSG"), twins are paired by file, and a single
 * one left on each side is paired too (a renamed file). The changes
 * borrow from both lists, which must outlive out.
 */
void compare_resources(GPtrArray *out, GPtrArray *old_resources, GPtrArray *new_resources);

/*
 * compare_resources() for a comparison in which files were renamed or
 * moved: renames maps each old path to its new path (char *, borrowed;
 * NULL for none). A renamed file counts as the same file when twins are
 * paired by file. Then, among the resources still unpaired on each side,
 * in this order: an old one whose identity names its file or directory
 * (tf:DIR:..., elasticsearch:DIR) pairs with the new one of the identity
 * it has after the move; one whose name could not be evaluated
 * (RESOURCE_UNKNOWN_NAME) on either side pairs with one of the same kind
 * in the same file; and one pairs with a new one of the same kind whose
 * rules and settings are equal in effect (its identity changed, its
 * content did not). Resources whose exposure differs are never paired by
 * content.
 */
void compare_resources_renamed(GPtrArray *out, GPtrArray *old_resources, GPtrArray *new_resources,
                               GHashTable *renames);

#endif
