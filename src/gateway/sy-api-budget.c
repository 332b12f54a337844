/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * /api/usage/budget: per-key budgets. POST sets one (keyId, limit in USD, period, warningAt),
 * GET lists every budget with what was spent in its current UTC period, PATCH (or PUT) changes
 * the limit or warningAt of one that exists (never creates one), DELETE removes one or all of a
 * key's. A budget is addressed by its key and period (?keyId=&period=): it has no id of its own.
 * Also the "usage" resource's dispatcher, which sends /api/usage/budget here and everything
 * else under /api/usage to the usage API. No enforcement here (SyBudgetGuard).
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-api.h"

#include "gateway/sy-api-fields.h"
#include "gateway/sy-budget-ledger.h"
#include "gateway/sy-http.h"
#include "store/sy-database.h"

#define MAX_LIMIT_USD 1e9

static const char * const period_names[] = { "daily", "weekly", "monthly", NULL };

static gboolean
invalid (GError     **error,
         const char  *message)
{
  g_set_error_literal (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID, message);
  return FALSE;
}

/* A JSON number (integer or not) in (min, max]. */
static gboolean
field_amount (JsonObject  *obj,
              const char  *name,
              gboolean     required,
              double       min,
              double       max,
              double      *out,
              GError     **error)
{
  JsonNode *node = json_object_get_member (obj, name);
  g_autofree char *message = NULL;
  GType type;
  double v;

  if (node == NULL)
    {
      if (!required)
        return TRUE;
      message = g_strdup_printf ("%s: required", name);
      return invalid (error, message);
    }
  type = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    {
      message = g_strdup_printf ("%s: expected a number greater than %g and at most %g", name,
                                 min, max);
      return invalid (error, message);
    }
  v = type == G_TYPE_INT64 ? (double) json_node_get_int (node) : json_node_get_double (node);
  if (!(v > min && v <= max))
    {
      message = g_strdup_printf ("%s: %g is out of range: expected a number greater than %g and "
                                 "at most %g", name, v, min, max);
      return invalid (error, message);
    }
  *out = v;
  return TRUE;
}

static void
build_status (JsonBuilder          *b,
              const SyBudgetStatus *s,
              const char           *key_name)
{
  g_autofree char *start = sy_budget_format_time (s->period_start_ms);
  g_autofree char *reset = sy_budget_format_time (s->reset_ms);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "keyId");
  json_builder_add_string_value (b, s->key_id);
  json_builder_set_member_name (b, "keyName");
  json_builder_add_string_value (b, key_name);
  json_builder_set_member_name (b, "period");
  json_builder_add_string_value (b, sy_budget_period_to_string (s->period));
  json_builder_set_member_name (b, "limit");
  json_builder_add_double_value (b, s->limit_usd);
  json_builder_set_member_name (b, "warningAt");
  json_builder_add_double_value (b, s->warning_at);
  json_builder_set_member_name (b, "spent");
  json_builder_add_double_value (b, s->spent_usd);
  json_builder_set_member_name (b, "reserved");
  json_builder_add_double_value (b, s->reserved_usd);
  json_builder_set_member_name (b, "remaining");
  json_builder_add_double_value (b, MAX (s->limit_usd - s->spent_usd, 0));
  json_builder_set_member_name (b, "percent");
  json_builder_add_double_value (b, 100.0 * s->spent_usd / s->limit_usd);
  json_builder_set_member_name (b, "warning");
  json_builder_add_boolean_value (b, s->spent_usd >= s->warning_at * s->limit_usd);
  json_builder_set_member_name (b, "exceeded");
  json_builder_add_boolean_value (b, s->spent_usd >= s->limit_usd);
  json_builder_set_member_name (b, "periodStart");
  json_builder_add_string_value (b, start);
  json_builder_set_member_name (b, "resetAt");
  json_builder_add_string_value (b, reset);
  json_builder_end_object (b);
}

/* Key id -> name of every key that exists now. */
static GHashTable *
key_names (SyGateway *gateway)
{
  g_autoptr(GPtrArray) keys = sy_api_key_repo_list (sy_gateway_get_api_keys (gateway));
  GHashTable *names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < keys->len; i++)
    {
      SyApiKey *key = g_ptr_array_index (keys, i);

      g_hash_table_replace (names, g_strdup (key->id), g_strdup (key->name));
    }
  return names;
}

/* The statuses to show: those of keys that still exist (a deleted key's budgets went with
 * it; the ledger forgets them here), optionally of one key only. */
