/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Providers page. Accounts come from the in-process repository (sy_connection_repo_list),
 * their current state from the routing state's monitoring view. Switching an account on or
 * off and adding a key go through the management API, so the key takes the API's one path
 * to the keyring and never passes through this page's own storage. Each row's Test button asks
 * POST /api/providers/{id}/test; tests in flight and their results live in the page by account
 * id (rows are rebuilt on every refresh), and leaving the page cancels the running ones.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-providers-page.h"

#include <glib/gi18n.h>

#include "sy-add-key-dialog.h"
#include "sy-custom-models-dialog.h"
#include "sy-format.h"
#include "sy-page-link.h"
#include "sy-sign-in-dialog.h"
#include "sy-widgets.h"

/* Changes made elsewhere are looked for every POLL_INTERVAL_S; times left are redrawn every
 * REDRAW_POLLS polls. */
#define POLL_INTERVAL_S 2
#define REDRAW_POLLS    5

struct _SyProvidersPage
{
  GtkWidget      parent_instance;

  SyPageLink     link;        /* client, host and the page's timer */
  GCancellable  *cancellable;
  gpointer       seen_repo;   /* compared only, never dereferenced */
  guint          seen_generation;
  guint          polls;

  GtkWidget     *scroller;
  GtkListBox    *accounts_list;
  GtkLabel      *message_label;

  GHashTable    *tests;       /* account id -> AccountTest */
};

G_DEFINE_FINAL_TYPE (SyProvidersPage, sy_providers_page, GTK_TYPE_WIDGET)

/* One account's connection test: running (with its cancellable) or its last result. */
typedef struct
{
  GCancellable *cancellable;  /* non-NULL while running */
  char         *result;       /* the last result, or NULL */
  const char   *css_class;
} AccountTest;

static void
account_test_free (AccountTest *test)
{
  if (test->cancellable != NULL)
    g_cancellable_cancel (test->cancellable);
  g_clear_object (&test->cancellable);
  g_free (test->result);
  g_free (test);
}

/* What a test's answer hands to the callback: which page, which run. */
typedef struct
{
  SyProvidersPage *self;         /* a reference */
  char            *id;
  GCancellable    *cancellable;  /* identifies the run */
} TestCall;

static void
test_call_free (TestCall *call)
{
  g_object_unref (call->self);
  g_free (call->id);
  g_object_unref (call->cancellable);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestCall, test_call_free)

static SyGateway *
get_gateway (SyProvidersPage *self)
{
  return self->link.host ? sy_gateway_host_get_gateway (self->link.host) : NULL;
}

static void
show_error (SyProvidersPage *self,
            const GError    *error)
{
  g_autofree char *text = error ? sy_admin_client_describe_error (error) : NULL;

  sy_label_set_message (self->message_label, text);
}

