/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Sign in window against the mock OAuth provider, through the Providers page: a device
 * login (GitHub Copilot) and a browser login with a pasted code (Claude Code) that end in a
 * ready account, a denied login said in words with the window usable again, closing the window
 * cancelling the login at the gateway (also while it starts), and "Sign in again" returning the
 * same account to ready. "open-uri" is always handled here: no real browser opens.
 */
#define G_LOG_DOMAIN "sy-test"

#include "sy-test-app.h"

#include <string.h>

#include "gateway/sy-oauth-logins.h"
#include "sy-mock-oauth.h"
#include "sy-sign-in-dialog.h"

typedef struct
{
  SyTestApp      *t;
  SyMockOAuth    *mock;
  GtkWidget      *page;
  SySignInDialog *dialog;   /* weak */
  GPtrArray      *uris;     /* what "open-uri" asked to open */
  char           *signed_in;
  GString        *steps;    /* the stack's pages, in order */
} Login;

/* The mock speaks as provider; the gateway's flows poll with 5 ms "seconds" (the hook the API
 * tests use), so a device login's interval of 1 s costs 5 ms. The window's own 2 s poll stays. */
static void
login_init (Login      *l,
            SyTestApp  *t,
            const char *provider,
            const char *device_script)
{
  SyGateway *gateway = sy_test_app_get_gateway (t);

  l->t = t;
  l->mock = sy_mock_oauth_new (provider);
  if (device_script != NULL)
    sy_mock_oauth_set_device_script (l->mock, device_script);
  sy_mock_oauth_map (l->mock, sy_gateway_get_origin_map (gateway));
  sy_oauth_logins_set_test_options (sy_gateway_get_oauth_logins (gateway), 0, 5,
                                    SY_OAUTH_LOGINS_LIFETIME);
  l->uris = g_ptr_array_new_with_free_func (g_free);
  l->steps = g_string_new (NULL);
  l->page = sy_test_app_show_page (t, "providers");
}

static void
login_clear (Login *l)
{
  g_assert_null (l->dialog);
  g_clear_pointer (&l->uris, g_ptr_array_unref);
  g_clear_pointer (&l->signed_in, g_free);
  g_string_free (l->steps, TRUE);
  g_assert_finalize_object (l->mock);
}

static gboolean
open_uri_cb (SySignInDialog *dialog,
             const char     *uri,
             Login          *l)
{
  g_ptr_array_add (l->uris, g_strdup (uri));
  return TRUE;
}

static void
signed_in_cb (SySignInDialog *dialog,
              const char     *connection_id,
              Login          *l)
{
  g_assert_null (l->signed_in);
  l->signed_in = g_strdup (connection_id);
}

static void
step_cb (GtkStack   *stack,
         GParamSpec *pspec,
         Login      *l)
{
  g_string_append_printf (l->steps, "%s%s", l->steps->len ? "," : "",
                          gtk_stack_get_visible_child_name (stack));
}

/* The window the button opened, watched. */
static SySignInDialog *
wait_for_dialog (Login *l)
{
  sy_test_wait_until (sy_test_find_window (SY_TYPE_SIGN_IN_DIALOG) != NULL);
  l->dialog = SY_SIGN_IN_DIALOG (sy_test_find_window (SY_TYPE_SIGN_IN_DIALOG));
  g_object_add_weak_pointer (G_OBJECT (l->dialog), (gpointer *) &l->dialog);
  g_signal_connect (l->dialog, "open-uri", G_CALLBACK (open_uri_cb), l);
  g_signal_connect (l->dialog, "signed-in", G_CALLBACK (signed_in_cb), l);
  g_signal_connect (sy_test_find_type (GTK_WIDGET (l->dialog), GTK_TYPE_STACK),
                    "notify::visible-child-name", G_CALLBACK (step_cb), l);
  g_assert_cmpstr (sy_sign_in_dialog_get_step (l->dialog), ==, "choose");
  return l->dialog;
}

static SySignInDialog *
open_sign_in (Login *l)
{
  sy_test_click (sy_test_find_button (l->page, "Sign in…"));
  return wait_for_dialog (l);
}

static GtkDropDown *
provider_dropdown (Login *l)
{
  return GTK_DROP_DOWN (sy_test_find_type (GTK_WIDGET (l->dialog), GTK_TYPE_DROP_DOWN));
}

