/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The API Keys page. It reads GET /api/keys (loading, nothing yet, could not read with Retry,
 * or the list) and again every few seconds while shown, redrawing only when the answer
 * changed, so keys made elsewhere (the CLI Tools page, curl) appear without disturbing the
 * rows. Creating, editing and revoking go through /api/keys, so the rules are the API's own.
 * The page never sees a key itself: only the Create window does, once.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-keys-page.h"

#include <glib/gi18n.h>

#include "sy-inbound-key-dialog.h"
#include "sy-page-link.h"
#include "sy-widgets.h"

/* How often a shown page reads the keys again, for changes made elsewhere. */
#define POLL_INTERVAL_S 5

struct _SyKeysPage
{
  GtkWidget      parent_instance;

  SyPageLink     link;         /* client, host and the page's timer */
  GCancellable  *cancellable;  /* changes; cancelled in dispose */
  GCancellable  *loading;      /* the read under way, cancelled by the next one */
  char          *shown;        /* the answer drawn last (JSON text); NULL: none drawn */

  GtkLabel      *required_label;
  GtkLabel      *message_label;
  GtkStack      *stack;
  GtkSpinner    *spinner;
  GtkLabel      *error_label;
  GtkListBox    *keys_list;
};

G_DEFINE_FINAL_TYPE (SyKeysPage, sy_keys_page, GTK_TYPE_WIDGET)

static void reload (SyKeysPage *self);

/* "loading", "empty", "error" or "list" (ui/sy-keys-page.ui). */
static void
set_state (SyKeysPage *self,
           const char *state)
{
  gtk_stack_set_visible_child_name (self->stack, state);
  gtk_spinner_set_spinning (self->spinner, g_strcmp0 (state, "loading") == 0);
}

/* --- describing a key -------------------------------------------------------------------- */

/* "openai/gpt-4o, groq/llama*", or NULL for an empty list. */
static char *
join_list (JsonObject *key,
           const char *member)
{
  JsonNode *node = json_object_get_member (key, member);
  JsonArray *array = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  GString *text;

  if (array == NULL || json_array_get_length (array) == 0)
    return NULL;
  text = g_string_new (NULL);
  for (guint i = 0; i < json_array_get_length (array); i++)
    g_string_append_printf (text, "%s%s", i > 0 ? ", " : "",
                            json_array_get_string_element (array, i));
  return g_string_free (text, FALSE);
}

static char *
describe_scopes (JsonObject *key)
{
  g_autofree char *models = join_list (key, "allowedModels");
  g_autofree char *combos = join_list (key, "allowedCombos");
  /* Translators: in place of the models or the combos a key may use: "Combos: none". */
  const char *none = _("none");

  if (models == NULL && combos == NULL)
    return g_strdup (_("May use every model and combo"));
  /* Translators: what a key may use: "Models: groq/llama* · Combos: none". */
  return g_strdup_printf (_("Models: %s · Combos: %s"), models ? models : none,
                          combos ? combos : none);
}

/* "Requests: at most 30 per minute · created 2025-06-01 14:03". */
static char *
describe_limits (JsonObject *key)
{
  int per_minute = (int) json_object_get_int_member_with_default (key, "maxRequestsPerMinute",
                                                                   0);
  int per_day = (int) json_object_get_int_member_with_default (key, "maxRequestsPerDay", 0);
  gint64 created_ms = json_object_get_int_member_with_default (key, "createdAt", 0);
  g_autoptr(GDateTime) created = g_date_time_new_from_unix_local (created_ms / 1000);
  g_autofree char *date = created ? g_date_time_format (created, "%Y-%m-%d %H:%M") : NULL;
  g_autofree char *limits = NULL;
  g_autofree char *when = NULL;

  if (per_minute > 0 && per_day > 0)
    limits = g_strdup_printf (_("Requests: at most %d per minute and %d per day"), per_minute,
                              per_day);
  else if (per_minute > 0)
    limits = g_strdup_printf (_("Requests: at most %d per minute"), per_minute);
  else if (per_day > 0)
    limits = g_strdup_printf (_("Requests: at most %d per day"), per_day);
  else
    limits = g_strdup (_("Requests: no limit"));
  if (date == NULL)
    return g_steal_pointer (&limits);
  /* Translators: when a key was made, "created 2025-06-01 14:03". */
  when = g_strdup_printf (_("created %s"), date);
  return g_strdup_printf ("%s · %s", limits, when);
}

/* --- changes ----------------------------------------------------------------------------- */

