/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * /api/combos through the real server: create, list, get by id and by name, partial update,
 * delete; every validation refusal (a 400 naming the field, nothing written), name conflicts
 * (409), names that would shadow a provider, loops through members, and the combos a restarted
 * gateway reads back from the same data dir.
 */
#define G_LOG_DOMAIN "sy-test"

#include <string.h>

#include "routing/sy-strategy.h"
#include "sy-test-gateway-fixture.h"

typedef SyTestGatewayFixture Fixture;

/* --- helpers ------------------------------------------------------------------------------- */

/* {"error": {"message", "type", "code"}} with status, and code if not NULL. */
static void
assert_error (SyTestResponse *r,
              guint           status,
              const char     *code)
{
  g_autofree char *body = sy_test_response_dup_body (r);

  if (r->status != status)
    g_error ("expected %u, got %u: %s", status, r->status, body);
  g_assert_cmpstr (soup_message_headers_get_content_type (r->headers, NULL), ==,
                   "application/json");
  g_assert_nonnull (sy_test_response_get_string (r, "error.message"));
  g_assert_cmpstr (sy_test_response_get_string (r, "error.type"), ==,
                   status == 401 ? "authentication_error" : "invalid_request_error");
  if (code != NULL)
    g_assert_cmpstr (sy_test_response_get_string (r, "error.code"), ==, code);
}

/* A 400 invalid_value whose message starts with the field: "field: ..." or "field[2]...". */
static void
assert_field_error (SyTestResponse *r,
                    const char     *label,
                    const char     *field)
{
  const char *message;
  size_t n = strlen (field);

  if (r->status != 400)
    {
      g_autofree char *body = sy_test_response_dup_body (r);

      g_error ("%s: expected 400 naming \"%s\", got %u: %s", label, field, r->status, body);
    }
  assert_error (r, 400, "invalid_value");
  message = sy_test_response_get_string (r, "error.message");
  if (strncmp (message, field, n) != 0 || (message[n] != ':' && message[n] != '[' &&
                                           message[n] != '.'))
    g_error ("%s: expected a message starting with \"%s\", got \"%s\"", label, field, message);
}

static char *
create_combo (Fixture    *f,
              const char *json)
{
  g_autoptr(SyTestResponse) r = sy_test_gateway_api (f->t, "POST", "/api/combos", json);

  if (r->status != 201)
    {
      g_autofree char *body = sy_test_response_dup_body (r);

      g_error ("POST /api/combos %s: expected 201, got %u: %s", json, r->status, body);
    }
  return g_strdup (sy_test_response_get_string (r, "id"));
}

static guint
count_combos (Fixture *f)
{
  g_autoptr(SyTestResponse) r = sy_test_gateway_api (f->t, "GET", "/api/combos", NULL);

  g_assert_cmpuint (r->status, ==, 200);
  return json_array_get_length (sy_test_response_get_array (r));
}

/* The members of a combo reply as "model*weight,model*weight". */
static char *
members_text (SyTestResponse *r)
{
  JsonArray *models = json_object_get_array_member (sy_test_response_get_object (r), "models");
  GString *s = g_string_new (NULL);

  g_assert_nonnull (models);
  for (guint i = 0; i < json_array_get_length (models); i++)
    {
      JsonObject *m = json_array_get_object_element (models, i);

      g_assert_nonnull (m);
      g_assert_cmpuint (json_object_get_size (m), ==, 2);
      g_string_append_printf (s, "%s%s*%" G_GINT64_FORMAT, i ? "," : "",
                              json_object_get_string_member (m, "model"),
                              json_object_get_int_member (m, "weight"));
    }
  return g_string_free (s, FALSE);
}

/* === CRUD ================================================================================== */