static const char *
selected_name (Login *l)
{
  GtkDropDown *dropdown = provider_dropdown (l);

  return gtk_string_list_get_string (GTK_STRING_LIST (gtk_drop_down_get_model (dropdown)),
                                     gtk_drop_down_get_selected (dropdown));
}

/* Picks a provider by the name a person reads in the list. */
static void
pick (Login      *l,
      const char *name)
{
  GtkDropDown *dropdown = provider_dropdown (l);
  GListModel *model = gtk_drop_down_get_model (dropdown);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (model), i), name))
      {
        gtk_drop_down_set_selected (dropdown, i);
        return;
      }
  g_assert_not_reached ();
}

static GtkWidget *
dialog_button (Login      *l,
               const char *label)
{
  GtkWidget *button = sy_test_find_button (GTK_WIDGET (l->dialog), label);

  g_assert_nonnull (button);
  return button;
}

static SyConnection *
lookup (Login      *l,
        const char *id)
{
  return sy_connection_repo_lookup (sy_gateway_get_connections (sy_test_app_get_gateway (l->t)),
                                    id);
}

static guint
count_accounts (Login *l)
{
  g_autoptr(GPtrArray) all = sy_connection_repo_list (
    sy_gateway_get_connections (sy_test_app_get_gateway (l->t)), NULL);

  return all->len;
}

/* The account's row on the page says it is ready, with no "Sign in again". */
static void
wait_ready_row (Login      *l,
                const char *name)
{
  GtkWidget *row = NULL;

  sy_test_wait_until ((row = sy_test_find_row (l->page, name)) != NULL &&
                      sy_test_find_label (row, "Ready") != NULL);
  g_assert_null (sy_test_find_button (row, "Sign in again"));
}

/* --- HTTP, as a browser and as an API client ---------------------------------------------- */

/* What the browser lands on after the provider's page: its Location, not followed. */
static char *
browse (const char *url)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

  g_assert_nonnull (msg);
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  sy_test_send (msg);
  g_assert_cmpuint (soup_message_get_status (msg), ==, SOUP_STATUS_FOUND);
  return g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                 "Location"));
}

/* The status of GET /api/oauth/flows/{id} with the admin token. */
static guint
flow_status (Login      *l,
             const char *flow_id)
{
  SyGateway *gateway = sy_test_app_get_gateway (l->t);
  g_autofree char *base = sy_gateway_host_dup_base_url (sy_test_app_get_host (l->t));
  g_autofree char *url = g_strdup_printf ("%s/api/oauth/flows/%s", base, flow_id);
  g_autofree char *bearer = g_strconcat ("Bearer ", sy_gateway_get_admin_token (gateway), NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  sy_test_send (msg);
  return soup_message_get_status (msg);
}

static gboolean
flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Waits until the mock got no request on path for a while: a login still polling there
 * (every 5 ms here) never lets it, and the test times out. */
static void
wait_quiet (SyMockOAuth *mock,
            const char  *path)
{
  gint64 deadline = g_get_monotonic_time () + SY_TEST_TIMEOUT_S * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < deadline)
    {
      guint before = sy_mock_oauth_get_hits (mock, path);
      gboolean waited = FALSE;

      g_timeout_add (300, flag_cb, &waited);
      while (!waited)
        g_main_context_iteration (NULL, TRUE);
      if (sy_mock_oauth_get_hits (mock, path) == before)
        return;
    }
  g_assert_not_reached ();
}

/* --- cases ------------------------------------------------------------------------------- */

#define GITHUB_POLL "/login/oauth/access_token"