static void
patched_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(SyProvidersPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = sy_admin_client_call_finish (SY_ADMIN_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  show_error (self, error);
  /* The switch shows the stored value again, whichever way it went. */
  sy_providers_page_refresh (self);
}

static gboolean
enabled_state_set_cb (GtkSwitch       *sw,
                      gboolean         state,
                      SyProvidersPage *self)
{
  const char *id = g_object_get_data (G_OBJECT (sw), "connection-id");
  g_autofree char *escaped = g_uri_escape_string (id, NULL, FALSE);
  g_autofree char *path = g_strconcat ("/api/providers/", escaped, NULL);
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();

  json_object_set_boolean_member (object, "enabled", state);
  json_node_take_object (body, object);
  gtk_widget_set_sensitive (GTK_WIDGET (sw), FALSE);
  sy_admin_client_call_async (self->link.client, "PATCH", path, body, self->cancellable, patched_cb,
                              g_object_ref (self));
  return TRUE;  /* the switch's state follows the stored value once the API answered */
}

static void
key_added_cb (SyAddKeyDialog  *dialog,
              SyProvidersPage *self)
{
  show_error (self, NULL);
  sy_providers_page_refresh (self);
}

static void
add_key_clicked_cb (SyProvidersPage *self)
{
  SyAddKeyDialog *dialog = sy_add_key_dialog_new (self->link.client);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  g_signal_connect_object (dialog, "added", G_CALLBACK (key_added_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
signed_in_cb (SySignInDialog  *dialog,
              const char      *connection_id,
              SyProvidersPage *self)
{
  show_error (self, NULL);
  sy_providers_page_refresh (self);
}

static void
open_sign_in (SyProvidersPage *self,
              const char      *provider,
              const char      *connection_id)
{
  SySignInDialog *dialog = sy_sign_in_dialog_new (self->link.client, provider, connection_id);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  g_signal_connect_object (dialog, "signed-in", G_CALLBACK (signed_in_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
custom_models_clicked_cb (SyProvidersPage *self)
{
  SyCustomModelsDialog *dialog = sy_custom_models_dialog_new (self->link.client, NULL);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
sign_in_clicked_cb (SyProvidersPage *self)
{
  open_sign_in (self, NULL, NULL);
}

static void
sign_in_again_clicked_cb (GtkButton       *button,
                          SyProvidersPage *self)
{
  open_sign_in (self, g_object_get_data (G_OBJECT (button), "provider"),
                g_object_get_data (G_OBJECT (button), "connection-id"));
}

/* "OpenAI (openai)", or a provider node's "llama.cpp (local)". */
static char *
provider_display (SyGateway    *gateway,
                  SyConnection *c)
{
  g_autoptr(SyProviderNode) node = sy_node_repo_lookup (sy_gateway_get_nodes (gateway),
                                                        c->provider);

  if (node != NULL)
    return g_strdup_printf ("%s (%s)", node->name ? node->name : node->prefix, node->prefix);
  return sy_format_provider (c->provider);
}

/* What the router will do with this account now, and the style to say it in. */
static char *
describe_state (SyConnection  *c,
                JsonObject    *cooldown,
                JsonObject    *breaker,
                const char   **css_class)
{
  const char *breaker_state = breaker ? json_object_get_string_member_with_default (
                                          breaker, "state", "CLOSED") : "CLOSED";

  if (!c->enabled)
    {
      *css_class = "dim-label";
      return g_strdup (_("Switched off: never used"));
    }
  if (g_strcmp0 (c->auth_state, "needs_login") == 0)
    {
      *css_class = "sy-bad";
      if (c->auth_error != NULL)
        return g_strdup_printf (_("Needs a new login: %s"), c->auth_error);
      return g_strdup (_("Needs a new login"));
    }
  if (cooldown != NULL)
    {
      g_autofree char *left = sy_format_duration_ms (
        json_object_get_int_member_with_default (cooldown, "remainingMs", 0));
      const char *reason = json_object_get_string_member_with_default (cooldown, "reason", NULL);

      *css_class = "sy-warning";
      if (reason != NULL && *reason != '\0')
        return g_strdup_printf (_("Cooling down, %s left: %s"), left, reason);
      return g_strdup_printf (_("Cooling down, %s left"), left);
    }
  if (g_str_equal (breaker_state, "OPEN"))
    {
      g_autofree char *left = sy_format_duration_ms (
        json_object_get_int_member_with_default (breaker, "retryAfterMs", 0));

      *css_class = "sy-bad";
      return g_strdup_printf (_("Provider failing: breaker open, next try in %s"), left);
    }
  if (g_str_equal (breaker_state, "HALF_OPEN"))
    {
      *css_class = "sy-warning";
      return g_strdup (_("Provider recovering: the next request tests it"));
    }
  if (!c->has_secret && g_strcmp0 (c->auth_type, "oauth") == 0)
    {
      *css_class = "sy-warning";
      return g_strdup (_("Not signed in"));
    }
  if (!c->has_secret)
    {
      *css_class = "sy-warning";
      return g_strdup (_("No key stored: add the account again with its key"));
    }
  *css_class = "sy-ok";
  return g_strdup (_("Ready"));
}

/* The gateway's {"ok", "status", "latencyMs", "error", "models"} in words. */
static char *
describe_test (JsonObject  *answer,
               const char **css_class)
{
  JsonNode *status = json_object_get_member (answer, "status");
  JsonNode *models = json_object_get_member (answer, "models");
  const char *error = json_object_get_string_member_with_default (answer, "error", NULL);
  int latency = (int) json_object_get_int_member_with_default (answer, "latencyMs", 0);
  int code = status != NULL && !JSON_NODE_HOLDS_NULL (status) ? (int) json_node_get_int (status)
                                                               : 0;

  if (json_object_get_boolean_member_with_default (answer, "ok", FALSE))
    {
      *css_class = "sy-ok";
      if (models != NULL && !JSON_NODE_HOLDS_NULL (models))
        {
          int n = (int) json_node_get_int (models);

          return g_strdup_printf (ngettext ("Works: %d model, %d ms", "Works: %d models, %d ms",
                                            n), n, latency);
        }
      return g_strdup_printf (_("Works, %d ms"), latency);
    }
  *css_class = "sy-bad";
  if (error == NULL)
    error = "";
  if (code == 401 || code == 403)
    return g_strdup_printf (_("Refused: %d, %s"), code, error);
  if (code != 0)
    return g_strdup_printf (_("Failed: %d, %s"), code, error);
  return g_strdup_printf (_("Failed: %s"), error);
}

static void
tested_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(TestCall) call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = sy_admin_client_call_finish (SY_ADMIN_CLIENT (source), result,
                                                          &error);
  AccountTest *test = call->self->tests ? g_hash_table_lookup (call->self->tests, call->id)
                                         : NULL;

  /* Cancelled, or a later run took its place: that one speaks. */
  if (test == NULL || test->cancellable != call->cancellable ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&test->cancellable);
  g_free (test->result);
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    test->result = describe_test (json_node_get_object (node), &test->css_class);
  else
    {
      test->result = error ? sy_admin_client_describe_error (error)
                           : g_strdup (_("The gateway gave no answer"));
      test->css_class = "sy-bad";
    }
  sy_providers_page_refresh (call->self);
}

/* Starts a test of the account, or cancels the one running (the button says Cancel then). */
static void
test_clicked_cb (GtkButton       *button,
                 SyProvidersPage *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "connection-id");
  AccountTest *test = g_hash_table_lookup (self->tests, id);
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) body = NULL;
  TestCall *call;

  if (test != NULL && test->cancellable != NULL)
    {
      g_cancellable_cancel (test->cancellable);
      g_clear_object (&test->cancellable);
      g_clear_pointer (&test->result, g_free);
      sy_providers_page_refresh (self);
      return;
    }
  if (test == NULL)
    {
      test = g_new0 (AccountTest, 1);
      g_hash_table_insert (self->tests, g_strdup (id), test);
    }
  g_clear_pointer (&test->result, g_free);
  test->cancellable = g_cancellable_new ();

  escaped = g_uri_escape_string (id, NULL, FALSE);
  path = g_strconcat ("/api/providers/", escaped, "/test", NULL);
  body = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (body, json_object_new ());
  call = g_new0 (TestCall, 1);
  call->self = g_object_ref (self);
  call->id = g_strdup (id);
  call->cancellable = g_object_ref (test->cancellable);
  sy_admin_client_call_async (self->link.client, "POST", path, body, test->cancellable,
                              tested_cb, call);
  sy_providers_page_refresh (self);
}

/* Leaving the page ends the tests in flight (their rows say nothing more). */
static void
cancel_tests (SyProvidersPage *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->tests);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      AccountTest *test = value;

      if (test->cancellable != NULL)
        {
          g_cancellable_cancel (test->cancellable);
          g_clear_object (&test->cancellable);
        }
    }
}

static void
add_test_widgets (SyProvidersPage *self,
                  SyConnection    *c,
                  GtkWidget       *row,
                  GtkWidget       *text)
{
  AccountTest *test = g_hash_table_lookup (self->tests, c->id);
  gboolean running = test != NULL && test->cancellable != NULL;
  GtkWidget *button;

  if (test != NULL && test->result != NULL)
    gtk_box_append (GTK_BOX (text), sy_label_new_line (test->result, test->css_class));
  if (running)
    {
      GtkWidget *spinner = gtk_spinner_new ();

      gtk_spinner_start (GTK_SPINNER (spinner));
      gtk_widget_set_valign (spinner, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (spinner, _("Testing the account…"));
      gtk_box_append (GTK_BOX (row), spinner);
    }
  button = gtk_button_new_with_mnemonic (running ? _("_Cancel") : _("_Test"));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, running ? _("Stop the test")
                                               : _("Check that the account works, without "
                                                   "spending tokens"));
  g_object_set_data_full (G_OBJECT (button), "connection-id", g_strdup (c->id), g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (test_clicked_cb), self, 0);
  gtk_box_append (GTK_BOX (row), button);
}

static void
add_account_row (SyProvidersPage *self,
                 SyGateway       *gateway,
                 SyConnection    *c,
                 GHashTable      *cooldowns,
                 GHashTable      *breakers)
{
  GtkWidget *row = sy_list_box_add_row (self->accounts_list);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *sw = gtk_switch_new ();
  GtkWidget *state_label;
  g_autofree char *provider = provider_display (gateway, c);
  g_autofree char *subtitle = g_strdup_printf (_("%s · priority %d"), provider, c->priority);
  const char *css_class = NULL;
  g_autofree char *state = describe_state (c, g_hash_table_lookup (cooldowns, c->id),
                                           g_hash_table_lookup (breakers, c->provider),
                                           &css_class);
  g_autoptr(SyQuota) quota = sy_quota_book_lookup (
    sy_quota_watch_get_book (sy_gateway_get_quota_watch (gateway)), c->id);
  g_autofree char *quota_text = sy_format_quota (quota, g_get_real_time () / 1000);
  g_autofree char *quota_line = quota_text ? g_strdup_printf (_("Quota: %s"), quota_text)
                                           : NULL;

  gtk_box_append (GTK_BOX (text), sy_label_new (c->name ? c->name : c->id, "sy-name"));
  gtk_box_append (GTK_BOX (text), sy_label_new (subtitle, "dim-label"));
  state_label = sy_label_new_line (state, css_class);
  gtk_box_append (GTK_BOX (text), state_label);
  if (quota_line != NULL)
    gtk_box_append (GTK_BOX (text), sy_label_new_line (quota_line, "dim-label"));
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (row), text);
  add_test_widgets (self, c, row, text);

  if (g_strcmp0 (c->auth_type, "oauth") == 0 &&
      (g_strcmp0 (c->auth_state, "needs_login") == 0 || !c->has_secret))
    {
      GtkWidget *again = gtk_button_new_with_mnemonic (_("Sign in _again"));

      gtk_widget_set_valign (again, GTK_ALIGN_CENTER);
      g_object_set_data_full (G_OBJECT (again), "provider", g_strdup (c->provider), g_free);
      g_object_set_data_full (G_OBJECT (again), "connection-id", g_strdup (c->id), g_free);
      g_signal_connect_object (again, "clicked", G_CALLBACK (sign_in_again_clicked_cb), self, 0);
      gtk_box_append (GTK_BOX (row), again);
    }

  gtk_switch_set_active (GTK_SWITCH (sw), c->enabled);
  gtk_switch_set_state (GTK_SWITCH (sw), c->enabled);
  gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (sw, _("Use this account"));
  g_object_set_data_full (G_OBJECT (sw), "connection-id", g_strdup (c->id), g_free);
  g_signal_connect_object (sw, "state-set", G_CALLBACK (enabled_state_set_cb), self, 0);
  gtk_box_append (GTK_BOX (row), sw);
}

/* member "key" of each object in root[array] -> the object (borrowed from root). */
static GHashTable *
index_by (JsonObject *root,
          const char *array,
          const char *key)
{
  GHashTable *index = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *items = root ? json_object_get_array_member (root, array) : NULL;

  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      const char *value = item ? json_object_get_string_member_with_default (item, key, NULL)
                               : NULL;

      if (value != NULL)
        g_hash_table_insert (index, (gpointer) value, item);
    }
  return index;
}

void
sy_providers_page_refresh (SyProvidersPage *self)
{
  SyGateway *gateway;
  SyConnectionRepo *repo;
  g_autoptr(JsonNode) view = NULL;
  g_autoptr(GHashTable) cooldowns = NULL;
  g_autoptr(GHashTable) breakers = NULL;
  g_autoptr(GPtrArray) accounts = NULL;

  g_return_if_fail (SY_IS_PROVIDERS_PAGE (self));

  sy_list_box_clear (self->accounts_list);
  if ((gateway = get_gateway (self)) == NULL)
    return;
  repo = sy_gateway_get_connections (gateway);
  self->seen_repo = repo;
  self->seen_generation = sy_connection_repo_get_generation (repo);

  view = sy_routing_state_to_json (sy_gateway_get_routing (gateway));
  cooldowns = index_by (json_node_get_object (view), "cooldowns", "connectionId");
  breakers = index_by (json_node_get_object (view), "providers", "id");
  accounts = sy_connection_repo_list (repo, NULL);
  for (guint i = 0; i < accounts->len; i++)
    add_account_row (self, gateway, g_ptr_array_index (accounts, i), cooldowns, breakers);
}

/* Redraws when the stored accounts changed, here or elsewhere, and now and then for the
 * times left. */
static void
poll (gpointer user_data)
{
  SyProvidersPage *self = user_data;
  SyGateway *gateway = get_gateway (self);
  SyConnectionRepo *repo = gateway ? sy_gateway_get_connections (gateway) : NULL;

  if (++self->polls % REDRAW_POLLS == 0 || repo != self->seen_repo ||
      (repo != NULL && sy_connection_repo_get_generation (repo) != self->seen_generation))
    sy_providers_page_refresh (self);
}

void
sy_providers_page_set_client (SyProvidersPage *self,
                              SyAdminClient *client)
{
  g_return_if_fail (SY_IS_PROVIDERS_PAGE (self));

  sy_page_link_set_client (&self->link, client);
}

static void
sy_providers_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (sy_providers_page_parent_class)->map (widget);
  sy_page_link_mapped (&SY_PROVIDERS_PAGE (widget)->link);
}

