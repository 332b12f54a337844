/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers the Anthropic codec's files share: its readers' "required" contract over the shared
 * sy-json-read.h ones, usage arithmetic, writers of its own shapes, and the stop-reason and
 * error-type tables. Pure: no I/O, no state; nothing here trusts its input.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-anthropic-private.h"

#include <stdarg.h>
#include <string.h>

#include "core/sy-json-scan.h"

/* Integers beyond this are not exact in a double; JSON numbers outside it are refused where
 * an integer is expected, unless json-glib read them as an integer. */
#define MAX_EXACT_DOUBLE 9007199254740992.0

JsonNode *
_sy_anthropic_parse_object (JsonParser  *parser,
                            const char  *data,
                            gsize        len,
                            GError     **error)
{
  g_autoptr(GError) local = NULL;
  JsonNode *root = sy_json_read_load (parser, data, len, SY_ANTHROPIC_MAX_DEPTH, &local);

  if (root == NULL)
    g_set_error (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_INVALID_REQUEST,
                 "body: not a valid JSON object: %s", data ? local->message : "no data");
  return root;
}

static gboolean
missing (const char  *path,
         const char  *key,
         gboolean     required,
         GError     **error)
{
  if (required)
    sy_json_read_set_error (error, SY_TRANSLATE_ERROR_INVALID_REQUEST, path, key,
                            "is required");
  return !required;
}

gboolean
_sy_anthropic_get_string (JsonObject   *obj,
                          const char   *path,
                          const char   *key,
                          gboolean      required,
                          const char  **out,
                          GError      **error)
{
  if (!sy_json_read_string (obj, path, key, SY_TRANSLATE_ERROR_INVALID_REQUEST, out, error))
    return FALSE;
  return *out != NULL || missing (path, key, required, error);
}

gboolean
_sy_anthropic_get_int (JsonObject   *obj,
                       const char   *path,
                       const char   *key,
                       gint64       *out,
                       GError      **error)
{
  JsonNode *node = sy_json_read_member (obj, key);
  GType type;

  if (node == NULL)
    return TRUE;
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type == G_TYPE_INT64)
    {
      *out = json_node_get_int (node);
      return TRUE;
    }
  if (type == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);

      if (d >= -MAX_EXACT_DOUBLE && d <= MAX_EXACT_DOUBLE && d == (double) (gint64) d)
        {
          *out = (gint64) d;
          return TRUE;
        }
    }
  sy_json_read_set_error (error, SY_TRANSLATE_ERROR_INVALID_REQUEST, path, key,
                          "expected an integer");
  return FALSE;
}

gboolean
_sy_anthropic_get_double (JsonObject   *obj,
                          const char   *path,
                          const char   *key,
                          double       *out,
                          GError      **error)
{
  JsonNode *node = sy_json_read_member (obj, key);
  GType type;

  if (node == NULL)
    return TRUE;
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type == G_TYPE_INT64)
    {
      *out = (double) json_node_get_int (node);
      return TRUE;
    }
  if (type == G_TYPE_DOUBLE && isfinite (json_node_get_double (node)))
    {
      *out = json_node_get_double (node);
      return TRUE;
    }
  sy_json_read_set_error (error, SY_TRANSLATE_ERROR_INVALID_REQUEST, path, key,
                          "expected a number");
  return FALSE;
}

gboolean
_sy_anthropic_get_bool (JsonObject   *obj,
                        const char   *path,
                        const char   *key,
                        gboolean     *out,
                        GError      **error)
{
  int value;

  if (!sy_json_read_bool (obj, path, key, SY_TRANSLATE_ERROR_INVALID_REQUEST, &value, error))
    return FALSE;
  if (value != SY_UNSET)
    *out = value;
  return TRUE;
}

gboolean
_sy_anthropic_get_object (JsonObject   *obj,
                          const char   *path,
                          const char   *key,
                          gboolean      required,
                          JsonObject  **out,
                          GError      **error)
{
  if (!sy_json_read_object (obj, path, key, SY_TRANSLATE_ERROR_INVALID_REQUEST, out, error))
    return FALSE;
  return *out != NULL || missing (path, key, required, error);
}

