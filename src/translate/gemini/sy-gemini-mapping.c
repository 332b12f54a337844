/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What Gemini's words mean in the IR and back: usage counts (usageMetadata), finish reasons,
 * google.rpc status names and the error types of the other dialects, model resource names.
 * Tables and small functions; pure.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-gemini-private.h"

#include <string.h>

/* Usage counts come from the upstream: a count of the wrong type is ignored, not an error. */
static gint64
count (JsonObject *object,
       const char *member)
{
  gint64 v;

  if (!_sy_gemini_get_int (object, NULL, member, 0, &v, NULL) || v < 0)
    return SY_UNSET;
  return v;
}

void
_sy_gemini_read_usage (JsonObject *object,
                       SyUsage    *usage)
{
  gint64 prompt = count (object, "promptTokenCount");
  gint64 tool = count (object, "toolUsePromptTokenCount");
  gint64 candidates = count (object, "candidatesTokenCount");
  gint64 thoughts = count (object, "thoughtsTokenCount");
  gint64 total = count (object, "totalTokenCount");

  sy_usage_init (usage);
  /* promptTokenCount already includes cached content (Gemini's documentation); tool-use
   * prompt tokens (results of built-in tools) are billed as input too. */
  if (prompt >= 0 || tool >= 0)
    usage->input = MAX (prompt, 0) + MAX (tool, 0);
  usage->cache_read = count (object, "cachedContentTokenCount");
  usage->reasoning = thoughts;
  if (candidates >= 0 || thoughts >= 0)
    usage->output = MAX (candidates, 0) + MAX (thoughts, 0);
  else if (total >= 0 && usage->input >= 0 && total >= usage->input)
    usage->output = total - usage->input;
}

SyStopReason
_sy_gemini_stop_reason (const char *finish_reason,
                        gboolean    has_tool_call,
                        gboolean   *failed)
{
  static const char *const filtered[] = {
    "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "LANGUAGE",
    "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION", "MODEL_ARMOR",
  };
  static const char *const failures[] = {
    "MALFORMED_FUNCTION_CALL", "UNEXPECTED_TOOL_CALL", "TOO_MANY_TOOL_CALLS",
    "MISSING_THOUGHT_SIGNATURE", "MALFORMED_RESPONSE",
  };

  *failed = FALSE;
  if (finish_reason == NULL)
    return SY_STOP_UNSET;
  if (g_str_equal (finish_reason, "MAX_TOKENS"))
    return SY_STOP_MAX_TOKENS;
  for (guint i = 0; i < G_N_ELEMENTS (filtered); i++)
    if (g_str_equal (finish_reason, filtered[i]))
      return SY_STOP_CONTENT_FILTER;
  for (guint i = 0; i < G_N_ELEMENTS (failures); i++)
    if (g_str_equal (finish_reason, failures[i]))
      {
        *failed = TRUE;
        return SY_STOP_UNSET;
      }
  /* STOP, and OTHER / NO_IMAGE / FINISH_REASON_UNSPECIFIED / reasons added later: the candidate
   * ended without a more specific cause. */
  return has_tool_call ? SY_STOP_TOOL_USE : SY_STOP_END_TURN;
}

const char *
_sy_gemini_finish_reason (SyStopReason  reason,
                          GPtrArray    *notes)
{
  switch (reason)
    {
    case SY_STOP_END_TURN:
    case SY_STOP_TOOL_USE:
    case SY_STOP_STOP_SEQUENCE:
      return "STOP";
    case SY_STOP_MAX_TOKENS:
      return "MAX_TOKENS";
    case SY_STOP_CONTENT_FILTER:
      return "SAFETY";
    case SY_STOP_REFUSAL:
      _sy_gemini_note (notes, "stop reason refusal reported as finishReason SAFETY: Gemini has "
                       "no refusal reason");
      return "SAFETY";
    case SY_STOP_PAUSE:
      _sy_gemini_note (notes, "stop reason pause_turn reported as finishReason STOP: Gemini "
                       "has no paused turn");
      return "STOP";
    case SY_STOP_UNSET:
    default:
      return NULL;
    }
}

static const struct
{
  const char *name;
  guint       code;
  const char *type;
} statuses[] = {
  { "INVALID_ARGUMENT", 400, "invalid_request_error" },
  { "FAILED_PRECONDITION", 400, "invalid_request_error" },
  { "OUT_OF_RANGE", 400, "invalid_request_error" },
  { "UNAUTHENTICATED", 401, "authentication_error" },
  { "PERMISSION_DENIED", 403, "permission_error" },
  { "NOT_FOUND", 404, "not_found_error" },
  { "ABORTED", 409, "api_error" },
  { "ALREADY_EXISTS", 409, "invalid_request_error" },
  { "RESOURCE_EXHAUSTED", 429, "rate_limit_error" },
  { "CANCELLED", 499, "api_error" },
  { "INTERNAL", 500, "api_error" },
  { "UNKNOWN", 500, "api_error" },
  { "DATA_LOSS", 500, "api_error" },
  { "UNIMPLEMENTED", 501, "api_error" },
  { "UNAVAILABLE", 503, "overloaded_error" },
  { "DEADLINE_EXCEEDED", 504, "timeout_error" },
};

