/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Settings page. Its rows are generated from the store's settings schema (type, range,
 * choices, default) with the words of sy-settings-fields.c; the stored values are read from
 * the in-process repository, and saving sends only the changed values in one
 * PATCH /api/settings, so the API's validation is the only one. A refusal names its field
 * first: the message goes under that field and nothing typed is lost. Values changed elsewhere
 * show up when the page is shown again (and while shown), except in rows with unsaved changes.
 * The Advanced tab ends with the Backups section (sy-backups-box.c).
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-settings-page.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "sy-backups-box.h"
#include "sy-main-window.h"
#include "sy-page-link.h"
#include "sy-setting-row.h"
#include "sy-settings-fields.h"

/* How often a shown page looks for changes made elsewhere (a generation number compare). */
#define POLL_INTERVAL_S 2

struct _SySettingsPage
{
  GtkWidget      parent_instance;

  SyPageLink     link;          /* client, host and the page's timer */
  GCancellable  *cancellable;   /* save and health calls; cancelled in dispose */
  gpointer       seen_repo;     /* compared only, never dereferenced */
  guint          seen_generation;
  GPtrArray     *rows;          /* SySettingRow, owned by the tabs */
  GPtrArray     *saving;        /* names in the PATCH in flight, or NULL */

  GtkWidget     *content;
  GtkStack      *tabs;
  GtkBox        *boxes[SY_SETTINGS_N_TABS];
  GtkLabel      *keys_hint;
  GtkLabel      *listening_value;
  GtkLabel      *data_dir_value;
  GtkLabel      *version_value;
  GtkLabel      *facts_message;
  GtkLabel      *message_label;
  GtkWidget     *save_button;
  GtkWidget     *revert_button;
  GtkWidget     *backups;       /* SyBackupsBox, at the end of the Advanced tab */
};

G_DEFINE_FINAL_TYPE (SySettingsPage, sy_settings_page, GTK_TYPE_WIDGET)

static SySettingsRepo *
get_repo (SySettingsPage *self)
{
  SyGateway *gateway = self->link.host ? sy_gateway_host_get_gateway (self->link.host) : NULL;

  return gateway ? sy_gateway_get_settings (gateway) : NULL;
}

static SySettingRow *
find_row (SySettingsPage *self,
          const char     *name)
{
  for (guint i = 0; i < self->rows->len; i++)
    if (g_str_equal (sy_setting_row_get_name (self->rows->pdata[i]), name))
      return self->rows->pdata[i];
  return NULL;
}

static void
set_message (SySettingsPage *self,
             const char     *message,
             gboolean        is_error)
{
  gtk_label_set_text (self->message_label, message != NULL ? message : "");
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
}

static guint
count_changed (SySettingsPage *self)
{
  guint n = 0;

  for (guint i = 0; i < self->rows->len; i++)
    if (sy_setting_row_is_changed (self->rows->pdata[i]))
      n++;
  return n;
}

static void
update_buttons (SySettingsPage *self)
{
  guint n = count_changed (self);

  gtk_widget_set_sensitive (self->save_button, n > 0 && self->saving == NULL);
  gtk_widget_set_sensitive (self->revert_button, self->saving == NULL);
}

static void
row_edited_cb (SySettingsPage *self)
{
  guint n = count_changed (self);
  g_autofree char *text = NULL;

  if (n > 0)
    text = g_strdup_printf (ngettext ("%u unsaved change", "%u unsaved changes", n), n);
  set_message (self, text, FALSE);
  update_buttons (self);
}

/* Shows the stored values; rows with unsaved changes keep them unless force. */
static void
load (SySettingsPage *self,
      gboolean        force)
{
  SySettingsRepo *repo = get_repo (self);
  g_autoptr(JsonNode) all = NULL;
  JsonObject *object;

  self->seen_repo = repo;
  if (repo == NULL)
    return;
  self->seen_generation = sy_settings_repo_get_generation (repo);
  all = sy_settings_repo_to_json (repo);
  object = json_node_get_object (all);
  for (guint i = 0; i < self->rows->len; i++)
    {
      SySettingRow *row = self->rows->pdata[i];

      sy_setting_row_set_value (row, json_object_get_member (object, sy_setting_row_get_name (row)),
                                force);
    }
  update_buttons (self);
}

/* --- /api/health: the read-only facts ---------------------------------------------------- */