static void
test_combos_crud (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(SyTestResponse) created = NULL;
  g_autoptr(SyTestResponse) list = NULL;
  g_autoptr(SyTestResponse) by_id = NULL;
  g_autoptr(SyTestResponse) by_name = NULL;
  g_autoptr(SyTestResponse) by_other_case = NULL;
  g_autoptr(SyTestResponse) updated = NULL;
  g_autoptr(SyTestResponse) replaced = NULL;
  g_autoptr(SyTestResponse) renamed = NULL;
  g_autoptr(SyTestResponse) old_name = NULL;
  g_autoptr(SyTestResponse) new_name = NULL;
  g_autoptr(SyTestResponse) deleted = NULL;
  g_autoptr(SyTestResponse) gone = NULL;
  g_autoptr(SyTestResponse) gone_by_name = NULL;
  g_autoptr(SyTestResponse) delete_again = NULL;
  g_autoptr(SyTestResponse) put_gone = NULL;
  g_autofree char *id = NULL;
  g_autofree char *members = NULL;
  g_autofree char *stored_name = NULL;
  g_autofree char *stored_data = NULL;
  g_autofree char *stored_strategy = NULL;
  JsonObject *obj;

  created = sy_test_gateway_api (f->t, "POST", "/api/combos",
                                 "{\"name\":\"Free-Forever\",\"models\":[\"mock/m1\","
                                 "{\"model\":\"mock/m2\",\"weight\":5},"
                                 "{\"model\":\"glm/glm-4.7\"}]}");
  g_assert_cmpuint (created->status, ==, 201);
  obj = sy_test_response_get_object (created);
  g_assert_cmpuint (json_object_get_size (obj), ==, 8);
  id = g_strdup (sy_test_response_get_string (created, "id"));
  g_assert_nonnull (id);
  g_assert_cmpuint (strlen (id), >=, 16);
  g_assert_cmpstr (sy_test_response_get_string (created, "name"), ==, "Free-Forever");
  g_assert_cmpstr (sy_test_response_get_string (created, "strategy"), ==, "default");
  members = members_text (created);
  g_assert_cmpstr (members, ==, "mock/m1*1,mock/m2*5,glm/glm-4.7*1");
  g_assert_cmpint (sy_test_response_get_int_member (created, "sortOrder"), ==, 0);
  g_assert_cmpint (sy_test_response_get_int_member (created, "createdAt"), >, 0);
  g_assert_cmpint (sy_test_response_get_int_member (created, "updatedAt"), ==,
                   sy_test_response_get_int_member (created, "createdAt"));

  stored_name = sy_test_gateway_query_db_text (f->t, "SELECT name FROM combos WHERE id = ?", id);
  g_assert_cmpstr (stored_name, ==, "Free-Forever");
  stored_data = sy_test_gateway_query_db_text (f->t, "SELECT data FROM combos WHERE id = ?", id);
  g_assert_cmpstr (stored_data, ==,
                   "{\"models\":[{\"model\":\"mock/m1\",\"weight\":1},"
                   "{\"model\":\"mock/m2\",\"weight\":5},{\"model\":\"glm/glm-4.7\","
                   "\"weight\":1}],\"accountStrategy\":\"default\"}");

  list = sy_test_gateway_api (f->t, "GET", "/api/combos", NULL);
  g_assert_cmpuint (list->status, ==, 200);
  g_assert_cmpuint (json_array_get_length (sy_test_response_get_array (list)), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (
                     json_array_get_object_element (sy_test_response_get_array (list), 0),
                     "id"), ==, id);

  by_id = sy_test_gateway_api_printf (f->t, "GET", NULL, "/api/combos/%s", id);
  by_name = sy_test_gateway_api (f->t, "GET", "/api/combos/Free-Forever", NULL);
  by_other_case = sy_test_gateway_api (f->t, "GET", "/api/combos/free-FOREVER", NULL);
  g_assert_cmpuint (by_id->status, ==, 200);
  g_assert_cmpuint (by_name->status, ==, 200);
  g_assert_cmpuint (by_other_case->status, ==, 200);
  g_assert_cmpstr (sy_test_response_get_string (by_id, "name"), ==, "Free-Forever");
  g_assert_cmpstr (sy_test_response_get_string (by_name, "id"), ==, id);
  g_assert_cmpstr (sy_test_response_get_string (by_other_case, "id"), ==, id);

  /* PUT changes the given fields only */
  sy_test_wait_ms (2);
  updated = sy_test_gateway_api (f->t, "PUT", "/api/combos/free-forever",
                                 "{\"strategy\":\"weighted\",\"sortOrder\":-3}");
  g_assert_cmpuint (updated->status, ==, 200);
  g_assert_cmpstr (sy_test_response_get_string (updated, "id"), ==, id);
  g_assert_cmpstr (sy_test_response_get_string (updated, "name"), ==, "Free-Forever");
  g_assert_cmpstr (sy_test_response_get_string (updated, "strategy"), ==, "weighted");
  g_assert_cmpint (sy_test_response_get_int_member (updated, "sortOrder"), ==, -3);
  g_clear_pointer (&members, g_free);
  members = members_text (updated);
  g_assert_cmpstr (members, ==, "mock/m1*1,mock/m2*5,glm/glm-4.7*1");
  g_assert_cmpint (sy_test_response_get_int_member (updated, "createdAt"), ==,
                   sy_test_response_get_int_member (created, "createdAt"));
  g_assert_cmpint (sy_test_response_get_int_member (updated, "updatedAt"), >,
                   sy_test_response_get_int_member (created, "updatedAt"));
  stored_strategy = sy_test_gateway_query_db_text (f->t,
                                                   "SELECT strategy FROM combos WHERE id = ?", id);
  g_assert_cmpstr (stored_strategy, ==, "weighted");

  /* models replace the whole list */
  replaced = sy_test_gateway_api_printf (f->t, "PUT",
                                         "{\"models\":[{\"model\":\"mock/m3\",\"weight\":0}]}",
                                         "/api/combos/%s", id);
  g_assert_cmpuint (replaced->status, ==, 200);
  g_clear_pointer (&members, g_free);
  members = members_text (replaced);
  g_assert_cmpstr (members, ==, "mock/m3*0");
  g_assert_cmpstr (sy_test_response_get_string (replaced, "strategy"), ==, "weighted");

  /* PATCH is the same partial update; a rename moves the name lookup */
  renamed = sy_test_gateway_api_printf (f->t, "PATCH", "{\"name\":\"paid-backup\"}",
                                        "/api/combos/%s", id);
  g_assert_cmpuint (renamed->status, ==, 200);
  g_assert_cmpstr (sy_test_response_get_string (renamed, "name"), ==, "paid-backup");
  old_name = sy_test_gateway_api (f->t, "GET", "/api/combos/Free-Forever", NULL);
  assert_error (old_name, 404, "not_found");
  new_name = sy_test_gateway_api (f->t, "GET", "/api/combos/PAID-BACKUP", NULL);
  g_assert_cmpuint (new_name->status, ==, 200);
  g_assert_cmpstr (sy_test_response_get_string (new_name, "id"), ==, id);

  deleted = sy_test_gateway_api (f->t, "DELETE", "/api/combos/paid-backup", NULL);
  g_assert_cmpuint (deleted->status, ==, 204);
  g_assert_cmpuint (g_bytes_get_size (deleted->body), ==, 0);
  gone = sy_test_gateway_api_printf (f->t, "GET", NULL, "/api/combos/%s", id);
  assert_error (gone, 404, "not_found");
  gone_by_name = sy_test_gateway_api (f->t, "GET", "/api/combos/paid-backup", NULL);
  assert_error (gone_by_name, 404, "not_found");
  delete_again = sy_test_gateway_api_printf (f->t, "DELETE", NULL, "/api/combos/%s", id);
  assert_error (delete_again, 404, "not_found");
  put_gone = sy_test_gateway_api_printf (f->t, "PUT", "{\"strategy\":\"random\"}",
                                         "/api/combos/%s", id);
  assert_error (put_gone, 404, "not_found");
  g_assert_cmpuint (count_combos (f), ==, 0);
  g_clear_pointer (&stored_name, g_free);
  stored_name = sy_test_gateway_query_db_text (f->t, "SELECT COUNT(*) FROM combos", NULL);
  g_assert_cmpstr (stored_name, ==, "0");
}