gboolean
_sy_anthropic_get_array (JsonObject   *obj,
                         const char   *path,
                         const char   *key,
                         gboolean      required,
                         JsonArray   **out,
                         GError      **error)
{
  if (!sy_json_read_array (obj, path, key, SY_TRANSLATE_ERROR_INVALID_REQUEST, out, error))
    return FALSE;
  return *out != NULL || missing (path, key, required, error);
}

/* --- usage ---------------------------------------------------------------------------------- */

void
_sy_anthropic_usage_init (SyAnthropicUsage *raw)
{
  raw->input = raw->output = raw->cache_read = raw->cache_creation = SY_UNSET;
}

static void
read_count (JsonObject *usage,
            const char *key,
            gint64     *out)
{
  JsonNode *node = sy_json_read_member (usage, key);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_INT64 && json_node_get_int (node) >= 0)
    *out = json_node_get_int (node);
}

void
_sy_anthropic_usage_read (JsonObject       *usage,
                          SyAnthropicUsage *raw)
{
  if (usage == NULL)
    return;
  read_count (usage, "input_tokens", &raw->input);
  read_count (usage, "output_tokens", &raw->output);
  read_count (usage, "cache_read_input_tokens", &raw->cache_read);
  read_count (usage, "cache_creation_input_tokens", &raw->cache_creation);
}

static gint64
add_saturating (gint64 a,
                gint64 b)
{
  return b > 0 && a > G_MAXINT64 - b ? G_MAXINT64 : a + MAX (b, 0);
}

void
_sy_anthropic_usage_to_ir (const SyAnthropicUsage *raw,
                           SyUsage                *out)
{
  sy_usage_init (out);
  if (raw->input >= 0)
    out->input = add_saturating (add_saturating (raw->input, raw->cache_read),
                                 raw->cache_creation);
  out->output = raw->output;
  out->cache_read = raw->cache_read;
  out->cache_creation = raw->cache_creation;
}

/* --- tables --------------------------------------------------------------------------------- */

SyStopReason
_sy_anthropic_stop_reason_from_string (const char *reason)
{
  static const struct { const char *name; SyStopReason reason; } table[] = {
    { "end_turn", SY_STOP_END_TURN },
    { "max_tokens", SY_STOP_MAX_TOKENS },
    { "stop_sequence", SY_STOP_STOP_SEQUENCE },
    { "tool_use", SY_STOP_TOOL_USE },
    { "pause_turn", SY_STOP_PAUSE },
    { "refusal", SY_STOP_REFUSAL },
    /* The input filled the context window: output was cut short, as with max_tokens. */
    { "model_context_window_exceeded", SY_STOP_MAX_TOKENS },
  };

  for (guint i = 0; reason != NULL && i < G_N_ELEMENTS (table); i++)
    if (g_str_equal (reason, table[i].name))
      return table[i].reason;
  return SY_STOP_UNSET;
}

const char *
_sy_anthropic_stop_reason_to_string (SyStopReason reason)
{
  switch (reason)
    {
    case SY_STOP_END_TURN: return "end_turn";
    case SY_STOP_MAX_TOKENS: return "max_tokens";
    case SY_STOP_STOP_SEQUENCE: return "stop_sequence";
    case SY_STOP_TOOL_USE: return "tool_use";
    case SY_STOP_PAUSE: return "pause_turn";
    case SY_STOP_CONTENT_FILTER:
    case SY_STOP_REFUSAL: return "refusal";
    case SY_STOP_UNSET:
    default: return NULL;
    }
}

/* Anthropic's error types and their statuses (platform.claude.com/docs/en/api/errors). */
static const struct { guint status; const char *type; } error_types[] = {
  { 400, "invalid_request_error" },
  { 401, "authentication_error" },
  { 402, "billing_error" },
  { 403, "permission_error" },
  { 404, "not_found_error" },
  { 413, "request_too_large" },
  { 429, "rate_limit_error" },
  { 500, "api_error" },
  { 504, "timeout_error" },
  { 529, "overloaded_error" },
};

guint
_sy_anthropic_status_for_error_type (const char *type)
{
  for (guint i = 0; type != NULL && i < G_N_ELEMENTS (error_types); i++)
    if (g_str_equal (type, error_types[i].type))
      return error_types[i].status;
  return 500;
}

