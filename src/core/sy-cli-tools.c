/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyCliTool's file handling: where each tool's config lives, reading it, the backup taken
 * before any change, the atomic write, and restoring the newest backup. What goes into each
 * format is in sy-cli-tools-json.c and sy-cli-tools-text.c. Never writes a file it could not
 * parse, never writes when nothing changes.
 */
#define G_LOG_DOMAIN "sy-core"

#include "core/sy-cli-tools-private.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#define BACKUP_INFIX ".switchyard-backup-"
#define STAMP_LEN    15  /* YYYYmmdd-HHMMSS */

G_DEFINE_QUARK (sy-cli-tools-error-quark, sy_cli_tools_error)

typedef struct
{
  const char           *id;
  const char           *name;
  const char           *program;  /* looked for on PATH */
} ToolInfo;

static const ToolInfo tools[SY_CLI_TOOL_N] = {
  [SY_CLI_TOOL_CLAUDE_CODE] = { "claude-code", "Claude Code", "claude" },
  [SY_CLI_TOOL_CODEX] = { "codex", "Codex CLI", "codex" },
  [SY_CLI_TOOL_OPENCLAW] = { "openclaw", "OpenClaw", "openclaw" },
  [SY_CLI_TOOL_CONTINUE] = { "continue", "Continue", "cn" },
};

const char *
sy_cli_tool_get_id (SyCliTool tool)
{
  g_return_val_if_fail (tool < SY_CLI_TOOL_N, NULL);
  return tools[tool].id;
}

const char *
sy_cli_tool_get_name (SyCliTool tool)
{
  g_return_val_if_fail (tool < SY_CLI_TOOL_N, NULL);
  return tools[tool].name;
}

/* $HOME on every call: g_get_home_dir () caches the first answer, and tests move HOME. */
static const char *
home_dir (void)
{
  const char *home = g_getenv ("HOME");

  return home != NULL && *home != '\0' ? home : g_get_home_dir ();
}

/* The tool's own override when set, else ~/NAME. */
static char *
tool_dir (const char *env,
          const char *name)
{
  const char *dir = env ? g_getenv (env) : NULL;

  if (dir != NULL && *dir != '\0')
    return g_strdup (dir);
  return g_build_filename (home_dir (), name, NULL);
}

