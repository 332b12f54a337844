/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The config files edited as lines: Codex CLI's config.toml and Continue's config.yaml. No
 * TOML or YAML library: only the lines we own change (our TOML table and the top-level
 * model_provider/model keys; our YAML block between two marker comments), every other byte
 * stays as the user wrote it. Pure: text in, text out; refuses forms it cannot edit safely.
 */
#define G_LOG_DOMAIN "sy-core"

#include "core/sy-cli-tools-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

/* --- lines ------------------------------------------------------------------------------- */

/* Lines with their "\n" (the last may have none). */
static GPtrArray *
split_lines (const char *contents)
{
  GPtrArray *lines = g_ptr_array_new_with_free_func (g_free);
  const char *p = contents ? contents : "";

  while (*p != '\0')
    {
      const char *nl = strchr (p, '\n');
      gsize len = nl ? (gsize) (nl - p + 1) : strlen (p);

      g_ptr_array_add (lines, g_strndup (p, len));
      p += len;
    }
  return lines;
}

static void
append_line (GString    *out,
             const char *line)
{
  g_string_append (out, line);
  if (out->len > 0 && out->str[out->len - 1] != '\n')
    g_string_append_c (out, '\n');
}

static const char *
skip_blanks (const char *s)
{
  while (*s == ' ' || *s == '\t')
    s++;
  return s;
}

/* Escapes for a double-quoted string, the same in TOML and YAML for what we write. */
static char *
quote (const char *s)
{
  GString *out = g_string_new ("\"");

  for (; *s != '\0'; s++)
    {
      if (*s == '"' || *s == '\\')
        g_string_append_c (out, '\\');
      if ((guchar) *s < 0x20)
        g_string_append_printf (out, "\\u%04x", (guchar) *s);
      else
        g_string_append_c (out, *s);
    }
  g_string_append_c (out, '"');
  return g_string_free (out, FALSE);
}

