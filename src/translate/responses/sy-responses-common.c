/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Helpers shared by the OpenAI Responses codec: counts, usage, ids, reasoning signatures and
 * status (generic JSON reading and writing is sy-json-read.h, sy-json-write.h). Pure: no I/O, no state; safe on
 * untrusted input (bad values are errors or ignored, never a crash or a warning).
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-responses-private.h"

#include <math.h>
#include <string.h>

#include "core/sy-json-scan.h"

/* --- reading -------------------------------------------------------------------------------- */

gboolean
_sy_responses_get_count (JsonObject  *object,
                         const char  *path,
                         const char  *member,
                         int          code,
                         gint64      *out,
                         GError     **error)
{
  JsonNode *node = sy_json_read_member (object, member);
  GType type;

  *out = SY_UNSET;
  if (node == NULL)
    return TRUE;
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type == G_TYPE_INT64 && json_node_get_int (node) >= 0)
    {
      *out = json_node_get_int (node);
      return TRUE;
    }
  if (type == G_TYPE_DOUBLE)
    {
      double d = json_node_get_double (node);

      /* 1e3 and 1000.0 are integers too */
      if (isfinite (d) && d >= 0 && d < 9.0e15 && d == floor (d))
        {
          *out = (gint64) d;
          return TRUE;
        }
    }
  sy_json_read_set_error (error, code, path, member, "expected a non-negative integer");
  return FALSE;
}

static gint64
read_count (JsonObject *object,
            const char *member)
{
  gint64 value = SY_UNSET;

  if (!_sy_responses_get_count (object, NULL, member, 0, &value, NULL))
    return SY_UNSET;
  return value;
}

void
_sy_responses_read_usage (JsonObject *object,
                          SyUsage    *usage)
{
  JsonNode *details;

  sy_usage_init (usage);
  if (object == NULL)
    return;
  usage->input = read_count (object, "input_tokens");
  usage->output = read_count (object, "output_tokens");
  details = sy_json_read_member (object, "input_tokens_details");
  if (details != NULL && JSON_NODE_HOLDS_OBJECT (details))
    usage->cache_read = read_count (json_node_get_object (details), "cached_tokens");
  details = sy_json_read_member (object, "output_tokens_details");
  if (details != NULL && JSON_NODE_HOLDS_OBJECT (details))
    usage->reasoning = read_count (json_node_get_object (details), "reasoning_tokens");
}

char *
_sy_responses_pack_reasoning_signature (const char *item_id,
                                        const char *encrypted_content)
{
  return g_strconcat (item_id ? item_id : "", SY_TOOL_ID_SIGNATURE_SEPARATOR, encrypted_content,
                      NULL);
}

/* The texts of the parts of array whose type is part_type, joined with blank lines (the same
 * joining as sy_parts_dup_text). */
static gboolean
join_texts (JsonArray   *array,
            const char  *path,
            const char  *member,
            const char  *part_type,
            int          code,
            GString     *out,
            GError     **error)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      g_autofree char *where = g_strdup_printf ("%s.%s[%u]", path, member, i);
      const char *type, *text;
      JsonObject *part;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          sy_json_read_set_error (error, code, where, NULL, "expected an object");
          return FALSE;
        }
      part = json_node_get_object (node);
      if (!sy_json_read_string (part, where, "type", code, &type, error) ||
          !sy_json_read_string (part, where, "text", code, &text, error))
        return FALSE;
      if (g_strcmp0 (type, part_type) != 0 || text == NULL)
        continue;
      if (out->len > 0)
        g_string_append (out, "\n\n");
      g_string_append (out, text);
    }
  return TRUE;
}

