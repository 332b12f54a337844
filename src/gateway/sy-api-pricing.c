/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * /api/pricing: the pricing table, USD per million tokens per provider and model. GET lists
 * (filters provider and model), PUT sets one price (a user's price: seeding never overrides
 * it), DELETE removes one (a removed default stays removed). Provider aliases ("ds") are
 * stored as the catalog id ("deepseek"), the name usage rows carry. No pricing logic here:
 * SyPricingRepo owns it.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-api.h"

#include <math.h>
#include <string.h>

#include "gateway/sy-api-fields.h"
#include "gateway/sy-http.h"
#include "providers/sy-provider-catalog.h"

#define MAX_PRICE_PER_MTOK 100000.0

/* The name usage rows carry: a catalog alias becomes its id; node prefixes stay. */
static char *
canonical_provider (const char *provider)
{
  const SyProviderInfo *info = sy_provider_catalog_lookup (provider);

  return g_strdup (info != NULL ? info->id : provider);
}

static gboolean
check_provider (const char  *provider,
                GError     **error)
{
  if (*provider == '\0' || strlen (provider) > 64)
    return sy_api_invalid (error, "provider: expected 1 to 64 characters");
  for (const char *p = provider; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '.' || *p == '_' || *p == '-'))
      return sy_api_invalid (error, "provider: use letters, digits, '.', '_' or '-' (got \"%s\")",
                      provider);
  return TRUE;
}

static gboolean
check_model (const char  *model,
             GError     **error)
{
  if (*model == '\0' || strlen (model) > 256)
    return sy_api_invalid (error, "model: expected 1 to 256 characters");
  for (const char *p = model; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      return sy_api_invalid (error, "model: must not contain control characters");
  return TRUE;
}

/* A price member: a JSON number, finite, 0 to MAX_PRICE_PER_MTOK. */
static gboolean
read_price (JsonObject  *obj,
            const char  *name,
            gboolean     required,
            double      *out,
            gboolean    *present,
            GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);
  GType type;
  double v;

  *present = node != NULL;
  if (node == NULL)
    return required ? sy_api_invalid (error, "%s: is required (USD per million tokens)", name)
                    : TRUE;
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type == G_TYPE_INT64)
    v = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    v = json_node_get_double (node);
  else
    return sy_api_invalid (error, "%s: expected a number (USD per million tokens)", name);
  if (!isfinite (v) || v < 0 || v > MAX_PRICE_PER_MTOK)
    return sy_api_invalid (error, "%s: %g is out of range 0..%g", name, v, MAX_PRICE_PER_MTOK);
  *out = v;
  return TRUE;
}

static void
build_entry (JsonBuilder        *b,
             const SyPriceEntry *e)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "provider");
  json_builder_add_string_value (b, e->provider);
  json_builder_set_member_name (b, "model");
  json_builder_add_string_value (b, e->model);
  json_builder_set_member_name (b, "inputPerMTok");
  json_builder_add_double_value (b, e->price.input_per_mtok);
  json_builder_set_member_name (b, "outputPerMTok");
  json_builder_add_double_value (b, e->price.output_per_mtok);
  json_builder_set_member_name (b, "cachedPerMTok");
  json_builder_add_double_value (b, e->price.cached_per_mtok);
  json_builder_set_member_name (b, "source");
  json_builder_add_string_value (b, e->is_default ? "default" : "user");
  json_builder_end_object (b);
}

