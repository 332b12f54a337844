/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The CLI Tools page. The endpoint comes from the gateway host, the requireApiKey setting from
 * the gateway's settings; a key is created through POST /api/keys (the API's one path to the
 * key store) and kept in memory only, to show once and to hand to Apply. The tools' files are
 * the user's own, not Switchyard data: core/sy-cli-tools reads and writes them (small local
 * files, read when the page is shown and every few seconds while it is).
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-cli-tools-page.h"

#include <glib/gi18n.h>

#include "core/sy-cli-tools.h"
#include "sy-page-link.h"
#include "sy-widgets.h"

/* The tools' files are looked at again every POLL_INTERVAL_S while the page is shown. */
#define POLL_INTERVAL_S 5

typedef struct
{
  GtkLabel  *status_label;
  GtkLabel  *path_label;
  GtkLabel  *note_label;     /* what the last Apply or Restore did, or a hint */
  GtkWidget *restore_button;
} ToolRow;

struct _SyCliToolsPage
{
  GtkWidget      parent_instance;

  SyPageLink     link;
  GCancellable  *cancellable;
  char          *key;        /* created here, shown once; never stored by the page */
  gboolean       require_key;
  ToolRow        rows[SY_CLI_TOOL_N];

  GtkWidget     *scroller;
  GtkLabel      *endpoint_label;
  GtkLabel      *key_status_label;
  GtkWidget     *key_box;
  GtkLabel      *key_label;
  GtkWidget     *create_key_button;
  GtkLabel      *message_label;
  GtkListBox    *tools_list;
  GtkLabel      *manual_label;
};

G_DEFINE_FINAL_TYPE (SyCliToolsPage, sy_cli_tools_page, GTK_TYPE_WIDGET)

static void
copy_text (SyCliToolsPage *self,
           const char     *text)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
}

static void
copy_endpoint_clicked_cb (SyCliToolsPage *self)
{
  copy_text (self, gtk_label_get_text (self->endpoint_label));
}

static void
copy_key_clicked_cb (SyCliToolsPage *self)
{
  if (self->key != NULL)
    copy_text (self, self->key);
}

/* "http://127.0.0.1:20128", or NULL when there is no gateway host yet. */
static char *
dup_base_url (SyCliToolsPage *self)
{
  return self->link.host ? sy_gateway_host_dup_base_url (self->link.host) : NULL;
}

static void
set_note (ToolRow    *row,
          const char *text,
          const char *css_class)
{
  gtk_widget_remove_css_class (GTK_WIDGET (row->note_label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (row->note_label), "dim-label");
  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (row->note_label), css_class);
  sy_label_set_message (row->note_label, text);
}

static void
set_status_class (GtkWidget  *widget,
                  const char *css_class)
{
  static const char * const classes[] = { "sy-ok", "sy-warning", "sy-bad", "dim-label", NULL };

  for (guint i = 0; classes[i] != NULL; i++)
    gtk_widget_remove_css_class (widget, classes[i]);
  gtk_widget_add_css_class (widget, css_class);
}