char *
sy_cli_tool_dup_config_path (SyCliTool tool)
{
  g_autofree char *dir = NULL;
  g_autofree char *yaml = NULL;
  g_autofree char *json = NULL;
  const char *path;

  g_return_val_if_fail (tool < SY_CLI_TOOL_N, NULL);

  switch (tool)
    {
    case SY_CLI_TOOL_CLAUDE_CODE:
      dir = tool_dir ("CLAUDE_CONFIG_DIR", ".claude");
      return g_build_filename (dir, "settings.json", NULL);
    case SY_CLI_TOOL_CODEX:
      dir = tool_dir ("CODEX_HOME", ".codex");
      return g_build_filename (dir, "config.toml", NULL);
    case SY_CLI_TOOL_OPENCLAW:
      path = g_getenv ("OPENCLAW_CONFIG_PATH");
      if (path != NULL && *path != '\0')
        return g_strdup (path);
      dir = tool_dir (NULL, ".openclaw");
      return g_build_filename (dir, "openclaw.json", NULL);
    case SY_CLI_TOOL_CONTINUE:
    case SY_CLI_TOOL_N:
    default:
      /* Continue reads config.yaml, or the older config.json when there is no YAML one. */
      dir = tool_dir ("CONTINUE_GLOBAL_DIR", ".continue");
      yaml = g_build_filename (dir, "config.yaml", NULL);
      json = g_build_filename (dir, "config.json", NULL);
      if (!g_file_test (yaml, G_FILE_TEST_EXISTS) && g_file_test (json, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&json);
      return g_steal_pointer (&yaml);
    }
}

static gboolean
is_json_path (const char *path)
{
  return g_str_has_suffix (path, ".json");
}

static SyCliToolsStatusFunc
status_func (SyCliTool   tool,
             const char *path)
{
  switch (tool)
    {
    case SY_CLI_TOOL_CLAUDE_CODE:
      return _sy_cli_tools_claude_status;
    case SY_CLI_TOOL_CODEX:
      return _sy_cli_tools_codex_status;
    case SY_CLI_TOOL_OPENCLAW:
      return _sy_cli_tools_openclaw_status;
    case SY_CLI_TOOL_CONTINUE:
    case SY_CLI_TOOL_N:
    default:
      return is_json_path (path) ? _sy_cli_tools_continue_json_status
                                 : _sy_cli_tools_continue_yaml_status;
    }
}

static SyCliToolsApplyFunc
apply_func (SyCliTool   tool,
            const char *path)
{
  switch (tool)
    {
    case SY_CLI_TOOL_CLAUDE_CODE:
      return _sy_cli_tools_claude_apply;
    case SY_CLI_TOOL_CODEX:
      return _sy_cli_tools_codex_apply;
    case SY_CLI_TOOL_OPENCLAW:
      return _sy_cli_tools_openclaw_apply;
    case SY_CLI_TOOL_CONTINUE:
    case SY_CLI_TOOL_N:
    default:
      return is_json_path (path) ? _sy_cli_tools_continue_json_apply
                                 : _sy_cli_tools_continue_yaml_apply;
    }
}

/* The file's text, or NULL with no error when it does not exist. */
static gboolean
read_contents (const char  *path,
               char       **contents,
               GError     **error)
{
  g_autoptr(GError) local = NULL;
  gsize len = 0;

  *contents = NULL;
  if (g_file_get_contents (path, contents, &len, &local))
    {
      if (!g_utf8_validate (*contents, (gssize) len, NULL) || strlen (*contents) != len)
        {
          g_clear_pointer (contents, g_free);
          g_set_error (error, SY_CLI_TOOLS_ERROR, SY_CLI_TOOLS_ERROR_MALFORMED,
                       _("%s is not a text file in UTF-8"), path);
          return FALSE;
        }
      return TRUE;
    }
  if (g_error_matches (local, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local));
  return FALSE;
}

static gboolean
is_installed (SyCliTool   tool,
              const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *program = g_find_program_in_path (tools[tool].program);

  return program != NULL || g_file_test (dir, G_FILE_TEST_IS_DIR);
}

SyCliToolStatus
sy_cli_tool_get_status (SyCliTool               tool,
                        const SyCliToolTarget  *target,
                        char                  **detail)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  SyCliToolStatus status;

  g_return_val_if_fail (tool < SY_CLI_TOOL_N, SY_CLI_TOOL_UNREADABLE);
  g_return_val_if_fail (target != NULL && target->base_url != NULL, SY_CLI_TOOL_UNREADABLE);

  if (detail != NULL)
    *detail = NULL;
  path = sy_cli_tool_dup_config_path (tool);
  if (!read_contents (path, &contents, &error))
    status = SY_CLI_TOOL_UNREADABLE;
  else if (contents == NULL && !is_installed (tool, path))
    return SY_CLI_TOOL_NOT_INSTALLED;
  else
    status = status_func (tool, path) (contents, target, detail, &error);

  if (status == SY_CLI_TOOL_UNREADABLE && detail != NULL)
    {
      g_free (*detail);
      *detail = g_strdup (error != NULL ? error->message : _("unknown error"));
    }
  return status;
}

/* Where the data really goes: a settings file kept in a dotfiles repository is often a
 * symlink, and replacing the link with a file would quietly fork it. */
