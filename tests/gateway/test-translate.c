/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every client dialect against every provider dialect, through the real gateway and the mock
 * upstream: a text answer as JSON and streamed, a tool call as JSON and streamed, and the tool
 * result sent back, checked on the upstream side for the link between call and result.
 */
#include <string.h>

#include "sy-test-gateway.h"
#include "translate/sy-sse-parser.h"

typedef struct
{
  SyDialect client;
  SyDialect upstream;
  gboolean  stream;
} Pair;

static const char * const prefixes[] = {
  [SY_DIALECT_OPENAI] = "oa",
  [SY_DIALECT_ANTHROPIC] = "an",
  [SY_DIALECT_GEMINI] = "ge",
  [SY_DIALECT_RESPONSES] = "re",
};

static SyTestGateway *
setup (const Pair *pair)
{
  SyTestGateway *t = sy_test_gateway_new ();
  g_autofree char *node = g_strdup_printf ("{\"prefix\":\"%s\",\"apiType\":\"%s\",\"baseUrl\":\"%s\"}",
                                           prefixes[pair->upstream],
                                           sy_dialect_to_string (pair->upstream),
                                           sy_mock_upstream_get_base_url (t->mock));
  g_autoptr(SyTestResponse) created = sy_test_gateway_api (t, "POST", "/api/provider-nodes", node);
  g_autofree char *account = g_strdup_printf ("{\"provider\":\"%s\",\"apiKey\":\"sk-up\"}",
                                              prefixes[pair->upstream]);
  g_autoptr(SyTestResponse) acc = NULL;

  g_assert_cmpuint (created->status, ==, 201);
  acc = sy_test_gateway_api (t, "POST", "/api/providers", account);
  g_assert_cmpuint (acc->status, ==, 201);
  return t;
}

static const char weather_tool_openai[] =
  "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":"
  "\"Weather in a city\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":"
  "\"string\"}},\"required\":[\"city\"]}}}]";
static const char weather_tool_anthropic[] =
  "\"tools\":[{\"name\":\"get_weather\",\"description\":\"Weather in a city\",\"input_schema\":"
  "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}]";
static const char weather_tool_responses[] =
  "\"tools\":[{\"type\":\"function\",\"name\":\"get_weather\",\"description\":\"Weather in a city\","
  "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
  "\"required\":[\"city\"]}}]";
static const char weather_tool_gemini[] =
  "\"tools\":[{\"functionDeclarations\":[{\"name\":\"get_weather\",\"description\":"
  "\"Weather in a city\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":"
  "\"string\"}},\"required\":[\"city\"]}}]}]";

/* The client's first request: "hi", optionally offering the weather tool. */
static SyTestResponse *
send_first (SyTestGateway *t,
            const Pair    *pair,
            gboolean       tools)
{
  g_autofree char *model = g_strdup_printf ("%s/m1", prefixes[pair->upstream]);
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  const char *stream = pair->stream ? "true" : "false";

  switch (pair->client)
    {
    case SY_DIALECT_ANTHROPIC:
      body = g_strdup_printf ("{\"model\":\"%s\",\"max_tokens\":200,\"stream\":%s,\"messages\":"
                              "[{\"role\":\"user\",\"content\":\"hi\"}]%s%s}", model, stream,
                              tools ? "," : "", tools ? weather_tool_anthropic : "");
      return sy_test_gateway_request (t, "POST", "/v1/messages", "application/json", body, -1,
                                      "anthropic-version", "2023-06-01", NULL);
    case SY_DIALECT_RESPONSES:
      body = g_strdup_printf ("{\"model\":\"%s\",\"stream\":%s,\"input\":\"hi\"%s%s}", model,
                              stream, tools ? "," : "", tools ? weather_tool_responses : "");
      return sy_test_gateway_request (t, "POST", "/v1/responses", "application/json", body, -1,
                                      NULL);
    case SY_DIALECT_GEMINI:
      body = g_strdup_printf ("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]"
                              "%s%s}", tools ? "," : "", tools ? weather_tool_gemini : "");
      path = g_strdup_printf ("/v1beta/models/%s:%s", model,
                              pair->stream ? "streamGenerateContent?alt=sse" : "generateContent");
      return sy_test_gateway_request (t, "POST", path, "application/json", body, -1, NULL);
    case SY_DIALECT_OPENAI:
    default:
      body = g_strdup_printf ("{\"model\":\"%s\",\"stream\":%s,\"messages\":[{\"role\":\"user\","
                              "\"content\":\"hi\"}]%s%s}", model, stream, tools ? "," : "",
                              tools ? weather_tool_openai : "");
      return sy_test_gateway_chat (t, body);
    }
}