static void
revoke_response_cb (GtkDialog  *dialog,
                    int         response,
                    SyKeysPage *self)
{
  JsonObject *key = g_object_get_data (G_OBJECT (dialog), "key");
  g_autofree char *id = g_uri_escape_string (
    json_object_get_string_member_with_default (key, "id", ""), NULL, FALSE);
  g_autofree char *path = g_strconcat ("/api/keys/", id, NULL);

  gtk_window_destroy (GTK_WINDOW (dialog));
  if (response != GTK_RESPONSE_ACCEPT || self->link.client == NULL)
    return;
  sy_widget_send_change (GTK_WIDGET (self), self->link.client, "DELETE", path,
                         self->cancellable, self->message_label, (SyWidgetFunc) reload);
}

static void
revoke_clicked_cb (GtkButton  *button,
                   SyKeysPage *self)
{
  JsonObject *key = g_object_get_data (G_OBJECT (button), "object");
  const char *name = json_object_get_string_member_with_default (key, "name", "");
  g_autofree char *heading = g_strdup_printf (_("Revoke the API key “%s”?"), name);
  GtkWidget *dialog = sy_confirm_dialog_new (
    GTK_WIDGET (self), heading,
    _("Tools that send this key are refused from now on, and its budgets are deleted with it. "
      "Its usage history stays. This cannot be undone."), _("_Revoke"));

  g_object_set_data_full (G_OBJECT (dialog), "key", json_object_ref (key),
                          (GDestroyNotify) json_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (revoke_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
saved_cb (SyInboundKeyDialog *dialog,
          SyKeysPage         *self)
{
  sy_label_set_message (self->message_label, NULL);
  reload (self);
}

/* The Create window for key NULL, the Edit window otherwise. */
static void
open_dialog (SyKeysPage *self,
             JsonObject *key)
{
  SyInboundKeyDialog *dialog;

  if (self->link.client == NULL)
    return;
  dialog = sy_inbound_key_dialog_new (self->link.client, key);
  g_signal_connect_object (dialog, "saved", G_CALLBACK (saved_cb), self, 0);
  sy_window_present_over (GTK_WINDOW (dialog), GTK_WIDGET (self));
}

static void
edit_clicked_cb (GtkButton  *button,
                 SyKeysPage *self)
{
  open_dialog (self, g_object_get_data (G_OBJECT (button), "object"));
}

static void
create_clicked_cb (SyKeysPage *self)
{
  open_dialog (self, NULL);
}

static void
retry_clicked_cb (SyKeysPage *self)
{
  set_state (self, "loading");
  reload (self);
}

/* --- the list ---------------------------------------------------------------------------- */

static void
add_key_row (SyKeysPage *self,
             JsonObject *key)
{
  GtkWidget *row = sy_list_box_add_row (self->keys_list);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *title = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *name = sy_label_new (json_object_get_string_member_with_default (key, "name", ""),
                                  "sy-name");
  const char *prefix = json_object_get_string_member_with_default (key, "prefix", NULL);
  g_autofree char *scopes = describe_scopes (key);
  g_autofree char *limits = describe_limits (key);

  gtk_label_set_selectable (GTK_LABEL (name), TRUE);
  gtk_box_append (GTK_BOX (title), name);
  if (prefix != NULL)
    {
      g_autofree char *shown = g_strconcat (prefix, "…", NULL);
      GtkWidget *chip = sy_label_new (shown, "sy-chip");

      gtk_widget_add_css_class (chip, "monospace");
      /* Translators: a tooltip on the first characters of an API key. */
      gtk_widget_set_tooltip_text (chip, _("How the key begins; the whole key was shown once, "
                                           "when it was created"));
      gtk_box_append (GTK_BOX (title), chip);
    }
  gtk_box_append (GTK_BOX (text), title);
  gtk_box_append (GTK_BOX (text), sy_label_new (scopes, "dim-label"));
  gtk_box_append (GTK_BOX (text), sy_label_new (limits, "dim-label"));
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (row), text);
  gtk_box_append (GTK_BOX (row), sy_row_button_new_for (_("_Edit"), G_CALLBACK (edit_clicked_cb),
                                                        self, key));
  gtk_box_append (GTK_BOX (row), sy_row_button_new_for (_("_Revoke"),
                                                        G_CALLBACK (revoke_clicked_cb), self,
                                                        key));
}

static void
keys_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(SyKeysPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = sy_admin_client_call_finish (SY_ADMIN_CLIENT (source), result,
                                                          &error);
  g_autofree char *text = NULL;
  JsonArray *keys;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->loading);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_autofree char *message = NULL;

      if (g_error_matches (error, SY_ADMIN_CLIENT_ERROR, SY_ADMIN_CLIENT_ERROR_NOT_SERVING))
        message = g_strdup (_("The gateway is not running, so its keys cannot be read. Resume "
                              "it (or choose a free port) in the bar at the top of the "
                              "window."));
      else
        {
          g_autofree char *problem = error ? sy_admin_client_describe_error (error)
                                           : g_strdup (_("The gateway's answer was not a "
                                                         "list."));

          message = g_strdup_printf (_("The API keys could not be read. %s"), problem);
        }

      g_clear_pointer (&self->shown, g_free);
      sy_list_box_clear (self->keys_list);
      gtk_label_set_text (self->error_label, message);
      set_state (self, "error");
      return;
    }

  /* The same answer as drawn: the rows (and the focus on their buttons) stay. */
  text = json_to_string (node, FALSE);
  if (g_strcmp0 (text, self->shown) == 0)
    return;
  g_free (self->shown);
  self->shown = g_steal_pointer (&text);

  sy_list_box_clear (self->keys_list);
  keys = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (keys); i++)
    {
      JsonObject *key = json_array_get_object_element (keys, i);

      if (key != NULL && json_object_has_member (key, "id"))
        add_key_row (self, key);
    }
  set_state (self, gtk_list_box_get_row_at_index (self->keys_list, 0) ? "list" : "empty");
}

