/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The global system prompt and thinking budget, per dialect: where they land, that they merge
 * with what the request already says, that "default" leaves a request's own reasoning alone
 * and "override" does not, that everything else in the body survives, and that nothing changes
 * when both are off.
 */
#include <json-glib/json-glib.h>

#include "translate/sy-request-injection.h"

typedef struct
{
  const char       *name;
  SyDialect         dialect;
  const char       *in;
  const char       *prompt;
  SyThinkingPolicy  thinking;
  gint64            tokens;
  const char       *out;
} Case;

static const Case cases[] = {
  { "openai/system-inserted", SY_DIALECT_OPENAI,
    "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"x_custom\":1}",
    "Be brief.", SY_THINKING_PASSTHROUGH, 0,
    "{\"model\":\"m\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
    "{\"role\":\"user\",\"content\":\"hi\"}],\"x_custom\":1}" },
  { "openai/system-merged", SY_DIALECT_OPENAI,
    "{\"messages\":[{\"role\":\"system\",\"content\":\"Own.\"},{\"role\":\"user\",\"content\":\"hi\"}]}",
    "Global.", SY_THINKING_PASSTHROUGH, 0,
    "{\"messages\":[{\"role\":\"system\",\"content\":\"Global.\\n\\nOwn.\"},"
    "{\"role\":\"user\",\"content\":\"hi\"}]}" },
  { "openai/thinking-default-kept", SY_DIALECT_OPENAI,
    "{\"messages\":[],\"reasoning_effort\":\"minimal\"}", NULL, SY_THINKING_DEFAULT, 32000,
    "{\"messages\":[],\"reasoning_effort\":\"minimal\"}" },
  { "openai/thinking-override", SY_DIALECT_OPENAI,
    "{\"messages\":[],\"reasoning_effort\":\"minimal\"}", NULL, SY_THINKING_OVERRIDE, 32000,
    "{\"messages\":[],\"reasoning_effort\":\"high\"}" },
  { "anthropic/system-string", SY_DIALECT_ANTHROPIC,
    "{\"system\":\"Own.\",\"max_tokens\":100,\"messages\":[]}", "Global.",
    SY_THINKING_PASSTHROUGH, 0,
    "{\"system\":\"Global.\\n\\nOwn.\",\"max_tokens\":100,\"messages\":[]}" },
  { "anthropic/system-blocks-keep-cache", SY_DIALECT_ANTHROPIC,
    "{\"system\":[{\"type\":\"text\",\"text\":\"Own.\",\"cache_control\":{\"type\":\"ephemeral\"}}],"
    "\"messages\":[]}", "Global.", SY_THINKING_PASSTHROUGH, 0,
    "{\"system\":[{\"type\":\"text\",\"text\":\"Global.\"},{\"type\":\"text\",\"text\":\"Own.\","
    "\"cache_control\":{\"type\":\"ephemeral\"}}],\"messages\":[]}" },
  { "anthropic/thinking-fits-max-tokens", SY_DIALECT_ANTHROPIC,
    "{\"max_tokens\":4096,\"messages\":[]}", NULL, SY_THINKING_DEFAULT, 8192,
    "{\"max_tokens\":4096,\"messages\":[],\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":4095}}" },
  { "anthropic/thinking-too-small-skipped", SY_DIALECT_ANTHROPIC,
    "{\"max_tokens\":512,\"messages\":[]}", NULL, SY_THINKING_OVERRIDE, 8192,
    "{\"max_tokens\":512,\"messages\":[]}" },
  { "gemini/system-and-thinking", SY_DIALECT_GEMINI,
    "{\"contents\":[],\"generationConfig\":{\"temperature\":0.5}}", "Global.",
    SY_THINKING_DEFAULT, 2048,
    "{\"contents\":[],\"generationConfig\":{\"temperature\":0.5,\"thinkingConfig\":"
    "{\"thinkingBudget\":2048}},\"systemInstruction\":{\"parts\":[{\"text\":\"Global.\"}]}}" },
  { "gemini/own-instruction-first-after-global", SY_DIALECT_GEMINI,
    "{\"system_instruction\":{\"parts\":[{\"text\":\"Own.\"}]},\"contents\":[]}", "Global.",
    SY_THINKING_PASSTHROUGH, 0,
    "{\"system_instruction\":{\"parts\":[{\"text\":\"Global.\"},{\"text\":\"Own.\"}]},\"contents\":[]}" },
  { "responses/instructions-and-effort", SY_DIALECT_RESPONSES,
    "{\"input\":\"hi\",\"instructions\":\"Own.\"}", "Global.", SY_THINKING_OVERRIDE, 8192,
    "{\"input\":\"hi\",\"instructions\":\"Global.\\n\\nOwn.\",\"reasoning\":{\"effort\":\"medium\"}}" },
};

static void
test_case (gconstpointer data)
{
  const Case *c = data;
  SyRequestInjection injection = { c->prompt, c->thinking, c->tokens };
  g_autoptr(GBytes) in = g_bytes_new_static (c->in, strlen (c->in));
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = sy_request_inject (c->dialect, in, &injection, &error);
  g_autoptr(JsonNode) got = NULL;
  g_autoptr(JsonNode) want = json_from_string (c->out, NULL);

  g_assert_no_error (error);
  got = json_from_string (g_bytes_get_data (out, NULL), NULL);
  g_assert_nonnull (got);
  g_assert_nonnull (want);
  if (!json_node_equal (got, want))
    g_error ("%s: got %s", c->name, json_to_string (got, FALSE));
}

static void
test_inactive_is_untouched (void)
{
  SyRequestInjection off = { "", SY_THINKING_DEFAULT, 0 };
  static const char body[] = "{ \"model\" : \"m\" }";
  g_autoptr(GBytes) in = g_bytes_new_static (body, sizeof body - 1);
  g_autoptr(GBytes) out = sy_request_inject (SY_DIALECT_OPENAI, in, &off, NULL);

  g_assert_false (sy_request_injection_is_active (&off));
  g_assert_true (out == in);
}

static void
test_not_an_object (void)
{
  SyRequestInjection on = { "x", SY_THINKING_PASSTHROUGH, 0 };
  g_autoptr(GBytes) in = g_bytes_new_static ("[1]", 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) out = sy_request_inject (SY_DIALECT_OPENAI, in, &on, &error);

  g_assert_null (out);
  g_assert_nonnull (error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sy/translate/injection/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_case);
    }
  g_test_add_func ("/sy/translate/injection/inactive-is-untouched", test_inactive_is_untouched);
  g_test_add_func ("/sy/translate/injection/not-an-object", test_not_an_object);
  return g_test_run ();
}