static void
health_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SySettingsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *listening = NULL;
  JsonObject *health;
  const char *host;

  node = sy_admin_client_call_finish (SY_ADMIN_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autofree char *text = error ? sy_admin_client_describe_error (error) : NULL;

      gtk_label_set_text (self->listening_value, "–");
      gtk_label_set_text (self->data_dir_value, "–");
      gtk_label_set_text (self->version_value, "–");
      gtk_label_set_text (self->facts_message, text ? text : "");
      gtk_widget_set_visible (GTK_WIDGET (self->facts_message), text != NULL);
      return;
    }
  health = json_node_get_object (node);
  host = json_object_get_string_member_with_default (health, "host", "?");
  listening = g_strdup_printf (strchr (host, ':') ? "[%s]:%" G_GINT64_FORMAT
                                                  : "%s:%" G_GINT64_FORMAT,
                               host, json_object_get_int_member_with_default (health, "port", 0));
  gtk_label_set_text (self->listening_value, listening);
  gtk_label_set_text (self->data_dir_value,
                      json_object_get_string_member_with_default (health, "dataDir", "–"));
  gtk_label_set_text (self->version_value,
                      json_object_get_string_member_with_default (health, "version", "–"));
  gtk_widget_set_visible (GTK_WIDGET (self->facts_message), FALSE);
}

void
sy_settings_page_refresh (SySettingsPage *self)
{
  g_return_if_fail (SY_IS_SETTINGS_PAGE (self));

  load (self, FALSE);
  if (self->link.client != NULL)
    sy_admin_client_call_async (self->link.client, "GET", "/api/health", NULL, self->cancellable,
                                health_cb, g_object_ref (self));
}

/* Reloads when the stored settings changed, here or elsewhere. */
static void
poll (gpointer user_data)
{
  SySettingsPage *self = user_data;
  SySettingsRepo *repo = get_repo (self);

  if (repo != self->seen_repo ||
      (repo != NULL && sy_settings_repo_get_generation (repo) != self->seen_generation))
    load (self, FALSE);
}

/* --- saving ------------------------------------------------------------------------------ */

/* "ipDenyList[0]: expected an IPv4 ..." under ipDenyList: "Line 1: expected an IPv4 ...". */
static char *
describe_refusal (const char *rest,
                  SySettingEdit edit)
{
  g_autofree char *prefix = NULL;
  g_autofree char *text = NULL;
  guint index;

  if (rest[0] == '[' && sscanf (rest, "[%u]", &index) == 1 && strchr (rest, ']') != NULL)
    {
      prefix = g_strdup_printf (edit == SY_SETTING_EDIT_LINES ? _("Line %u") : _("Entry %u"),
                                index + 1);
      rest = strchr (rest, ']') + 1;
    }
  while (*rest == ':' || *rest == '.' || *rest == ' ')
    rest++;
  if (prefix != NULL)
    return g_strdup_printf ("%s: %s", prefix, rest);
  text = g_strdup (rest);
  if (text[0] != '\0')
    text[0] = g_ascii_toupper (text[0]);
  return g_steal_pointer (&text);
}