static void
sy_providers_page_unmap (GtkWidget *widget)
{
  sy_page_link_unmapped (&SY_PROVIDERS_PAGE (widget)->link);
  cancel_tests (SY_PROVIDERS_PAGE (widget));
  GTK_WIDGET_CLASS (sy_providers_page_parent_class)->unmap (widget);
}

static void
sy_providers_page_dispose (GObject *object)
{
  SyProvidersPage *self = SY_PROVIDERS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_pointer (&self->tests, g_hash_table_unref);
  sy_page_link_clear (&self->link);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SY_TYPE_PROVIDERS_PAGE);
  G_OBJECT_CLASS (sy_providers_page_parent_class)->dispose (object);
}

static void
sy_providers_page_class_init (SyProvidersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sy_providers_page_dispose;
  widget_class->map = sy_providers_page_map;
  widget_class->unmap = sy_providers_page_unmap;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (
    widget_class, "/dev/switchyard/Switchyard/ui/sy-providers-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SyProvidersPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, SyProvidersPage, accounts_list);
  gtk_widget_class_bind_template_child (widget_class, SyProvidersPage, message_label);
  gtk_widget_class_bind_template_callback (widget_class, add_key_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, sign_in_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, custom_models_clicked_cb);
}

static void
sy_providers_page_init (SyProvidersPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  sy_page_link_init (&self->link, GTK_WIDGET (self), POLL_INTERVAL_S, (SyPageLinkFunc) sy_providers_page_refresh,
                     (SyPageLinkFunc) poll);
  self->cancellable = g_cancellable_new ();
  self->tests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) account_test_free);
}