/* A small path walker ("$.a.b[0].c", "[?(@.type == 'x')]" picks the first element whose type
 * is x) that, unlike JsonPath, tolerates indexes past the end. Returns a copy or NULL. */
static JsonNode *
query (JsonNode   *root,
       const char *path)
{
  JsonNode *node = root;
  const char *p = path;

  g_assert_true (*p == '$');
  p++;
  while (*p != '\0' && node != NULL)
    {
      if (*p == '.')
        {
          const char *end = p + 1 + strcspn (p + 1, ".[");
          g_autofree char *key = g_strndup (p + 1, end - p - 1);

          node = JSON_NODE_HOLDS_OBJECT (node)
                   ? json_object_get_member (json_node_get_object (node), key) : NULL;
          p = end;
        }
      else if (g_str_has_prefix (p, "[?(@.type == '"))
        {
          const char *start = p + strlen ("[?(@.type == '");
          const char *end = strchr (start, '\'');
          g_autofree char *type = g_strndup (start, end - start);
          JsonNode *found = NULL;

          if (JSON_NODE_HOLDS_ARRAY (node))
            {
              JsonArray *a = json_node_get_array (node);

              for (guint i = 0; i < json_array_get_length (a) && found == NULL; i++)
                {
                  JsonNode *e = json_array_get_element (a, i);

                  if (JSON_NODE_HOLDS_OBJECT (e) &&
                      g_strcmp0 (json_object_get_string_member_with_default (
                                   json_node_get_object (e), "type", NULL), type) == 0)
                    found = e;
                }
            }
          node = found;
          p = strstr (end, ")]") + 2;
        }
      else if (*p == '[')
        {
          guint index = (guint) g_ascii_strtoull (p + 1, NULL, 10);

          node = JSON_NODE_HOLDS_ARRAY (node) &&
                 index < json_array_get_length (json_node_get_array (node))
                   ? json_array_get_element (json_node_get_array (node), index) : NULL;
          p = strchr (p, ']') + 1;
        }
      else
        g_error ("bad path %s", path);
    }
  return node ? json_node_copy (node) : NULL;
}