static void
reload (SyKeysPage *self)
{
  /* Cancelled by the next read, or in dispose. */
  GCancellable *loading = sy_cancellable_renew (&self->loading);

  if (self->link.client != NULL)
    sy_admin_client_call_async (self->link.client, "GET", "/api/keys", NULL, loading, keys_cb,
                                g_object_ref (self));
}

/* Whether keys are required now, from the gateway's settings. */
static void
update_required (SyKeysPage *self)
{
  SyGateway *gateway = self->link.host ? sy_gateway_host_get_gateway (self->link.host) : NULL;
  gboolean required;

  gtk_widget_set_visible (GTK_WIDGET (self->required_label), gateway != NULL);
  if (gateway == NULL)
    return;
  required = sy_settings_repo_get_boolean (sy_gateway_get_settings (gateway), "requireApiKey");
  gtk_label_set_text (self->required_label,
                      required ? _("Keys are required now: a request without one of these keys "
                                   "is refused.")
                               : _("Keys are not required now: any program on this computer "
                                   "may use Switchyard without one. Turn on Require an API key "
                                   "in Settings (Security) once your tools have their keys."));
}

void
sy_keys_page_refresh (SyKeysPage *self)
{
  g_return_if_fail (SY_IS_KEYS_PAGE (self));

  update_required (self);
  /* Rows drawn stay until the answer replaces them; with none, the page says it is reading. */
  if (self->shown == NULL)
    set_state (self, "loading");
  reload (self);
}

void
sy_keys_page_set_client (SyKeysPage    *self,
                         SyAdminClient *client)
{
  g_return_if_fail (SY_IS_KEYS_PAGE (self));

  sy_page_link_set_client (&self->link, client);
}

/* --- the widget -------------------------------------------------------------------------- */

static void
sy_keys_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (sy_keys_page_parent_class)->map (widget);
  sy_page_link_mapped (&SY_KEYS_PAGE (widget)->link);
}

static void
sy_keys_page_unmap (GtkWidget *widget)
{
  sy_page_link_unmapped (&SY_KEYS_PAGE (widget)->link);
  GTK_WIDGET_CLASS (sy_keys_page_parent_class)->unmap (widget);
}

static void
sy_keys_page_dispose (GObject *object)
{
  SyKeysPage *self = SY_KEYS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
  sy_page_link_clear (&self->link);
  g_clear_object (&self->loading);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SY_TYPE_KEYS_PAGE);
  sy_widget_unparent_children (GTK_WIDGET (self));
  G_OBJECT_CLASS (sy_keys_page_parent_class)->dispose (object);
}

static void
sy_keys_page_finalize (GObject *object)
{
  g_clear_pointer (&SY_KEYS_PAGE (object)->shown, g_free);
  G_OBJECT_CLASS (sy_keys_page_parent_class)->finalize (object);
}

static void
sy_keys_page_class_init (SyKeysPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sy_keys_page_dispose;
  object_class->finalize = sy_keys_page_finalize;
  widget_class->map = sy_keys_page_map;
  widget_class->unmap = sy_keys_page_unmap;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/dev/switchyard/Switchyard/ui/sy-keys-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SyKeysPage, required_label);
  gtk_widget_class_bind_template_child (widget_class, SyKeysPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, SyKeysPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SyKeysPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, SyKeysPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, SyKeysPage, keys_list);
  gtk_widget_class_bind_template_callback (widget_class, create_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, retry_clicked_cb);
}

static void
sy_keys_page_init (SyKeysPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  sy_page_link_init (&self->link, GTK_WIDGET (self), POLL_INTERVAL_S,
                     (SyPageLinkFunc) sy_keys_page_refresh, (SyPageLinkFunc) sy_keys_page_refresh);
  self->cancellable = g_cancellable_new ();
}