static void
test_combos_list_order (Fixture       *f,
                        gconstpointer  data)
{
  static const char * const bodies[] = {
    "{\"name\":\"zeta\",\"models\":[\"mock/m1\"]}",
    "{\"name\":\"Alpha\",\"models\":[\"mock/m1\"]}",
    "{\"name\":\"last\",\"models\":[\"mock/m1\"],\"sortOrder\":10}",
    "{\"name\":\"first\",\"models\":[\"mock/m1\"],\"sortOrder\":-10}",
  };
  static const char * const expected[] = { "first", "Alpha", "zeta", "last" };
  g_autoptr(SyTestResponse) list = NULL;
  JsonArray *array;

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    g_free (create_combo (f, bodies[i]));
  list = sy_test_gateway_api (f->t, "GET", "/api/combos", NULL);
  array = sy_test_response_get_array (list);
  g_assert_cmpuint (json_array_get_length (array), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (array, i),
                                                    "name"), ==, expected[i]);
}

/* Every strategy name is accepted and stored as given, and they are the router's names. */
static void
test_combos_strategies (Fixture       *f,
                        gconstpointer  data)
{
  static const char * const names[] = {
    "default", "priority", "round-robin", "random", "weighted", "least-used", "cost-optimized",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"name\":\"c%u\",\"strategy\":\"%s\","
                                               "\"models\":[\"mock/m1\"]}", i, names[i]);
      g_autoptr(SyTestResponse) r = sy_test_gateway_api (f->t, "POST", "/api/combos", json);

      g_assert_cmpuint (r->status, ==, 201);
      g_assert_cmpstr (sy_test_response_get_string (r, "strategy"), ==, names[i]);
    }

  /* the API's list and the router's agree ("default" is the API's own) */
  for (guint i = 1; i < G_N_ELEMENTS (names); i++)
    {
      SyComboStrategy strategy;

      g_assert_true (sy_combo_strategy_from_string (names[i], &strategy));
      g_assert_cmpstr (sy_combo_strategy_to_string (strategy), ==, names[i]);
    }
  for (SyComboStrategy s = SY_COMBO_PRIORITY; s <= SY_COMBO_COST_OPTIMIZED; s++)
    g_assert_true (g_strv_contains (names, sy_combo_strategy_to_string (s)));
}

/* === validation ============================================================================ */

typedef struct
{
  const char *name;
  const char *body;
  const char *field;  /* the message starts with it */
} FieldCase;

#define M "\"models\":[\"mock/m1\"]"