/* A quoted ("..." with \ escapes, or '...') or bare scalar at s, up to a comment. */
static char *
unquote (const char *s)
{
  GString *out;

  s = skip_blanks (s);
  if (*s == '\'')
    {
      const char *end = strchr (s + 1, '\'');

      return end ? g_strndup (s + 1, end - s - 1) : NULL;
    }
  if (*s != '"')
    {
      const char *end = s;
      g_autofree char *bare = NULL;

      while (*end != '\0' && *end != '#' && *end != '\n' && *end != '\r')
        end++;
      bare = g_strndup (s, end - s);
      return g_strdup (g_strstrip (bare));
    }
  out = g_string_new (NULL);
  for (s++; *s != '\0' && *s != '"'; s++)
    {
      if (*s == '\\' && s[1] != '\0')
        {
          s++;
          g_string_append_c (out, *s == 'n' ? '\n' : *s == 't' ? '\t' : *s);
        }
      else
        g_string_append_c (out, *s);
    }
  if (*s != '"')
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/* --- TOML: Codex CLI's ~/.codex/config.toml ---------------------------------------------- */

/* As our README shows. wire_api is always "responses": Codex's own wire, and recent Codex
 * releases refuse to start with "chat", so an older "chat" in our table is replaced:
 *
 *   model = "<model, only when one is given>"
 *   model_provider = "switchyard"
 *
 *   [model_providers.switchyard]
 *   name = "Switchyard"
 *   base_url = "http://localhost:PORT/v1"
 *   wire_api = "responses"
 *   env_key = "SWITCHYARD_API_KEY"    (only with a key: Codex reads the key from that variable
 *                                      and refuses to start when it is unset)
 */

#define CODEX_TABLE   "model_providers.switchyard"
#define CODEX_ENV_KEY "SWITCHYARD_API_KEY"

typedef enum {
  TOML_OTHER,     /* blank or comment */
  TOML_HEADER,    /* [table] or [[array]] */
  TOML_KEYVAL,    /* key = value: the first line of a statement */
  TOML_CONTINUED, /* inside a multi-line string or array */
} TomlKind;

typedef struct
{
  TomlKind  kind;
  char     *name;   /* HEADER: the table; KEYVAL: the key; spaces and quotes removed */
  char     *table;  /* KEYVAL: the table it is in ("" at the top) */
  guint     end;    /* KEYVAL: the index after its statement's last line */
} TomlLine;

typedef struct
{
  GPtrArray *lines;  /* char * */
  GArray    *info;   /* TomlLine */
  guint      first_header;
} Toml;

static void
toml_line_clear (gpointer data)
{
  TomlLine *line = data;

  g_free (line->name);
  g_free (line->table);
}

static void
toml_clear (Toml *toml)
{
  g_clear_pointer (&toml->lines, g_ptr_array_unref);
  g_clear_pointer (&toml->info, g_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Toml, toml_clear)

typedef struct
{
  gboolean ml_basic;    /* inside """ */
  gboolean ml_literal;  /* inside ''' */
  int      depth;       /* open [ and { of a value */
} TomlScan;

static gboolean
toml_scan_busy (const TomlScan *scan)
{
  return scan->ml_basic || scan->ml_literal || scan->depth > 0;
}

/* Follows strings and brackets through a value (from p to the end of its line). */
static void
toml_scan_value (TomlScan   *scan,
                 const char *p)
{
  while (*p != '\0' && *p != '\n')
    {
      if (scan->ml_basic)
        {
          if (*p == '\\' && p[1] != '\0')
            p += 2;
          else if (g_str_has_prefix (p, "\"\"\""))
            scan->ml_basic = FALSE, p += 3;
          else
            p++;
        }
      else if (scan->ml_literal)
        {
          if (g_str_has_prefix (p, "'''"))
            scan->ml_literal = FALSE, p += 3;
          else
            p++;
        }
      else if (*p == '#')
        return;
      else if (g_str_has_prefix (p, "\"\"\""))
        scan->ml_basic = TRUE, p += 3;
      else if (g_str_has_prefix (p, "'''"))
        scan->ml_literal = TRUE, p += 3;
      else if (*p == '"')
        {
          for (p++; *p != '\0' && *p != '\n' && *p != '"'; p++)
            if (*p == '\\' && p[1] != '\0' && p[1] != '\n')
              p++;
          if (*p == '"')
            p++;
        }
      else if (*p == '\'')
        {
          for (p++; *p != '\0' && *p != '\n' && *p != '\''; p++)
            ;
          if (*p == '\'')
            p++;
        }
      else
        {
          if (*p == '[' || *p == '{')
            scan->depth++;
          else if (*p == ']' || *p == '}')
            scan->depth--;
          p++;
        }
    }
}

/* "a . \"b\"" -> "a.b" */
static char *
toml_normalize_name (const char *s,
                     gsize       len)
{
  GString *out = g_string_new (NULL);

  for (gsize i = 0; i < len; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '"' && s[i] != '\'')
      g_string_append_c (out, s[i]);
  return g_string_free (out, FALSE);
}

static gboolean
toml_parse (Toml        *toml,
            const char  *contents,
            GError     **error)
{
  TomlScan scan = { 0 };
  g_autofree char *table = g_strdup ("");
  guint statement = 0;

  toml->lines = split_lines (contents);
  toml->info = g_array_sized_new (FALSE, TRUE, sizeof (TomlLine), toml->lines->len);
  g_array_set_clear_func (toml->info, toml_line_clear);
  toml->first_header = toml->lines->len;

  for (guint i = 0; i < toml->lines->len; i++)
    {
      const char *line = g_ptr_array_index (toml->lines, i);
      const char *p = skip_blanks (line);
      TomlLine info = { TOML_OTHER, NULL, NULL, 0 };

      if (toml_scan_busy (&scan))
        {
          info.kind = TOML_CONTINUED;
          toml_scan_value (&scan, line);
        }
      else if (*p == '[')
        {
          gboolean array = p[1] == '[';
          const char *close = strchr (p, ']');

          if (close == NULL)
            {
              g_set_error (error, SY_CLI_TOOLS_ERROR, SY_CLI_TOOLS_ERROR_MALFORMED,
                           _("it is not valid TOML (line %u: a table header without “]”), "
                             "so Switchyard left it as it is"), i + 1);
              return FALSE;
            }
          info.kind = TOML_HEADER;
          info.name = toml_normalize_name (p + 1 + array, close - p - 1 - array);
          g_free (table);
          table = g_strdup (info.name);
          toml->first_header = MIN (toml->first_header, i);
        }
      else if (*p != '\0' && *p != '#' && *p != '\n' && *p != '\r')
        {
          const char *eq = strchr (p, '=');

          if (eq == NULL)
            {
              g_set_error (error, SY_CLI_TOOLS_ERROR, SY_CLI_TOOLS_ERROR_MALFORMED,
                           _("it is not valid TOML (line %u has no “=”), so Switchyard left it "
                             "as it is"), i + 1);
              return FALSE;
            }
          info.kind = TOML_KEYVAL;
          info.name = toml_normalize_name (p, eq - p);
          info.table = g_strdup (table);
          statement = i;
          toml_scan_value (&scan, eq + 1);
        }
      g_array_append_val (toml->info, info);
      if (info.kind == TOML_KEYVAL || info.kind == TOML_CONTINUED)
        g_array_index (toml->info, TomlLine, statement).end = i + 1;
    }
  if (toml_scan_busy (&scan))
    {
      g_set_error (error, SY_CLI_TOOLS_ERROR, SY_CLI_TOOLS_ERROR_MALFORMED,
                   _("it is not valid TOML (a string or list is never closed), so Switchyard "
                     "left it as it is"));
      return FALSE;
    }
  return TRUE;
}

static TomlLine *
toml_info (Toml  *toml,
           guint  i)
{
  return &g_array_index (toml->info, TomlLine, i);
}

/* The index of key's statement in table, or -1. */
static int
toml_find_key (Toml       *toml,
               const char *table,
               const char *key)
{
  for (guint i = 0; i < toml->lines->len; i++)
    if (toml_info (toml, i)->kind == TOML_KEYVAL &&
        g_str_equal (toml_info (toml, i)->table, table) &&
        g_str_equal (toml_info (toml, i)->name, key))
      return (int) i;
  return -1;
}

static int
toml_find_header (Toml       *toml,
                  const char *table)
{
  for (guint i = 0; i < toml->lines->len; i++)
    if (toml_info (toml, i)->kind == TOML_HEADER && g_str_equal (toml_info (toml, i)->name, table))
      return (int) i;
  return -1;
}

/* The string value of key in table, or NULL. */
static char *
toml_get_string (Toml       *toml,
                 const char *table,
                 const char *key)
{
  int i = toml_find_key (toml, table, key);
  const char *line;

  if (i < 0)
    return NULL;
  line = g_ptr_array_index (toml->lines, i);
  return unquote (strchr (line, '=') + 1);
}

/* The statement's lines as one string. */
static char *
toml_statement_text (Toml *toml,
                     int   i)
{
  GString *out = g_string_new (NULL);

  for (guint j = (guint) i; j < toml_info (toml, (guint) i)->end; j++)
    append_line (out, g_ptr_array_index (toml->lines, j));
  return g_string_free (out, FALSE);
}

static gboolean
toml_check_editable (Toml    *toml,
                     GError **error)
{
  for (guint i = 0; i < toml->lines->len; i++)
    {
      TomlLine *info = toml_info (toml, i);

      /* model_providers.switchyard.x = ... at the top, or switchyard = {...} under
       * [model_providers]: our table in a form we would duplicate, not edit. */
      if (info->kind == TOML_KEYVAL &&
          ((g_str_equal (info->table, "") && g_str_has_prefix (info->name, "model_providers")) ||
           (g_str_equal (info->table, "model_providers") &&
            (g_str_equal (info->name, "switchyard") ||
             g_str_has_prefix (info->name, "switchyard.")))))
        {
          g_set_error (error, SY_CLI_TOOLS_ERROR, SY_CLI_TOOLS_ERROR_UNSUPPORTED,
                       _("line %u defines model_providers in a form Switchyard does not edit; "
                         "move it into a [model_providers.NAME] table, then Apply again"),
                       i + 1);
          return FALSE;
        }
    }
  return TRUE;
}

static void
append_key (GString    *out,
            const char *key,
            const char *value)
{
  g_autofree char *quoted = quote (value);

  g_string_append_printf (out, "%s = %s\n", key, quoted);
}

/* A top-level key Apply writes: model_provider, and model when one is given. */
static gboolean
is_top_key (TomlLine              *info,
            const SyCliToolTarget *target)
{
  return info->kind == TOML_KEYVAL &&
         (g_str_equal (info->name, "model_provider") ||
          (target->model != NULL && g_str_equal (info->name, "model")));
}

char *
_sy_cli_tools_codex_apply (const char             *contents,
                           const SyCliToolTarget  *target,
                           GError                **error)
{
  g_auto(Toml) toml = { 0 };
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GString) top = g_string_new (NULL);
  g_autoptr(GString) ours = g_string_new (NULL);
  g_autofree char *url = NULL;
  g_autofree char *env_key = NULL;
  int table, env_key_at, top_at = -1;
  guint insert_at = 0, table_end;

  if (!toml_parse (&toml, contents, error) || !toml_check_editable (&toml, error))
    return NULL;

  /* The top-level keys, replaced where they are or added after the last top-level one. */
  if (target->model != NULL)
    append_key (top, "model", target->model);
  append_key (top, "model_provider", "switchyard");
  for (guint i = 0; i < toml.first_header; i++)
    if (toml_info (&toml, i)->kind == TOML_KEYVAL)
      {
        insert_at = toml_info (&toml, i)->end;
        if (top_at < 0 && is_top_key (toml_info (&toml, i), target))
          top_at = (int) i;
      }

  /* Our table's keys, in a fixed order so a second Apply finds nothing to change. */
  table = toml_find_header (&toml, CODEX_TABLE);
  env_key_at = table >= 0 ? toml_find_key (&toml, CODEX_TABLE, "env_key") : -1;
  url = sy_cli_tool_dup_url (SY_CLI_TOOL_CODEX, target->base_url);
  g_string_append_printf (ours, "[%s]\n", CODEX_TABLE);
  append_key (ours, "name", "Switchyard");
  append_key (ours, "base_url", url);
  append_key (ours, "wire_api", "responses");
  if (target->api_key != NULL)
    append_key (ours, "env_key", CODEX_ENV_KEY);
  else if (env_key_at >= 0)
    g_string_append (ours, env_key = toml_statement_text (&toml, env_key_at));

  table_end = toml.lines->len;
  for (guint i = (guint) MAX (table, 0) + 1; table >= 0 && i < toml.lines->len; i++)
    if (toml_info (&toml, i)->kind == TOML_HEADER)
      {
        table_end = i;
        break;
      }

  if (top_at < 0 && insert_at == 0)
    {
      g_string_append (out, top->str);
      if (toml.lines->len > 0)
        g_string_append_c (out, '\n');
    }
  for (guint i = 0; i < toml.lines->len;)
    {
      TomlLine *info = toml_info (&toml, i);

      if ((int) i == top_at)
        g_string_append (out, top->str);
      if (i < toml.first_header && is_top_key (info, target))
        {
          i = info->end;  /* written again in top */
        }
      else if (table >= 0 && i == (guint) table)
        {
          g_string_append (out, ours->str);
          i++;
        }
      else if (table >= 0 && i > (guint) table && i < table_end && info->kind == TOML_KEYVAL &&
               (g_str_equal (info->name, "name") || g_str_equal (info->name, "base_url") ||
                g_str_equal (info->name, "wire_api") || g_str_equal (info->name, "env_key")))
        {
          i = info->end;  /* written again in ours */
        }
      else
        {
          append_line (out, g_ptr_array_index (toml.lines, i));
          i++;
        }
      if (top_at < 0 && i == insert_at && insert_at > 0)
        g_string_append (out, top->str);
    }
  if (table < 0)
    {
      if (out->len > 0 && !g_str_has_suffix (out->str, "\n\n"))
        g_string_append_c (out, '\n');
      g_string_append (out, ours->str);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

SyCliToolStatus
_sy_cli_tools_codex_status (const char             *contents,
                            const SyCliToolTarget  *target,
                            char                  **detail,
                            GError                **error)
{
  g_auto(Toml) toml = { 0 };
  g_autofree char *provider = NULL;
  g_autofree char *table = NULL;
  g_autofree char *url = NULL;

  if (contents == NULL)
    return SY_CLI_TOOL_NOT_CONFIGURED;
  if (!toml_parse (&toml, contents, error))
    return SY_CLI_TOOL_UNREADABLE;
  if (toml_find_key (&toml, "", "model_provider") >= (int) toml.first_header ||
      (provider = toml_get_string (&toml, "", "model_provider")) == NULL)
    return SY_CLI_TOOL_NOT_CONFIGURED;
  table = g_strconcat ("model_providers.", provider, NULL);
  url = toml_get_string (&toml, table, "base_url");
  if (g_str_equal (provider, "switchyard"))
    {
      if (url != NULL && _sy_cli_tools_same_endpoint (url, target->base_url))
        return SY_CLI_TOOL_CONFIGURED;
      if (url == NULL)
        return SY_CLI_TOOL_NOT_CONFIGURED;
    }
  if (detail != NULL)
    *detail = url ? g_strdup (url) : g_strdup_printf (_("the model provider “%s”"), provider);
  return SY_CLI_TOOL_ELSEWHERE;
}

/* --- YAML: Continue's ~/.continue/config.yaml -------------------------------------------- */

/* Our entry in the top-level "models" block list, between two marker comments, so it can be
 * found and replaced without a YAML parser (Continue's documented model fields):
 *
 *   models:
 *     # switchyard: begin (...)
 *     - name: Switchyard
 *       provider: openai
 *       model: "<model>"
 *       apiBase: "http://localhost:PORT/v1"
 *       apiKey: "<key>"
 *     # switchyard: end
 *
 * A new file also gets Continue's required name, version and schema. A "models" list written
 * inline ([...]) is refused, not rewritten. */

#define YAML_BEGIN "# switchyard: begin"
#define YAML_END   "# switchyard: end"

static char *
yaml_block (const char *indent,
            const char *url,
            const char *key,
            const char *model)
{
  g_autofree char *q_url = quote (url);
  g_autofree char *q_key = quote (key);
  g_autofree char *q_model = quote (model);

  return g_strdup_printf ("%s" YAML_BEGIN " (written by Switchyard: Apply replaces this entry, "
                          "Restore undoes it)\n"
                          "%s- name: Switchyard\n"
                          "%s  provider: openai\n"
                          "%s  model: %s\n"
                          "%s  apiBase: %s\n"
                          "%s  apiKey: %s\n"
                          "%s" YAML_END "\n",
                          indent, indent, indent, indent, q_model, indent, q_url, indent, q_key,
                          indent);
}

/* Our block's first and last line, or FALSE. */
static gboolean
yaml_find_block (GPtrArray  *lines,
                 guint      *begin,
                 guint      *end,
                 GError    **error)
{
  for (guint i = 0; i < lines->len; i++)
    if (g_str_has_prefix (skip_blanks (g_ptr_array_index (lines, i)), YAML_BEGIN))
      {
        for (guint j = i + 1; j < lines->len; j++)
          if (g_str_has_prefix (skip_blanks (g_ptr_array_index (lines, j)), YAML_END))
            {
              *begin = i;
              *end = j;
              return TRUE;
            }
        g_set_error (error, SY_CLI_TOOLS_ERROR, SY_CLI_TOOLS_ERROR_UNSUPPORTED,
                     _("line %u starts a Switchyard entry that never ends (“%s”); remove that "
                       "line, then Apply again"), i + 1, YAML_END);
        return FALSE;
      }
  return FALSE;
}

/* "  apiKey: value" inside our block -> value. */
static char *
yaml_block_value (GPtrArray  *lines,
                  guint       begin,
                  guint       end,
                  const char *key)
{
  g_autofree char *prefix = g_strconcat (key, ":", NULL);

  for (guint i = begin + 1; i < end; i++)
    {
      const char *p = skip_blanks (g_ptr_array_index (lines, i));

      if (g_str_has_prefix (p, "- "))
        p = skip_blanks (p + 2);
      if (g_str_has_prefix (p, prefix))
        return unquote (p + strlen (prefix));
    }
  return NULL;
}

/* The top-level "models:" line, or -1. */
static int
yaml_find_models (GPtrArray *lines)
{
  for (guint i = 0; i < lines->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (lines, i), "models:"))
      return (int) i;
  return -1;
}

static gboolean
yaml_is_content (const char *line)
{
  const char *p = skip_blanks (line);

  return *p != '\0' && *p != '\n' && *p != '\r' && *p != '#';
}

/* Our block as the first entry of the list under lines[models] ("models:"). */
static char *
yaml_insert_into_models (GPtrArray   *lines,
                         int          models,
                         const char  *url,
                         const char  *key,
                         const char  *model,
                         GError     **error)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *block = NULL;
  const char *rest = skip_blanks ((const char *) g_ptr_array_index (lines, models) +
                                  strlen ("models:"));
  gboolean empty_flow = g_str_has_prefix (rest, "[]");
  g_autofree char *indent = NULL;
  gsize indent_len = 2;

  if (empty_flow)
    rest = skip_blanks (rest + 2);
  if (*rest != '\0' && *rest != '\n' && *rest != '\r' && *rest != '#')
    {
      g_set_error (error, SY_CLI_TOOLS_ERROR, SY_CLI_TOOLS_ERROR_UNSUPPORTED,
                   _("its “models” list is written on one line (line %d); Switchyard "
                     "edits only a list with one “- ” entry per line"), models + 1);
      return NULL;
    }
  /* Our entry goes first, indented like the entries already there. */
  for (guint i = (guint) models + 1; !empty_flow && i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);
      const char *p = skip_blanks (line);

      if (!yaml_is_content (line))
        continue;
      if (*p == '-' && (p[1] == ' ' || p[1] == '\n' || p[1] == '\r' || p[1] == '\0'))
        indent_len = p - line;
      break;
    }
  indent = g_strnfill (indent_len, ' ');
  block = yaml_block (indent, url, key, model);
  for (guint i = 0; i < lines->len; i++)
    {
      if (i == (guint) models && empty_flow)
        g_string_append (out, "models:\n");
      else
        append_line (out, g_ptr_array_index (lines, i));
      if (i == (guint) models)
        g_string_append (out, block);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
_sy_cli_tools_continue_yaml_apply (const char             *contents,
                                   const SyCliToolTarget  *target,
                                   GError                 **error)
{
  g_autoptr(GPtrArray) lines = split_lines (contents);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) local = NULL;
  g_autofree char *url = sy_cli_tool_dup_url (SY_CLI_TOOL_CONTINUE, target->base_url);
  g_autofree char *old_key = NULL;
  g_autofree char *old_model = NULL;
  g_autofree char *block = NULL;
  const char *key, *model;
  guint begin = 0, end = 0;
  int models;

  if (yaml_find_block (lines, &begin, &end, &local))
    {
      g_autofree char *indent = g_strndup (g_ptr_array_index (lines, begin),
                                           skip_blanks (g_ptr_array_index (lines, begin)) -
                                           (const char *) g_ptr_array_index (lines, begin));

      old_key = yaml_block_value (lines, begin, end, "apiKey");
      old_model = yaml_block_value (lines, begin, end, "model");
      key = target->api_key ? target->api_key
            : old_key && *old_key ? old_key : SY_CLI_TOOLS_PLACEHOLDER_KEY;
      model = target->model ? target->model
              : old_model && *old_model ? old_model : SY_CLI_TOOLS_DEFAULT_MODEL;
      block = yaml_block (indent, url, key, model);
      for (guint i = 0; i < lines->len; i++)
        {
          if (i == begin)
            g_string_append (out, block);
          if (i < begin || i > end)
            append_line (out, g_ptr_array_index (lines, i));
        }
      return g_string_free (g_steal_pointer (&out), FALSE);
    }
  if (local != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local));
      return NULL;
    }

  key = target->api_key ? target->api_key : SY_CLI_TOOLS_PLACEHOLDER_KEY;
  model = target->model ? target->model : SY_CLI_TOOLS_DEFAULT_MODEL;
  if (contents == NULL || lines->len == 0)
    {
      block = yaml_block ("  ", url, key, model);
      return g_strconcat ("name: Local Assistant\nversion: 1.0.0\nschema: v1\nmodels:\n", block,
                          NULL);
    }

  models = yaml_find_models (lines);
  if (models < 0)
    {
      /* No list yet: one at the end. */
      for (guint i = 0; i < lines->len; i++)
        append_line (out, g_ptr_array_index (lines, i));
      block = yaml_block ("  ", url, key, model);
      g_string_append_printf (out, "models:\n%s", block);
      return g_string_free (g_steal_pointer (&out), FALSE);
    }
  return yaml_insert_into_models (lines, models, url, key, model, error);
}

SyCliToolStatus
_sy_cli_tools_continue_yaml_status (const char             *contents,
                                    const SyCliToolTarget  *target,
                                    char                  **detail,
                                    GError                **error)
{
  g_autoptr(GPtrArray) lines = split_lines (contents);
  g_autofree char *url = NULL;
  guint begin = 0, end = 0;

  if (contents == NULL || !yaml_find_block (lines, &begin, &end, error))
    return error != NULL && *error != NULL ? SY_CLI_TOOL_UNREADABLE : SY_CLI_TOOL_NOT_CONFIGURED;
  url = yaml_block_value (lines, begin, end, "apiBase");
  if (url == NULL)
    return SY_CLI_TOOL_NOT_CONFIGURED;
  if (_sy_cli_tools_same_endpoint (url, target->base_url))
    return SY_CLI_TOOL_CONFIGURED;
  if (detail != NULL)
    *detail = g_steal_pointer (&url);
  return SY_CLI_TOOL_ELSEWHERE;
}