static GPtrArray *
list_statuses (SyGateway  *gateway,
               GHashTable *names,
               const char *key_id)
{
  SyBudgetLedger *ledger = sy_gateway_get_budgets (gateway);
  g_autoptr(GPtrArray) all = sy_budget_ledger_list (ledger);
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_budget_status_free);

  for (guint i = 0; i < all->len; i++)
    {
      SyBudgetStatus *s = g_ptr_array_index (all, i);

      if (!g_hash_table_contains (names, s->key_id))
        sy_budget_ledger_forget_key (ledger, s->key_id);
      else if (key_id == NULL || g_str_equal (key_id, s->key_id))
        g_ptr_array_add (out, g_steal_pointer (&all->pdata[i]));
    }
  return out;
}

static void
list_budgets (SyApiCall *call)
{
  const char *raw = g_uri_get_query (soup_server_message_get_uri (call->msg));
  g_autoptr(GHashTable) params = raw ? g_uri_parse_params (raw, -1, "&", G_URI_PARAMS_NONE, NULL)
                                     : NULL;
  g_autoptr(GHashTable) names = key_names (call->gateway);
  g_autoptr(GPtrArray) statuses = NULL;
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  statuses = list_statuses (call->gateway, names,
                            params ? g_hash_table_lookup (params, "keyId") : NULL);
  json_builder_begin_array (b);
  for (guint i = 0; i < statuses->len; i++)
    {
      SyBudgetStatus *s = g_ptr_array_index (statuses, i);

      build_status (b, s, g_hash_table_lookup (names, s->key_id));
    }
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  sy_api_reply (call->msg, SOUP_STATUS_OK, root);
}

/* The one budget of key_id for period, or NULL. */
static SyBudgetStatus *
find_status (GPtrArray      *statuses,
             SyBudgetPeriod  period)
{
  for (guint i = 0; i < statuses->len; i++)
    {
      SyBudgetStatus *s = g_ptr_array_index (statuses, i);

      if (s->period == period)
        return s;
    }
  return NULL;
}

/* Answers with the key's budget for period as GET lists it. */
static void
reply_budget (SyApiCall      *call,
              GHashTable     *names,
              const char     *key_id,
              SyBudgetPeriod  period,
              guint           status)
{
  g_autoptr(GPtrArray) statuses = list_statuses (call->gateway, names, key_id);
  SyBudgetStatus *s = find_status (statuses, period);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  g_assert (s != NULL);
  build_status (b, s, g_hash_table_lookup (names, key_id));
  root = json_builder_get_root (b);
  sy_api_reply (call->msg, status, root);
}

static void
reply_no_budget (SyApiCall  *call,
                 const char *key_id,
                 const char *period_name)
{
  sy_http_respond_error (call->msg, SY_DIALECT_OPENAI, SOUP_STATUS_NOT_FOUND,
                         "invalid_request_error", "not_found",
                         "API key \"%s\" has no %s%sbudget", key_id,
                         period_name ? period_name : "", period_name ? " " : "");
}

/* A budget's address: ?keyId=<id>&period=<period>. Without a period, *period_name is NULL
 * (DELETE then means all of the key's), unless period_required. */
static gboolean
read_address (SyApiCall       *call,
              gboolean         period_required,
              GHashTable     **params,
              const char     **key_id,
              const char     **period_name,
              SyBudgetPeriod  *period,
              GError         **error)
{
  const char *raw = g_uri_get_query (soup_server_message_get_uri (call->msg));

  *params = raw ? g_uri_parse_params (raw, -1, "&", G_URI_PARAMS_NONE, NULL) : NULL;
  *key_id = *params ? g_hash_table_lookup (*params, "keyId") : NULL;
  *period_name = *params ? g_hash_table_lookup (*params, "period") : NULL;
  *period = SY_BUDGET_DAILY;
  if (*key_id == NULL || **key_id == '\0')
    return invalid (error, "keyId: required, as in /api/usage/budget?keyId=<id>&period=monthly");
  if (*period_name == NULL && period_required)
    return invalid (error, "period: required, as in /api/usage/budget?keyId=<id>&period=monthly");
  if (*period_name != NULL && !sy_budget_period_from_string (*period_name, period))
    return invalid (error, period_required
                             ? "period: expected one of daily, weekly, monthly"
                             : "period: expected one of daily, weekly, monthly (or none: all of "
                               "the key's)");
  return TRUE;
}