static const FieldCase create_cases[] = {
  { "name-missing", "{" M "}", "name" },
  { "name-null", "{\"name\":null," M "}", "name" },
  { "name-number", "{\"name\":7," M "}", "name" },
  { "name-empty", "{\"name\":\"\"," M "}", "name" },
  { "name-blank", "{\"name\":\"   \"," M "}", "name" },
  { "name-slash", "{\"name\":\"mock/m1\"," M "}", "name" },
  { "name-space", "{\"name\":\"free forever\"," M "}", "name" },
  { "name-colon", "{\"name\":\"free:forever\"," M "}", "name" },
  { "name-plus", "{\"name\":\"a+b\"," M "}", "name" },
  { "name-unicode", "{\"name\":\"caf\\u00e9\"," M "}", "name" },
  { "name-newline", "{\"name\":\"a\\nb\"," M "}", "name" },
  { "name-provider-id", "{\"name\":\"openai\"," M "}", "name" },
  { "name-provider-id-other-case", "{\"name\":\"OpenAI\"," M "}", "name" },
  { "name-provider-alias", "{\"name\":\"ds\"," M "}", "name" },
  { "name-provider-alias-other-case", "{\"name\":\"PPLX\"," M "}", "name" },
  { "strategy-unknown", "{\"name\":\"c\",\"strategy\":\"fastest\"," M "}", "strategy" },
  { "strategy-other-case", "{\"name\":\"c\",\"strategy\":\"Priority\"," M "}", "strategy" },
  { "strategy-account-only", "{\"name\":\"c\",\"strategy\":\"fill-first\"," M "}", "strategy" },
  { "strategy-number", "{\"name\":\"c\",\"strategy\":1," M "}", "strategy" },
  { "strategy-null", "{\"name\":\"c\",\"strategy\":null," M "}", "strategy" },
  { "strategy-empty", "{\"name\":\"c\",\"strategy\":\"\"," M "}", "strategy" },
  { "models-missing", "{\"name\":\"c\"}", "models" },
  { "models-null", "{\"name\":\"c\",\"models\":null}", "models" },
  { "models-string", "{\"name\":\"c\",\"models\":\"mock/m1\"}", "models" },
  { "models-object", "{\"name\":\"c\",\"models\":{\"model\":\"mock/m1\"}}", "models" },
  { "models-empty", "{\"name\":\"c\",\"models\":[]}", "models" },
  { "member-number", "{\"name\":\"c\",\"models\":[\"mock/m1\",5]}", "models" },
  { "member-null", "{\"name\":\"c\",\"models\":[null]}", "models" },
  { "member-array", "{\"name\":\"c\",\"models\":[[\"mock/m1\"]]}", "models" },
  { "member-empty-string", "{\"name\":\"c\",\"models\":[\"\"]}", "models" },
  { "member-control", "{\"name\":\"c\",\"models\":[\"mock/m1\\u0007\"]}", "models" },
  { "member-no-model", "{\"name\":\"c\",\"models\":[{\"weight\":1}]}", "models" },
  { "member-model-number", "{\"name\":\"c\",\"models\":[{\"model\":1}]}", "models" },
  { "member-model-empty", "{\"name\":\"c\",\"models\":[{\"model\":\" \"}]}", "models" },
  { "member-model-control",
    "{\"name\":\"c\",\"models\":[{\"model\":\"mock/m1\\r\\nX-Evil: 1\"}]}", "models" },
  { "member-weight-negative", "{\"name\":\"c\",\"models\":[{\"model\":\"m\",\"weight\":-1}]}",
    "models" },
  { "member-weight-too-big", "{\"name\":\"c\",\"models\":[{\"model\":\"m\",\"weight\":1001}]}",
    "models" },
  { "member-weight-fraction", "{\"name\":\"c\",\"models\":[{\"model\":\"m\",\"weight\":1.5}]}",
    "models" },
  { "member-weight-string", "{\"name\":\"c\",\"models\":[{\"model\":\"m\",\"weight\":\"1\"}]}",
    "models" },
  { "member-weight-null", "{\"name\":\"c\",\"models\":[{\"model\":\"m\",\"weight\":null}]}",
    "models" },
  { "member-unknown-field",
    "{\"name\":\"c\",\"models\":[{\"model\":\"m\",\"priority\":1}]}", "models" },
  { "member-is-itself", "{\"name\":\"loop\",\"models\":[\"mock/m1\",\"loop\"]}", "models" },
  { "member-is-itself-other-case", "{\"name\":\"loop\",\"models\":[\"LOOP\"]}", "models" },
  { "member-is-itself-object", "{\"name\":\"loop\",\"models\":[{\"model\":\"Loop\"}]}",
    "models" },
  { "sort-order-string", "{\"name\":\"c\"," M ",\"sortOrder\":\"1\"}", "sortOrder" },
  { "sort-order-fraction", "{\"name\":\"c\"," M ",\"sortOrder\":0.5}", "sortOrder" },
  { "sort-order-too-big", "{\"name\":\"c\"," M ",\"sortOrder\":2147483648}", "sortOrder" },
  { "sort-order-too-small", "{\"name\":\"c\"," M ",\"sortOrder\":-2147483649}", "sortOrder" },
  { "sort-order-boolean", "{\"name\":\"c\"," M ",\"sortOrder\":true}", "sortOrder" },
  { "unknown-field", "{\"name\":\"c\"," M ",\"fallback\":true}", "fallback" },
  { "id-is-not-writable", "{\"id\":\"mine\",\"name\":\"c\"," M "}", "id" },
  { "created-at-is-not-writable", "{\"createdAt\":1,\"name\":\"c\"," M "}", "createdAt" },
};

