/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Names of the dialects as they appear in the API (provider node apiType) and the logs.
 * translate/: pure, no I/O.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-dialect.h"

static const char * const names[] = {
  [SY_DIALECT_OPENAI] = "openai",
  [SY_DIALECT_ANTHROPIC] = "anthropic",
  [SY_DIALECT_GEMINI] = "gemini",
  [SY_DIALECT_RESPONSES] = "responses",
  [SY_DIALECT_GEMINI_CLI] = "gemini-cli",
  [SY_DIALECT_KIRO] = "kiro",
};

const char *
sy_dialect_to_string (SyDialect dialect)
{
  g_return_val_if_fail ((guint) dialect < G_N_ELEMENTS (names), "openai");
  return names[dialect];
}

gboolean
sy_dialect_from_string (const char *name,
                        SyDialect  *out)
{
  /* Only what a client or a provider node may speak; the upstream-only dialects are fixed by
   * their catalog entries. */
  for (guint i = 0; name != NULL && i <= SY_DIALECT_RESPONSES; i++)
    if (g_str_equal (names[i], name))
      {
        *out = (SyDialect) i;
        return TRUE;
      }
  return FALSE;
}
