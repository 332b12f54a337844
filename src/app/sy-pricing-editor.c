/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The pricing table on the Usage page: every price from GET /api/pricing, narrowed by a filter;
 * a form whose Save price sends PUT /api/pricing, and a bin per row for DELETE. The API's
 * checks are the only ones: its refusal is shown in the words of the form's labels.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-pricing-editor.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sy-format.h"
#include "sy-widgets.h"

struct _SyPricingEditor
{
  GtkWidget      parent_instance;

  SyAdminClient *client;
  GCancellable  *cancellable;   /* every call; cancelled in dispose */
  gboolean       busy;          /* a PUT or DELETE in flight */

  GtkWidget     *box;
  GtkEditable   *provider_entry;
  GtkEditable   *model_entry;
  GtkEditable   *input_entry;
  GtkEditable   *output_entry;
  GtkEditable   *cached_entry;
  GtkWidget     *save_price_button;
  GtkLabel      *price_message;
  GtkEditable   *price_filter;
  GtkListBox    *prices_list;
};

G_DEFINE_FINAL_TYPE (SyPricingEditor, sy_pricing_editor, GTK_TYPE_WIDGET)

static double
member_number (JsonObject *object,
               const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  return json_node_get_double (node);
}

/* "$2.50", "$0.075": cents at least, more digits only when the price has them. */
static char *
format_price (double price)
{
  g_autofree char *text = g_strdup_printf ("%.6f", price);
  char *dot = strchr (text, '.');
  char *end = text + strlen (text) - 1;

  while (dot != NULL && end > dot + 2 && *end == '0')
    *end-- = '\0';
  return g_strconcat ("$", text, NULL);
}

static void
set_price_message (SyPricingEditor *self,
                   const char  *text,
                   gboolean     is_error)
{
  sy_label_set_message (self->price_message, text);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->price_message), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->price_message), "error");
}

static void load_prices (SyPricingEditor *self);

static void
edit_price_clicked_cb (GtkButton   *button,
                       SyPricingEditor *self)
{
  JsonObject *price = g_object_get_data (G_OBJECT (button), "price");
  g_autofree char *input = g_strdup_printf ("%g", member_number (price, "inputPerMTok"));
  g_autofree char *output = g_strdup_printf ("%g", member_number (price, "outputPerMTok"));
  g_autofree char *cached = g_strdup_printf ("%g", member_number (price, "cachedPerMTok"));

  gtk_editable_set_text (self->provider_entry,
                         json_object_get_string_member_with_default (price, "provider", ""));
  gtk_editable_set_text (self->model_entry,
                         json_object_get_string_member_with_default (price, "model", ""));
  gtk_editable_set_text (self->input_entry, input);
  gtk_editable_set_text (self->output_entry, output);
  gtk_editable_set_text (self->cached_entry, cached);
  set_price_message (self, NULL, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->input_entry));
}

static void
price_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SyPricingEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = sy_admin_client_call_finish (SY_ADMIN_CLIENT (source), result,
                                                          &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->busy = FALSE;
  gtk_widget_set_sensitive (self->save_price_button, TRUE);
  if (node == NULL)
    {
      g_autofree char *text = sy_admin_client_describe_error (error);
      g_autofree char *refused = g_strdup_printf (_("Nothing was changed. %s"), text);

      set_price_message (self, refused, TRUE);
      return;
    }
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *price = json_node_get_object (node);
      g_autofree char *input = format_price (member_number (price, "inputPerMTok"));
      g_autofree char *output = format_price (member_number (price, "outputPerMTok"));
      g_autofree char *text = g_strdup_printf (
        /* Translators: "Saved: openai/gpt-4o costs $2.50 per million input tokens and ..." */
        _("Saved: %s/%s costs %s per million input tokens and %s per million output tokens "
          "from the next request on."),
        json_object_get_string_member_with_default (price, "provider", "?"),
        json_object_get_string_member_with_default (price, "model", "?"), input, output);

      set_price_message (self, text, FALSE);
    }
  else
    set_price_message (self, _("Removed. Requests to that model are unpriced from now on."),
                       FALSE);
  load_prices (self);
}

