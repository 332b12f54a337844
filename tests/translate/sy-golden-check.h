/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The checks golden translation cases share (test-golden.c, test-kiro.c): a case is a folder
 * with its input and expected files; outputs are compared as JSON values, expected notes and
 * errors by the words they must contain. Failures name the case folder.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* dir/name's contents, or NULL when the case has no such file. */
char     *sy_golden_read             (const char   *dir,
                                      const char   *name,
                                      gsize        *len);
/* NULL when data is not JSON; len -1: up to the NUL. */
JsonNode *sy_golden_parse_json       (const char   *data,
                                      gssize        len);
/* got (JSON text or a node) equals the expected JSON text as a value. */
void      sy_golden_assert_json      (const char   *what,
                                      const char   *got,
                                      gsize         got_len,
                                      const char   *expected,
                                      gsize         expected_len);
void      sy_golden_assert_json_node (const char   *what,
                                      JsonNode     *got,
                                      const char   *expected);
/* Every line of dir/expected-notes.txt appears in some note (notes may be NULL). */
void      sy_golden_check_notes      (const char   *dir,
                                      GPtrArray    *notes);
/* With dir/expected-error.txt, error must mention its text (TRUE); without, there must be no
 * error (FALSE). */
gboolean  sy_golden_check_error      (const char   *dir,
                                      const GError *error);

G_END_DECLS