static char *
resolve_path (const char *path)
{
  g_autofree char *real = NULL;

  if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    return g_strdup (path);
#ifdef G_OS_WIN32
  /* No realpath () in the Windows CRT: the link's own target, taken from its directory. */
  {
    g_autofree char *target = g_file_read_link (path, NULL);
    g_autofree char *dir = g_path_get_dirname (path);

    real = target != NULL ? g_canonicalize_filename (target, dir) : NULL;
  }
#else
  real = realpath (path, NULL);
#endif
  return real != NULL ? g_strdup (real) : g_strdup (path);
}

static char *
backup_name (const char *path)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *base = g_strconcat (path, BACKUP_INFIX, stamp, NULL);

  /* Two changes within a second: -2, -3... */
  if (!g_file_test (base, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&base);
  for (guint n = 2;; n++)
    {
      g_autofree char *name = g_strdup_printf ("%s-%u", base, n);

      if (!g_file_test (name, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&name);
    }
}

gboolean
sy_cli_tool_apply (SyCliTool               tool,
                   const SyCliToolTarget  *target,
                   gboolean               *changed,
                   char                  **backup_path,
                   GError                **error)
{
  g_autofree char *link = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *updated = NULL;
  g_autofree char *backup = NULL;

  g_return_val_if_fail (tool < SY_CLI_TOOL_N, FALSE);
  g_return_val_if_fail (target != NULL && target->base_url != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (changed != NULL)
    *changed = FALSE;
  if (backup_path != NULL)
    *backup_path = NULL;

  link = sy_cli_tool_dup_config_path (tool);
  path = resolve_path (link);
  if (!read_contents (path, &contents, error))
    return FALSE;
  updated = apply_func (tool, link) (contents, target, error);
  if (updated == NULL)
    {
      g_prefix_error (error, "%s: ", link);
      return FALSE;
    }
  if (contents != NULL && g_str_equal (contents, updated))
    return TRUE;

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Could not create %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  if (contents != NULL)
    {
      backup = backup_name (path);
      if (!g_file_set_contents_full (backup, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                                     0600, error))
        return FALSE;
    }
  if (!g_file_set_contents_full (path, updated, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600,
                                 error))
    return FALSE;

  if (changed != NULL)
    *changed = TRUE;
  if (backup_path != NULL)
    *backup_path = g_steal_pointer (&backup);
  return TRUE;
}

/* Newer first: by the stamp, then by the -N of a second change within the same second. */
static int
compare_backups (const char *a,
                 const char *b)
{
  int by_stamp = strncmp (a, b, STAMP_LEN);
  guint64 na = 1, nb = 1;

  if (by_stamp != 0)
    return by_stamp;
  if (a[STAMP_LEN] == '-')
    na = g_ascii_strtoull (a + STAMP_LEN + 1, NULL, 10);
  if (b[STAMP_LEN] == '-')
    nb = g_ascii_strtoull (b + STAMP_LEN + 1, NULL, 10);
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/* "20250101-120501" or "20250101-120501-2" */
static gboolean
is_stamp (const char *s)
{
  if (strlen (s) < STAMP_LEN)
    return FALSE;
  for (guint i = 0; i < STAMP_LEN; i++)
    if (i == 8 ? s[i] != '-' : !g_ascii_isdigit (s[i]))
      return FALSE;
  if (s[STAMP_LEN] == '\0')
    return TRUE;
  if (s[STAMP_LEN] != '-' || s[STAMP_LEN + 1] == '\0')
    return FALSE;
  for (const char *p = s + STAMP_LEN + 1; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

char *
sy_cli_tool_dup_newest_backup (SyCliTool tool)
{
  g_autofree char *link = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dir_name = NULL;
  g_autofree char *base = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *newest = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_return_val_if_fail (tool < SY_CLI_TOOL_N, NULL);

  link = sy_cli_tool_dup_config_path (tool);
  path = resolve_path (link);
  dir_name = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  prefix = g_strconcat (base, BACKUP_INFIX, NULL);
  if ((dir = g_dir_open (dir_name, 0, NULL)) == NULL)
    return NULL;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      const char *stamp;

      if (!g_str_has_prefix (name, prefix) || !is_stamp (stamp = name + strlen (prefix)))
        continue;
      if (newest == NULL || compare_backups (stamp, newest + strlen (prefix)) > 0)
        {
          g_free (newest);
          newest = g_strdup (name);
        }
    }
  return newest ? g_build_filename (dir_name, newest, NULL) : NULL;
}

gboolean
sy_cli_tool_restore (SyCliTool    tool,
                     char       **restored_from,
                     GError     **error)
{
  g_autofree char *link = NULL;
  g_autofree char *path = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_return_val_if_fail (tool < SY_CLI_TOOL_N, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (restored_from != NULL)
    *restored_from = NULL;
  link = sy_cli_tool_dup_config_path (tool);
  path = resolve_path (link);
  backup = sy_cli_tool_dup_newest_backup (tool);
  if (backup == NULL)
    {
      g_set_error (error, SY_CLI_TOOLS_ERROR, SY_CLI_TOOLS_ERROR_NO_BACKUP,
                   _("There is no backup of %s to restore."), link);
      return FALSE;
    }
  if (!g_file_get_contents (backup, &contents, &len, error) ||
      !g_file_set_contents_full (path, contents, (gssize) len, G_FILE_SET_CONTENTS_CONSISTENT,
                                 0600, error))
    return FALSE;
  if (g_remove (backup) != 0)
    g_debug ("could not remove %s after restoring it: %s", backup, g_strerror (errno));
  if (restored_from != NULL)
    *restored_from = g_steal_pointer (&backup);
  return TRUE;
}

char *
sy_cli_tool_dup_url (SyCliTool   tool,
                     const char *base_url)
{
  g_return_val_if_fail (tool < SY_CLI_TOOL_N, NULL);
  g_return_val_if_fail (base_url != NULL, NULL);

  /* Claude Code appends /v1/messages itself; the others take the /v1 base. */
  if (tool == SY_CLI_TOOL_CLAUDE_CODE)
    {
      gsize len = strlen (base_url);

      return g_strndup (base_url, len > 0 && base_url[len - 1] == '/' ? len - 1 : len);
    }
  return _sy_cli_tools_v1_url (base_url);
}

/* --- shared helpers ---------------------------------------------------------------------- */

char *
_sy_cli_tools_v1_url (const char *base_url)
{
  gsize len = strlen (base_url);

  while (len > 0 && base_url[len - 1] == '/')
    len--;
  if (len >= 3 && strncmp (base_url + len - 3, "/v1", 3) == 0)
    return g_strndup (base_url, len);
  return g_strdup_printf ("%.*s/v1", (int) len, base_url);
}

/* scheme://host:port, lower case, localhost read as 127.0.0.1, path "/" and "/v1" dropped. */
static char *
endpoint_key (const char *url)
{
  g_autofree char *v1 = NULL;
  g_autofree char *lower = NULL;
  GString *key;

  if (url == NULL)
    return NULL;
  v1 = _sy_cli_tools_v1_url (url);
  lower = g_ascii_strdown (v1, -1);
  key = g_string_new (lower);
  g_string_replace (key, "://localhost", "://127.0.0.1", 1);
  g_string_replace (key, "://[::1]", "://127.0.0.1", 1);
  return g_string_free (key, FALSE);
}

gboolean
_sy_cli_tools_same_endpoint (const char *a,
                             const char *b)
{
  g_autofree char *ka = endpoint_key (a);
  g_autofree char *kb = endpoint_key (b);

  return ka != NULL && kb != NULL && g_str_equal (ka, kb);
}

const char *
_sy_cli_tools_model_short_name (const char *model)
{
  const char *slash = strrchr (model, '/');

  return slash != NULL && slash[1] != '\0' ? slash + 1 : model;
}