static char *
query_string (JsonNode   *root,
              const char *path)
{
  g_autoptr(JsonNode) node = query (root, path);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

typedef struct
{
  SyDialect  client;
  GString   *text;       /* text deltas, in order */
  GString   *arguments;  /* tool-call argument deltas, in order */
  char      *tool_id;
  char      *tool_name;
  GPtrArray *names;      /* event names, "" for none */
  gboolean   saw_done;   /* "data: [DONE]" */
} StreamSeen;

static void
take_tool (StreamSeen *seen,
           JsonNode   *root,
           const char *id_path,
           const char *name_path)
{
  g_autofree char *id = query_string (root, id_path);
  g_autofree char *name = query_string (root, name_path);

  if (id != NULL && seen->tool_id == NULL)
    seen->tool_id = g_steal_pointer (&id);
  if (name != NULL && seen->tool_name == NULL)
    seen->tool_name = g_steal_pointer (&name);
}

static void
stream_event_cb (const SySseEvent *event,
                 gpointer          user_data)
{
  StreamSeen *seen = user_data;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  g_autofree char *text = NULL;
  g_autofree char *args = NULL;

  g_ptr_array_add (seen->names, g_strdup (event->event ? event->event : ""));
  if (g_str_equal (event->data, "[DONE]"))
    {
      seen->saw_done = TRUE;
      return;
    }
  g_assert_true (json_parser_load_from_data (parser, event->data, event->data_len, NULL));
  root = json_parser_get_root (parser);

  switch (seen->client)
    {
    case SY_DIALECT_ANTHROPIC:
      text = query_string (root, "$.delta.text");
      args = query_string (root, "$.delta.partial_json");
      take_tool (seen, root, "$.content_block.id", "$.content_block.name");
      break;
    case SY_DIALECT_RESPONSES:
      if (g_strcmp0 (event->event, "response.output_text.delta") == 0)
        text = query_string (root, "$.delta");
      if (g_strcmp0 (event->event, "response.function_call_arguments.delta") == 0)
        args = query_string (root, "$.delta");
      if (g_strcmp0 (event->event, "response.output_item.added") == 0)
        take_tool (seen, root, "$.item.call_id", "$.item.name");
      break;
    case SY_DIALECT_GEMINI:
      {
        g_autoptr(JsonNode) call_args = query (root, "$.candidates[0].content.parts[0].functionCall.args");

        text = query_string (root, "$.candidates[0].content.parts[0].text");
        take_tool (seen, root, "$.candidates[0].content.parts[0].functionCall.id",
                   "$.candidates[0].content.parts[0].functionCall.name");
        if (call_args != NULL)
          args = json_to_string (call_args, FALSE);
      }
      break;
    case SY_DIALECT_OPENAI:
    default:
      text = query_string (root, "$.choices[0].delta.content");
      args = query_string (root, "$.choices[0].delta.tool_calls[0].function.arguments");
      take_tool (seen, root, "$.choices[0].delta.tool_calls[0].id",
                 "$.choices[0].delta.tool_calls[0].function.name");
      break;
    }
  if (text != NULL)
    g_string_append (seen->text, text);
  if (args != NULL)
    g_string_append (seen->arguments, args);
}

static void
read_stream (SyTestResponse *r,
             StreamSeen     *seen)
{
  g_autoptr(SySseParser) parser = sy_sse_parser_new (0, stream_event_cb, seen);
  gsize len;
  const char *data = g_bytes_get_data (r->body, &len);

  g_assert_cmpstr (soup_message_headers_get_content_type (r->headers, NULL), ==, "text/event-stream");
  seen->text = g_string_new (NULL);
  seen->arguments = g_string_new (NULL);
  seen->names = g_ptr_array_new_with_free_func (g_free);
  g_assert_true (sy_sse_parser_push (parser, data, len, NULL));
  sy_sse_parser_finish (parser);
}

static void
stream_seen_clear (StreamSeen *seen)
{
  g_string_free (seen->text, TRUE);
  g_string_free (seen->arguments, TRUE);
  g_free (seen->tool_id);
  g_free (seen->tool_name);
  g_ptr_array_unref (seen->names);
}

/* The last event's name is the client dialect's proper end. */
static void
assert_stream_ended (const StreamSeen *seen)
{
  const char *last = g_ptr_array_index (seen->names, seen->names->len - 1);

  switch (seen->client)
    {
    case SY_DIALECT_ANTHROPIC:
      g_assert_cmpstr (last, ==, "message_stop");
      g_assert_false (seen->saw_done);
      g_assert_cmpstr (g_ptr_array_index (seen->names, 0), ==, "message_start");
      break;
    case SY_DIALECT_RESPONSES:
      g_assert_cmpstr (last, ==, "response.completed");
      g_assert_cmpstr (g_ptr_array_index (seen->names, 0), ==, "response.created");
      break;
    case SY_DIALECT_GEMINI:
      g_assert_false (seen->saw_done);
      break;
    case SY_DIALECT_OPENAI:
    default:
      g_assert_true (seen->saw_done);
      break;
    }
}

static char *
json_text (SyDialect  client,
           JsonNode  *root)
{
  switch (client)
    {
    case SY_DIALECT_ANTHROPIC:
      return query_string (root, "$.content[0].text");
    case SY_DIALECT_RESPONSES:
      return query_string (root, "$.output[0].content[0].text");
    case SY_DIALECT_GEMINI:
      return query_string (root, "$.candidates[0].content.parts[0].text");
    case SY_DIALECT_OPENAI:
    default:
      return query_string (root, "$.choices[0].message.content");
    }
}

static void
test_text (gconstpointer data)
{
  const Pair *pair = data;
  SyTestGateway *t = setup (pair);
  g_autoptr(SyTestResponse) r = send_first (t, pair, FALSE);

  if (r->status != 200)
    g_error ("status %u: %.*s", r->status, (int) g_bytes_get_size (r->body),
             (const char *) g_bytes_get_data (r->body, NULL));
  g_assert_cmpstr (soup_message_headers_get_one (r->headers, "X-Switchyard-Provider"), ==,
                   prefixes[pair->upstream]);
  if (pair->stream)
    {
      StreamSeen seen = { pair->client };

      read_stream (r, &seen);
      if (!g_str_equal (seen.text->str, "tok0 tok1 tok2 "))
        g_error ("text \"%s\" in stream:\n%.*s", seen.text->str, (int) g_bytes_get_size (r->body),
                 (const char *) g_bytes_get_data (r->body, NULL));
      assert_stream_ended (&seen);
      stream_seen_clear (&seen);
    }
  else
    {
      g_autofree char *text = NULL;

      g_assert_nonnull (r->json);
      text = json_text (pair->client, r->json);
      g_assert_cmpstr (text, ==, "Hello from the mock.");
    }
  sy_test_gateway_free (t);
}

/* The provider answers in the other shape than the client asked for (a provider that only
 * streams, or one that ignores "stream"): the client still gets what it asked for. */
static void
test_shape_mismatch (gconstpointer data)
{
  const Pair *pair = data;
  SyTestGateway *t = setup (pair);
  SyMockBehaviour other = { .kind = pair->stream ? SY_MOCK_JSON : SY_MOCK_STREAM, .n_chunks = 3 };
  g_autoptr(SyTestResponse) r = NULL;

  sy_mock_upstream_push (t->mock, &other);
  r = send_first (t, pair, FALSE);
  if (r->status != 200)
    g_error ("status %u: %.*s", r->status, (int) g_bytes_get_size (r->body),
             (const char *) g_bytes_get_data (r->body, NULL));
  if (pair->stream)
    {
      StreamSeen seen = { pair->client };

      read_stream (r, &seen);
      g_assert_cmpstr (seen.text->str, ==, "Hello from the mock.");
      assert_stream_ended (&seen);
      stream_seen_clear (&seen);
    }
  else
    {
      g_autofree char *text = NULL;

      g_assert_cmpstr (soup_message_headers_get_content_type (r->headers, NULL), ==,
                       "application/json");
      g_assert_nonnull (r->json);
      text = json_text (pair->client, r->json);
      g_assert_cmpstr (text, ==, "tok0 tok1 tok2 ");
    }
  sy_test_gateway_free (t);
}

/* The client's follow-up: the call it received and its result. */
static SyTestResponse *
send_result (SyTestGateway *t,
             const Pair    *pair,
             const char    *id,
             const char    *arguments)
{
  g_autofree char *model = g_strdup_printf ("%s/m1", prefixes[pair->upstream]);
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  GString *quoted = g_string_new (NULL);

  for (const char *p = arguments; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (quoted, '\\');
      g_string_append_c (quoted, *p);
    }

  switch (pair->client)
    {
    case SY_DIALECT_ANTHROPIC:
      body = g_strdup_printf (
        "{\"model\":\"%s\",\"max_tokens\":200,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
        "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"%s\",\"name\":"
        "\"get_weather\",\"input\":%s}]},{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\","
        "\"tool_use_id\":\"%s\",\"content\":\"Sunny, 21 C\"}]}],%s}",
        model, id, arguments, id, weather_tool_anthropic);
      g_string_free (quoted, TRUE);
      return sy_test_gateway_request (t, "POST", "/v1/messages", "application/json", body, -1,
                                      NULL);
    case SY_DIALECT_RESPONSES:
      body = g_strdup_printf (
        "{\"model\":\"%s\",\"input\":[{\"role\":\"user\",\"content\":\"hi\"},{\"type\":"
        "\"function_call\",\"call_id\":\"%s\",\"name\":\"get_weather\",\"arguments\":\"%s\"},"
        "{\"type\":\"function_call_output\",\"call_id\":\"%s\",\"output\":\"Sunny, 21 C\"}],%s}",
        model, id, quoted->str, id, weather_tool_responses);
      g_string_free (quoted, TRUE);
      return sy_test_gateway_request (t, "POST", "/v1/responses", "application/json", body, -1,
                                      NULL);
    case SY_DIALECT_GEMINI:
      body = g_strdup_printf (
        "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]},{\"role\":\"model\","
        "\"parts\":[{\"functionCall\":{\"name\":\"get_weather\",\"args\":%s}}]},{\"role\":\"user\","
        "\"parts\":[{\"functionResponse\":{\"name\":\"get_weather\",\"response\":{\"result\":"
        "\"Sunny, 21 C\"}}}]}],%s}", arguments, weather_tool_gemini);
      path = g_strdup_printf ("/v1beta/models/%s:generateContent", model);
      g_string_free (quoted, TRUE);
      return sy_test_gateway_request (t, "POST", path, "application/json", body, -1, NULL);
    case SY_DIALECT_OPENAI:
    default:
      body = g_strdup_printf (
        "{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":"
        "\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"%s\",\"type\":\"function\","
        "\"function\":{\"name\":\"get_weather\",\"arguments\":\"%s\"}}]},{\"role\":\"tool\","
        "\"tool_call_id\":\"%s\",\"content\":\"Sunny, 21 C\"}],%s}",
        model, id, quoted->str, id, weather_tool_openai);
      g_string_free (quoted, TRUE);
      return sy_test_gateway_chat (t, body);
    }
}

/* On the upstream side, the result must answer the call: same id (or, in Gemini, name). */
static void
assert_upstream_links_result (const Pair    *pair,
                              SyMockRequest *up)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  g_autofree char *call = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *body = g_strndup (g_bytes_get_data (up->body, NULL), g_bytes_get_size (up->body));

  g_assert_true (json_parser_load_from_data (parser, body, -1, NULL));
  root = json_parser_get_root (parser);
  g_assert_nonnull (strstr (body, "Sunny, 21 C"));

  switch (pair->upstream)
    {
    case SY_DIALECT_ANTHROPIC:
      call = query_string (root, "$.messages[1].content[0].id");
      answer = query_string (root, "$.messages[2].content[0].tool_use_id");
      break;
    case SY_DIALECT_RESPONSES:
      call = query_string (root, "$.input[?(@.type == 'function_call')].call_id");
      answer = query_string (root, "$.input[?(@.type == 'function_call_output')].call_id");
      break;
    case SY_DIALECT_GEMINI:
      call = query_string (root, "$.contents[1].parts[0].functionCall.name");
      answer = query_string (root, "$.contents[2].parts[0].functionResponse.name");
      break;
    case SY_DIALECT_OPENAI:
    default:
      call = query_string (root, "$.messages[1].tool_calls[0].id");
      answer = query_string (root, "$.messages[2].tool_call_id");
      break;
    }
  if (call == NULL || g_strcmp0 (call, answer) != 0)
    g_error ("the result does not answer the call (%s vs %s) in: %s", call, answer, body);
}

