/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyRoutingState with the clock in the test's hands: account ordering around cooldowns and
 * lockouts, cooldowns from announced resets and from exponential backoff, breakers through
 * open and half-open, outcomes counted once, reset and unlock, what survives a restart, and
 * the monitoring view.
 */
#define G_LOG_DOMAIN "sy-test"

#include <json-glib/json-glib.h>

#include "routing/sy-routing-state.h"
#include "store/sy-database.h"
#include "sy-test-gateway.h"

#define T0 ((gint64) 1800000000000)  /* 2027-01-15, in ms */

typedef struct
{
  char               *dir;
  SyDatabase         *db;
  SySettingsRepo     *settings;
  SyRoutingStateRepo *repo;
  SyRoutingState     *state;
  gint64              now;
  SyRoute            *route;
} Fixture;

static gint64
fake_clock (gpointer user_data)
{
  return ((Fixture *) user_data)->now;
}

static SyConnection *
connection (const char *id,
            int         priority)
{
  SyConnection *c = sy_connection_new ();

  c->id = g_strdup (id);
  c->provider = g_strdup ("p1");
  c->name = g_strdup (id);
  c->priority = priority;
  return c;
}

static void
open_state (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->dir, "switchyard.db", NULL);
  g_autoptr(GError) error = NULL;

  f->db = sy_database_open (path, &error);
  g_assert_no_error (error);
  f->settings = sy_settings_repo_new (f->db, &error);
  g_assert_no_error (error);
  f->repo = sy_routing_state_repo_new (f->db);
  f->state = sy_routing_state_new (f->settings, f->repo);
  sy_routing_state_set_clock (f->state, fake_clock, f);
  sy_routing_state_set_seed (f->state, 42);
}

static void
close_state (Fixture *f)
{
  g_clear_object (&f->state);
  g_clear_object (&f->repo);
  g_clear_object (&f->settings);
  g_clear_object (&f->db);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("switchyard-routing-XXXXXX", &error);
  g_assert_no_error (error);
  f->now = T0;
  open_state (f);

  f->route = g_new0 (SyRoute, 1);
  f->route->requested_model = g_strdup ("p1/m");
  f->route->provider_id = g_strdup ("p1");
  f->route->provider_label = g_strdup ("p1");
  f->route->account_strategy = -1;
  f->route->upstream_model = g_strdup ("m");
  f->route->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_connection_unref);
  g_ptr_array_add (f->route->candidates, connection ("a", 1));
  g_ptr_array_add (f->route->candidates, connection ("b", 2));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  close_state (f);
  sy_route_free (f->route);
  sy_test_rm_rf (f->dir);
  g_free (f->dir);
}

static SyConnection *
candidate (Fixture *f,
           guint    i)
{
  return g_ptr_array_index (f->route->candidates, i);
}

/* The ids of the accounts order_accounts returns, joined: "a,b". */
static char *
order (Fixture *f,
       gint64  *retry)
{
  g_autoptr(GPtrArray) accounts = sy_routing_state_order_accounts (f->state, f->route, retry);
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < accounts->len; i++)
    g_string_append_printf (s, "%s%s", i ? "," : "",
                            ((SyConnection *) g_ptr_array_index (accounts, i))->id);
  return g_string_free (s, FALSE);
}

static void
fail (Fixture      *f,
      SyConnection *c,
      SyFailureKind kind,
      gint64        retry_after_ms)
{
  SyFailure failure = { kind, TRUE, FALSE, SY_COOLDOWN_NONE, retry_after_ms };

  failure.counts_for_breaker = kind == SY_FAILURE_SERVER || kind == SY_FAILURE_NETWORK;
  if (kind == SY_FAILURE_RATE_LIMITED || kind == SY_FAILURE_QUOTA_EXHAUSTED ||
      kind == SY_FAILURE_AUTH)
    failure.cooldown = SY_COOLDOWN_ACCOUNT;
  else if (kind == SY_FAILURE_MODEL_UNAVAILABLE)
    failure.cooldown = SY_COOLDOWN_MODEL;
  g_assert_true (sy_routing_state_admit (f->state, f->route, NULL));
  sy_routing_state_record_failure (f->state, f->route, c, &failure, "test failure");
}

static void
test_cooldown_from_hint (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *before = order (f, NULL);
  g_autofree char *during = NULL;
  g_autofree char *after = NULL;
  gint64 retry = 0;

  g_assert_cmpstr (before, ==, "a,b");
  fail (f, candidate (f, 0), SY_FAILURE_RATE_LIMITED, 20000);
  during = order (f, &retry);
  g_assert_cmpstr (during, ==, "b");
  g_assert_cmpint (retry, ==, -1);

  f->now += 20000;
  after = order (f, NULL);
  g_assert_cmpstr (after, ==, "a,b");
}