static void
remove_price_clicked_cb (GtkButton   *button,
                         SyPricingEditor *self)
{
  JsonObject *price = g_object_get_data (G_OBJECT (button), "price");
  g_autoptr(GString) path = g_string_new ("/api/pricing?provider=");

  if (self->client == NULL || self->busy)
    return;
  g_string_append_uri_escaped (path, json_object_get_string_member_with_default (price,
                                                                                "provider", ""),
                               NULL, FALSE);
  g_string_append (path, "&model=");
  g_string_append_uri_escaped (path, json_object_get_string_member_with_default (price, "model",
                                                                                ""),
                               NULL, FALSE);
  self->busy = TRUE;
  sy_admin_client_call_async (self->client, "DELETE", path->str, NULL, self->cancellable,
                              price_done_cb, g_object_ref (self));
}

/* A number from an entry ("2.5" or "2,5"); FALSE with a sentence when it is none. */
static gboolean
read_price_entry (GtkEditable *entry,
                  const char  *what,
                  gboolean     required,
                  double      *out,
                  gboolean    *present,
                  char       **problem)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (entry)));

  *present = text[0] != '\0';
  if (!*present)
    {
      if (required)
        *problem = g_strdup_printf (_("%s: enter US dollars per million tokens, such as 2.5."),
                                    what);
      return !required;
    }
  if (!sy_format_parse_number (text, out))
    {
      *problem = g_strdup_printf (_("%s: \"%s\" is not a number; enter US dollars per million "
                                    "tokens, such as 2.5."), what, gtk_editable_get_text (entry));
      return FALSE;
    }
  return TRUE;
}

static void
save_price_clicked_cb (SyPricingEditor *self)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *problem = NULL;
  g_autofree char *provider = g_strstrip (g_strdup (gtk_editable_get_text (self->provider_entry)));
  g_autofree char *model = g_strstrip (g_strdup (gtk_editable_get_text (self->model_entry)));
  double input = 0, output = 0, cached = 0;
  gboolean present, has_cached;

  if (self->busy)
    return;
  if (provider[0] == '\0' || model[0] == '\0')
    {
      set_price_message (self, _("Enter the provider (such as openai, or a provider node's "
                                 "prefix) and the model as it is sent upstream (gpt-4o)."), TRUE);
      return;
    }
  if (!read_price_entry (self->input_entry, _("Input price"), TRUE, &input, &present, &problem) ||
      !read_price_entry (self->output_entry, _("Output price"), TRUE, &output, &present,
                         &problem) ||
      !read_price_entry (self->cached_entry, _("Cached input price"), FALSE, &cached,
                         &has_cached, &problem))
    {
      set_price_message (self, problem, TRUE);
      return;
    }
  if (self->client == NULL)
    {
      set_price_message (self, _("Nothing to save to: the gateway is not running."), TRUE);
      return;
    }

  json_object_set_string_member (object, "provider", provider);
  json_object_set_string_member (object, "model", model);
  json_object_set_double_member (object, "inputPerMTok", input);
  json_object_set_double_member (object, "outputPerMTok", output);
  if (has_cached)
    json_object_set_double_member (object, "cachedPerMTok", cached);
  body = json_node_init_object (json_node_alloc (), object);
  self->busy = TRUE;
  gtk_widget_set_sensitive (self->save_price_button, FALSE);
  set_price_message (self, _("Saving…"), FALSE);
  sy_admin_client_call_async (self->client, "PUT", "/api/pricing", body, self->cancellable,
                              price_done_cb, g_object_ref (self));
}

static void
add_price_row (SyPricingEditor *self,
               JsonObject  *price)
{
  GtkWidget *row = sy_list_box_add_row (self->prices_list);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *edit = gtk_button_new_from_icon_name ("document-edit-symbolic");
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  const char *provider = json_object_get_string_member_with_default (price, "provider", "?");
  const char *model = json_object_get_string_member_with_default (price, "model", "?");
  gboolean is_default = g_strcmp0 (json_object_get_string_member_with_default (price, "source",
                                                                               ""),
                                   "default") == 0;
  g_autofree char *title = g_strdup_printf ("%s/%s", provider, model);
  g_autofree char *input = format_price (member_number (price, "inputPerMTok"));
  g_autofree char *output = format_price (member_number (price, "outputPerMTok"));
  g_autofree char *cached = format_price (member_number (price, "cachedPerMTok"));
  /* Translators: one price per million tokens: "$2.50 input · $10.00 output · $1.25 cached
   * input, default" */
  g_autofree char *line = g_strdup_printf (_("%s input · %s output · %s cached input, %s"),
                                           input, output, cached,
                                           is_default ? _("Switchyard's default")
                                                      : _("your price"));
  g_autofree char *search = g_utf8_strdown (title, -1);

  gtk_box_append (GTK_BOX (text), sy_label_new_line (title, "sy-name"));
  gtk_box_append (GTK_BOX (text), sy_label_new_line (line, "dim-label"));
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (row), text);

  g_object_set_data_full (G_OBJECT (edit), "price", json_object_ref (price),
                          (GDestroyNotify) json_object_unref);
  gtk_widget_set_tooltip_text (edit, _("Edit this price"));
  gtk_widget_set_valign (edit, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (edit, "flat");
  g_signal_connect_object (edit, "clicked", G_CALLBACK (edit_price_clicked_cb), self, 0);
  gtk_box_append (GTK_BOX (row), edit);

  g_object_set_data_full (G_OBJECT (remove), "price", json_object_ref (price),
                          (GDestroyNotify) json_object_unref);
  gtk_widget_set_tooltip_text (remove, _("Remove this price: requests to this model become "
                                         "unpriced"));
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  g_signal_connect_object (remove, "clicked", G_CALLBACK (remove_price_clicked_cb), self, 0);
  gtk_box_append (GTK_BOX (row), remove);

  g_object_set_data_full (G_OBJECT (gtk_widget_get_parent (row)), "search",
                          g_steal_pointer (&search), g_free);
}

