/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The provider catalog is data: every entry is checked for what the gateway relies on (its id
 * and alias find it, the base URL parses, the auth kind fits the dialect and header, the
 * models are unique and carry limits), and the entries the user guide names are pinned.
 */
#define G_LOG_DOMAIN "sy-test"

#include <string.h>

#include "providers/sy-provider-catalog.h"

static void
test_entry (gconstpointer data)
{
  const SyProviderInfo *info = data;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  guint n_models = 0, n_chat = 0;

  /* Id and alias find this entry, and nothing else answers to them. */
  g_assert_true (sy_provider_catalog_lookup (info->id) == info);
  g_assert_true (sy_provider_catalog_lookup (info->alias) == info);
  g_assert_nonnull (info->name);
  for (const char *p = info->alias; *p != '\0'; p++)
    g_assert_true (g_ascii_islower (*p) || g_ascii_isdigit (*p) || *p == '-');

  /* An absolute https URL without a trailing slash, query or fragment. */
  uri = g_uri_parse (info->base_url, G_URI_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_uri_get_scheme (uri), ==, "https");
  g_assert_nonnull (g_uri_get_host (uri));
  g_assert_null (g_uri_get_query (uri));
  g_assert_null (g_uri_get_fragment (uri));
  g_assert_false (g_str_has_suffix (info->base_url, "/"));

  /* Auth kind, header and dialect agree. */
  g_assert_nonnull (sy_dialect_to_string (info->dialect));
  g_assert_cmpint (info->auth_kind, !=, SY_AUTH_KIND_NONE);
  if (info->dialect == SY_DIALECT_GEMINI_CLI || info->dialect == SY_DIALECT_KIRO)
    g_assert_cmpint (info->auth_kind, ==, SY_AUTH_KIND_OAUTH);
  if (info->auth_kind == SY_AUTH_KIND_OAUTH)
    g_assert_cmpint (info->auth_header, ==, SY_AUTH_HEADER_BEARER);
  else if (info->dialect == SY_DIALECT_ANTHROPIC)
    g_assert_cmpint (info->auth_header, ==, SY_AUTH_HEADER_X_API_KEY);
  else if (info->dialect == SY_DIALECT_GEMINI)
    g_assert_cmpint (info->auth_header, ==, SY_AUTH_HEADER_GOOG_API_KEY);

  /* Extra headers come in name/value pairs with token names. */
  for (const char * const *h = info->extra_headers; h != NULL && h[0] != NULL; h += 2)
    {
      g_assert_nonnull (h[1]);
      g_assert_cmpuint (strlen (h[0]), >, 0);
      for (const char *p = h[0]; *p != '\0'; p++)
        g_assert_true (g_ascii_isalnum (*p) || *p == '-');
    }

  /* Models: at least one, unique ids, limits that fit their type. */
  g_assert_nonnull (info->models);
  for (const SyModelInfo *m = info->models; m->id != NULL; m++)
    {
      SyModelType type;

      n_models++;
      g_assert_cmpuint (strlen (m->id), >, 0);
      g_assert_null (strchr (m->id, ' '));
      g_assert_nonnull (m->name);
      g_assert_true (g_hash_table_add (ids, (gpointer) m->id));
      g_assert_true (sy_provider_info_find_model (info, m->id) == m);
      g_assert_true (sy_model_type_from_string (sy_model_type_to_string (m->type), &type));
      g_assert_cmpint (type, ==, m->type);
      switch (m->type)
        {
        case SY_MODEL_TYPE_CHAT:
          n_chat++;
          g_assert_cmpuint (m->context_length, >, 0);
          g_assert_cmpuint (m->max_output_tokens, >, 0);
          g_assert_cmpuint (m->max_output_tokens, <=, m->context_length);
          break;
        case SY_MODEL_TYPE_EMBEDDING:
          g_assert_cmpuint (m->context_length, >, 0);
          g_assert_cmpuint (m->max_output_tokens, ==, 0);
          break;
        case SY_MODEL_TYPE_IMAGE:
        case SY_MODEL_TYPE_AUDIO:
        default:
          g_assert_cmpuint (m->context_length, ==, 0);
          g_assert_cmpuint (m->max_output_tokens, ==, 0);
          break;
        }
    }
  g_assert_cmpuint (n_models, >, 0);
  /* Only the speech providers have no chat model. */
  if (n_chat == 0)
    g_assert_true (g_str_equal (info->id, "deepgram") || g_str_equal (info->id, "assemblyai"));
  g_assert_null (sy_provider_info_find_model (info, "no-such-model"));
}

/* No id or alias is taken twice, and positions are stable. */
static void
test_unique (void)
{
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  guint n;
  const SyProviderInfo *all = sy_provider_catalog_get_all (&n);

  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (sy_provider_catalog_index (&all[i]), ==, i);
      g_assert_true (g_hash_table_add (names, (gpointer) all[i].id));
      if (!g_str_equal (all[i].alias, all[i].id))
        g_assert_true (g_hash_table_add (names, (gpointer) all[i].alias));
    }
  g_assert_null (sy_provider_catalog_lookup ("no-such-provider"));
  g_assert_null (sy_provider_catalog_lookup (NULL));
}