static void
set_budget (SyApiCall *call)
{
  static const char * const allowed[] = { "keyId", "limit", "period", "warningAt", NULL };
  SyBudgetLedger *ledger = sy_gateway_get_budgets (call->gateway);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) names = key_names (call->gateway);
  g_autofree char *key_id = NULL;
  g_autofree char *period_name = NULL;
  double limit = 0, warning_at = SY_BUDGET_DEFAULT_WARNING_AT;
  SyBudgetPeriod period = SY_BUDGET_DAILY;
  gboolean created = FALSE;

  if (!sy_api_fields_only (call->body, allowed, &error) ||
      !sy_api_field_string (call->body, "keyId", TRUE, 200, &key_id, NULL, &error) ||
      !field_amount (call->body, "limit", TRUE, 0, MAX_LIMIT_USD, &limit, &error) ||
      !sy_api_field_choice (call->body, "period", TRUE, period_names, &period_name, NULL,
                            &error) ||
      !field_amount (call->body, "warningAt", FALSE, 0, 1, &warning_at, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  if (!g_hash_table_contains (names, key_id))
    {
      g_autofree char *message = g_strdup_printf ("keyId: no API key with id \"%s\" "
                                                  "(GET /api/keys lists them)", key_id);

      invalid (&error, message);
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  sy_budget_period_from_string (period_name, &period);
  if (!sy_budget_ledger_set_budget (ledger, key_id, period, limit, warning_at, &created, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  reply_budget (call, names, key_id, period, created ? SOUP_STATUS_CREATED : SOUP_STATUS_OK);
}

/* Changes what the body names (limit, warningAt) of a budget that exists; 404 otherwise. A
 * budget's key and period are what it is: moving one is a DELETE and a POST. */
static void
update_budget (SyApiCall *call)
{
  static const char * const allowed[] = { "limit", "warningAt", NULL };
  SyBudgetLedger *ledger = sy_gateway_get_budgets (call->gateway);
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GHashTable) names = NULL;
  g_autoptr(GPtrArray) statuses = NULL;
  const char *key_id, *period_name;
  SyBudgetPeriod period;
  SyBudgetStatus *current;
  double limit = 0, warning_at = 0;
  gboolean created = FALSE;

  if (!read_address (call, TRUE, &params, &key_id, &period_name, &period, &error) ||
      !sy_api_fields_only (call->body, allowed, &error) ||
      !field_amount (call->body, "limit", FALSE, 0, MAX_LIMIT_USD, &limit, &error) ||
      !field_amount (call->body, "warningAt", FALSE, 0, 1, &warning_at, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  names = key_names (call->gateway);
  statuses = list_statuses (call->gateway, names, key_id);
  current = find_status (statuses, period);
  if (current == NULL)
    {
      reply_no_budget (call, key_id, period_name);
      return;
    }
  if (!json_object_has_member (call->body, "limit"))
    limit = current->limit_usd;
  if (!json_object_has_member (call->body, "warningAt"))
    warning_at = current->warning_at;
  if (!sy_budget_ledger_set_budget (ledger, key_id, period, limit, warning_at, &created, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  reply_budget (call, names, key_id, period, SOUP_STATUS_OK);
}

static void
delete_budget (SyApiCall *call)
{
  g_autoptr(GHashTable) params = NULL;
  g_autoptr(GError) error = NULL;
  const char *key_id, *period_name;
  SyBudgetPeriod period;
  guint removed = 0;

  if (read_address (call, FALSE, &params, &key_id, &period_name, &period, &error))
    sy_budget_ledger_remove (sy_gateway_get_budgets (call->gateway), key_id, period,
                             period_name == NULL, &removed, &error);
  if (error != NULL)
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  if (removed == 0)
    {
      reply_no_budget (call, key_id, period_name);
      return;
    }
  soup_server_message_set_status (call->msg, SOUP_STATUS_NO_CONTENT, NULL);
}

void
sy_api_usage_budget_handle (SyApiCall *call)
{
  if (call->method == SOUP_METHOD_GET)
    list_budgets (call);
  else if (call->method == SOUP_METHOD_POST)
    set_budget (call);
  else if (g_str_equal (call->method, "PATCH") || call->method == SOUP_METHOD_PUT)
    update_budget (call);
  else if (call->method == SOUP_METHOD_DELETE)
    delete_budget (call);
  else
    sy_api_reply_bad_method (call, "GET, POST, PATCH, PUT, DELETE");
}

void
sy_api_usage_dispatch (SyApiCall *call)
{
  if (call->id != NULL && g_str_equal (call->id, "budget"))
    {
      sy_api_usage_budget_handle (call);
      return;
    }
  sy_api_usage_handle (call);   /* GET /api/usage (sy-api-usage.c) */
}
