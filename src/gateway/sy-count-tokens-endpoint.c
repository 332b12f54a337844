/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Token counting is tokenizer-specific and every provider's differs; Claude Code calls this
 * endpoint to decide when to compact its context, where a close estimate serves. The estimate
 * is one token per four bytes of text (system, messages, tool calls, results and definitions)
 * plus a fixed cost per image, and the reply says it is an estimate
 * (X-Switchyard-Estimate: true). Nothing leaves the machine.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-count-tokens-endpoint.h"

#include <string.h>

#include "gateway/sy-http.h"
#include "gateway/sy-chat-endpoint.h"
#include "translate/sy-codec.h"

#define BYTES_PER_TOKEN 4
#define TOKENS_PER_IMAGE 1600

static gsize
count_parts (GPtrArray *parts,
             guint     *images)
{
  gsize bytes = 0;

  for (guint i = 0; parts != NULL && i < parts->len; i++)
    {
      SyPart *p = g_ptr_array_index (parts, i);

      if (p->kind == SY_PART_IMAGE)
        (*images)++;
      bytes += p->text ? strlen (p->text) : 0;
      bytes += p->arguments ? strlen (p->arguments) : 0;
      bytes += p->name ? strlen (p->name) : 0;
      bytes += count_parts (p->content, images);
    }
  return bytes;
}

static gint64
estimate (SyChatRequest *request)
{
  guint images = 0;
  gsize bytes = count_parts (request->system, &images);

  for (guint i = 0; i < request->messages->len; i++)
    bytes += count_parts (((SyMessage *) g_ptr_array_index (request->messages, i))->parts,
                          &images);
  for (guint i = 0; i < request->tools->len; i++)
    {
      SyTool *tool = g_ptr_array_index (request->tools, i);
      g_autofree char *schema = tool->parameters ? json_to_string (tool->parameters, FALSE) : NULL;

      bytes += strlen (tool->name) + (tool->description ? strlen (tool->description) : 0) +
               (schema ? strlen (schema) : 0);
    }
  return (gint64) ((bytes + BYTES_PER_TOKEN - 1) / BYTES_PER_TOKEN) +
         (gint64) images * TOKENS_PER_IMAGE;
}

void
sy_count_tokens_endpoint_handle (SyGateway         *gateway,
                                 SoupServerMessage *msg)
{
  g_autoptr(SyApiKey) api_key = NULL;
  g_autofree char *reply = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SyChatRequest) request = NULL;
  gsize len;
  const char *data;

  if ((body = sy_chat_endpoint_read_body (gateway, msg, SY_DIALECT_ANTHROPIC, &api_key)) == NULL)
    return;
  data = g_bytes_get_data (body, &len);
  request = sy_codec_get (SY_DIALECT_ANTHROPIC)->parse_request (data, len, &error);
  if (request == NULL)
    {
      sy_http_respond_gerror (msg, SY_DIALECT_ANTHROPIC, error);
      return;
    }

  reply = g_strdup_printf ("{\"input_tokens\":%" G_GINT64_FORMAT "}", estimate (request));
  len = strlen (reply);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "X-Switchyard-Estimate", "true");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&reply), len);
}
