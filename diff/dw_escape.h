/*
 * dw_escape.h - repository text made safe to print.
 */
#ifndef DW_ESCAPE_H
#define DW_ESCAPE_H

/*
 * Text from a repository made safe to print on a terminal or behind a
 * "remote: " line: control characters and bytes that are not UTF-8
 * become \xNN. New string.
 */
char *dw_escape(const char *s);

#endif
