/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The per-format halves of SyCliTool: pure functions from a file's text (NULL when the file
 * does not exist) to its status or to its new text. No I/O here; sy-cli-tools.c reads, backs
 * up and writes.
 */
#pragma once

#include "core/sy-cli-tools.h"

G_BEGIN_DECLS

typedef SyCliToolStatus (*SyCliToolsStatusFunc) (const char             *contents,
                                                 const SyCliToolTarget  *target,
                                                 char                  **detail,
                                                 GError                **error);
/* The new text; the old text itself (a copy) when nothing needs to change. */
typedef char *          (*SyCliToolsApplyFunc)  (const char             *contents,
                                                 const SyCliToolTarget  *target,
                                                 GError                **error);

/* JSON (sy-cli-tools-json.c) */
SyCliToolStatus _sy_cli_tools_claude_status        (const char *, const SyCliToolTarget *,
                                                    char **, GError **);
char           *_sy_cli_tools_claude_apply         (const char *, const SyCliToolTarget *,
                                                    GError **);
SyCliToolStatus _sy_cli_tools_openclaw_status      (const char *, const SyCliToolTarget *,
                                                    char **, GError **);
char           *_sy_cli_tools_openclaw_apply       (const char *, const SyCliToolTarget *,
                                                    GError **);
SyCliToolStatus _sy_cli_tools_continue_json_status (const char *, const SyCliToolTarget *,
                                                    char **, GError **);
char           *_sy_cli_tools_continue_json_apply  (const char *, const SyCliToolTarget *,
                                                    GError **);

/* Line-edited text (sy-cli-tools-text.c) */
SyCliToolStatus _sy_cli_tools_codex_status         (const char *, const SyCliToolTarget *,
                                                    char **, GError **);
char           *_sy_cli_tools_codex_apply          (const char *, const SyCliToolTarget *,
                                                    GError **);
SyCliToolStatus _sy_cli_tools_continue_yaml_status (const char *, const SyCliToolTarget *,
                                                    char **, GError **);
char           *_sy_cli_tools_continue_yaml_apply  (const char *, const SyCliToolTarget *,
                                                    GError **);

/* Whether two base URLs name the same endpoint: localhost and 127.0.0.1 alike, a trailing
 * "/" or "/v1" ignored. */
gboolean        _sy_cli_tools_same_endpoint        (const char *a,
                                                    const char *b);
/* base_url + "/v1" (base_url without a trailing "/"). */
char           *_sy_cli_tools_v1_url               (const char *base_url);
/* "openai/gpt-4o" -> "gpt-4o". */
const char     *_sy_cli_tools_model_short_name     (const char *model);

G_END_DECLS