static void
test_all_cooling_reports_earliest (Fixture       *f,
                                   gconstpointer  data)
{
  g_autofree char *none = NULL;
  gint64 retry = 0;

  fail (f, candidate (f, 0), SY_FAILURE_RATE_LIMITED, 30000);
  fail (f, candidate (f, 1), SY_FAILURE_RATE_LIMITED, 7000);
  f->now += 1000;
  none = order (f, &retry);
  g_assert_cmpstr (none, ==, "");
  g_assert_cmpint (retry, ==, 6000);
}

/* No announced reset: base x 2^level, the level growing once per cooldown, capped. */
static void
test_backoff_grows (Fixture       *f,
                    gconstpointer  data)
{
  /* apikey class: 5 s base, max level 6. */
  const gint64 expected[] = { 5000, 10000, 20000, 40000, 80000, 160000, 320000, 320000 };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autofree char *during = NULL;
      g_autofree char *after = NULL;

      fail (f, candidate (f, 0), SY_FAILURE_RATE_LIMITED, -1);
      /* A second failure of a request already in flight does not raise it again. */
      fail (f, candidate (f, 0), SY_FAILURE_RATE_LIMITED, -1);
      f->now += expected[i] - 1;
      during = order (f, NULL);
      g_assert_cmpstr (during, ==, "b");
      f->now += 1;
      after = order (f, NULL);
      g_assert_cmpstr (after, ==, "a,b");
    }

  /* A success forgets the backoff. */
  sy_routing_state_record_success (f->state, f->route, candidate (f, 0), 10);
  fail (f, candidate (f, 0), SY_FAILURE_RATE_LIMITED, -1);
  f->now += 5000;
  {
    g_autofree char *back = order (f, NULL);

    g_assert_cmpstr (back, ==, "a,b");
  }
}

static void
test_quota_without_reset_waits_an_hour (Fixture       *f,
                                        gconstpointer  data)
{
  g_autofree char *during = NULL;
  g_autofree char *after = NULL;

  fail (f, candidate (f, 0), SY_FAILURE_QUOTA_EXHAUSTED, -1);
  f->now += 60 * 60 * 1000 - 1;
  during = order (f, NULL);
  g_assert_cmpstr (during, ==, "b");
  f->now += 1;
  after = order (f, NULL);
  g_assert_cmpstr (after, ==, "a,b");
}

static void
test_model_lockout (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *locked = NULL;
  g_autofree char *other_model = NULL;
  g_autofree char *unlocked = NULL;

  fail (f, candidate (f, 1), SY_FAILURE_MODEL_UNAVAILABLE, -1);
  fail (f, candidate (f, 0), SY_FAILURE_MODEL_UNAVAILABLE, -1);
  locked = order (f, NULL);
  g_assert_cmpstr (locked, ==, "");

  /* Another model of the same accounts is not locked. */
  g_free (f->route->upstream_model);
  f->route->upstream_model = g_strdup ("other");
  other_model = order (f, NULL);
  g_assert_cmpstr (other_model, ==, "a,b");
  g_free (f->route->upstream_model);
  f->route->upstream_model = g_strdup ("m");

  g_assert_cmpuint (sy_routing_state_unlock (f->state, "a", "m"), ==, 1);
  unlocked = order (f, NULL);
  g_assert_cmpstr (unlocked, ==, "a");

  /* modelLockoutMs (120 s by default) ends the other one. */
  f->now += 120000;
  g_clear_pointer (&unlocked, g_free);
  unlocked = order (f, NULL);
  g_assert_cmpstr (unlocked, ==, "a,b");
}

static void
test_breaker_cycle (Fixture       *f,
                    gconstpointer  data)
{
  gint64 retry = 0;

  /* apikey class: 5 failures open it for 30 s. */
  for (guint i = 0; i < 5; i++)
    fail (f, candidate (f, 0), SY_FAILURE_SERVER, -1);
  g_assert_false (sy_routing_state_admit (f->state, f->route, &retry));
  g_assert_cmpint (retry, ==, 30000);

  f->now += 30000;
  g_assert_true (sy_routing_state_admit (f->state, f->route, NULL));   /* the probe */
  g_assert_false (sy_routing_state_admit (f->state, f->route, NULL));  /* only one */
  sy_routing_state_abandon (f->state, f->route);                       /* client left */
  g_assert_true (sy_routing_state_admit (f->state, f->route, NULL));   /* probe again */
  sy_routing_state_record_success (f->state, f->route, candidate (f, 0), 12.5);
  g_assert_true (sy_routing_state_admit (f->state, f->route, NULL));
  g_assert_true (sy_routing_state_admit (f->state, f->route, NULL));
}

/* Settings override the class profile by provider id. */
static void
test_profile_override (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(JsonNode) patch = json_from_string ("{\"providerProfiles\":{\"p1\":"
                                                "{\"failureThreshold\":1,\"resetMs\":1000}}}",
                                                NULL);
  g_autoptr(GError) error = NULL;
  gint64 retry = 0;

  sy_settings_repo_update (f->settings, json_node_get_object (patch), &error);
  g_assert_no_error (error);
  fail (f, candidate (f, 0), SY_FAILURE_NETWORK, -1);
  g_assert_false (sy_routing_state_admit (f->state, f->route, &retry));
  g_assert_cmpint (retry, ==, 1000);
}