static void
device_body (SyTestApp     *t,
             gconstpointer  data)
{
  Login l = { 0 };
  g_autoptr(SyConnection) c = NULL;
  guint opened;

  login_init (&l, t, "github", "pending,ok");
  g_assert_nonnull (sy_test_find_label (l.page, "No accounts yet"));
  open_sign_in (&l);
  pick (&l, "GitHub Copilot");
  /* GitHub has no browser login. */
  g_assert_false (gtk_widget_is_sensitive (dialog_button (&l, "Sign in with the browser")));
  sy_test_click (dialog_button (&l, "Use a device code"));

  /* The code and the page to type it in, in the window. */
  sy_test_wait_until (l.dialog == NULL ||
                      sy_test_find_label (GTK_WIDGET (l.dialog), "ABCD-1234") != NULL);
  if (l.dialog != NULL)
    {
      g_assert_cmpstr (sy_sign_in_dialog_get_step (l.dialog), ==, "device");
      g_assert_nonnull (sy_test_find_label (GTK_WIDGET (l.dialog),
                                            "https://example.test/device"));
      opened = l.uris->len;
      sy_test_click (dialog_button (&l, "Open the page"));
      g_assert_cmpuint (l.uris->len, ==, opened + 1);
      g_assert_cmpstr (g_ptr_array_index (l.uris, opened), ==, "https://example.test/device");
    }
  else
    g_test_message ("the login finished before the window showed its code");

  /* The mock approves at its second poll: the window closes and says who signed in. */
  sy_test_wait_until (l.dialog == NULL);
  g_assert_nonnull (l.signed_in);
  g_assert_true (g_str_has_prefix (l.steps->str, "device"));
  g_assert_null (strstr (l.steps->str, "browser"));
  c = lookup (&l, l.signed_in);
  g_assert_nonnull (c);
  g_assert_cmpstr (c->provider, ==, "github");
  g_assert_cmpstr (c->account, ==, "octocat");
  g_assert_cmpstr (c->auth_state, ==, "ok");
  g_assert_true (c->has_secret);
  wait_ready_row (&l, "octocat");
  g_assert_nonnull (sy_test_find_label (sy_test_find_row (l.page, "octocat"),
                                        "GitHub Copilot"));
  login_clear (&l);
}

static void
test_device (void)
{
  sy_test_app_run (device_body, NULL, NULL);
}

static void
paste_body (SyTestApp     *t,
            gconstpointer  data)
{
  Login l = { 0 };
  g_autoptr(SyConnection) c = NULL;
  g_autoptr(GUri) landed = NULL;
  g_autoptr(GHashTable) params = NULL;
  g_autofree char *location = NULL;
  g_autofree char *pasted = NULL;
  GtkWidget *entry;

  login_init (&l, t, "claude", NULL);
  open_sign_in (&l);
  pick (&l, "Claude Code");
  g_assert_false (gtk_widget_is_sensitive (dialog_button (&l, "Use a device code")));
  sy_test_click (dialog_button (&l, "Sign in with the browser"));

  /* The provider's page goes to our handler, not to a browser. */
  sy_test_wait_until (l.uris->len == 1);
  g_assert_cmpstr (sy_sign_in_dialog_get_step (l.dialog), ==, "browser");
  g_assert_true (g_str_has_prefix (g_ptr_array_index (l.uris, 0),
                                   sy_mock_oauth_get_origin (l.mock)));

  /* The person signs in; the provider's last page shows code#state. */
  location = browse (g_ptr_array_index (l.uris, 0));
  landed = g_uri_parse (location, G_URI_FLAGS_ENCODED_QUERY, NULL);
  g_assert_nonnull (landed);
  params = g_uri_parse_params (g_uri_get_query (landed), -1, "&", G_URI_PARAMS_WWW_FORM, NULL);
  g_assert_nonnull (g_hash_table_lookup (params, "code"));

  /* A code for another login is refused in the window, which stays. */
  entry = sy_test_find_type (GTK_WIDGET (l.dialog), GTK_TYPE_ENTRY);
  gtk_editable_set_text (GTK_EDITABLE (entry), "abc#other-state");
  sy_test_click (dialog_button (&l, "Submit"));
  sy_test_wait_until (sy_test_find_label (GTK_WIDGET (l.dialog), "code:") != NULL);
  g_assert_cmpstr (sy_sign_in_dialog_get_step (l.dialog), ==, "browser");

  pasted = g_strdup_printf ("%s#%s", (char *) g_hash_table_lookup (params, "code"),
                            (char *) g_hash_table_lookup (params, "state"));
  gtk_editable_set_text (GTK_EDITABLE (entry), pasted);
  sy_test_click (dialog_button (&l, "Submit"));
  sy_test_wait_until (l.dialog == NULL);
  g_assert_nonnull (l.signed_in);
  c = lookup (&l, l.signed_in);
  g_assert_nonnull (c);
  g_assert_cmpstr (c->provider, ==, "claude");
  g_assert_cmpstr (c->auth_type, ==, "oauth");
  g_assert_cmpstr (c->account, ==, "claude@example.com");
  g_assert_true (c->has_secret);
  g_assert_cmpuint (count_accounts (&l), ==, 1);
  wait_ready_row (&l, "claude@example.com");
  login_clear (&l);
}