const char *
_sy_gemini_status_name (guint status)
{
  switch (status)
    {
    case 400: return "INVALID_ARGUMENT";
    case 401: return "UNAUTHENTICATED";
    case 403: return "PERMISSION_DENIED";
    case 404: return "NOT_FOUND";
    case 409: return "ABORTED";
    case 413: return "INVALID_ARGUMENT";
    case 429: return "RESOURCE_EXHAUSTED";
    case 499: return "CANCELLED";
    case 501: return "UNIMPLEMENTED";
    case 503: return "UNAVAILABLE";
    case 504: return "DEADLINE_EXCEEDED";
    default: return status >= 500 || status < 400 ? "INTERNAL" : "FAILED_PRECONDITION";
    }
}

guint
_sy_gemini_status_code (const char *status_name)
{
  for (guint i = 0; status_name != NULL && i < G_N_ELEMENTS (statuses); i++)
    if (g_str_equal (status_name, statuses[i].name))
      return statuses[i].code;
  return 0;
}

const char *
_sy_gemini_error_type (const char *status_name,
                       guint       code)
{
  for (guint i = 0; status_name != NULL && i < G_N_ELEMENTS (statuses); i++)
    if (g_str_equal (status_name, statuses[i].name))
      return statuses[i].type;
  switch (code)
    {
    case 401: return "authentication_error";
    case 403: return "permission_error";
    case 404: return "not_found_error";
    case 413: return "request_too_large";
    case 429: return "rate_limit_error";
    case 503: return "overloaded_error";
    case 504: return "timeout_error";
    default: return code >= 400 && code < 500 ? "invalid_request_error" : "api_error";
    }
}

guint
_sy_gemini_status_for_type (const char *type)
{
  static const struct { const char *type; guint code; } types[] = {
    { "invalid_request_error", 400 }, { "authentication_error", 401 },
    { "permission_error", 403 }, { "billing_error", 402 }, { "not_found_error", 404 },
    { "request_too_large", 413 }, { "rate_limit_error", 429 }, { "overloaded_error", 503 },
    { "timeout_error", 504 },
  };

  for (guint i = 0; type != NULL && i < G_N_ELEMENTS (types); i++)
    if (g_str_equal (type, types[i].type))
      return types[i].code;
  return 500;
}

guint
_sy_gemini_error_status (guint       status,
                         const char *type)
{
  if (status == 0)
    return _sy_gemini_status_for_type (type);
  if (status == 529)  /* Anthropic's "overloaded": Google says 503 UNAVAILABLE (and clients
                       * retry that) */
    return 503;
  return status;
}

void
_sy_gemini_append_usage (GString       *out,
                         const SyUsage *usage,
                         GPtrArray     *notes)
{
  if (usage->cache_creation > 0)
    _sy_gemini_note (notes, "usage: %" G_GINT64_FORMAT " cache-creation tokens have no place in "
                     "Gemini's usageMetadata", usage->cache_creation);
  if (usage->input < 0 && usage->output < 0 && usage->cache_read < 0 && usage->reasoning < 0)
    return;
  sy_json_write_key (out, "usageMetadata");
  g_string_append_c (out, '{');
  if (usage->input >= 0)
    {
      sy_json_write_key (out, "promptTokenCount");
      g_string_append_printf (out, "%" G_GINT64_FORMAT, usage->input);
    }
  if (usage->output >= 0)
    {
      sy_json_write_key (out, "candidatesTokenCount");
      g_string_append_printf (out, "%" G_GINT64_FORMAT,
                              MAX (usage->output - MAX (usage->reasoning, 0), 0));
    }
  if (usage->reasoning >= 0)
    {
      sy_json_write_key (out, "thoughtsTokenCount");
      g_string_append_printf (out, "%" G_GINT64_FORMAT, usage->reasoning);
    }
  if (usage->cache_read >= 0)
    {
      sy_json_write_key (out, "cachedContentTokenCount");
      g_string_append_printf (out, "%" G_GINT64_FORMAT, usage->cache_read);
    }
  if (usage->input >= 0 && usage->output >= 0)
    {
      sy_json_write_key (out, "totalTokenCount");
      g_string_append_printf (out, "%" G_GINT64_FORMAT, usage->input + usage->output);
    }
  g_string_append_c (out, '}');
}

const char *
_sy_gemini_model_id (const char *model)
{
  if (model == NULL)
    return "";
  if (g_str_has_prefix (model, "models/"))
    return model + strlen ("models/");
  return model;
}

