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
#include "sy-test-gateway.h"

#define LEAD_MS (5 * 60 * 1000)

typedef enum { ANSWER_ROTATE, ANSWER_REVOKED, ANSWER_OUTAGE } Answer;

typedef struct
{
  SyTestGateway *t;
  SyTokenKeeper *keeper;
  guint          calls;
  Answer         answer;
  char          *last_refresh_token;   /* what the refresher was given */
  char          *last_provider_data;
} Fixture;

static Fixture *current;

static void
fake_refresh_async (SoupSession         *session,
                    SyOriginMap         *origins,
                    const char          *provider_id,
                    const SyTokenBundle *bundle,
                    const char          *provider_data,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);

  g_assert_true (SOUP_IS_SESSION (session));
  g_assert_true (SY_IS_ORIGIN_MAP (origins));
  g_assert_cmpstr (provider_id, ==, "codex");
  current->calls++;
  g_free (current->last_refresh_token);
  current->last_refresh_token = g_strdup (bundle->refresh_token);
  g_free (current->last_provider_data);
  current->last_provider_data = g_strdup (provider_data);
  switch (current->answer)
    {
    case ANSWER_ROTATE:
      {
        SyTokenBundle *fresh = sy_token_bundle_copy (bundle);

        g_free (fresh->access_token);
        fresh->access_token = g_strdup_printf ("access-%u", current->calls);
        g_free (fresh->refresh_token);
        fresh->refresh_token = g_strdup_printf ("refresh-%u", current->calls);
        fresh->expires_at = g_get_real_time () / 1000 + 3600 * 1000;
        g_task_return_pointer (task, fresh, (GDestroyNotify) sy_token_bundle_free);
      }
      break;
    case ANSWER_REVOKED:
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                               "invalid_grant: the refresh token was revoked");
      break;
    case ANSWER_OUTAGE:
    default:
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE,
                               "the token endpoint answered 503");
      break;
    }
}

static SyTokenBundle *
fake_refresh_finish (GAsyncResult  *result,
                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static gboolean
fake_is_revoked (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
}

static gint64
fake_lead_ms (const char *provider_id)
{
  return LEAD_MS;
}

static const SyTokenRefresher fake_refresher = {
  fake_refresh_async, fake_refresh_finish, fake_is_revoked, fake_lead_ms,
};

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  current = f;
  f->t = sy_test_gateway_new ();
  f->keeper = sy_token_keeper_new (f->t->gateway, &fake_refresher);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->keeper);
  sy_test_gateway_free (f->t);
  g_free (f->last_refresh_token);
  g_free (f->last_provider_data);
  current = NULL;
}

static void
set_cb (GObject      *source,
        GAsyncResult *result,
        gpointer      user_data)
{
  gboolean *done = user_data;

  g_assert_true (sy_credentials_set_finish (SY_CREDENTIALS (source), result, NULL));
  *done = TRUE;
}

/* An OAuth account of codex whose access token expires in expires_in_ms; with_secret FALSE
 * stores nothing. */
static SyConnection *
add_account (Fixture  *f,
             const char *id,
             gint64    expires_in_ms,
             gboolean  with_secret)
{
  SyConnection *c = sy_connection_new ();
  g_autoptr(SyTokenBundle) bundle = sy_token_bundle_new ();
  g_autofree char *secret = NULL;
  gboolean done = FALSE;

  c->id = g_strdup (id);
  c->provider = g_strdup ("codex");
  g_free (c->auth_type);
  c->auth_type = g_strdup ("oauth");
  c->name = g_strdup ("dev@example.com");
  c->has_secret = with_secret;
  g_free (c->provider_data);
  c->provider_data = g_strdup ("{\"workspaceId\":\"ws-1\"}");
  c->token_expires_at = g_get_real_time () / 1000 + expires_in_ms;
  g_assert_true (sy_connection_repo_save (sy_gateway_get_connections (f->t->gateway), c, NULL));
  if (!with_secret)
    return c;
  bundle->access_token = g_strdup ("access-0");
  bundle->refresh_token = g_strdup ("refresh-0");
  bundle->expires_at = c->token_expires_at;
  secret = sy_token_bundle_serialize (bundle);
  sy_credentials_set_async (sy_gateway_get_credentials (f->t->gateway), id, "test", secret, NULL,
                            set_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  return c;
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
  g_autoptr(SyConnection) c = add_account (f, "acct", 3600 * 1000, TRUE);
  Answers answers;

  ask (f, c, FALSE, 3, &answers);
  g_assert_cmpuint (f->calls, ==, 0);
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
  g_autoptr(SyConnection) c = add_account (f, "acct", 60 * 1000, TRUE);
  g_autoptr(SyConnection) row = NULL;
  g_autoptr(SyTokenBundle) stored = NULL;
  Answers answers;

  ask (f, c, FALSE, 6, &answers);
  g_assert_cmpuint (f->calls, ==, 1);
  g_assert_cmpstr (f->last_refresh_token, ==, "refresh-0");
  g_assert_cmpstr (f->last_provider_data, ==, "{\"workspaceId\":\"ws-1\"}");
  for (guint i = 0; i < 6; i++)
    {
      g_assert_no_error (answers.errors[i]);
      g_assert_cmpstr (sy_token_bundle_get_bearer (answers.bundles[i]), ==, "access-1");
    }
  /* The rotated refresh token is what the store holds now, and the row knows the expiry. */
  stored = sy_token_bundle_parse (sy_credentials_peek (sy_gateway_get_credentials (f->t->gateway),
                                                       "acct"), NULL);
  g_assert_cmpstr (stored->refresh_token, ==, "refresh-1");
  row = stored_row (f, "acct");
  g_assert_cmpint (row->token_expires_at, ==, stored->expires_at);
  g_assert_cmpstr (row->auth_state, ==, "ok");
  answers_clear (&answers);

  /* Fresh now: no second refresh. */
  ask (f, row, FALSE, 1, &answers);
  g_assert_cmpuint (f->calls, ==, 1);
  answers_clear (&answers);
}

static void
test_revoked_needs_login (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(SyConnection) c = add_account (f, "acct", 1000, TRUE);
  g_autoptr(SyConnection) row = NULL;
  Answers answers;

  f->answer = ANSWER_REVOKED;
  ask (f, c, FALSE, 3, &answers);
  g_assert_cmpuint (f->calls, ==, 1);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_error (answers.errors[i], SY_TOKEN_KEEPER_ERROR, SY_TOKEN_KEEPER_ERROR_NEEDS_LOGIN);
      g_assert_nonnull (strstr (answers.errors[i]->message, "invalid_grant"));
    }
  answers_clear (&answers);
  row = stored_row (f, "acct");
  g_assert_cmpstr (row->auth_state, ==, "needs_login");
  g_assert_cmpstr (row->auth_error, ==, "invalid_grant: the refresh token was revoked");

  /* From now on it fails at once, without asking the provider again. */
  ask (f, row, TRUE, 1, &answers);
  g_assert_cmpuint (f->calls, ==, 1);
  g_assert_error (answers.errors[0], SY_TOKEN_KEEPER_ERROR, SY_TOKEN_KEEPER_ERROR_NEEDS_LOGIN);
  answers_clear (&answers);
}

