/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * /api/combos: named chains of models ({"name", "strategy", "models": [{"model", "weight"}],
 * "sortOrder"}), addressed by id or by name. A name is what clients send as the model, so it
 * may not shadow a provider id, alias or node prefix, nor lead back to itself through its
 * members. A body is validated whole before anything is written; routing is not done here.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-api.h"

#include "core/sy-name-fold.h"
#include "gateway/sy-api-fields.h"
#include "gateway/sy-http.h"
#include "providers/sy-provider-catalog.h"
#include "store/sy-database.h"

#define MAX_NAME_LEN    64
#define MAX_MODEL_LEN   256
#define MAX_MEMBERS     100
#define MAX_WEIGHT      1000

static const char * const combo_fields[] = {
  "name", "strategy", "accountStrategy", "models", "sortOrder", NULL
};
static const char * const member_fields[] = { "model", "weight", NULL };

/* "default" follows the global routing setting; the others are SyComboStrategy's names. */
static const char * const strategies[] = {
  "default", "priority", "round-robin", "random", "weighted", "least-used", "cost-optimized",
  NULL
};

/* "default" follows routingStrategy; the others are SyAccountStrategy's names. */
static const char * const account_strategies[] = {
  "default", "fill-first", "round-robin", "p2c", "random", "least-used", "cost-optimized", NULL
};

static JsonNode *
combo_to_json (SyCombo *combo)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, combo->id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, combo->name);
  json_builder_set_member_name (b, "strategy");
  json_builder_add_string_value (b, combo->strategy);
  json_builder_set_member_name (b, "accountStrategy");
  json_builder_add_string_value (b, combo->account_strategy);
  json_builder_set_member_name (b, "models");
  sy_combo_write_members (combo, b);
  json_builder_set_member_name (b, "sortOrder");
  json_builder_add_int_value (b, combo->sort_order);
  json_builder_set_member_name (b, "createdAt");
  json_builder_add_int_value (b, combo->created_at);
  json_builder_set_member_name (b, "updatedAt");
  json_builder_add_int_value (b, combo->updated_at);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
reply_combo (SyApiCall *call,
             guint      status,
             SyCombo   *combo)
{
  g_autoptr(JsonNode) root = combo_to_json (combo);

  sy_api_reply (call->msg, status, root);
}

/* The next version of a stored combo: records are immutable once shared. */
static SyCombo *
copy_combo (SyCombo *current)
{
  SyCombo *next = sy_combo_new ();

  next->id = g_strdup (current->id);
  next->name = g_strdup (current->name);
  g_free (next->strategy);
  next->strategy = g_strdup (current->strategy);
  g_free (next->account_strategy);
  next->account_strategy = g_strdup (current->account_strategy);
  for (guint i = 0; i < current->members->len; i++)
    {
      SyComboMember *member = g_ptr_array_index (current->members, i);

      sy_combo_add_member (next, member->model, member->weight);
    }
  next->sort_order = current->sort_order;
  next->created_at = current->created_at;
  next->updated_at = current->updated_at;
  return next;
}

/* One element of "models": "prefix/model" or {"model": "prefix/model", "weight": 1}. */
static gboolean
read_member (JsonNode  *element,
             guint      index,
             SyCombo   *combo,
             GError   **error)
{
  g_autofree char *label = g_strdup_printf ("models[%u]", index);
  g_autofree char *model = NULL;
  gint64 weight = 1;
  JsonObject *obj;

  if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
    {
      if (!sy_api_value_string (element, label, MAX_MODEL_LEN, &model, error))
        return FALSE;
      sy_combo_add_member (combo, model, (guint) weight);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (element))
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID,
                   "%s: expected a model string or {\"model\": \"...\", \"weight\": 1}", label);
      return FALSE;
    }

  obj = json_node_get_object (element);
  if (!sy_api_fields_only (obj, member_fields, error) ||
      !sy_api_field_string (obj, "model", TRUE, MAX_MODEL_LEN, &model, NULL, error) ||
      !sy_api_field_int (obj, "weight", 0, MAX_WEIGHT, &weight, NULL, error))
    {
      g_prefix_error (error, "%s.", label);
      return FALSE;
    }
  sy_combo_add_member (combo, model, (guint) weight);
  return TRUE;
}

