/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyTokenKeeper against a fake refresher: fresh tokens are handed out as stored, expiring ones
 * are refreshed once however many requests ask, rotated tokens reach the secret store and the
 * account row, a revoked refresh token ends in "needs_login" with the reason and no retry, a
 * provider outage leaves the account alone, forced refreshes are shared, and the sweep picks
 * exactly the accounts about to expire.
 */
#include "gateway/sy-credentials.h"
#include "gateway/sy-token-keeper.h"
#include "sy-fake-refresher.h"
#include "sy-test-gateway.h"

#define LEAD_MS SY_FAKE_REFRESHER_LEAD_MS

typedef struct
{
  SyTestGateway   *t;
  SyTokenKeeper   *keeper;
  SyFakeRefresher *fake;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->fake = sy_fake_refresher_reset ();
  f->t = sy_test_gateway_new ();
  f->keeper = sy_token_keeper_new (f->t->gateway, sy_fake_refresher_get ());
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->keeper);
  sy_test_gateway_free (f->t);
  sy_fake_refresher_reset ();
}

/* A codex account expiring in expires_in_ms, with tokens access-0 / refresh-0 stored. */
static SyConnection *
add_account (Fixture *f,
             gint64   expires_in_ms)
{
  g_autofree char *id = sy_test_gateway_add_oauth_account (f->t, "codex", "access-0", NULL,
                                                           expires_in_ms,
                                                           "{\"workspaceId\":\"ws-1\"}", NULL);

  return sy_connection_repo_lookup (sy_gateway_get_connections (f->t->gateway), id);
}

typedef struct
{
  guint          pending;
  SyTokenBundle *bundles[8];
  GError        *errors[8];
  guint          n;
} Answers;

static void
got_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  Answers *answers = user_data;
  guint i = answers->n++;

  answers->bundles[i] = sy_token_keeper_get_finish (SY_TOKEN_KEEPER (source), result,
                                                    &answers->errors[i]);
  answers->pending--;
}

static void
ask (Fixture      *f,
     SyConnection *c,
     gboolean      force,
     guint         times,
     Answers      *answers)
{
  memset (answers, 0, sizeof *answers);
  answers->pending = times;
  for (guint i = 0; i < times; i++)
    sy_token_keeper_get_async (f->keeper, c, force, NULL, got_cb, answers);
  while (answers->pending > 0)
    g_main_context_iteration (NULL, TRUE);
}

static void
answers_clear (Answers *answers)
{
  for (guint i = 0; i < answers->n; i++)
    {
      g_clear_pointer (&answers->bundles[i], sy_token_bundle_free);
      g_clear_error (&answers->errors[i]);
    }
}

static SyConnection *
stored_row (Fixture    *f,
            const char *id)
{
  return sy_connection_repo_lookup (sy_gateway_get_connections (f->t->gateway), id);
}

static void
test_fresh_token_as_stored (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(SyConnection) c = add_account (f, 3600 * 1000);
  Answers answers;

  ask (f, c, FALSE, 3, &answers);
  g_assert_cmpuint (f->fake->calls, ==, 0);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_no_error (answers.errors[i]);
      g_assert_cmpstr (sy_token_bundle_get_bearer (answers.bundles[i]), ==, "access-0");
    }
  answers_clear (&answers);
}

static void
test_expiring_refreshed_once (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(SyConnection) c = add_account (f, 60 * 1000);
  g_autoptr(SyConnection) row = NULL;
  g_autoptr(SyTokenBundle) stored = NULL;
  Answers answers;

  ask (f, c, FALSE, 6, &answers);
  g_assert_cmpuint (f->fake->calls, ==, 1);
  g_assert_cmpstr (f->fake->last_provider, ==, "codex");
  g_assert_cmpstr (f->fake->last_refresh_token, ==, "refresh-0");
  g_assert_cmpstr (f->fake->last_provider_data, ==, "{\"workspaceId\":\"ws-1\"}");
  for (guint i = 0; i < 6; i++)
    {
      g_assert_no_error (answers.errors[i]);
      g_assert_cmpstr (sy_token_bundle_get_bearer (answers.bundles[i]), ==, "access-1");
    }
  /* The rotated refresh token is what the store holds now, and the row knows the expiry. */
  stored = sy_token_bundle_parse (sy_credentials_peek (sy_gateway_get_credentials (f->t->gateway),
                                                       c->id), NULL);
  g_assert_cmpstr (stored->refresh_token, ==, "refresh-1");
  row = stored_row (f, c->id);
  g_assert_cmpint (row->token_expires_at, ==, stored->expires_at);
  g_assert_cmpstr (row->auth_state, ==, "ok");
  answers_clear (&answers);

  /* Fresh now: no second refresh. */
  ask (f, row, FALSE, 1, &answers);
  g_assert_cmpuint (f->fake->calls, ==, 1);
  answers_clear (&answers);
}