/* A 400 from the API names the field first; put the rest under that field. */
static void
show_refusal (SySettingsPage *self,
              const char     *message)
{
  g_autofree char *field = NULL;
  g_autofree char *text = NULL;
  g_autofree char *summary = NULL;
  SySettingField info;
  SySettingRow *row;
  gsize len = 0;

  while (g_ascii_isalnum (message[len]))
    len++;
  field = g_strndup (message, len);
  row = find_row (self, field);
  if (row == NULL)
    {
      set_message (self, message, TRUE);
      return;
    }
  info = sy_settings_fields_lookup (field);
  text = describe_refusal (message + len, info.edit);
  sy_setting_row_set_message (row, text);
  sy_settings_page_set_tab (self, sy_settings_tab_get_name (sy_setting_row_get_tab (row)));
  summary = g_strdup_printf (_("Nothing was saved: %s was refused. The reason is under it."),
                             info.label ? _(info.label) : field);
  set_message (self, summary, TRUE);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(SySettingsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) saved = NULL;

  node = sy_admin_client_call_finish (SY_ADMIN_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  saved = g_steal_pointer (&self->saving);
  if (node == NULL)
    {
      if (g_error_matches (error, SY_ADMIN_CLIENT_ERROR, SY_ADMIN_CLIENT_ERROR_REFUSED))
        show_refusal (self, error->message);
      else
        {
          g_autofree char *text = sy_admin_client_describe_error (error);

          set_message (self, text, TRUE);
        }
      update_buttons (self);
      return;
    }

  /* The answer is every setting as stored now: the saved rows take it as loaded. */
  if (JSON_NODE_HOLDS_OBJECT (node))
    for (guint i = 0; i < self->rows->len; i++)
      {
        SySettingRow *row = self->rows->pdata[i];
        const char *name = sy_setting_row_get_name (row);
        gboolean was_saved = g_ptr_array_find_with_equal_func (saved, name, g_str_equal, NULL);

        sy_setting_row_set_value (row, json_object_get_member (json_node_get_object (node), name),
                                  was_saved);
      }
  if (get_repo (self) != NULL)
    self->seen_generation = sy_settings_repo_get_generation (get_repo (self));
  set_message (self, _("Saved. The next request uses the new settings."), FALSE);
  update_buttons (self);
}

static void
save_clicked_cb (SySettingsPage *self)
{
  g_autoptr(JsonObject) patch = json_object_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) body = NULL;
  SySettingRow *first_bad = NULL;

  if (self->saving != NULL)
    return;
  for (guint i = 0; i < self->rows->len; i++)
    {
      SySettingRow *row = self->rows->pdata[i];
      g_autoptr(GError) error = NULL;
      JsonNode *value;

      if (!sy_setting_row_is_changed (row))
        continue;
      value = sy_setting_row_dup_value (row, &error);
      if (value == NULL)
        {
          sy_setting_row_set_message (row, error->message);
          first_bad = first_bad ? first_bad : row;
          continue;
        }
      json_object_set_member (patch, sy_setting_row_get_name (row), value);
      g_ptr_array_add (names, g_strdup (sy_setting_row_get_name (row)));
    }
  if (first_bad != NULL)
    {
      sy_settings_page_set_tab (self,
                                sy_settings_tab_get_name (sy_setting_row_get_tab (first_bad)));
      set_message (self, _("Nothing was saved: fix the field marked in red first."), TRUE);
      return;
    }
  if (names->len == 0)
    return;
  if (self->link.client == NULL)
    {
      set_message (self, _("Nothing to save to: the gateway is not running."), TRUE);
      return;
    }

  self->saving = g_steal_pointer (&names);
  set_message (self, _("Saving…"), FALSE);
  update_buttons (self);
  body = json_node_init_object (json_node_alloc (), patch);
  sy_admin_client_call_async (self->link.client, "PATCH", "/api/settings", body,
                              self->cancellable, saved_cb, g_object_ref (self));
}

static void
revert_clicked_cb (SySettingsPage *self)
{
  load (self, TRUE);
  set_message (self, NULL, FALSE);
}

static gboolean
keys_link_cb (SySettingsPage *self,
              const char     *uri)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (!g_str_has_prefix (uri, "sy-page:"))
    return FALSE;
  /* Outside a main window (a page shown on its own) there is nowhere to go: the link is
   * inert rather than handed to the desktop, which knows no sy-page: scheme. */
  if (!SY_IS_MAIN_WINDOW (root) || !sy_main_window_set_page (SY_MAIN_WINDOW (root), uri + 8))
    g_debug ("no page %s to show", uri + 8);
  return TRUE;
}

/* --- building the form from the schema --------------------------------------------------- */

static void
add_heading (SySettingsPage *self,
             SySettingsTab   tab,
             const char     *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_margin_top (label, 6);
  gtk_box_append (self->boxes[tab], label);
}

static void
add_row (SySettingsPage       *self,
         const SySettingSpec  *spec,
         const SySettingField *field)
{
  GtkWidget *row = sy_setting_row_new (spec, field);

  if (field->group != NULL)
    add_heading (self, field->tab, _(field->group));
  gtk_box_append (self->boxes[field->tab], row);
  g_signal_connect_object (row, "edited", G_CALLBACK (row_edited_cb), self, G_CONNECT_SWAPPED);
  g_ptr_array_add (self->rows, row);
  /* The hint about keys belongs under the switch that needs them. */
  if (g_str_equal (spec->name, "requireApiKey"))
    gtk_box_reorder_child_after (self->boxes[field->tab], GTK_WIDGET (self->keys_hint), row);
}

static void
build_rows (SySettingsPage *self)
{
  guint n_fields, n_specs;
  const SySettingField *fields = sy_settings_fields_get (&n_fields);
  const SySettingSpec *specs = sy_settings_schema_get (&n_specs);
  gboolean other_heading = FALSE;

  for (guint i = 0; i < n_fields; i++)
    {
      const SySettingSpec *spec = sy_settings_schema_lookup (fields[i].name);

      if (spec != NULL && fields[i].edit != SY_SETTING_EDIT_HIDDEN)
        add_row (self, spec, &fields[i]);
    }
  /* Settings newer than the words above still get a row, named as the API names them. */
  for (guint i = 0; i < n_specs; i++)
    {
      SySettingField field = sy_settings_fields_lookup (specs[i].name);

      if (field.edit == SY_SETTING_EDIT_HIDDEN || find_row (self, specs[i].name) != NULL)
        continue;
      if (!other_heading)
        field.group = N_("Other");
      other_heading = TRUE;
      add_row (self, &specs[i], &field);
    }
}