static void
test_tool_round_trip (gconstpointer data)
{
  const Pair *pair = data;
  SyTestGateway *t = setup (pair);
  SyMockBehaviour tool = { .kind = pair->stream ? SY_MOCK_STREAM : SY_MOCK_JSON, .tool_call = TRUE };
  g_autoptr(SyTestResponse) first = NULL;
  g_autoptr(SyTestResponse) second = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_autofree char *arguments = NULL;
  GPtrArray *requests;

  sy_mock_upstream_push (t->mock, &tool);
  first = send_first (t, pair, TRUE);
  if (first->status != 200)
    g_error ("status %u: %.*s", first->status, (int) g_bytes_get_size (first->body),
             (const char *) g_bytes_get_data (first->body, NULL));

  if (pair->stream)
    {
      StreamSeen seen = { pair->client };

      read_stream (first, &seen);
      assert_stream_ended (&seen);
      id = g_strdup (seen.tool_id);
      name = g_strdup (seen.tool_name);
      arguments = g_strdup (seen.arguments->str);
      stream_seen_clear (&seen);
    }
  else
    {
      JsonNode *r = first->json;

      g_assert_nonnull (r);
      switch (pair->client)
        {
        case SY_DIALECT_ANTHROPIC:
          {
            g_autoptr(JsonNode) input = query (r, "$.content[?(@.type == 'tool_use')].input");

            id = query_string (r, "$.content[?(@.type == 'tool_use')].id");
            name = query_string (r, "$.content[?(@.type == 'tool_use')].name");
            arguments = input ? json_to_string (input, FALSE) : NULL;
          }
          break;
        case SY_DIALECT_RESPONSES:
          id = query_string (r, "$.output[?(@.type == 'function_call')].call_id");
          name = query_string (r, "$.output[?(@.type == 'function_call')].name");
          arguments = query_string (r, "$.output[?(@.type == 'function_call')].arguments");
          break;
        case SY_DIALECT_GEMINI:
          {
            g_autoptr(JsonNode) args = query (r, "$.candidates[0].content.parts[0].functionCall.args");

            name = query_string (r, "$.candidates[0].content.parts[0].functionCall.name");
            arguments = args ? json_to_string (args, FALSE) : NULL;
          }
          break;
        case SY_DIALECT_OPENAI:
        default:
          id = query_string (r, "$.choices[0].message.tool_calls[0].id");
          name = query_string (r, "$.choices[0].message.tool_calls[0].function.name");
          arguments = query_string (r, "$.choices[0].message.tool_calls[0].function.arguments");
          break;
        }
    }

  /* The call arrives whole: name, and arguments that are the JSON the upstream sent. */
  g_assert_cmpstr (name, ==, "get_weather");
  g_assert_nonnull (arguments);
  g_assert_true (json_parser_load_from_data (parser, arguments, -1, NULL));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)),
                                                  "city"), ==, "Paris");
  if (pair->client != SY_DIALECT_GEMINI)
    g_assert_nonnull (id);

  second = send_result (t, pair, id ? id : "", arguments);
  if (second->status != 200)
    g_error ("follow-up status %u: %.*s", second->status, (int) g_bytes_get_size (second->body),
             (const char *) g_bytes_get_data (second->body, NULL));
  requests = sy_mock_upstream_get_requests (t->mock);
  assert_upstream_links_result (pair, g_ptr_array_index (requests, requests->len - 1));
  sy_test_gateway_free (t);
}

