/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyCliTool: pointing coding tools (Claude Code, Codex CLI, OpenClaw, Continue) at the local
 * endpoint by editing their own config files: where each file lives, what it says now, merging
 * our settings in while keeping every other one, a timestamped backup first, and restoring the
 * newest backup. Files only, no GTK and no network; blocking I/O on small files.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SY_CLI_TOOLS_ERROR (sy_cli_tools_error_quark ())

typedef enum {
  SY_CLI_TOOLS_ERROR_MALFORMED,    /* the existing file cannot be read as its format */
  SY_CLI_TOOLS_ERROR_UNSUPPORTED,  /* readable, but written in a form we do not edit */
  SY_CLI_TOOLS_ERROR_NO_BACKUP,    /* nothing to restore */
} SyCliToolsError;

typedef enum {
  SY_CLI_TOOL_CLAUDE_CODE,
  SY_CLI_TOOL_CODEX,
  SY_CLI_TOOL_OPENCLAW,
  SY_CLI_TOOL_CONTINUE,
  SY_CLI_TOOL_N
} SyCliTool;

typedef enum {
  SY_CLI_TOOL_NOT_INSTALLED,   /* no config dir and no program on PATH */
  SY_CLI_TOOL_NOT_CONFIGURED,  /* installed, nothing of ours in its config */
  SY_CLI_TOOL_CONFIGURED,      /* points at this endpoint */
  SY_CLI_TOOL_ELSEWHERE,       /* points at another URL, port or provider (see detail) */
  SY_CLI_TOOL_UNREADABLE,      /* the file is malformed or unreadable (see detail) */
} SyCliToolStatus;

/* What Apply writes. */
typedef struct
{
  const char *base_url;  /* "http://localhost:20128", without /v1 */
  const char *api_key;   /* NULL: keep the key already in the file, else a placeholder */
  const char *model;     /* NULL: keep the tool's model (a default where one is needed) */
} SyCliToolTarget;

/* Written as the key when keys are not required and the file has none (any string works). */
#define SY_CLI_TOOLS_PLACEHOLDER_KEY "switchyard-no-key-needed"
/* The model OpenClaw and Continue get when none is given or found. */
#define SY_CLI_TOOLS_DEFAULT_MODEL   "openai/gpt-4o"

GQuark           sy_cli_tools_error_quark       (void);

/* "claude-code", "codex", "openclaw", "continue". */
const char      *sy_cli_tool_get_id             (SyCliTool               tool);
/* "Claude Code", "Codex CLI", "OpenClaw", "Continue". */
const char      *sy_cli_tool_get_name           (SyCliTool               tool);
/* The file Apply edits, from $HOME (read on every call) and the tool's own override
 * ($CLAUDE_CONFIG_DIR, $CODEX_HOME, $OPENCLAW_CONFIG_PATH, $CONTINUE_GLOBAL_DIR). */
char            *sy_cli_tool_dup_config_path    (SyCliTool               tool);
/* detail (may be NULL): for ELSEWHERE what it points at, for UNREADABLE why. */
SyCliToolStatus  sy_cli_tool_get_status         (SyCliTool               tool,
                                                 const SyCliToolTarget  *target,
                                                 char                  **detail);
/* Merges target into the file. When the content changes, the old file (if any) is first
 * copied to FILE.switchyard-backup-YYYYmmdd-HHMMSS (backup_path, may be NULL); the file is
 * then replaced atomically, mode 0600. changed (may be NULL) says whether it was written.
 * A malformed file is refused and left untouched. */
gboolean         sy_cli_tool_apply              (SyCliTool               tool,
                                                 const SyCliToolTarget  *target,
                                                 gboolean               *changed,
                                                 char                  **backup_path,
                                                 GError                **error);
/* The newest backup of the tool's file, or NULL. */
char            *sy_cli_tool_dup_newest_backup  (SyCliTool               tool);
/* Puts the newest backup back in place (atomically) and removes that backup, so each call
 * steps one change further back. restored_from may be NULL. */
gboolean         sy_cli_tool_restore            (SyCliTool               tool,
                                                 char                  **restored_from,
                                                 GError                **error);

/* The URL the tool is told to use, as a person reads it (base_url + "/v1" where the tool
 * wants it). */
char            *sy_cli_tool_dup_url            (SyCliTool               tool,
                                                 const char             *base_url);

G_END_DECLS