static void
test_combos_create_validation (Fixture       *f,
                               gconstpointer  data)
{
  const FieldCase *c = data;
  g_autoptr(SyTestResponse) r = sy_test_gateway_api (f->t, "POST", "/api/combos", c->body);
  g_autofree char *count = NULL;

  assert_field_error (r, c->name, c->field);
  g_assert_cmpuint (count_combos (f), ==, 0);
  count = sy_test_gateway_query_db_text (f->t, "SELECT COUNT(*) FROM combos", NULL);
  g_assert_cmpstr (count, ==, "0");
}

/* The same rules hold for PUT, and a refused update changes nothing, even the valid fields
 * given beside the bad one. */
static void
test_combos_update_validation (Fixture       *f,
                               gconstpointer  data)
{
  static const FieldCase cases[] = {
    { "name-empty", "{\"name\":\"\"}", "name" },
    { "name-slash", "{\"name\":\"a/b\"}", "name" },
    { "name-provider", "{\"name\":\"anthropic\"}", "name" },
    { "name-null", "{\"name\":null}", "name" },
    { "strategy", "{\"strategy\":\"random\",\"sortOrder\":5,\"name\":\"other\","
      "\"models\":[\"mock/x\"],\"foo\":1}", "foo" },
    { "strategy-unknown", "{\"name\":\"renamed\",\"strategy\":\"best\"}", "strategy" },
    { "models-empty", "{\"strategy\":\"random\",\"models\":[]}", "models" },
    { "models-bad-weight", "{\"models\":[\"mock/x\",{\"model\":\"mock/y\",\"weight\":2000}]}",
      "models" },
    { "models-itself", "{\"models\":[\"mock/x\",\"stable\"]}", "models" },
    { "models-itself-after-rename", "{\"name\":\"fresh\",\"models\":[\"FRESH\"]}", "models" },
    { "rename-onto-member", "{\"name\":\"mock-m1\"}", "models" },
    { "sort-order", "{\"strategy\":\"random\",\"sortOrder\":\"first\"}", "sortOrder" },
    { "id", "{\"id\":\"other\"}", "id" },
    { "updated-at", "{\"updatedAt\":1}", "updatedAt" },
  };
  g_autofree char *id = create_combo (f, "{\"name\":\"stable\",\"strategy\":\"priority\","
                                         "\"models\":[\"mock/m1\",\"mock-m1\"],\"sortOrder\":2}");
  g_autoptr(SyTestResponse) before = sy_test_gateway_api_printf (f->t, "GET", NULL,
                                                                 "/api/combos/%s", id);
  g_autofree char *before_body = sy_test_response_dup_body (before);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(SyTestResponse) r = sy_test_gateway_api_printf (f->t, "PUT", cases[i].body,
                                                                "/api/combos/%s", id);
      g_autoptr(SyTestResponse) after = sy_test_gateway_api_printf (f->t, "GET", NULL,
                                                                    "/api/combos/%s", id);
      g_autofree char *after_body = sy_test_response_dup_body (after);

      assert_field_error (r, cases[i].name, cases[i].field);
      g_assert_cmpstr (after_body, ==, before_body);
    }
  g_assert_cmpuint (count_combos (f), ==, 1);
}

/* The edges of every range: the last accepted value and the first refused one. */
typedef struct
{
  const char *label;
  char       *body;
  const char *field;  /* NULL: accepted (201) */
} BoundCase;