/* count_tokens answers locally, marked as an estimate, and grows with the text. */
static void
test_count_tokens (void)
{
  SyTestGateway *t = sy_test_gateway_new ();
  g_autoptr(SyTestResponse) small = NULL;
  g_autoptr(SyTestResponse) large = NULL;
  g_autoptr(SyTestResponse) bad = NULL;
  g_autofree char *long_text = g_strnfill (4000, 'a');
  g_autofree char *body = g_strdup_printf ("{\"model\":\"x\",\"messages\":[{\"role\":\"user\","
                                           "\"content\":\"%s\"}]}", long_text);

  small = sy_test_gateway_request (t, "POST", "/v1/messages/count_tokens", "application/json",
                                   "{\"model\":\"x\",\"messages\":[{\"role\":\"user\","
                                   "\"content\":\"hi\"}]}", -1, NULL);
  large = sy_test_gateway_request (t, "POST", "/v1/messages/count_tokens", "application/json",
                                   body, -1, NULL);
  bad = sy_test_gateway_request (t, "POST", "/v1/messages/count_tokens", "application/json",
                                 "{\"messages\": 3}", -1, NULL);
  g_assert_cmpuint (small->status, ==, 200);
  g_assert_cmpstr (soup_message_headers_get_one (small->headers, "X-Switchyard-Estimate"), ==, "true");
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (small->json), "input_tokens"), >, 0);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (large->json), "input_tokens"), >=, 1000);
  g_assert_cmpuint (bad->status, ==, 400);
  g_assert_cmpstr (sy_test_response_get_string (bad, "type"), ==, "error");
  sy_test_gateway_free (t);
}