/* Breakers, cooldowns and lockouts come back after a restart; reset clears them for good. */
static void
test_survives_restart (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *after = NULL;
  g_autofree char *cleared = NULL;

  fail (f, candidate (f, 0), SY_FAILURE_RATE_LIMITED, 60000);
  for (guint i = 0; i < 5; i++)
    fail (f, candidate (f, 1), SY_FAILURE_SERVER, -1);
  g_assert_cmpuint (sy_routing_state_next_position (f->state, "rr"), ==, 0);
  g_assert_cmpuint (sy_routing_state_next_position (f->state, "rr"), ==, 1);

  close_state (f);
  f->now += 10000;
  open_state (f);

  g_assert_false (sy_routing_state_admit (f->state, f->route, NULL));
  after = order (f, NULL);
  g_assert_cmpstr (after, ==, "b");
  g_assert_cmpuint (sy_routing_state_next_position (f->state, "RR"), ==, 2);

  sy_routing_state_reset (f->state);
  close_state (f);
  open_state (f);
  g_assert_true (sy_routing_state_admit (f->state, f->route, NULL));
  cleared = order (f, NULL);
  g_assert_cmpstr (cleared, ==, "a,b");
}

/* Rows whose time is up are not restored. */
static void
test_expired_rows_dropped (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *after = NULL;

  fail (f, candidate (f, 0), SY_FAILURE_RATE_LIMITED, 5000);
  close_state (f);
  f->now += 5000;
  open_state (f);
  after = order (f, NULL);
  g_assert_cmpstr (after, ==, "a,b");
}

static JsonObject *
first_member (JsonObject *root,
              const char *array)
{
  JsonArray *a = json_object_get_array_member (root, array);

  g_assert_cmpuint (json_array_get_length (a), >=, 1);
  return json_array_get_object_element (a, 0);
}

static void
test_view (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *root, *provider, *latency, *cooldown, *combo;

  for (guint i = 1; i <= 100; i++)
    {
      g_assert_true (sy_routing_state_admit (f->state, f->route, NULL));
      sy_routing_state_record_success (f->state, f->route, candidate (f, 1), i);
    }
  fail (f, candidate (f, 0), SY_FAILURE_SERVER, -1);
  fail (f, candidate (f, 0), SY_FAILURE_RATE_LIMITED, 9000);
  sy_routing_state_record_member (f->state, "Duo", "p1/m", TRUE);
  sy_routing_state_record_member (f->state, "duo", "p1/m", FALSE);
  f->now += 1000;

  node = sy_routing_state_to_json (f->state);
  root = json_node_get_object (node);
  g_assert_cmpint (json_object_get_int_member (root, "now"), ==, f->now);
  provider = first_member (root, "providers");
  g_assert_cmpstr (json_object_get_string_member (provider, "provider"), ==, "p1");
  g_assert_cmpstr (json_object_get_string_member (provider, "state"), ==, "CLOSED");
  g_assert_cmpint (json_object_get_int_member (provider, "consecutiveFailures"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (provider, "requests"), ==, 101);
  g_assert_cmpint (json_object_get_int_member (provider, "errors"), ==, 1);
  latency = json_object_get_object_member (provider, "latencyMs");
  g_assert_cmpfloat (json_object_get_double_member (latency, "p50"), ==, 50);
  g_assert_cmpfloat (json_object_get_double_member (latency, "p95"), ==, 95);
  g_assert_cmpfloat (json_object_get_double_member (latency, "p99"), ==, 99);
  cooldown = first_member (root, "cooldowns");
  g_assert_cmpstr (json_object_get_string_member (cooldown, "connectionId"), ==, "a");
  g_assert_cmpint (json_object_get_int_member (cooldown, "remainingMs"), ==, 8000);
  g_assert_cmpstr (json_object_get_string_member (cooldown, "reason"), ==, "test failure");
  combo = first_member (root, "combos");
  g_assert_cmpstr (json_object_get_string_member (combo, "name"), ==, "duo");
  g_assert_cmpint (json_object_get_int_member (combo, "requests"), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/sy/routing/state/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("cooldown-from-hint", test_cooldown_from_hint);
  ADD ("all-cooling-reports-earliest", test_all_cooling_reports_earliest);
  ADD ("backoff-grows", test_backoff_grows);
  ADD ("quota-without-reset", test_quota_without_reset_waits_an_hour);
  ADD ("model-lockout", test_model_lockout);
  ADD ("breaker-cycle", test_breaker_cycle);
  ADD ("profile-override", test_profile_override);
  ADD ("survives-restart", test_survives_restart);
  ADD ("expired-rows-dropped", test_expired_rows_dropped);
  ADD ("view", test_view);
#undef ADD

  return g_test_run ();
}