static void
test_revoked_needs_login (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(SyConnection) c = add_account (f, 1000);
  g_autoptr(SyConnection) row = NULL;
  Answers answers;

  f->fake->answer = SY_FAKE_REFRESH_REVOKED;
  ask (f, c, FALSE, 3, &answers);
  g_assert_cmpuint (f->fake->calls, ==, 1);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_error (answers.errors[i], SY_TOKEN_KEEPER_ERROR, SY_TOKEN_KEEPER_ERROR_NEEDS_LOGIN);
      g_assert_nonnull (strstr (answers.errors[i]->message, "invalid_grant"));
    }
  answers_clear (&answers);
  row = stored_row (f, c->id);
  g_assert_cmpstr (row->auth_state, ==, "needs_login");
  g_assert_cmpstr (row->auth_error, ==, "invalid_grant: the refresh token was revoked");

  /* From now on it fails at once, without asking the provider again. */
  ask (f, row, TRUE, 1, &answers);
  g_assert_cmpuint (f->fake->calls, ==, 1);
  g_assert_error (answers.errors[0], SY_TOKEN_KEEPER_ERROR, SY_TOKEN_KEEPER_ERROR_NEEDS_LOGIN);
  answers_clear (&answers);
}

static void
test_outage_leaves_account (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(SyConnection) c = add_account (f, 1000);
  g_autoptr(SyConnection) row = NULL;
  Answers answers;

  f->fake->answer = SY_FAKE_REFRESH_OUTAGE;
  ask (f, c, FALSE, 2, &answers);
  g_assert_cmpuint (f->fake->calls, ==, 1);
  g_assert_error (answers.errors[0], SY_TOKEN_KEEPER_ERROR, SY_TOKEN_KEEPER_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (answers.errors[0]->message, "503"));
  answers_clear (&answers);
  row = stored_row (f, c->id);
  g_assert_cmpstr (row->auth_state, ==, "ok");
  g_assert_null (row->auth_error);
}

static void
test_forced_refresh_shared (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(SyConnection) c = add_account (f, 3600 * 1000);
  Answers answers;

  /* An upstream 401 on a token that looked fresh: refresh anyway. */
  ask (f, c, TRUE, 1, &answers);
  g_assert_cmpuint (f->fake->calls, ==, 1);
  g_assert_cmpstr (sy_token_bundle_get_bearer (answers.bundles[0]), ==, "access-1");
  answers_clear (&answers);
  /* Another request's 401 on the old token moments later reuses the new one. */
  ask (f, c, TRUE, 1, &answers);
  g_assert_cmpuint (f->fake->calls, ==, 1);
  g_assert_cmpstr (sy_token_bundle_get_bearer (answers.bundles[0]), ==, "access-1");
  answers_clear (&answers);
}

static void
test_missing_tokens_need_login (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(SyConnection) c = sy_connection_new ();
  g_autoptr(SyConnection) row = NULL;
  Answers answers;

  c->id = g_strdup ("no-tokens");
  c->provider = g_strdup ("codex");
  g_free (c->auth_type);
  c->auth_type = g_strdup ("oauth");
  c->name = g_strdup ("dev@example.com");
  g_assert_true (sy_connection_repo_save (sy_gateway_get_connections (f->t->gateway), c, NULL));

  ask (f, c, FALSE, 1, &answers);
  g_assert_error (answers.errors[0], SY_TOKEN_KEEPER_ERROR, SY_TOKEN_KEEPER_ERROR_NEEDS_LOGIN);
  answers_clear (&answers);
  row = stored_row (f, c->id);
  g_assert_cmpstr (row->auth_state, ==, "needs_login");
  g_assert_cmpuint (f->fake->calls, ==, 0);
}

static void
test_sweep (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(SyConnection) soon = add_account (f, 60 * 1000);
  g_autoptr(SyConnection) later = add_account (f, 3600 * 1000);
  g_autoptr(SyConnection) row = NULL;

  sy_token_keeper_sweep (f->keeper);
  while (strstr (sy_credentials_peek (sy_gateway_get_credentials (f->t->gateway), soon->id),
                 "refresh-1") == NULL)
    g_main_context_iteration (NULL, TRUE);
  sy_test_wait_ms (50);
  g_assert_cmpuint (f->fake->calls, ==, 1);
  g_assert_cmpstr (f->fake->last_refresh_token, ==, "refresh-0");
  row = stored_row (f, soon->id);
  g_assert_cmpint (row->token_expires_at, >, g_get_real_time () / 1000 + LEAD_MS);
  /* A second sweep finds nothing to do. */
  sy_token_keeper_sweep (f->keeper);
  sy_test_wait_ms (50);
  g_assert_cmpuint (f->fake->calls, ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add ("/token-keeper/" path, Fixture, NULL, fixture_set_up, fn, \
                                  fixture_tear_down)
  ADD ("fresh-token-as-stored", test_fresh_token_as_stored);
  ADD ("expiring-refreshed-once", test_expiring_refreshed_once);
  ADD ("revoked-needs-login", test_revoked_needs_login);
  ADD ("outage-leaves-account", test_outage_leaves_account);
  ADD ("forced-refresh-shared", test_forced_refresh_shared);
  ADD ("missing-tokens-need-login", test_missing_tokens_need_login);
  ADD ("sweep", test_sweep);
#undef ADD
  return g_test_run ();
}
