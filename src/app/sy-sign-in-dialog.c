/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The "Sign in" window. It drives one login through /api/oauth (start, poll every two seconds,
 * paste a code, cancel) and shows each state in words: the page to finish in the browser, or
 * the code to type in. Closing the window cancels a login that has not finished. It never sees
 * a token: the gateway exchanges and stores them.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-sign-in-dialog.h"

#include <glib/gi18n.h>

#include "providers/sy-oauth-provider.h"
#include "providers/sy-provider-catalog.h"
#include "sy-widgets.h"

#define POLL_INTERVAL_S 2

struct _SySignInDialog
{
  GtkWindow      parent_instance;

  SyAdminClient *client;
  GCancellable  *cancellable;
  GPtrArray     *provider_ids;   /* by drop-down position */
  char          *connection_id;
  char          *flow_id;
  char          *uri;            /* the page to open: authorize URL or verification URI */
  gboolean       finished;
  gboolean       closed;
  guint          poll_id;

  GtkStack      *stack;
  GtkDropDown   *provider_dropdown;
  GtkButton     *browser_button;
  GtkButton     *device_button;
  GtkLabel      *error_label;
  GtkLabel      *status_label;
  GtkLabel      *user_code_label;
  GtkLabel      *verification_label;
  GtkEntry      *code_entry;
  GtkButton     *submit_button;
};

G_DEFINE_FINAL_TYPE (SySignInDialog, sy_sign_in_dialog, GTK_TYPE_WINDOW)

enum {
  OPEN_URI,
  SIGNED_IN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void poll_flow (SySignInDialog *self);

static const char *
selected_provider (SySignInDialog *self)
{
  guint index = gtk_drop_down_get_selected (self->provider_dropdown);

  return index < self->provider_ids->len ? g_ptr_array_index (self->provider_ids, index) : NULL;
}

static void
update_buttons (SySignInDialog *self)
{
  const SyOAuthProvider *provider = sy_oauth_provider_lookup (selected_provider (self));

  gtk_widget_set_sensitive (GTK_WIDGET (self->browser_button),
                            provider && sy_oauth_provider_supports (provider,
                                                                    SY_OAUTH_METHOD_BROWSER));
  gtk_widget_set_sensitive (GTK_WIDGET (self->device_button),
                            provider && sy_oauth_provider_supports (provider,
                                                                    SY_OAUTH_METHOD_DEVICE));
}

/* The catalog's subscription providers, the ones with an OAuth login. */
static void
fill_providers (SySignInDialog *self)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  const SyProviderInfo *catalog;
  guint n;

  catalog = sy_provider_catalog_get_all (&n);
  for (guint i = 0; i < n; i++)
    {
      if (sy_oauth_provider_lookup (catalog[i].id) == NULL)
        continue;
      gtk_string_list_append (labels, catalog[i].name);
      g_ptr_array_add (self->provider_ids, g_strdup (catalog[i].id));
    }
  gtk_drop_down_set_model (self->provider_dropdown, G_LIST_MODEL (labels));
}