/* OpenAI's own API gets the output limit as max_completion_tokens (its reasoning models refuse
 * max_tokens); an OpenAI-compatible node keeps the portable max_tokens. */
static void
test_openai_output_limit_field (void)
{
  SyTestGateway *t = sy_test_gateway_new ();
  g_autofree char *node = g_strdup_printf ("{\"prefix\":\"oa\",\"apiType\":\"openai\","
                                           "\"baseUrl\":\"%s\"}",
                                           sy_mock_upstream_get_base_url (t->mock));
  g_autofree char *builtin = g_strdup_printf ("{\"provider\":\"openai\",\"apiKey\":\"sk\","
                                              "\"baseUrl\":\"%s\"}",
                                              sy_mock_upstream_get_base_url (t->mock));
#define ASK(prefix) "{\"model\":\"" prefix "/gpt-x\",\"max_tokens\":200,\"messages\":" \
                    "[{\"role\":\"user\",\"content\":\"hi\"}]}"
  const char *to_openai = ASK ("openai");
  const char *to_node = ASK ("oa");
#undef ASK
  g_autoptr(SyTestResponse) n = sy_test_gateway_api (t, "POST", "/api/provider-nodes", node);
  g_autoptr(SyTestResponse) a1 = sy_test_gateway_api (t, "POST", "/api/providers", builtin);
  g_autoptr(SyTestResponse) a2 = sy_test_gateway_api (t, "POST", "/api/providers",
                                                      "{\"provider\":\"oa\",\"apiKey\":\"sk\"}");
  g_autoptr(SyTestResponse) r1 = NULL;
  g_autoptr(SyTestResponse) r2 = NULL;
  GPtrArray *requests;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  g_assert_cmpuint (a1->status, ==, 201);
  g_assert_cmpuint (a2->status, ==, 201);
  r1 = sy_test_gateway_request (t, "POST", "/v1/messages", "application/json", to_openai, -1, NULL);
  r2 = sy_test_gateway_request (t, "POST", "/v1/messages", "application/json", to_node, -1, NULL);
  g_assert_cmpuint (r1->status, ==, 200);
  g_assert_cmpuint (r2->status, ==, 200);

  requests = sy_mock_upstream_get_requests (t->mock);
  first = g_strndup (g_bytes_get_data (((SyMockRequest *) g_ptr_array_index (requests, 0))->body, NULL),
                     g_bytes_get_size (((SyMockRequest *) g_ptr_array_index (requests, 0))->body));
  second = g_strndup (g_bytes_get_data (((SyMockRequest *) g_ptr_array_index (requests, 1))->body, NULL),
                      g_bytes_get_size (((SyMockRequest *) g_ptr_array_index (requests, 1))->body));
  g_assert_nonnull (strstr (first, "\"max_completion_tokens\":200"));
  g_assert_null (strstr (first, "\"max_tokens\""));
  g_assert_nonnull (strstr (second, "\"max_tokens\":200"));
  sy_test_gateway_free (t);
}