const char *
_sy_anthropic_error_type_for_status (guint status)
{
  for (guint i = 0; i < G_N_ELEMENTS (error_types); i++)
    if (error_types[i].status == status)
      return error_types[i].type;
  if (status == 503)
    return "overloaded_error";
  /* "This error type may also be used for other 4XX status codes." */
  if (status >= 400 && status < 500)
    return "invalid_request_error";
  return "api_error";
}

gboolean
_sy_anthropic_is_error_type (const char *type)
{
  for (guint i = 0; type != NULL && i < G_N_ELEMENTS (error_types); i++)
    if (g_str_equal (type, error_types[i].type))
      return TRUE;
  return FALSE;
}

/* --- writing -------------------------------------------------------------------------------- */

void
_sy_anthropic_key (GString    *out,
                   gboolean   *first,
                   const char *key)
{
  if (!*first)
    g_string_append_c (out, ',');
  *first = FALSE;
  g_string_append_c (out, '"');
  g_string_append (out, key);
  g_string_append (out, "\":");
}

void
_sy_anthropic_append_usage (GString       *out,
                            const SyUsage *usage)
{
  gint64 input = 0;

  /* Anthropic's input_tokens counts what was neither read from nor written to the cache. */
  if (usage->input >= 0)
    {
      input = usage->input;
      if (usage->cache_read > 0)
        input -= MIN (input, usage->cache_read);
      if (usage->cache_creation > 0)
        input -= MIN (input, usage->cache_creation);
    }
  g_string_append_printf (out, "{\"input_tokens\":%" G_GINT64_FORMAT
                          ",\"output_tokens\":%" G_GINT64_FORMAT,
                          input, MAX (usage->output, 0));
  if (usage->cache_creation >= 0)
    g_string_append_printf (out, ",\"cache_creation_input_tokens\":%" G_GINT64_FORMAT,
                            usage->cache_creation);
  if (usage->cache_read >= 0)
    g_string_append_printf (out, ",\"cache_read_input_tokens\":%" G_GINT64_FORMAT,
                            usage->cache_read);
  g_string_append_c (out, '}');
}

void
_sy_anthropic_append_tool_input (GString    *out,
                                 const char *arguments,
                                 const char *tool_name,
                                 GPtrArray  *notes)
{
  const char *p = arguments;

  while (p != NULL && g_ascii_isspace (*p))
    p++;
  if (p == NULL || *p == '\0')
    {
      g_string_append (out, "{}");
      return;
    }
  if (sy_json_check_object (arguments, strlen (arguments), SY_ANTHROPIC_MAX_DEPTH, NULL))
    {
      /* Validated JSON (syntax and UTF-8): copied as it is. */
      g_string_append (out, arguments);
      return;
    }
  _sy_anthropic_note (notes, "tool call %s: arguments are not a JSON object; sent as "
                      "{\"_raw\": <the text>} because Anthropic's tool_use input must be an "
                      "object", tool_name ? tool_name : "(unnamed)");
  g_string_append (out, "{\"_raw\":");
  sy_json_append_string (out, arguments);
  g_string_append_c (out, '}');
}

char *
_sy_anthropic_sanitize_tool_id (const char *id)
{
  char *out;

  if (id == NULL || *id == '\0')
    return NULL;
  out = g_strdup (id);
  for (char *p = out; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_' && *p != '-')
      *p = '_';
  return out;
}

char *
_sy_anthropic_message_id (const char *upstream_id)
{
  if (upstream_id != NULL && *upstream_id != '\0')
    return g_str_has_prefix (upstream_id, "msg_") ? g_strdup (upstream_id)
                                                  : g_strconcat ("msg_", upstream_id, NULL);
  /* Every upstream names its messages; one that does not gets a fixed id rather than a
   * random one, which would make the translation impure and its output unrepeatable. */
  return g_strdup ("msg_sy_unknown");
}

void
_sy_anthropic_note (GPtrArray  *notes,
                    const char *format,
                    ...)
{
  g_autofree char *text = NULL;
  va_list args;

  if (notes == NULL)
    return;
  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  for (guint i = 0; i < notes->len; i++)
    if (g_str_equal (g_ptr_array_index (notes, i), text))
      return;
  g_ptr_array_add (notes, g_steal_pointer (&text));
}