static void
show_failure (SySignInDialog *self,
              const char     *message)
{
  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_pointer (&self->flow_id, g_free);
  sy_label_set_message (self->error_label, message);
  gtk_label_set_text (self->status_label, "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->provider_dropdown), self->connection_id == NULL);
  update_buttons (self);
  gtk_stack_set_visible_child_name (self->stack, "choose");
}

static void
open_uri (SySignInDialog *self)
{
  gboolean handled = FALSE;

  if (self->uri != NULL)
    g_signal_emit (self, signals[OPEN_URI], 0, self->uri, &handled);
}

static gboolean
sy_sign_in_dialog_real_open_uri (SySignInDialog *self,
                                 const char     *uri)
{
  gtk_show_uri (GTK_WINDOW (self), uri, GDK_CURRENT_TIME);
  return TRUE;
}

static const char *
member (JsonObject *object,
        const char *name)
{
  return json_object_get_string_member_with_default (object, name, NULL);
}

/* Shows what the flow waits for; TRUE while it goes on. */
static gboolean
show_flow (SySignInDialog *self,
           JsonObject     *flow)
{
  const char *state = member (flow, "state");
  const char *user_code = member (flow, "userCode");
  /* By the method, not by the user code: a device login that is exchanging shows none. */
  gboolean device = g_strcmp0 (member (flow, "method"), "device") == 0;
  const char *page = device ? member (flow, "verificationUri") : member (flow, "authorizeUrl");

  if (g_strcmp0 (state, "done") == 0)
    {
      self->finished = TRUE;
      g_clear_handle_id (&self->poll_id, g_source_remove);
      g_signal_emit (self, signals[SIGNED_IN], 0, member (flow, "connectionId"));
      gtk_window_destroy (GTK_WINDOW (self));
      return FALSE;
    }
  if (g_strcmp0 (state, "failed") == 0 || g_strcmp0 (state, "cancelled") == 0)
    {
      const char *why = member (flow, "error");
      g_autofree char *text = why ? g_strdup_printf (_("The login failed: %s"), why) : NULL;

      show_failure (self, text ? text : _("The login was cancelled."));
      return FALSE;
    }
  if (page != NULL && g_strcmp0 (page, self->uri) != 0)
    {
      g_free (self->uri);
      self->uri = g_strdup (page);
      /* The browser opens by itself for a browser login; a device code is often typed in on
       * another device, so its page opens only when asked (Open the page). */
      if (!device)
        open_uri (self);
    }
  if (device)
    {
      if (user_code != NULL)
        gtk_label_set_text (self->user_code_label, user_code);
      if (self->uri != NULL)
        gtk_label_set_text (self->verification_label, self->uri);
      gtk_stack_set_visible_child_name (self->stack, "device");
    }
  else
    gtk_stack_set_visible_child_name (self->stack, "browser");
  gtk_label_set_text (self->status_label,
                      g_strcmp0 (state, "exchanging") == 0
                        ? _("Signed in at the provider; fetching the account…")
                        : _("Waiting for you to finish at the provider…"));
  return TRUE;
}

static gboolean
poll_cb (gpointer user_data)
{
  SySignInDialog *self = user_data;

  self->poll_id = 0;
  poll_flow (self);
  return G_SOURCE_REMOVE;
}

/* DELETE /api/oauth/flows/{id}: the gateway cancels the login and forgets it. */
static void
cancel_at_gateway (SyAdminClient *client,
                   const char    *flow_id)
{
  g_autofree char *path = g_strdup_printf ("/api/oauth/flows/%s", flow_id);

  sy_admin_client_call_async (client, "DELETE", path, NULL, NULL, NULL, NULL);
}

/* Closing the window ends the login at once, not when the last call in flight lets go of the
 * window: no poll, no browser opening afterwards, and the gateway cancels the login (its
 * loopback port closes). A start still under way is not cancelled: flow_cb cancels the login
 * it answers with. */
static void
stop_login (SySignInDialog *self)
{
  if (self->closed)
    return;
  self->closed = TRUE;
  g_clear_handle_id (&self->poll_id, g_source_remove);
  if (self->flow_id != NULL && !self->finished && self->client != NULL)
    cancel_at_gateway (self->client, self->flow_id);
  g_clear_pointer (&self->flow_id, g_free);
  g_cancellable_cancel (self->cancellable);
}

static void
flow_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(SySignInDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = sy_admin_client_call_finish (SY_ADMIN_CLIENT (source), result,
                                                          &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (self->closed)
    {
      const char *id = node != NULL && JSON_NODE_HOLDS_OBJECT (node)
                         ? member (json_node_get_object (node), "flowId") : NULL;

      if (id != NULL)
        cancel_at_gateway (SY_ADMIN_CLIENT (source), id);
      return;
    }
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *text = error ? sy_admin_client_describe_error (error)
                                    : g_strdup (_("The gateway answered something unexpected."));

      show_failure (self, text);
      return;
    }
  if (self->flow_id == NULL)
    self->flow_id = g_strdup (member (json_node_get_object (node), "flowId"));
  if (show_flow (self, json_node_get_object (node)))
    self->poll_id = g_timeout_add_seconds (POLL_INTERVAL_S, poll_cb, self);
}

static void
poll_flow (SySignInDialog *self)
{
  g_autofree char *path = g_strdup_printf ("/api/oauth/flows/%s", self->flow_id);

  sy_admin_client_call_async (self->client, "GET", path, NULL, self->cancellable, flow_cb,
                              g_object_ref (self));
}

void
sy_sign_in_dialog_start (SySignInDialog *self,
                         const char     *method)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  const char *provider;

  g_return_if_fail (SY_IS_SIGN_IN_DIALOG (self));
  g_return_if_fail (self->flow_id == NULL);

  provider = selected_provider (self);
  if (provider == NULL)
    {
      sy_label_set_message (self->error_label, _("Provider: choose one from the list."));
      return;
    }
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "method");
  json_builder_add_string_value (b, method);
  if (self->connection_id != NULL)
    {
      json_builder_set_member_name (b, "connectionId");
      json_builder_add_string_value (b, self->connection_id);
    }
  json_builder_end_object (b);
  body = json_builder_get_root (b);
  path = g_strdup_printf ("/api/oauth/%s/start", provider);

  sy_label_set_message (self->error_label, NULL);
  g_clear_pointer (&self->uri, g_free);
  gtk_widget_set_sensitive (GTK_WIDGET (self->browser_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->device_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->provider_dropdown), FALSE);
  /* No cancellable: closing the window meanwhile must still learn the login to cancel. */
  sy_admin_client_call_async (self->client, "POST", path, body, NULL, flow_cb,
                              g_object_ref (self));
}