/* "models" replaces the whole list: 1..MAX_MEMBERS entries. */
static gboolean
read_members (JsonObject  *body,
              SyCombo     *combo,
              gboolean     required,
              GError     **error)
{
  JsonNode *node = json_object_get_member (body, "models");
  JsonArray *array;
  guint n;

  if (node == NULL)
    {
      if (!required)
        return TRUE;
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID, "models: is required");
      return FALSE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID,
                   "models: expected an array of models");
      return FALSE;
    }
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (n < 1 || n > MAX_MEMBERS)
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID,
                   "models: expected 1 to %u entries (got %u)", MAX_MEMBERS, n);
      return FALSE;
    }

  g_ptr_array_set_size (combo->members, 0);
  for (guint i = 0; i < n; i++)
    if (!read_member (json_array_get_element (array, i), i, combo, error))
      return FALSE;
  return TRUE;
}

/* A combo name is a model string: it may not read as a provider or a node prefix. Both are
 * lower-case, and combo names compare case-insensitively. */
static gboolean
check_name_free (SyGateway   *gateway,
                 const char  *name,
                 GError     **error)
{
  g_autofree char *lower = g_ascii_strdown (name, -1);
  g_autoptr(SyProviderNode) node = NULL;
  const SyProviderInfo *info = sy_provider_catalog_lookup (lower);

  if (info != NULL)
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID,
                   "name: \"%s\" is the built-in provider %s; choose another name", name,
                   info->name);
      return FALSE;
    }
  node = sy_node_repo_lookup_by_prefix (sy_gateway_get_nodes (gateway), lower);
  if (node != NULL)
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID,
                   "name: \"%s\" is the prefix of provider node \"%s\"; choose another name",
                   name, node->name);
      return FALSE;
    }
  return TRUE;
}

/* Whether the combo called start_name (or a combo it names, and so on) names target. The
 * stored version of the combo being saved (skip_id) is left out: its members are replaced.
 * visited holds the case-folded names already explored without reaching target. */
static gboolean
leads_to (SyComboRepo *repo,
          const char  *start_name,
          const char  *target,
          const char  *skip_id,
          GHashTable  *visited)
{
  g_autoptr(GQueue) queue = g_queue_new ();
  char *key = sy_name_fold (start_name);

  if (!g_hash_table_add (visited, key))
    return FALSE;
  g_queue_push_tail (queue, g_strdup (start_name));

  while (!g_queue_is_empty (queue))
    {
      g_autofree char *name = g_queue_pop_head (queue);
      g_autoptr(SyCombo) combo = sy_combo_repo_lookup_by_name (repo, name);

      if (combo == NULL || g_str_equal (combo->id, skip_id))
        continue;
      for (guint i = 0; i < combo->members->len; i++)
        {
          SyComboMember *member = g_ptr_array_index (combo->members, i);
          g_autofree char *member_key = sy_name_fold (member->model);

          if (g_str_equal (member_key, target))
            {
              g_queue_free_full (g_steal_pointer (&queue), g_free);
              return TRUE;
            }
          if (g_hash_table_add (visited, g_steal_pointer (&member_key)))
            g_queue_push_tail (queue, g_strdup (member->model));
        }
    }
  return FALSE;
}

/* A combo may name other combos, but never itself, directly or through them: the router would
 * loop. */
static gboolean
check_no_loop (SyComboRepo  *repo,
               SyCombo      *combo,
               GError      **error)
{
  g_autofree char *target = sy_name_fold (combo->name);
  g_autoptr(GHashTable) visited = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < combo->members->len; i++)
    {
      SyComboMember *member = g_ptr_array_index (combo->members, i);
      g_autofree char *key = sy_name_fold (member->model);

      if (g_str_equal (key, target))
        {
          g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID,
                       "models[%u]: \"%s\" is this combo; a combo cannot contain itself", i,
                       member->model);
          return FALSE;
        }
      if (leads_to (repo, member->model, target, combo->id, visited))
        {
          g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID,
                       "models[%u]: combo \"%s\" leads back to \"%s\"; combos cannot loop", i,
                       member->model, combo->name);
          return FALSE;
        }
    }
  return TRUE;
}

/* Reads the body into combo: every field when creating (current NULL), the given ones when
 * updating. Nothing is stored here. */