static void
test_paste (void)
{
  sy_test_app_run (paste_body, NULL, NULL);
}

static void
denied_body (SyTestApp     *t,
             gconstpointer  data)
{
  Login l = { 0 };
  GtkWidget *error_label;

  login_init (&l, t, "github", "denied");
  open_sign_in (&l);
  pick (&l, "GitHub Copilot");
  sy_test_click (dialog_button (&l, "Use a device code"));

  sy_test_wait_until (g_strcmp0 (sy_sign_in_dialog_get_step (l.dialog), "failed") == 0);
  error_label = sy_test_find_label (GTK_WIDGET (l.dialog), "The login failed");
  g_assert_nonnull (error_label);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)), "access_denied"));
  /* Nothing says it is still waiting; the provider and the buttons work again. */
  g_assert_null (sy_test_find_label (GTK_WIDGET (l.dialog), "Waiting"));
  g_assert_null (sy_sign_in_dialog_get_flow_id (l.dialog));
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (provider_dropdown (&l))));
  g_assert_cmpstr (selected_name (&l), ==, "GitHub Copilot");
  g_assert_true (gtk_widget_is_sensitive (dialog_button (&l, "Use a device code")));
  g_assert_cmpuint (count_accounts (&l), ==, 0);
  g_assert_null (l.signed_in);

  /* Another go, approved this time: the error goes and the login ends in an account. */
  sy_mock_oauth_set_device_script (l.mock, "pending,ok");
  sy_test_click (dialog_button (&l, "Use a device code"));
  sy_test_wait_until (l.dialog == NULL ||
                      g_strcmp0 (sy_sign_in_dialog_get_step (l.dialog), "device") == 0);
  if (l.dialog != NULL)
    g_assert_null (sy_test_find_label (GTK_WIDGET (l.dialog), "The login failed"));
  sy_test_wait_until (l.dialog == NULL);
  g_assert_nonnull (l.signed_in);
  g_assert_cmpuint (count_accounts (&l), ==, 1);
  wait_ready_row (&l, "octocat");
  login_clear (&l);
}

static void
test_denied (void)
{
  sy_test_app_run (denied_body, NULL, NULL);
}

static void
close_body (SyTestApp     *t,
            gconstpointer  data)
{
  Login l = { 0 };
  SyOAuthLogins *logins = sy_gateway_get_oauth_logins (sy_test_app_get_gateway (t));
  g_autofree char *flow_id = NULL;

  login_init (&l, t, "github", "pending");
  open_sign_in (&l);
  pick (&l, "GitHub Copilot");
  sy_test_click (dialog_button (&l, "Use a device code"));
  sy_test_wait_until (g_strcmp0 (sy_sign_in_dialog_get_step (l.dialog), "device") == 0);
  flow_id = g_strdup (sy_sign_in_dialog_get_flow_id (l.dialog));
  g_assert_nonnull (flow_id);
  g_assert_cmpuint (flow_status (&l, flow_id), ==, SOUP_STATUS_OK);
  sy_test_wait_until (sy_mock_oauth_get_hits (l.mock, GITHUB_POLL) > 0);  /* it polls */

  /* Cancel: the window goes, and so does the login at the gateway. */
  sy_test_click (dialog_button (&l, "Cancel"));
  g_assert_null (sy_test_find_window (SY_TYPE_SIGN_IN_DIALOG));
  sy_test_wait_until (l.dialog == NULL);  /* finalized once its calls in flight returned */
  sy_test_wait_until (sy_oauth_logins_lookup (logins, flow_id) == NULL);
  g_assert_cmpuint (flow_status (&l, flow_id), ==, SOUP_STATUS_NOT_FOUND);
  wait_quiet (l.mock, GITHUB_POLL);
  g_assert_null (l.signed_in);

  /* Closed while the login is starting, before the window knows its id: cancelled too, so
   * the provider is not polled on (and an account not made) behind the person's back. */
  open_sign_in (&l);
  pick (&l, "GitHub Copilot");
  sy_test_click (dialog_button (&l, "Use a device code"));
  gtk_window_close (GTK_WINDOW (l.dialog));
  g_assert_null (sy_test_find_window (SY_TYPE_SIGN_IN_DIALOG));
  sy_test_wait_until (l.dialog == NULL);
  sy_test_wait_until (sy_mock_oauth_get_hits (l.mock, "/login/device/code") == 2);
  wait_quiet (l.mock, GITHUB_POLL);
  g_assert_cmpuint (count_accounts (&l), ==, 0);
  g_assert_null (l.signed_in);
  login_clear (&l);
}