gboolean
_sy_responses_read_reasoning (JsonObject  *item,
                              const char  *path,
                              int          code,
                              SyPart     **out,
                              GError     **error)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(SyPart) part = NULL;
  g_autofree char *signature = NULL;
  const char *id, *encrypted;
  JsonArray *summary, *content;

  *out = NULL;
  if (!sy_json_read_string (item, path, "id", code, &id, error) ||
      !sy_json_read_string (item, path, "encrypted_content", code, &encrypted, error) ||
      !sy_json_read_array (item, path, "summary", code, &summary, error) ||
      !sy_json_read_array (item, path, "content", code, &content, error) ||
      !join_texts (summary, path, "summary", "summary_text", code, text, error))
    return FALSE;
  /* Open-weight models give the reasoning itself instead of a summary. */
  if (text->len == 0 && !join_texts (content, path, "content", "reasoning_text", code, text, error))
    return FALSE;

  if (encrypted != NULL && g_str_has_prefix (encrypted, SY_RESPONSES_REDACTED_PREFIX))
    {
      const char *data = encrypted + strlen (SY_RESPONSES_REDACTED_PREFIX);

      if (*data != '\0')
        {
          part = sy_part_new (SY_PART_REDACTED_THINKING);
          part->data = g_strdup (data);
          *out = g_steal_pointer (&part);
          return TRUE;
        }
      encrypted = NULL;
    }
  if (encrypted != NULL && g_str_has_prefix (encrypted, SY_RESPONSES_FOREIGN_PREFIX))
    {
      if (encrypted[strlen (SY_RESPONSES_FOREIGN_PREFIX)] != '\0')
        signature = g_strdup (encrypted + strlen (SY_RESPONSES_FOREIGN_PREFIX));
    }
  else if (encrypted != NULL && *encrypted != '\0')
    signature = _sy_responses_pack_reasoning_signature (id, encrypted);
  if (text->len == 0 && signature == NULL)
    return TRUE;

  part = sy_part_new (SY_PART_THINKING);
  part->text = g_strndup (text->str, text->len);
  part->signature = g_steal_pointer (&signature);
  *out = g_steal_pointer (&part);
  return TRUE;
}

/* --- writing -------------------------------------------------------------------------------- */

char *
_sy_responses_dup_response_id (const char *id)
{
  if (id == NULL || *id == '\0')
    return g_strdup ("resp_" SY_RESPONSES_UNKNOWN_ID);
  if (g_str_has_prefix (id, "resp_"))
    return g_strdup (id);
  return g_strconcat ("resp_", id, NULL);
}

char *
_sy_responses_dup_item_id (const char *prefix,
                           const char *response_id,
                           guint       n)
{
  const char *base = response_id ? response_id : SY_RESPONSES_UNKNOWN_ID;

  if (g_str_has_prefix (base, "resp_"))
    base += strlen ("resp_");
  return g_strdup_printf ("%s_%s_%u", prefix, base, n);
}

char *
_sy_responses_client_encrypted_content (SyPartKind   kind,
                                        const char  *signature_or_data,
                                        char       **item_id)
{
  if (signature_or_data == NULL || *signature_or_data == '\0')
    return NULL;
  if (kind == SY_PART_REDACTED_THINKING)
    return g_strconcat (SY_RESPONSES_REDACTED_PREFIX, signature_or_data, NULL);
  if (strstr (signature_or_data, SY_TOOL_ID_SIGNATURE_SEPARATOR) != NULL)
    {
      g_autofree char *id = NULL;
      char *encrypted = NULL;

      sy_tool_call_id_unpack (signature_or_data, &id, &encrypted);
      if (item_id != NULL && id != NULL && *id != '\0')
        {
          g_free (*item_id);
          *item_id = g_steal_pointer (&id);
        }
      return encrypted;
    }
  return g_strconcat (SY_RESPONSES_FOREIGN_PREFIX, signature_or_data, NULL);
}

void
_sy_responses_append_reasoning_item (GString    *out,
                                     const char *item_id,
                                     const char *text,
                                     gsize       text_len,
                                     const char *encrypted_content)
{
  g_string_append (out, "{\"id\":");
  sy_json_write_string (out, item_id);
  g_string_append (out, ",\"type\":\"reasoning\",\"summary\":[");
  if (text != NULL && text_len > 0)
    {
      g_string_append (out, "{\"type\":\"summary_text\",\"text\":");
      sy_json_write_string_len (out, text, text_len);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, ']');
  if (encrypted_content != NULL)
    {
      sy_json_write_key (out, "encrypted_content");
      sy_json_write_string (out, encrypted_content);
    }
  g_string_append_c (out, '}');
}

