/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writes progress events. Every one is "event: progress" with a small JSON object whose
 * "phase" says what is happening. How each dialect's clients are kept safe:
 *
 *   OpenAI Chat     the SDKs parse every data line as a chunk, whatever the event name, so the
 *                   object is a valid chunk with no choices (like the usage chunk) and the
 *                   progress under "progress".
 *   Anthropic       unknown event names are skipped, as Anthropic's versioning policy asks of
 *                   clients: {"type": "progress", ...}.
 *   Responses       events are told apart by "type", unknown ones skipped: the same object.
 *   Gemini          every data line is a response; an object with no candidates adds nothing.
 *
 * Nothing here touches a stream; the relay writes what this returns.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-progress.h"

#include "core/sy-json-scan.h"

static gboolean
is_true (const char *value)
{
  return value != NULL &&
         (g_ascii_strcasecmp (value, "true") == 0 || g_ascii_strcasecmp (value, "1") == 0 ||
          g_ascii_strcasecmp (value, "yes") == 0);
}

gboolean
sy_progress_requested (SoupServerMessage *msg)
{
  SoupMessageHeaders *in;

  g_return_val_if_fail (SOUP_IS_SERVER_MESSAGE (msg), FALSE);

  in = soup_server_message_get_request_headers (msg);
  return is_true (soup_message_headers_get_one (in, "X-Switchyard-Progress")) ||
         is_true (soup_message_headers_get_one (in, "X-OmniRoute-Progress"));
}

const char *
sy_progress_phase_name (SyProgressPhase phase)
{
  switch (phase)
    {
    case SY_PROGRESS_ROUTING: return "routing";
    case SY_PROGRESS_ATTEMPT: return "attempt";
    case SY_PROGRESS_WAITING: return "waiting";
    case SY_PROGRESS_FIRST_BYTE: return "first_byte";
    default: g_return_val_if_reached ("routing");
    }
}

/* The members after "phase", without braces. */
static void
append_members (const SyProgress *p,
                GString          *out)
{
  g_string_append (out, "\"phase\":");
  sy_json_append_string (out, sy_progress_phase_name (p->phase));
  if (p->model != NULL)
    {
      g_string_append (out, ",\"model\":");
      sy_json_append_string (out, p->model);
    }
  if (p->phase == SY_PROGRESS_ROUTING)
    g_string_append_printf (out, ",\"candidates\":%u", p->candidates);
  else
    {
      if (p->provider != NULL)
        {
          g_string_append (out, ",\"provider\":");
          sy_json_append_string (out, p->provider);
        }
      g_string_append_printf (out, ",\"attempt\":%u", p->attempt);
    }
  g_string_append_printf (out, ",\"elapsedMs\":%" G_GINT64_FORMAT, MAX (p->elapsed_ms, 0));
}

void
sy_progress_append (SyDialect         dialect,
                    const SyProgress *progress,
                    GString          *out)
{
  g_return_if_fail (progress != NULL && out != NULL);

  g_string_append (out, "event: progress\ndata: {");
  if (dialect == SY_DIALECT_OPENAI)
    {
      g_string_append (out, "\"id\":");
      sy_json_append_string (out, progress->request_id ? progress->request_id : "progress");
      g_string_append_printf (out, ",\"object\":\"chat.completion.chunk\",\"created\":%"
                              G_GINT64_FORMAT ",\"model\":", g_get_real_time () / G_USEC_PER_SEC);
      sy_json_append_string (out, progress->model ? progress->model : "");
      g_string_append (out, ",\"choices\":[],\"progress\":{");
      append_members (progress, out);
      g_string_append (out, "}}\n\n");
      return;
    }
  g_string_append (out, "\"type\":\"progress\",");
  append_members (progress, out);
  g_string_append (out, "}\n\n");
}
