/*
 * gitwalk_private.h - what the files of git/ share. Private to git/.
 */
#ifndef DW_GITWALK_PRIVATE_H
#define DW_GITWALK_PRIVATE_H

#include "gitwalk.h"

/* A git_oid * as a GHashTable key: an object id is already uniformly spread. */
guint gitwalk_oid_hash(gconstpointer p);
gboolean gitwalk_oid_equal(gconstpointer a, gconstpointer b);

#endif