const char *
sy_sign_in_dialog_get_flow_id (SySignInDialog *self)
{
  g_return_val_if_fail (SY_IS_SIGN_IN_DIALOG (self), NULL);

  return self->flow_id;
}

const char *
sy_sign_in_dialog_get_step (SySignInDialog *self)
{
  g_return_val_if_fail (SY_IS_SIGN_IN_DIALOG (self), NULL);

  if (g_str_equal (gtk_stack_get_visible_child_name (self->stack), "choose") &&
      gtk_widget_get_visible (GTK_WIDGET (self->error_label)))
    return "failed";
  return gtk_stack_get_visible_child_name (self->stack);
}

static void
browser_clicked_cb (SySignInDialog *self)
{
  sy_sign_in_dialog_start (self, "browser");
}

static void
device_clicked_cb (SySignInDialog *self)
{
  sy_sign_in_dialog_start (self, "device");
}

static void
reopen_clicked_cb (SySignInDialog *self)
{
  open_uri (self);
}

static void
copy_code_clicked_cb (SySignInDialog *self)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)),
                          gtk_label_get_text (self->user_code_label));
}

static void
submitted_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SySignInDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = sy_admin_client_call_finish (SY_ADMIN_CLIENT (source), result,
                                                          &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->submit_button), TRUE);
  if (node == NULL)
    {
      g_autofree char *text = sy_admin_client_describe_error (error);

      sy_label_set_message (self->error_label, text);
      return;
    }
  sy_label_set_message (self->error_label, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->code_entry), "");
}

static void
submit_clicked_cb (SySignInDialog *self)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *code = g_strstrip (g_strdup (gtk_editable_get_text (
                                        GTK_EDITABLE (self->code_entry))));

  if (self->flow_id == NULL || *code == '\0')
    return;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "code");
  json_builder_add_string_value (b, code);
  json_builder_end_object (b);
  body = json_builder_get_root (b);
  path = g_strdup_printf ("/api/oauth/flows/%s/code", self->flow_id);
  gtk_widget_set_sensitive (GTK_WIDGET (self->submit_button), FALSE);
  sy_admin_client_call_async (self->client, "POST", path, body, self->cancellable, submitted_cb,
                              g_object_ref (self));
}

