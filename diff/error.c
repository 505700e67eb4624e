/*
 * error.c - the engine's GError domain.
 */
#include "error.h"

G_DEFINE_QUARK(driftwatch-error-quark, dw_error)