static gboolean
read_combo (SyApiCall  *call,
            SyCombo    *combo,
            SyCombo    *current,
            GError    **error)
{
  JsonObject *body = call->body;
  gint64 sort_order = combo->sort_order;
  gboolean name_given = FALSE;

  if (!sy_api_fields_only (body, combo_fields, error) ||
      !sy_api_field_identifier (body, "name", current == NULL, MAX_NAME_LEN, &combo->name,
                                &name_given, error) ||
      !sy_api_field_choice (body, "strategy", FALSE, strategies, &combo->strategy, NULL, error) ||
      !sy_api_field_choice (body, "accountStrategy", FALSE, account_strategies,
                            &combo->account_strategy, NULL, error) ||
      !read_members (body, combo, current == NULL, error) ||
      !sy_api_field_int (body, "sortOrder", G_MININT, G_MAXINT, &sort_order, NULL, error))
    return FALSE;
  combo->sort_order = (int) sort_order;

  if (name_given)
    {
      g_autofree char *new_key = sy_name_fold (combo->name);
      g_autofree char *old_key = current ? sy_name_fold (current->name) : NULL;

      if (g_strcmp0 (new_key, old_key) != 0 && !check_name_free (call->gateway, combo->name, error))
        return FALSE;
    }
  return check_no_loop (sy_gateway_get_combos (call->gateway), combo, error);
}

static void
create_combo (SyApiCall *call)
{
  g_autoptr(SyCombo) combo = sy_combo_new ();
  g_autoptr(GError) error = NULL;

  combo->id = sy_record_new_id ();
  if (!read_combo (call, combo, NULL, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  combo->created_at = combo->updated_at = sy_record_now_ms ();
  if (!sy_combo_repo_save (sy_gateway_get_combos (call->gateway), combo, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  reply_combo (call, SOUP_STATUS_CREATED, combo);
}

static void
list_combos (SyApiCall *call)
{
  g_autoptr(GPtrArray) combos = sy_combo_repo_list (sy_gateway_get_combos (call->gateway));
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < combos->len; i++)
    json_array_add_element (array, combo_to_json (g_ptr_array_index (combos, i)));
  json_node_set_array (root, array);
  sy_api_reply (call->msg, SOUP_STATUS_OK, root);
}

static void
update_combo (SyApiCall *call,
              SyCombo   *current)
{
  g_autoptr(SyCombo) next = copy_combo (current);
  g_autoptr(GError) error = NULL;

  if (!read_combo (call, next, current, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  next->updated_at = MAX (sy_record_now_ms (), current->updated_at);
  if (!sy_combo_repo_save (sy_gateway_get_combos (call->gateway), next, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  reply_combo (call, SOUP_STATUS_OK, next);
}

static void
delete_combo (SyApiCall *call,
              SyCombo   *combo)
{
  g_autoptr(GError) error = NULL;

  if (!sy_combo_repo_delete (sy_gateway_get_combos (call->gateway), combo->id, &error))
    {
      sy_api_reply_gerror (call->msg, error);
      return;
    }
  soup_server_message_set_status (call->msg, SOUP_STATUS_NO_CONTENT, NULL);
}

void
sy_api_combos_handle (SyApiCall *call)
{
  SyComboRepo *repo = sy_gateway_get_combos (call->gateway);
  g_autoptr(SyCombo) combo = NULL;

  if (call->id == NULL)
    {
      if (call->method == SOUP_METHOD_POST)
        create_combo (call);
      else if (call->method == SOUP_METHOD_GET)
        list_combos (call);
      else
        sy_api_reply_bad_method (call, "GET, POST");
      return;
    }

  /* {id} is the id or, as clients know it, the name. */
  combo = sy_combo_repo_lookup (repo, call->id);
  if (combo == NULL)
    combo = sy_combo_repo_lookup_by_name (repo, call->id);
  if (combo == NULL)
    {
      sy_http_respond_error (call->msg, SY_DIALECT_OPENAI, SOUP_STATUS_NOT_FOUND,
                             "invalid_request_error", "not_found",
                             "no combo with id or name \"%s\"", call->id);
      return;
    }
  if (call->method == SOUP_METHOD_GET)
    reply_combo (call, SOUP_STATUS_OK, combo);
  else if (call->method == SOUP_METHOD_PUT || g_str_equal (call->method, "PATCH"))
    update_combo (call, combo);
  else if (call->method == SOUP_METHOD_DELETE)
    delete_combo (call, combo);
  else
    sy_api_reply_bad_method (call, "GET, PUT, PATCH, DELETE");
}