/* The providers the user guide names, with their prefixes, sign-in and upstream. */
static void
test_guide_providers (void)
{
  static const struct
  {
    const char *id, *alias;
    SyAuthKind  auth;
    SyDialect   dialect;
    const char *base_url;
  } expected[] = {
    { "claude", "cc", SY_AUTH_KIND_OAUTH, SY_DIALECT_ANTHROPIC, "https://api.anthropic.com/v1" },
    { "codex", "cx", SY_AUTH_KIND_OAUTH, SY_DIALECT_RESPONSES,
      "https://chatgpt.com/backend-api/codex" },
    { "gemini-cli", "gc", SY_AUTH_KIND_OAUTH, SY_DIALECT_GEMINI_CLI,
      "https://cloudcode-pa.googleapis.com" },
    { "github", "gh", SY_AUTH_KIND_OAUTH, SY_DIALECT_OPENAI, "https://api.githubcopilot.com" },
    { "qwen", "qw", SY_AUTH_KIND_OAUTH, SY_DIALECT_OPENAI, "https://portal.qwen.ai/v1" },
    { "kiro", "kr", SY_AUTH_KIND_OAUTH, SY_DIALECT_KIRO,
      "https://codewhisperer.us-east-1.amazonaws.com" },
    { "iflow", "if", SY_AUTH_KIND_OAUTH, SY_DIALECT_OPENAI, "https://apis.iflow.cn/v1" },
    { "minimax", "minimax", SY_AUTH_KIND_APIKEY, SY_DIALECT_OPENAI, NULL },
    { "deepseek", "ds", SY_AUTH_KIND_APIKEY, SY_DIALECT_OPENAI, NULL },
    { "perplexity", "pplx", SY_AUTH_KIND_APIKEY, SY_DIALECT_OPENAI, NULL },
    { "glm", "glm", SY_AUTH_KIND_APIKEY, SY_DIALECT_OPENAI, NULL },
    { "kimi", "kimi", SY_AUTH_KIND_APIKEY, SY_DIALECT_OPENAI, NULL },
    { "nvidia", "nvidia", SY_AUTH_KIND_APIKEY, SY_DIALECT_OPENAI, NULL },
    { "anthropic", "anthropic", SY_AUTH_KIND_APIKEY, SY_DIALECT_ANTHROPIC, NULL },
    { "gemini", "gemini", SY_AUTH_KIND_APIKEY, SY_DIALECT_GEMINI, NULL },
  };
  /* Model ids the guide's examples use. */
  static const char * const guide_models[] = {
    "cc/claude-opus-4-6", "cc/claude-sonnet-4-5-20250929", "cc/claude-haiku-4-5-20251001",
    "cx/gpt-5.2-codex", "cx/gpt-5.1-codex-max", "gc/gemini-3-flash-preview", "gc/gemini-2.5-pro",
    "gh/gpt-5", "glm/glm-4.7", "minimax/MiniMax-M2.1", "kimi/kimi-latest",
    "if/kimi-k2-thinking", "if/qwen3-coder-plus", "if/glm-4.7", "if/minimax-m2",
    "if/deepseek-r1", "qw/qwen3-coder-plus", "qw/qwen3-coder-flash", "kr/claude-sonnet-4.5",
    "kr/claude-haiku-4.5",
  };
  const SyProviderInfo *openrouter = sy_provider_catalog_lookup ("openrouter");
  gboolean referer = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      const SyProviderInfo *info = sy_provider_catalog_lookup (expected[i].alias);

      g_assert_nonnull (info);
      g_assert_cmpstr (info->id, ==, expected[i].id);
      g_assert_cmpint (info->auth_kind, ==, expected[i].auth);
      g_assert_cmpint (info->dialect, ==, expected[i].dialect);
      if (expected[i].base_url != NULL)
        g_assert_cmpstr (info->base_url, ==, expected[i].base_url);
    }
  for (guint i = 0; i < G_N_ELEMENTS (guide_models); i++)
    {
      const char *slash = strchr (guide_models[i], '/');
      g_autofree char *prefix = g_strndup (guide_models[i], slash - guide_models[i]);
      const SyProviderInfo *info = sy_provider_catalog_lookup (prefix);

      g_assert_nonnull (info);
      if (sy_provider_info_find_model (info, slash + 1) == NULL)
        g_error ("%s is not in the catalog", guide_models[i]);
    }

  for (const char * const *h = openrouter->extra_headers; h != NULL && h[0] != NULL; h += 2)
    referer |= g_str_equal (h[0], "HTTP-Referer");
  g_assert_true (referer);
}

static void
test_strings (void)
{
  SyModelType type = SY_MODEL_TYPE_CHAT;

  g_assert_cmpstr (sy_auth_kind_to_string (SY_AUTH_KIND_APIKEY), ==, "apikey");
  g_assert_cmpstr (sy_auth_kind_to_string (SY_AUTH_KIND_OAUTH), ==, "oauth");
  g_assert_cmpstr (sy_auth_kind_to_string (SY_AUTH_KIND_NONE), ==, "none");
  g_assert_true (sy_model_type_from_string ("embedding", &type));
  g_assert_cmpint (type, ==, SY_MODEL_TYPE_EMBEDDING);
  g_assert_false (sy_model_type_from_string ("video", &type));
  g_assert_false (sy_model_type_from_string (NULL, &type));
  g_assert_cmpint (type, ==, SY_MODEL_TYPE_EMBEDDING);
}

int
main (int   argc,
      char *argv[])
{
  guint n;
  const SyProviderInfo *all;

  g_test_init (&argc, &argv, NULL);
  all = sy_provider_catalog_get_all (&n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("/sy/providers/catalog/entry/%s", all[i].id);

      g_test_add_data_func (path, &all[i], test_entry);
    }
  g_test_add_func ("/sy/providers/catalog/unique", test_unique);
  g_test_add_func ("/sy/providers/catalog/guide-providers", test_guide_providers);
  g_test_add_func ("/sy/providers/catalog/strings", test_strings);
  return g_test_run ();
}