/* A browser login closed while it starts: the browser does not open afterwards. */
static void
close_browser_body (SyTestApp     *t,
                    gconstpointer  data)
{
  Login l = { 0 };

  login_init (&l, t, "claude", NULL);
  open_sign_in (&l);
  pick (&l, "Claude Code");
  sy_test_click (dialog_button (&l, "Sign in with the browser"));
  sy_test_click (dialog_button (&l, "Cancel"));
  sy_test_wait_until (l.dialog == NULL);
  g_assert_cmpuint (l.uris->len, ==, 0);
  g_assert_cmpstr (l.steps->str, ==, "");
  login_clear (&l);
}

static void
test_close (void)
{
  sy_test_app_run (close_body, NULL, NULL);
}

static void
test_close_browser (void)
{
  sy_test_app_run (close_browser_body, NULL, NULL);
}

static void
again_body (SyTestApp     *t,
            gconstpointer  data)
{
  Login l = { 0 };
  SyConnectionRepo *repo = sy_gateway_get_connections (sy_test_app_get_gateway (t));
  g_autoptr(SyConnection) c = sy_test_app_add_account (t, "github", "work", 1);
  g_autoptr(SyConnection) after = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *row = NULL;

  /* A signed-in account whose refresh token the keeper found revoked. */
  g_free (c->auth_type);
  c->auth_type = g_strdup ("oauth");
  g_free (c->auth_state);
  c->auth_state = g_strdup ("needs_login");
  c->auth_error = g_strdup ("the refresh token was revoked");
  c->account = g_strdup ("octocat");
  c->has_secret = TRUE;
  sy_connection_repo_save (repo, c, &error);
  g_assert_no_error (error);

  login_init (&l, t, "github", "pending,ok");
  sy_test_wait_until ((row = sy_test_find_row (l.page, "work")) != NULL &&
                      sy_test_find_label (row, "Needs a new login: the refresh token was "
                                               "revoked") != NULL);
  sy_test_click (sy_test_find_button (row, "Sign in again"));
  wait_for_dialog (&l);

  /* The provider is the account's and cannot change. */
  g_assert_cmpstr (selected_name (&l), ==, "GitHub Copilot");
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (provider_dropdown (&l))));
  sy_test_click (dialog_button (&l, "Use a device code"));
  g_assert_false (gtk_widget_is_sensitive (GTK_WIDGET (provider_dropdown (&l))));
  sy_test_wait_until (l.dialog == NULL);

  /* The same account, ready again: one account, not two. */
  g_assert_cmpstr (l.signed_in, ==, c->id);
  g_assert_cmpuint (count_accounts (&l), ==, 1);
  after = lookup (&l, c->id);
  g_assert_cmpstr (after->auth_state, ==, "ok");
  g_assert_null (after->auth_error);
  g_assert_cmpstr (after->name, ==, "work");
  wait_ready_row (&l, "work");
  g_assert_null (sy_test_find_label (l.page, "Needs a new login"));
  login_clear (&l);
}

static void
test_again (void)
{
  sy_test_app_run (again_body, NULL, NULL);
}

int
main (int   argc,
      char *argv[])
{
  if (!sy_test_app_init (&argc, &argv))
    {
      g_print ("1..0 # SKIP no display (run under tests/run-headless.sh)\n");
      return 0;
    }

  g_test_add_func ("/sy/ui/sign-in/device", test_device);
  g_test_add_func ("/sy/ui/sign-in/browser-pasted-code", test_paste);
  g_test_add_func ("/sy/ui/sign-in/denied", test_denied);
  g_test_add_func ("/sy/ui/sign-in/close-cancels", test_close);
  g_test_add_func ("/sy/ui/sign-in/close-while-starting", test_close_browser);
  g_test_add_func ("/sy/ui/sign-in/again", test_again);
  return g_test_run ();
}