static void
test_combos_bounds (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *name64 = g_strnfill (64, 'n');
  g_autofree char *name65 = g_strnfill (65, 'n');
  g_autofree char *model256 = g_strnfill (256, 'm');
  g_autofree char *model257 = g_strnfill (257, 'm');
  g_autoptr(GString) models100 = g_string_new ("[");
  g_autoptr(GString) models101 = NULL;

  for (guint i = 0; i < 100; i++)
    g_string_append_printf (models100, "%s\"mock/m%u\"", i ? "," : "", i);
  models101 = g_string_new (models100->str);
  g_string_append (models100, "]");
  g_string_append (models101, ",\"mock/m100\"]");

  {
    BoundCase cases[] = {
      { "name-64", g_strdup_printf ("{\"name\":\"%s\"," M "}", name64), NULL },
      { "name-65", g_strdup_printf ("{\"name\":\"%s\"," M "}", name65), "name" },
      { "model-256", g_strdup_printf ("{\"name\":\"m256\",\"models\":[{\"model\":\"%s\"}]}",
                                      model256), NULL },
      { "model-257", g_strdup_printf ("{\"name\":\"m257\",\"models\":[\"%s\"]}", model257),
        "models" },
      { "models-100", g_strdup_printf ("{\"name\":\"many\",\"models\":%s}", models100->str),
        NULL },
      { "models-101", g_strdup_printf ("{\"name\":\"too-many\",\"models\":%s}",
                                       models101->str), "models" },
      { "weights-0-and-1000",
        g_strdup ("{\"name\":\"w\",\"strategy\":\"weighted\",\"models\":["
                  "{\"model\":\"a/b\",\"weight\":0},{\"model\":\"c/d\",\"weight\":1000}],"
                  "\"sortOrder\":2147483647}"), NULL },
      { "dots-dashes-underscores",
        g_strdup ("{\"name\":\"A.b_C-9\",\"models\":[\"x\"],\"sortOrder\":-2147483648}"),
        NULL },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(SyTestResponse) r = sy_test_gateway_api (f->t, "POST", "/api/combos",
                                                           cases[i].body);

        if (cases[i].field != NULL)
          assert_field_error (r, cases[i].label, cases[i].field);
        else if (r->status != 201)
          {
            g_autofree char *body = sy_test_response_dup_body (r);

            g_error ("%s: expected 201, got %u: %s", cases[i].label, r->status, body);
          }
        g_free (cases[i].body);
      }
  }
  g_assert_cmpuint (count_combos (f), ==, 5);
}

/* === conflicts and names ==================================================================== */

static void
test_combos_conflicts (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *fast = create_combo (f, "{\"name\":\"fast\"," M "}");
  g_autofree char *slow = create_combo (f, "{\"name\":\"slow\"," M "}");
  g_autoptr(SyTestResponse) same = sy_test_gateway_api (f->t, "POST", "/api/combos",
                                                        "{\"name\":\"fast\"," M "}");
  g_autoptr(SyTestResponse) other_case = sy_test_gateway_api (f->t, "POST", "/api/combos",
                                                              "{\"name\":\"FAST\"," M "}");
  g_autoptr(SyTestResponse) rename_onto = NULL;
  g_autoptr(SyTestResponse) recase = NULL;
  g_autoptr(SyTestResponse) slow_after = NULL;

  assert_error (same, 409, "conflict");
  g_assert_true (g_str_has_prefix (sy_test_response_get_string (same, "error.message"), "name:"));
  assert_error (other_case, 409, "conflict");

  rename_onto = sy_test_gateway_api_printf (f->t, "PUT",
                                            "{\"name\":\"Fast\",\"strategy\":\"random\"}",
                                            "/api/combos/%s", slow);
  assert_error (rename_onto, 409, "conflict");
  slow_after = sy_test_gateway_api_printf (f->t, "GET", NULL, "/api/combos/%s", slow);
  g_assert_cmpstr (sy_test_response_get_string (slow_after, "name"), ==, "slow");
  g_assert_cmpstr (sy_test_response_get_string (slow_after, "strategy"), ==, "default");

  /* a combo may change the case of its own name */
  recase = sy_test_gateway_api_printf (f->t, "PUT", "{\"name\":\"FAST\"}", "/api/combos/%s", fast);
  g_assert_cmpuint (recase->status, ==, 200);
  g_assert_cmpstr (sy_test_response_get_string (recase, "name"), ==, "FAST");
  g_assert_cmpuint (count_combos (f), ==, 2);
}

/* A node prefix is a provider name too, whatever its case; a combo made before the node keeps
 * working and can still be updated without renaming. */
static void
test_combos_node_prefix (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *early = create_combo (f, "{\"name\":\"later-node\"," M "}");
  g_autofree char *account = sy_test_gateway_add_account (f->t, "mock", "sk-test-1", 1, NULL);
  g_autofree char *node_json = g_strdup_printf (
    "{\"prefix\":\"later-node\",\"apiType\":\"openai\",\"baseUrl\":\"%s\"}",
    sy_mock_upstream_get_base_url (f->t->mock));
  g_autoptr(SyTestResponse) node = sy_test_gateway_api (f->t, "POST", "/api/provider-nodes",
                                                        node_json);
  g_autoptr(SyTestResponse) same = sy_test_gateway_api (f->t, "POST", "/api/combos",
                                                        "{\"name\":\"mock\"," M "}");
  g_autoptr(SyTestResponse) upper = sy_test_gateway_api (f->t, "POST", "/api/combos",
                                                         "{\"name\":\"MOCK\"," M "}");
  g_autoptr(SyTestResponse) rename_to = NULL;
  g_autoptr(SyTestResponse) update = NULL;
  g_autoptr(SyTestResponse) longer = sy_test_gateway_api (f->t, "POST", "/api/combos",
                                                          "{\"name\":\"mock-combo\"," M "}");

  g_assert_cmpuint (node->status, ==, 201);
  assert_field_error (same, "node prefix", "name");
  assert_field_error (upper, "node prefix, upper case", "name");
  g_assert_cmpuint (longer->status, ==, 201);

  rename_to = sy_test_gateway_api_printf (f->t, "PUT", "{\"name\":\"Mock\"}",
                                          "/api/combos/%s", early);
  assert_field_error (rename_to, "rename onto a node prefix", "name");
  update = sy_test_gateway_api_printf (f->t, "PUT",
                                       "{\"name\":\"later-node\",\"strategy\":\"random\"}",
                                       "/api/combos/%s", early);
  g_assert_cmpuint (update->status, ==, 200);
}