/* The global system prompt and thinking budget reach the provider, translated with the rest,
 * and stop when turned off again. */
static void
test_injection (void)
{
  Pair pair = { SY_DIALECT_OPENAI, SY_DIALECT_ANTHROPIC, FALSE };
  SyTestGateway *t = setup (&pair);
  static const char body[] = "{\"model\":\"an/claude\",\"max_tokens\":16000,"
                             "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  g_autoptr(SyTestResponse) on = sy_test_gateway_api (t, "PUT", "/api/settings",
                                                      "{\"systemPrompt\":\"Answer in French.\","
                                                      "\"thinkingBudgetMode\":\"default\","
                                                      "\"thinkingBudgetTokens\":2048}");
  g_autoptr(SyTestResponse) first = NULL;
  g_autoptr(SyTestResponse) off = NULL;
  g_autoptr(SyTestResponse) second = NULL;
  GPtrArray *requests;
  g_autoptr(JsonNode) sent = NULL;
  JsonObject *o;

  g_assert_cmpuint (on->status, ==, 200);
  first = sy_test_gateway_chat (t, body);
  g_assert_cmpuint (first->status, ==, 200);
  requests = sy_mock_upstream_get_requests (t->mock);
  sent = json_from_string (g_bytes_get_data (((SyMockRequest *) g_ptr_array_index (requests, 0))->body,
                                             NULL), NULL);
  o = json_node_get_object (sent);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (
                     json_object_get_array_member (o, "system"), 0), "text"), ==,
                   "Answer in French.");
  /* An OpenAI client speaks in efforts: 2048 tokens is "low", which is 2048 for Anthropic. */
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (o, "thinking"),
                                               "budget_tokens"), ==, 2048);

  off = sy_test_gateway_api (t, "PUT", "/api/settings",
                             "{\"systemPrompt\":\"\",\"thinkingBudgetMode\":\"passthrough\"}");
  g_assert_cmpuint (off->status, ==, 200);
  second = sy_test_gateway_chat (t, body);
  g_assert_cmpuint (second->status, ==, 200);
  g_clear_pointer (&sent, json_node_unref);
  sent = json_from_string (g_bytes_get_data (((SyMockRequest *) g_ptr_array_index (requests, 1))->body,
                                             NULL), NULL);
  o = json_node_get_object (sent);
  g_assert_false (json_object_has_member (o, "system"));
  g_assert_false (json_object_has_member (o, "thinking"));
  sy_test_gateway_free (t);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func (g_free);

  g_test_init (&argc, &argv, NULL);

  for (SyDialect c = SY_DIALECT_OPENAI; c <= SY_DIALECT_RESPONSES; c++)
    for (SyDialect u = SY_DIALECT_OPENAI; u <= SY_DIALECT_RESPONSES; u++)
      for (int s = 0; s < 2; s++)
        {
          Pair *pair = g_new0 (Pair, 1);
          g_autofree char *text_path = NULL;
          g_autofree char *tool_path = NULL;

          pair->client = c;
          pair->upstream = u;
          pair->stream = s;
          g_ptr_array_add (pairs, pair);
          text_path = g_strdup_printf ("/sy/gateway/translate/%s-to-%s/text-%s",
                                       sy_dialect_to_string (c), sy_dialect_to_string (u),
                                       s ? "stream" : "json");
          tool_path = g_strdup_printf ("/sy/gateway/translate/%s-to-%s/tool-round-trip-%s",
                                       sy_dialect_to_string (c), sy_dialect_to_string (u),
                                       s ? "stream" : "json");
          g_test_add_data_func (text_path, pair, test_text);
          g_test_add_data_func (tool_path, pair, test_tool_round_trip);
          g_free (text_path);
          text_path = g_strdup_printf ("/sy/gateway/translate/%s-to-%s/%s-client-%s-provider",
                                       sy_dialect_to_string (c), sy_dialect_to_string (u),
                                       s ? "stream" : "json", s ? "json" : "stream");
          g_test_add_data_func (text_path, pair, test_shape_mismatch);
        }
  g_test_add_func ("/sy/gateway/translate/count-tokens", test_count_tokens);
  g_test_add_func ("/sy/gateway/translate/openai-output-limit-field", test_openai_output_limit_field);
  g_test_add_func ("/sy/gateway/translate/injection", test_injection);
  return g_test_run ();
}