static void
update_row (SyCliToolsPage *self,
            SyCliTool       tool,
            const char     *base_url)
{
  ToolRow *row = &self->rows[tool];
  SyCliToolTarget target = { base_url, NULL, NULL };
  g_autofree char *detail = NULL;
  g_autofree char *path = sy_cli_tool_dup_config_path (tool);
  g_autofree char *backup = sy_cli_tool_dup_newest_backup (tool);
  g_autofree char *text = NULL;
  const char *css_class;
  guint port = sy_gateway_host_get_port (self->link.host);

  switch (sy_cli_tool_get_status (tool, &target, &detail))
    {
    case SY_CLI_TOOL_NOT_INSTALLED:
      text = g_strdup (_("Not installed (Apply writes its file anyway, for when you install "
                         "it)"));
      css_class = "dim-label";
      break;
    case SY_CLI_TOOL_NOT_CONFIGURED:
      text = g_strdup (_("Not configured for Switchyard"));
      css_class = "dim-label";
      break;
    case SY_CLI_TOOL_CONFIGURED:
      text = g_strdup_printf (_("Configured for Switchyard on port %u"), port);
      css_class = "sy-ok";
      break;
    case SY_CLI_TOOL_ELSEWHERE:
      text = g_strdup_printf (_("Configured elsewhere: it uses %s. Apply points it here."),
                              detail);
      css_class = "sy-warning";
      break;
    case SY_CLI_TOOL_UNREADABLE:
    default:
      text = g_strdup_printf (_("Its file cannot be used: %s"), detail);
      css_class = "sy-bad";
      break;
    }
  gtk_label_set_text (row->status_label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (row->status_label), text);
  set_status_class (GTK_WIDGET (row->status_label), css_class);
  gtk_label_set_text (row->path_label, path);
  gtk_widget_set_sensitive (row->restore_button, backup != NULL);
  gtk_widget_set_tooltip_text (row->restore_button,
                               backup ? backup : _("No backup yet: Apply makes one before it "
                                                   "changes the file"));
}

static void
update_key_area (SyCliToolsPage *self)
{
  gboolean have_key = self->key != NULL;

  if (!self->require_key)
    gtk_label_set_text (self->key_status_label,
                        _("No key is needed: Switchyard does not require API keys from tools "
                          "on this computer. Apply writes a placeholder key, which Switchyard "
                          "accepts."));
  else if (!have_key)
    gtk_label_set_text (self->key_status_label,
                        _("Switchyard requires an API key. Create one for your tools; Apply "
                          "then writes it into their files. A tool already set up keeps the "
                          "key it has."));
  else
    gtk_label_set_text (self->key_status_label,
                        _("Your new key, shown this once: copy it now if you need it "
                          "elsewhere. Apply writes it into the tools' files."));
  gtk_widget_set_visible (self->create_key_button, self->require_key && !have_key);
  gtk_widget_set_visible (self->key_box, have_key);
  gtk_label_set_text (self->key_label, have_key ? self->key : "");
}

void
sy_cli_tools_page_refresh (SyCliToolsPage *self)
{
  SyGateway *gateway;
  g_autofree char *endpoint = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *manual = NULL;

  g_return_if_fail (SY_IS_CLI_TOOLS_PAGE (self));

  if (self->link.host == NULL)
    return;
  endpoint = sy_gateway_host_dup_endpoint (self->link.host);
  base_url = dup_base_url (self);
  gtk_label_set_text (self->endpoint_label, endpoint);
  gateway = sy_gateway_host_get_gateway (self->link.host);
  self->require_key = gateway != NULL &&
                      sy_settings_repo_get_boolean (sy_gateway_get_settings (gateway),
                                                    "requireApiKey");
  update_key_area (self);
  for (SyCliTool tool = 0; tool < SY_CLI_TOOL_N; tool++)
    update_row (self, tool, base_url);

  manual = g_strdup_printf (_("Cline, RooCode and Cursor keep their settings inside the "
                              "editor: choose the provider “OpenAI Compatible”, base URL %s, "
                              "your key (any text when no key is needed), and a model such as "
                              "openai/gpt-4o."), endpoint);
  gtk_label_set_text (self->manual_label, manual);
}

/* --- Apply and Restore ------------------------------------------------------------------- */