/* Members may name other combos, but never lead back to the combo itself. */
static void
test_combos_loops (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *a = create_combo (f, "{\"name\":\"a\",\"models\":[\"b\",\"mock/m1\"]}");
  g_autofree char *b = create_combo (f, "{\"name\":\"b\",\"models\":[\"c\"]}");
  g_autoptr(SyTestResponse) c = sy_test_gateway_api (f->t, "POST", "/api/combos",
                                                     "{\"name\":\"c\","
                                                     "\"models\":[\"mock/m1\",\"A\"]}");
  g_autoptr(SyTestResponse) c_ok = NULL;
  g_autoptr(SyTestResponse) close_loop = NULL;
  g_autoptr(SyTestResponse) rename_away = NULL;
  g_autoptr(SyTestResponse) diamond = NULL;

  /* a -> b -> c -> a */
  assert_field_error (c, "three-combo loop", "models");
  g_assert_nonnull (strstr (sy_test_response_get_string (c, "error.message"), "models[1]"));

  /* c -> mock only: fine; then b -> c -> b closes a loop */
  c_ok = sy_test_gateway_api (f->t, "POST", "/api/combos",
                              "{\"name\":\"c\",\"models\":[\"mock/m1\"]}");
  g_assert_cmpuint (c_ok->status, ==, 201);
  close_loop = sy_test_gateway_api (f->t, "PUT", "/api/combos/c",
                                    "{\"models\":[\"mock/m1\",\"b\"]}");
  assert_field_error (close_loop, "closing b -> c -> b", "models");

  /* renaming b away leaves a naming a combo that no longer exists, which is no loop */
  rename_away = sy_test_gateway_api_printf (f->t, "PUT",
                                            "{\"name\":\"b2\",\"models\":[\"c\",\"b\"]}",
                                            "/api/combos/%s", b);
  g_assert_cmpuint (rename_away->status, ==, 200);

  /* a diamond (d -> a, d -> c, a -> b (gone), c) is no loop either */
  diamond = sy_test_gateway_api (f->t, "POST", "/api/combos",
                                 "{\"name\":\"d\",\"models\":[\"a\",\"c\",\"A\"]}");
  g_assert_cmpuint (diamond->status, ==, 201);
  g_assert_cmpuint (count_combos (f), ==, 4);
}

/* === methods, routes, guard ================================================================ */

static void
test_combos_methods (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *id = create_combo (f, "{\"name\":\"m\"," M "}");
  g_autoptr(SyTestResponse) put_collection = sy_test_gateway_api (f->t, "PUT", "/api/combos", "{}");
  g_autoptr(SyTestResponse) delete_collection = sy_test_gateway_api (f->t, "DELETE", "/api/combos",
                                                                     NULL);
  g_autoptr(SyTestResponse) post_item = sy_test_gateway_api_printf (f->t, "POST", "{}",
                                                                    "/api/combos/%s", id);
  g_autoptr(SyTestResponse) unknown = sy_test_gateway_api (f->t, "GET", "/api/combos/nope", NULL);
  g_autoptr(SyTestResponse) deep = sy_test_gateway_api_printf (f->t, "GET", NULL,
                                                               "/api/combos/%s/extra", id);
  g_autoptr(SyTestResponse) not_json = sy_test_gateway_api (f->t, "POST", "/api/combos", "[1]");
  g_autoptr(SyTestResponse) no_token = sy_test_gateway_request (f->t, "GET", "/api/combos",
                                                                NULL, NULL, -1, NULL);
  g_autoptr(SyTestResponse) trailing = sy_test_gateway_api (f->t, "GET", "/api/combos/m/", NULL);

  assert_error (put_collection, 405, "method_not_allowed");
  g_assert_cmpstr (soup_message_headers_get_one (put_collection->headers, "Allow"), ==,
                   "GET, POST");
  assert_error (delete_collection, 405, "method_not_allowed");
  assert_error (post_item, 405, "method_not_allowed");
  g_assert_cmpstr (soup_message_headers_get_one (post_item->headers, "Allow"), ==,
                   "GET, PUT, PATCH, DELETE");
  assert_error (unknown, 404, "not_found");
  assert_error (deep, 404, "not_found");
  assert_error (not_json, 400, "invalid_json");
  assert_error (no_token, 401, "invalid_admin_token");
  g_assert_cmpuint (trailing->status, ==, 200);
  g_assert_cmpuint (count_combos (f), ==, 1);
}