/* --- the widget -------------------------------------------------------------------------- */

void
sy_settings_page_set_client (SySettingsPage *self,
                             SyAdminClient  *client)
{
  g_return_if_fail (SY_IS_SETTINGS_PAGE (self));

  sy_page_link_set_client (&self->link, client);
  sy_backups_box_set_client (SY_BACKUPS_BOX (self->backups), client);
}

void
sy_settings_page_set_tab (SySettingsPage *self,
                          const char     *name)
{
  g_return_if_fail (SY_IS_SETTINGS_PAGE (self));
  g_return_if_fail (name != NULL);

  if (gtk_stack_get_child_by_name (self->tabs, name) != NULL)
    gtk_stack_set_visible_child_name (self->tabs, name);
}

static void
sy_settings_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (sy_settings_page_parent_class)->map (widget);
  sy_page_link_mapped (&SY_SETTINGS_PAGE (widget)->link);
}

static void
sy_settings_page_unmap (GtkWidget *widget)
{
  sy_page_link_unmapped (&SY_SETTINGS_PAGE (widget)->link);
  GTK_WIDGET_CLASS (sy_settings_page_parent_class)->unmap (widget);
}

static void
sy_settings_page_dispose (GObject *object)
{
  SySettingsPage *self = SY_SETTINGS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  sy_page_link_clear (&self->link);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->saving, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), SY_TYPE_SETTINGS_PAGE);
  G_OBJECT_CLASS (sy_settings_page_parent_class)->dispose (object);
}

static void
sy_settings_page_class_init (SySettingsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sy_settings_page_dispose;
  widget_class->map = sy_settings_page_map;
  widget_class->unmap = sy_settings_page_unmap;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/dev/switchyard/Switchyard/ui/sy-settings-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SySettingsPage, content);
  gtk_widget_class_bind_template_child (widget_class, SySettingsPage, tabs);
  gtk_widget_class_bind_template_child_full (widget_class, "security_box", FALSE,
    G_STRUCT_OFFSET (SySettingsPage, boxes) + SY_SETTINGS_TAB_SECURITY * sizeof (GtkBox *));
  gtk_widget_class_bind_template_child_full (widget_class, "routing_box", FALSE,
    G_STRUCT_OFFSET (SySettingsPage, boxes) + SY_SETTINGS_TAB_ROUTING * sizeof (GtkBox *));
  gtk_widget_class_bind_template_child_full (widget_class, "resilience_box", FALSE,
    G_STRUCT_OFFSET (SySettingsPage, boxes) + SY_SETTINGS_TAB_RESILIENCE * sizeof (GtkBox *));
  gtk_widget_class_bind_template_child_full (widget_class, "ai_box", FALSE,
    G_STRUCT_OFFSET (SySettingsPage, boxes) + SY_SETTINGS_TAB_AI * sizeof (GtkBox *));
  gtk_widget_class_bind_template_child_full (widget_class, "advanced_box", FALSE,
    G_STRUCT_OFFSET (SySettingsPage, boxes) + SY_SETTINGS_TAB_ADVANCED * sizeof (GtkBox *));
  gtk_widget_class_bind_template_child (widget_class, SySettingsPage, keys_hint);
  gtk_widget_class_bind_template_child (widget_class, SySettingsPage, listening_value);
  gtk_widget_class_bind_template_child (widget_class, SySettingsPage, data_dir_value);
  gtk_widget_class_bind_template_child (widget_class, SySettingsPage, version_value);
  gtk_widget_class_bind_template_child (widget_class, SySettingsPage, facts_message);
  gtk_widget_class_bind_template_child (widget_class, SySettingsPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, SySettingsPage, save_button);
  gtk_widget_class_bind_template_child (widget_class, SySettingsPage, revert_button);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, revert_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, keys_link_cb);
}

static void
sy_settings_page_init (SySettingsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  sy_page_link_init (&self->link, GTK_WIDGET (self), POLL_INTERVAL_S,
                     (SyPageLinkFunc) sy_settings_page_refresh, (SyPageLinkFunc) poll);
  self->cancellable = g_cancellable_new ();
  self->rows = g_ptr_array_new ();
  build_rows (self);
  self->backups = sy_backups_box_new ();
  gtk_box_append (self->boxes[SY_SETTINGS_TAB_ADVANCED], self->backups);
}