static gboolean
price_filter_func (GtkListBoxRow *row,
                   gpointer       user_data)
{
  SyPricingEditor *self = user_data;
  const char *search = g_object_get_data (G_OBJECT (row), "search");
  g_autofree char *filter = g_utf8_strdown (gtk_editable_get_text (self->price_filter), -1);

  return search == NULL || filter[0] == '\0' || strstr (search, g_strstrip (filter)) != NULL;
}

static void
price_filter_changed_cb (SyPricingEditor *self)
{
  gtk_list_box_invalidate_filter (self->prices_list);
}

static void
prices_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SyPricingEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = sy_admin_client_call_finish (SY_ADMIN_CLIENT (source), result,
                                                          &error);
  JsonArray *prices;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  sy_list_box_clear (self->prices_list);
  if (node == NULL)
    {
      g_autofree char *text = sy_admin_client_describe_error (error);

      set_price_message (self, text, TRUE);
      return;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return;
  prices = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (prices); i++)
    {
      JsonObject *price = json_array_get_object_element (prices, i);

      if (price != NULL)
        add_price_row (self, price);
    }
}

static void
load_prices (SyPricingEditor *self)
{
  if (self->client != NULL)
    sy_admin_client_call_async (self->client, "GET", "/api/pricing", NULL,
                                self->cancellable, prices_cb, g_object_ref (self));
}

void
sy_pricing_editor_set_client (SyPricingEditor *self,
                              SyAdminClient   *client)
{
  g_return_if_fail (SY_IS_PRICING_EDITOR (self));
  g_return_if_fail (client == NULL || SY_IS_ADMIN_CLIENT (client));

  g_set_object (&self->client, client);
  load_prices (self);
}

static void
sy_pricing_editor_dispose (GObject *object)
{
  SyPricingEditor *self = SY_PRICING_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->client);
  gtk_widget_dispose_template (GTK_WIDGET (self), SY_TYPE_PRICING_EDITOR);
  G_OBJECT_CLASS (sy_pricing_editor_parent_class)->dispose (object);
}

static void
sy_pricing_editor_class_init (SyPricingEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sy_pricing_editor_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (
    widget_class, "/dev/switchyard/Switchyard/ui/sy-pricing-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, SyPricingEditor, box);
  gtk_widget_class_bind_template_child (widget_class, SyPricingEditor, provider_entry);
  gtk_widget_class_bind_template_child (widget_class, SyPricingEditor, model_entry);
  gtk_widget_class_bind_template_child (widget_class, SyPricingEditor, input_entry);
  gtk_widget_class_bind_template_child (widget_class, SyPricingEditor, output_entry);
  gtk_widget_class_bind_template_child (widget_class, SyPricingEditor, cached_entry);
  gtk_widget_class_bind_template_child (widget_class, SyPricingEditor, save_price_button);
  gtk_widget_class_bind_template_child (widget_class, SyPricingEditor, price_message);
  gtk_widget_class_bind_template_child (widget_class, SyPricingEditor, price_filter);
  gtk_widget_class_bind_template_child (widget_class, SyPricingEditor, prices_list);
  gtk_widget_class_bind_template_callback (widget_class, save_price_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, price_filter_changed_cb);
}

static void
sy_pricing_editor_init (SyPricingEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_list_box_set_filter_func (self->prices_list, price_filter_func, self, NULL);
}