static void
cancel_clicked_cb (SySignInDialog *self)
{
  stop_login (self);
  gtk_window_destroy (GTK_WINDOW (self));
}

/* Escape and the window manager's close button. */
static gboolean
sy_sign_in_dialog_close_request (GtkWindow *window)
{
  stop_login (SY_SIGN_IN_DIALOG (window));
  return GTK_WINDOW_CLASS (sy_sign_in_dialog_parent_class)->close_request (window);
}

static void
provider_changed_cb (SySignInDialog *self)
{
  update_buttons (self);
}

static void
sy_sign_in_dialog_dispose (GObject *object)
{
  SySignInDialog *self = SY_SIGN_IN_DIALOG (object);

  stop_login (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), SY_TYPE_SIGN_IN_DIALOG);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  G_OBJECT_CLASS (sy_sign_in_dialog_parent_class)->dispose (object);
}

static void
sy_sign_in_dialog_finalize (GObject *object)
{
  SySignInDialog *self = SY_SIGN_IN_DIALOG (object);

  g_clear_pointer (&self->provider_ids, g_ptr_array_unref);
  g_free (self->connection_id);
  g_free (self->flow_id);
  g_free (self->uri);
  G_OBJECT_CLASS (sy_sign_in_dialog_parent_class)->finalize (object);
}

static void
sy_sign_in_dialog_class_init (SySignInDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = sy_sign_in_dialog_dispose;
  object_class->finalize = sy_sign_in_dialog_finalize;
  window_class->close_request = sy_sign_in_dialog_close_request;

  signals[OPEN_URI] = g_signal_new_class_handler ("open-uri", G_TYPE_FROM_CLASS (klass),
                                                  G_SIGNAL_RUN_LAST,
                                                  G_CALLBACK (sy_sign_in_dialog_real_open_uri),
                                                  g_signal_accumulator_true_handled, NULL, NULL,
                                                  G_TYPE_BOOLEAN, 1, G_TYPE_STRING);
  signals[SIGNED_IN] = g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (
    widget_class, "/dev/switchyard/Switchyard/ui/sy-sign-in-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SySignInDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, SySignInDialog, provider_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SySignInDialog, browser_button);
  gtk_widget_class_bind_template_child (widget_class, SySignInDialog, device_button);
  gtk_widget_class_bind_template_child (widget_class, SySignInDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, SySignInDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, SySignInDialog, user_code_label);
  gtk_widget_class_bind_template_child (widget_class, SySignInDialog, verification_label);
  gtk_widget_class_bind_template_child (widget_class, SySignInDialog, code_entry);
  gtk_widget_class_bind_template_child (widget_class, SySignInDialog, submit_button);
  gtk_widget_class_bind_template_callback (widget_class, browser_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, device_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, reopen_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, copy_code_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, submit_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, provider_changed_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sy_sign_in_dialog_init (SySignInDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->provider_ids = g_ptr_array_new_with_free_func (g_free);
}

SySignInDialog *
sy_sign_in_dialog_new (SyAdminClient *client,
                       const char    *provider,
                       const char    *connection_id)
{
  SySignInDialog *self;
  guint index;

  g_return_val_if_fail (SY_IS_ADMIN_CLIENT (client), NULL);

  self = g_object_new (SY_TYPE_SIGN_IN_DIALOG, NULL);
  self->client = g_object_ref (client);
  self->connection_id = g_strdup (connection_id);
  fill_providers (self);
  if (provider != NULL &&
      g_ptr_array_find_with_equal_func (self->provider_ids, provider, g_str_equal, &index))
    gtk_drop_down_set_selected (self->provider_dropdown, index);
  /* A new login for an existing account stays with its provider. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->provider_dropdown), connection_id == NULL);
  update_buttons (self);
  return self;
}