static void
apply_clicked_cb (GtkButton      *button,
                  SyCliToolsPage *self)
{
  SyCliTool tool = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "tool"));
  ToolRow *row = &self->rows[tool];
  g_autofree char *base_url = dup_base_url (self);
  g_autofree char *backup = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  SyCliToolTarget target = { base_url, self->key, NULL };
  gboolean changed = FALSE;

  if (base_url == NULL)
    return;
  if (!sy_cli_tool_apply (tool, &target, &changed, &backup, &error))
    {
      text = g_strdup_printf (_("Nothing was changed: %s"), error->message);
      set_note (row, text, "error");
    }
  else if (!changed)
    set_note (row, _("Already set up: the file did not need a change."), "dim-label");
  else if (backup != NULL)
    {
      text = g_strdup_printf (_("Done. The previous file was saved as %s."), backup);
      set_note (row, text, "dim-label");
    }
  else
    set_note (row, _("Done. The file is new, so there was nothing to back up."), "dim-label");

  /* Keys required and none made here: the file kept its key, or got the placeholder. */
  if (error == NULL && self->require_key && self->key == NULL)
    {
      g_free (text);
      text = g_strdup_printf (_("%s Switchyard requires a key: if this tool had none for it, "
                                "create one above and press Apply again."),
                              gtk_label_get_text (row->note_label));
      set_note (row, text, "dim-label");
    }
  /* Codex reads the key from the environment, not from its file. */
  if (error == NULL && tool == SY_CLI_TOOL_CODEX && self->key != NULL)
    {
      g_free (text);
      text = g_strdup_printf (_("%s Codex reads the key from the environment: add “export "
                                "SWITCHYARD_API_KEY=%s” to your shell profile."),
                              gtk_label_get_text (row->note_label), self->key);
      set_note (row, text, "dim-label");
    }
  update_row (self, tool, base_url);
}

static void
restore_clicked_cb (GtkButton      *button,
                    SyCliToolsPage *self)
{
  SyCliTool tool = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "tool"));
  ToolRow *row = &self->rows[tool];
  g_autofree char *base_url = dup_base_url (self);
  g_autofree char *from = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  if (!sy_cli_tool_restore (tool, &from, &error))
    {
      text = g_strdup_printf (_("Nothing was restored: %s"), error->message);
      set_note (row, text, "error");
    }
  else
    {
      text = g_strdup_printf (_("Restored the copy saved as %s."), from);
      set_note (row, text, "dim-label");
    }
  if (base_url != NULL)
    update_row (self, tool, base_url);
}

static void
add_tool_row (SyCliToolsPage *self,
              SyCliTool       tool)
{
  ToolRow *row = &self->rows[tool];
  GtkWidget *box = sy_list_box_add_row (self->tools_list);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *apply = gtk_button_new_with_mnemonic (_("_Apply"));
  GtkWidget *restore = gtk_button_new_with_mnemonic (_("_Restore"));
  GtkWidget *path;

  gtk_box_append (GTK_BOX (text), sy_label_new (sy_cli_tool_get_name (tool), "sy-name"));
  row->status_label = GTK_LABEL (sy_label_new ("", NULL));
  gtk_box_append (GTK_BOX (text), GTK_WIDGET (row->status_label));
  path = sy_label_new_line ("", "dim-label");
  gtk_widget_add_css_class (path, "monospace");
  gtk_label_set_selectable (GTK_LABEL (path), TRUE);
  row->path_label = GTK_LABEL (path);
  gtk_box_append (GTK_BOX (text), path);
  row->note_label = GTK_LABEL (sy_label_new ("", NULL));
  gtk_label_set_selectable (row->note_label, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (row->note_label), FALSE);
  gtk_box_append (GTK_BOX (text), GTK_WIDGET (row->note_label));
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (box), text);

  g_object_set_data (G_OBJECT (apply), "tool", GUINT_TO_POINTER (tool));
  g_object_set_data (G_OBJECT (restore), "tool", GUINT_TO_POINTER (tool));
  gtk_widget_set_valign (apply, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (restore, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (apply, "suggested-action");
  gtk_widget_set_tooltip_text (apply, _("Point this tool at Switchyard (its file is backed up "
                                        "first)"));
  g_signal_connect_object (apply, "clicked", G_CALLBACK (apply_clicked_cb), self, 0);
  g_signal_connect_object (restore, "clicked", G_CALLBACK (restore_clicked_cb), self, 0);
  gtk_box_append (GTK_BOX (box), restore);
  gtk_box_append (GTK_BOX (box), apply);
  row->restore_button = restore;
}

/* --- the key ----------------------------------------------------------------------------- */

static void
key_created_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SyCliToolsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *key = NULL;

  node = sy_admin_client_call_finish (SY_ADMIN_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (self->create_key_button, TRUE);
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    key = json_object_get_string_member_with_default (json_node_get_object (node), "key", NULL);
  if (key == NULL)
    {
      g_autofree char *text = error ? sy_admin_client_describe_error (error)
                                    : g_strdup (_("The gateway did not return a key."));

      sy_label_set_message (self->message_label, text);
      return;
    }
  sy_label_set_message (self->message_label, NULL);
  g_free (self->key);
  self->key = g_strdup (key);
  update_key_area (self);
}

static void
create_key_clicked_cb (SyCliToolsPage *self)
{
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();

  if (self->link.client == NULL)
    return;
  json_object_set_string_member (object, "name", "CLI tools");
  json_node_take_object (body, object);
  gtk_widget_set_sensitive (self->create_key_button, FALSE);
  sy_admin_client_call_async (self->link.client, "POST", "/api/keys", body, self->cancellable,
                              key_created_cb, g_object_ref (self));
}

/* --- life -------------------------------------------------------------------------------- */

void
sy_cli_tools_page_set_client (SyCliToolsPage *self,
                              SyAdminClient  *client)
{
  g_return_if_fail (SY_IS_CLI_TOOLS_PAGE (self));

  sy_page_link_set_client (&self->link, client);
}

static void
sy_cli_tools_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (sy_cli_tools_page_parent_class)->map (widget);
  sy_page_link_mapped (&SY_CLI_TOOLS_PAGE (widget)->link);
}