/* provider and model from the query string, checked; either may be absent unless required. */
static gboolean
read_query (SyApiCall  *call,
            gboolean    required,
            char      **provider,
            char      **model,
            GError    **error)
{
  const char *raw = g_uri_get_query (soup_server_message_get_uri (call->msg));
  g_autoptr(GHashTable) params = raw ? soup_form_decode (raw) : NULL;
  GHashTableIter iter;
  gpointer name;
  const char *p, *m;

  if (params != NULL)
    {
      g_hash_table_iter_init (&iter, params);
      while (g_hash_table_iter_next (&iter, &name, NULL))
        if (!g_str_equal (name, "provider") && !g_str_equal (name, "model"))
          return sy_api_invalid (error, "%s: unknown parameter; use provider and model",
                                 (char *) name);
    }
  p = params ? g_hash_table_lookup (params, "provider") : NULL;
  m = params ? g_hash_table_lookup (params, "model") : NULL;
  if (required && p == NULL)
    return sy_api_invalid (error, "provider: required, as in ?provider=openai&model=gpt-4o");
  if (required && m == NULL)
    return sy_api_invalid (error, "model: required, as in ?provider=openai&model=gpt-4o");
  if ((p != NULL && !check_provider (p, error)) || (m != NULL && !check_model (m, error)))
    return FALSE;
  *provider = p ? canonical_provider (p) : NULL;
  *model = g_strdup (m);
  return TRUE;
}

static void
list_prices (SyApiCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *provider = NULL;
  g_autofree char *model = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  if (!read_query (call, FALSE, &provider, &model, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  entries = sy_pricing_repo_list (sy_gateway_get_pricing (call->gateway), provider, model);
  json_builder_begin_array (b);
  for (guint i = 0; i < entries->len; i++)
    build_entry (b, g_ptr_array_index (entries, i));
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  sy_api_reply (call->msg, SOUP_STATUS_OK, root);
}

static void
set_price (SyApiCall *call)
{
  static const char * const allowed[] = {
    "provider", "model", "inputPerMTok", "outputPerMTok", "cachedPerMTok", NULL
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *provider = NULL;
  g_autofree char *model = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  SyPriceEntry entry = { 0 };
  gboolean present, has_cached;

  if (!sy_api_fields_only (call->body, allowed, &error) ||
      !sy_api_field_string (call->body, "provider", TRUE, 64, &provider, NULL, &error) ||
      !check_provider (provider, &error) ||
      !sy_api_field_string (call->body, "model", TRUE, 256, &model, NULL, &error) ||
      !read_price (call->body, "inputPerMTok", TRUE, &entry.price.input_per_mtok, &present,
                   &error) ||
      !read_price (call->body, "outputPerMTok", TRUE, &entry.price.output_per_mtok, &present,
                   &error) ||
      !read_price (call->body, "cachedPerMTok", FALSE, &entry.price.cached_per_mtok,
                   &has_cached, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  /* No cache discount unless one is given. */
  if (!has_cached)
    entry.price.cached_per_mtok = entry.price.input_per_mtok;

  entry.provider = canonical_provider (provider);
  entry.model = model;
  if (!sy_pricing_repo_set (sy_gateway_get_pricing (call->gateway), entry.provider, entry.model,
                            &entry.price, &error))
    {
      g_free (entry.provider);
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  build_entry (b, &entry);
  g_free (entry.provider);
  root = json_builder_get_root (b);
  sy_api_reply (call->msg, SOUP_STATUS_OK, root);
}

static void
delete_price (SyApiCall *call)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *provider = NULL;
  g_autofree char *model = NULL;

  if (!read_query (call, TRUE, &provider, &model, &error) ||
      !sy_pricing_repo_delete (sy_gateway_get_pricing (call->gateway), provider, model, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  soup_server_message_set_status (call->msg, SOUP_STATUS_NO_CONTENT, NULL);
}

void
sy_api_pricing_handle (SyApiCall *call)
{
  if (call->id != NULL)
    {
      sy_http_respond_error (call->msg, SY_DIALECT_OPENAI, SOUP_STATUS_NOT_FOUND,
                             "invalid_request_error", "not_found",
                             "no management route for %s /api/pricing/%s; name the price with "
                             "?provider=&model=", call->method, call->id);
      return;
    }
  if (call->method == SOUP_METHOD_GET)
    list_prices (call);
  else if (call->method == SOUP_METHOD_PUT)
    set_price (call);
  else if (call->method == SOUP_METHOD_DELETE)
    delete_price (call);
  else
    sy_api_reply_bad_method (call, "GET, PUT, DELETE");
}