static void
test_outage_leaves_account (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(SyConnection) c = add_account (f, "acct", 1000, TRUE);
  g_autoptr(SyConnection) row = NULL;
  Answers answers;

  f->answer = ANSWER_OUTAGE;
  ask (f, c, FALSE, 2, &answers);
  g_assert_cmpuint (f->calls, ==, 1);
  g_assert_error (answers.errors[0], SY_TOKEN_KEEPER_ERROR, SY_TOKEN_KEEPER_ERROR_UNAVAILABLE);
  g_assert_nonnull (strstr (answers.errors[0]->message, "503"));
  answers_clear (&answers);
  row = stored_row (f, "acct");
  g_assert_cmpstr (row->auth_state, ==, "ok");
  g_assert_null (row->auth_error);
}

static void
test_forced_refresh_shared (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(SyConnection) c = add_account (f, "acct", 3600 * 1000, TRUE);
  Answers answers;

  /* An upstream 401 on a token that looked fresh: refresh anyway. */
  ask (f, c, TRUE, 1, &answers);
  g_assert_cmpuint (f->calls, ==, 1);
  g_assert_cmpstr (sy_token_bundle_get_bearer (answers.bundles[0]), ==, "access-1");
  answers_clear (&answers);
  /* Another request's 401 on the old token moments later reuses the new one. */
  ask (f, c, TRUE, 1, &answers);
  g_assert_cmpuint (f->calls, ==, 1);
  g_assert_cmpstr (sy_token_bundle_get_bearer (answers.bundles[0]), ==, "access-1");
  answers_clear (&answers);
}

static void
test_missing_tokens_need_login (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(SyConnection) c = add_account (f, "acct", 3600 * 1000, FALSE);
  g_autoptr(SyConnection) row = NULL;
  Answers answers;

  ask (f, c, FALSE, 1, &answers);
  g_assert_error (answers.errors[0], SY_TOKEN_KEEPER_ERROR, SY_TOKEN_KEEPER_ERROR_NEEDS_LOGIN);
  answers_clear (&answers);
  row = stored_row (f, "acct");
  g_assert_cmpstr (row->auth_state, ==, "needs_login");
  g_assert_cmpuint (f->calls, ==, 0);
}

static void
test_sweep (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(SyConnection) soon = add_account (f, "soon", 60 * 1000, TRUE);
  g_autoptr(SyConnection) later = add_account (f, "later", 3600 * 1000, TRUE);
  g_autoptr(SyConnection) row = NULL;

  sy_token_keeper_sweep (f->keeper);
  while (f->calls < 1 || sy_credentials_peek (sy_gateway_get_credentials (f->t->gateway), "soon") == NULL ||
         strstr (sy_credentials_peek (sy_gateway_get_credentials (f->t->gateway), "soon"),
                 "refresh-1") == NULL)
    g_main_context_iteration (NULL, TRUE);
  sy_test_wait_ms (50);
  g_assert_cmpuint (f->calls, ==, 1);
  g_assert_cmpstr (f->last_refresh_token, ==, "refresh-0");
  row = stored_row (f, "soon");
  g_assert_cmpint (row->token_expires_at, >, g_get_real_time () / 1000 + LEAD_MS);
  /* A second sweep finds nothing to do. */
  sy_token_keeper_sweep (f->keeper);
  sy_test_wait_ms (50);
  g_assert_cmpuint (f->calls, ==, 1);
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