const char *
_sy_responses_status_for_stop (SyStopReason  reason,
                               const char  **incomplete_reason)
{
  *incomplete_reason = NULL;
  switch (reason)
    {
    case SY_STOP_MAX_TOKENS:
      *incomplete_reason = "max_output_tokens";
      return "incomplete";
    case SY_STOP_CONTENT_FILTER:
      *incomplete_reason = "content_filter";
      return "incomplete";
    case SY_STOP_UNSET:
    case SY_STOP_END_TURN:
    case SY_STOP_STOP_SEQUENCE:
    case SY_STOP_TOOL_USE:
    case SY_STOP_PAUSE:
    case SY_STOP_REFUSAL:
    default:
      return "completed";
    }
}

static void
append_usage (GString       *out,
              const SyUsage *usage,
              GPtrArray     *notes)
{
  if (usage->input < 0 || usage->output < 0)
    {
      if (usage->input >= 0 || usage->output >= 0)
        _sy_responses_note (notes, "usage omitted: the upstream reported only some of the "
                            "input and output counts, and Responses clients need both");
      return;
    }
  sy_json_write_key (out, "usage");
  g_string_append_printf (out, "{\"input_tokens\":%" G_GINT64_FORMAT, usage->input);
  if (usage->cache_read >= 0)
    g_string_append_printf (out, ",\"input_tokens_details\":{\"cached_tokens\":%" G_GINT64_FORMAT
                            "}", usage->cache_read);
  g_string_append_printf (out, ",\"output_tokens\":%" G_GINT64_FORMAT, usage->output);
  if (usage->reasoning >= 0)
    g_string_append_printf (out, ",\"output_tokens_details\":{\"reasoning_tokens\":%"
                            G_GINT64_FORMAT "}", usage->reasoning);
  /* both counts are known: the total is their sum, not a guess */
  g_string_append_printf (out, ",\"total_tokens\":%" G_GINT64_FORMAT "}",
                          usage->input + usage->output);
  if (usage->cache_creation > 0)
    _sy_responses_note (notes, "usage: %" G_GINT64_FORMAT " cache-creation tokens not carried "
                        "(Responses has no field for them; they are within input_tokens)",
                        usage->cache_creation);
}

void
_sy_responses_append_tail (GString       *out,
                           const char    *incomplete_reason,
                           const char    *error_code,
                           const char    *error_message,
                           const SyUsage *usage,
                           GPtrArray     *notes)
{
  sy_json_write_key (out, "incomplete_details");
  if (incomplete_reason != NULL)
    {
      g_string_append (out, "{\"reason\":");
      sy_json_write_string (out, incomplete_reason);
      g_string_append_c (out, '}');
    }
  else
    g_string_append (out, "null");
  sy_json_write_key (out, "error");
  if (error_message != NULL)
    {
      g_string_append (out, "{\"code\":");
      sy_json_write_string (out, error_code ? error_code : "server_error");
      g_string_append (out, ",\"message\":");
      sy_json_write_string (out, error_message);
      g_string_append_c (out, '}');
    }
  else
    g_string_append (out, "null");
  if (usage != NULL)
    append_usage (out, usage, notes);
  g_string_append_c (out, '}');
}

void
_sy_responses_note (GPtrArray  *notes,
                    const char *format,
                    ...)
{
  g_autofree char *note = NULL;
  va_list args;

  if (notes == NULL)
    return;
  va_start (args, format);
  note = g_strdup_vprintf (format, args);
  va_end (args);
  for (guint i = 0; i < notes->len; i++)
    if (g_str_equal (g_ptr_array_index (notes, i), note))
      return;
  g_ptr_array_add (notes, g_steal_pointer (&note));
}