/* === persistence =========================================================================== */

/* Stops the harness's gateway and starts another on the same data dir (as the harness would). */
static void
restart_gateway (Fixture *f)
{
  g_autoptr(SyConfig) config = sy_config_new_defaults ();
  g_autoptr(GError) error = NULL;

  sy_gateway_shutdown (f->t->gateway);
  g_assert_finalize_object (g_steal_pointer (&f->t->gateway));
  g_clear_pointer (&f->t->base_url, g_free);

  g_free (config->data_dir);
  config->data_dir = g_strdup (f->t->data_dir);
  config->admin_token = g_strdup (SY_TEST_ADMIN_TOKEN);
  config->secret_backend = g_strdup ("memory");
  f->t->gateway = sy_gateway_new (config, &error);
  g_assert_no_error (error);
  sy_gateway_listen (f->t->gateway, "127.0.0.1", 0, &error);
  g_assert_no_error (error);
  f->t->base_url = sy_gateway_dup_base_url (f->t->gateway);
}

static void
test_combos_persist (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *kept = create_combo (f, "{\"name\":\"Kept\",\"strategy\":\"round-robin\","
                                           "\"models\":[{\"model\":\"mock/m1\",\"weight\":3},"
                                           "\"glm/glm-4.7\"],\"sortOrder\":4}");
  g_autofree char *dropped = create_combo (f, "{\"name\":\"dropped\"," M "}");
  g_autoptr(SyTestResponse) updated = sy_test_gateway_api (f->t, "PUT", "/api/combos/kept",
                                                           "{\"strategy\":\"cost-optimized\"}");
  g_autoptr(SyTestResponse) deleted = sy_test_gateway_api (f->t, "DELETE", "/api/combos/dropped",
                                                           NULL);
  g_autoptr(SyTestResponse) before = sy_test_gateway_api_printf (f->t, "GET", NULL,
                                                                 "/api/combos/%s", kept);
  g_autoptr(SyTestResponse) after = NULL;
  g_autoptr(SyTestResponse) by_name = NULL;
  g_autoptr(SyTestResponse) gone = NULL;
  g_autoptr(SyTestResponse) conflict = NULL;
  g_autofree char *before_body = sy_test_response_dup_body (before);
  g_autofree char *after_body = NULL;
  SyComboRepo *repo;
  g_autoptr(SyCombo) direct = NULL;

  g_assert_cmpuint (updated->status, ==, 200);
  g_assert_cmpuint (deleted->status, ==, 204);

  restart_gateway (f);

  after = sy_test_gateway_api_printf (f->t, "GET", NULL, "/api/combos/%s", kept);
  after_body = sy_test_response_dup_body (after);
  g_assert_cmpuint (after->status, ==, 200);
  g_assert_cmpstr (after_body, ==, before_body);
  by_name = sy_test_gateway_api (f->t, "GET", "/api/combos/KEPT", NULL);
  g_assert_cmpuint (by_name->status, ==, 200);
  gone = sy_test_gateway_api_printf (f->t, "GET", NULL, "/api/combos/%s", dropped);
  assert_error (gone, 404, "not_found");
  g_assert_cmpuint (count_combos (f), ==, 1);

  /* the name index is rebuilt too */
  conflict = sy_test_gateway_api (f->t, "POST", "/api/combos", "{\"name\":\"kEpT\"," M "}");
  assert_error (conflict, 409, "conflict");

  /* and the router's view, through the gateway */
  repo = sy_gateway_get_combos (f->t->gateway);
  direct = sy_combo_repo_lookup_by_name (repo, "kept");
  g_assert_nonnull (direct);
  g_assert_cmpstr (direct->strategy, ==, "cost-optimized");
  g_assert_cmpuint (direct->members->len, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sy/gateway/api/combos/" path, Fixture, NULL, sy_test_gateway_fixture_setup, \
              func, sy_test_gateway_fixture_teardown)

  ADD ("crud", test_combos_crud);
  ADD ("list-order", test_combos_list_order);
  ADD ("strategies", test_combos_strategies);
  for (guint i = 0; i < G_N_ELEMENTS (create_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/sy/gateway/api/combos/validation/",
                                           create_cases[i].name, NULL);

      g_test_add (path, Fixture, &create_cases[i], sy_test_gateway_fixture_setup,
                  test_combos_create_validation, sy_test_gateway_fixture_teardown);
    }
  ADD ("update-validation", test_combos_update_validation);
  ADD ("bounds", test_combos_bounds);
  ADD ("conflicts", test_combos_conflicts);
  ADD ("node-prefix", test_combos_node_prefix);
  ADD ("loops", test_combos_loops);
  ADD ("methods", test_combos_methods);
  ADD ("persist", test_combos_persist);

  return g_test_run ();
}