static void
sy_cli_tools_page_unmap (GtkWidget *widget)
{
  sy_page_link_unmapped (&SY_CLI_TOOLS_PAGE (widget)->link);
  GTK_WIDGET_CLASS (sy_cli_tools_page_parent_class)->unmap (widget);
}

static void
sy_cli_tools_page_dispose (GObject *object)
{
  SyCliToolsPage *self = SY_CLI_TOOLS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  sy_page_link_clear (&self->link);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), SY_TYPE_CLI_TOOLS_PAGE);
  G_OBJECT_CLASS (sy_cli_tools_page_parent_class)->dispose (object);
}

static void
sy_cli_tools_page_finalize (GObject *object)
{
  SyCliToolsPage *self = SY_CLI_TOOLS_PAGE (object);

  g_free (self->key);
  G_OBJECT_CLASS (sy_cli_tools_page_parent_class)->finalize (object);
}

static void
sy_cli_tools_page_class_init (SyCliToolsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sy_cli_tools_page_dispose;
  object_class->finalize = sy_cli_tools_page_finalize;
  widget_class->map = sy_cli_tools_page_map;
  widget_class->unmap = sy_cli_tools_page_unmap;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (
    widget_class, "/dev/switchyard/Switchyard/ui/sy-cli-tools-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SyCliToolsPage, scroller);
  gtk_widget_class_bind_template_child (widget_class, SyCliToolsPage, endpoint_label);
  gtk_widget_class_bind_template_child (widget_class, SyCliToolsPage, key_status_label);
  gtk_widget_class_bind_template_child (widget_class, SyCliToolsPage, key_box);
  gtk_widget_class_bind_template_child (widget_class, SyCliToolsPage, key_label);
  gtk_widget_class_bind_template_child (widget_class, SyCliToolsPage, create_key_button);
  gtk_widget_class_bind_template_child (widget_class, SyCliToolsPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, SyCliToolsPage, tools_list);
  gtk_widget_class_bind_template_child (widget_class, SyCliToolsPage, manual_label);
  gtk_widget_class_bind_template_callback (widget_class, copy_endpoint_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, copy_key_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, create_key_clicked_cb);
}

static void
sy_cli_tools_page_init (SyCliToolsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  sy_page_link_init (&self->link, GTK_WIDGET (self), POLL_INTERVAL_S,
                     (SyPageLinkFunc) sy_cli_tools_page_refresh,
                     (SyPageLinkFunc) sy_cli_tools_page_refresh);
  self->cancellable = g_cancellable_new ();
  for (SyCliTool tool = 0; tool < SY_CLI_TOOL_N; tool++)
    add_tool_row (self, tool);
}
