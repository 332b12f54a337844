/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The desktop application: command line (the server's --host, --port, --data-dir, plus
 * --screenshot), the gateway started in startup and stopped in shutdown, a hold so it lives
 * with no window, the tray helper process, and the app.* actions whose names and states are a
 * contract with that helper (open-window, copy-endpoint, change-port, pause, resume, quit;
 * gateway-state and endpoint as read-only states), and the app's GSettings (looked up so that it
 * also runs from the build tree or with no schema at all) with start-in-tray kept in step with
 * autostart (sy-autostart.c picks how: a file, the Background portal, the registry): a refusal
 * turns the setting back off. It draws nothing itself: windows live in sy-main-window.c.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-application.h"

#include <glib/gi18n.h>
#ifdef G_OS_UNIX
#include <glib-unix.h>
#endif
#ifdef GDK_WINDOWING_X11
#include <gdk/x11/gdkx.h>
#endif

#include "sy-autostart.h"
#include "sy-main-window.h"
#include "sy-resources.h"
#include "sy-screenshot.h"
#include "sy-timing.h"
#ifdef G_OS_WIN32
#include "sy-win32-tray-glue.h"
#endif
#ifdef __APPLE__
#include "sy-macos.h"
#endif

struct _SyApplication
{
  GtkApplication  parent_instance;

  SyConfig       *config;     /* from the command line of the first launch */
  SyGatewayHost  *host;
  SyAdminClient  *client;
  GSettings      *settings;   /* NULL when the schema is nowhere: defaults, not saved */
  GCancellable   *autostart_cancellable; /* the autostart request in flight, if any */
  gboolean        start_in_tray;         /* what autostart was last asked to be */
  GtkWindow      *window;     /* weak: the main window while one is open */
  guint           sigterm_id;
  guint           sigint_id;
#ifdef G_OS_WIN32
  SyWin32TrayGlue *tray;      /* the notification-area icon, in this process */
#endif
#ifdef __APPLE__
  SyMacosTray    *tray;       /* the menu-bar item, in this process */
#endif
  gboolean        announced;  /* "listening on URL" printed */
  gboolean        screenshot; /* started for --screenshot alone: no tray icon */
};

G_DEFINE_FINAL_TYPE (SyApplication, sy_application, GTK_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "host", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Address to listen on (default 127.0.0.1)"), "HOST" },
  { "port", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Port to listen on; 0 picks a free one (default 20128)"), "PORT" },
  { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Where the database and admin token live"), "DIR" },
  { "screenshot", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("Render a page (health, combos, translator, providers, usage, cli-tools, keys or "
       "settings) to the PNG file named after it, then exit"),
    "PAGE" },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
  { NULL }
};

static const char * const page_names[] = { "health", "combos", "translator", "providers",
                                            "usage",
                                            "cli-tools", "keys", "settings", NULL };

/* --- actions ----------------------------------------------------------------------------- */

static void
open_window_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_activate (G_APPLICATION (user_data));
}

static void
copy_endpoint_cb (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  SyApplication *self = user_data;
  g_autofree char *endpoint = sy_gateway_host_dup_endpoint (self->host);
  GdkDisplay *display = gdk_display_get_default ();

  if (display != NULL)
    gdk_clipboard_set_text (gdk_display_get_clipboard (display), endpoint);
}

static void
change_port_cb (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  SyApplication *self = user_data;
  guint32 port = g_variant_get_uint32 (parameter);

  if (port > 65535)
    {
      g_message ("change-port: %u is not a port number; ignored", port);
      return;
    }
  sy_gateway_host_set_port (self->host, port);
}

static void
pause_cb (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       user_data)
{
  sy_gateway_host_pause (SY_APPLICATION (user_data)->host);
}

static void
resume_cb (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       user_data)
{
  sy_gateway_host_start (SY_APPLICATION (user_data)->host);
}

static void
quit_cb (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

/* gateway-state and endpoint report; nobody sets them from outside. */
static void
refuse_change_cb (GSimpleAction *action,
                  GVariant      *value,
                  gpointer       user_data)
{
}

static const GActionEntry app_entries[] = {
  { "open-window", open_window_cb },
  { "copy-endpoint", copy_endpoint_cb },
  { "change-port", change_port_cb, "u" },
  { "pause", pause_cb },
  { "resume", resume_cb },
  { "quit", quit_cb },
  { "gateway-state", NULL, NULL, "'paused'", refuse_change_cb },
  { "endpoint", NULL, NULL, "''", refuse_change_cb },
};

static void
set_action_enabled (SyApplication *self,
                    const char    *name,
                    gboolean       enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void
set_action_state (SyApplication *self,
                  const char    *name,
                  const char    *value)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);
  g_autoptr(GVariant) current = g_action_get_state (action);

  if (!g_str_equal (g_variant_get_string (current, NULL), value))
    g_simple_action_set_state (G_SIMPLE_ACTION (action), g_variant_new_string (value));
}

static void
host_changed_cb (SyGatewayHost *host,
                 gpointer       user_data)
{
  SyApplication *self = user_data;
  SyGatewayHostStatus status = sy_gateway_host_get_status (host);
  g_autofree char *endpoint = sy_gateway_host_dup_endpoint (host);

  set_action_state (self, "gateway-state", sy_gateway_host_get_state_name (host));
  set_action_state (self, "endpoint", endpoint);
  set_action_enabled (self, "pause", status != SY_GATEWAY_HOST_PAUSED);
  set_action_enabled (self, "resume", status != SY_GATEWAY_HOST_SERVING);

  /* The log says where it serves, once; stdout stays free (scripts ask the endpoint action). */
  if (status == SY_GATEWAY_HOST_SERVING && !self->announced)
    {
      g_autofree char *base = sy_gateway_host_dup_base_url (host);

      self->announced = TRUE;
      g_message ("listening on %s", base);
    }
}

/* --- settings and start-in-tray --------------------------------------------------------- */

/* The schema where GSettings looks (GSETTINGS_SCHEMA_DIR, XDG_DATA_DIRS), else in a schema
 * folder relative to this executable: an install under a prefix that XDG_DATA_DIRS lacks, the
 * prefix it was built for, or the build tree, where data/meson.build compiles the schema. */
static GSettingsSchema *
lookup_schema (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = exe != NULL ? g_path_get_dirname (exe) : NULL;
  g_autoptr(GPtrArray) dirs = g_ptr_array_new_with_free_func (g_free);
  GSettingsSchema *schema;

  if (source != NULL && (schema = g_settings_schema_source_lookup (source, SY_APP_ID, TRUE)))
    return schema;

  if (dir != NULL)
    g_ptr_array_add (dirs, g_build_filename (dir, "..", "share", "glib-2.0", "schemas", NULL));
  g_ptr_array_add (dirs, g_build_filename (SY_DATADIR, "glib-2.0", "schemas", NULL));
  if (dir != NULL)
    g_ptr_array_add (dirs, g_build_filename (dir, "..", "..", "data", NULL));

  for (guint i = 0; i < dirs->len; i++)
    {
      const char *path = g_ptr_array_index (dirs, i);
      g_autofree char *compiled = g_build_filename (path, "gschemas.compiled", NULL);
      g_autoptr(GSettingsSchemaSource) found = NULL;

      if (!g_file_test (compiled, G_FILE_TEST_IS_REGULAR))
        continue;
      found = g_settings_schema_source_new_from_directory (path, source, FALSE, NULL);
      if (found != NULL && (schema = g_settings_schema_source_lookup (found, SY_APP_ID, FALSE)))
        return schema;
    }
  return NULL;
}

static GSettings *
settings_new (void)
{
  static gboolean said;
  g_autoptr(GSettingsSchema) schema = lookup_schema ();

  if (schema == NULL)
    {
      if (!said)
        g_debug ("no GSettings schema %s installed: window size, page and start-in-tray keep "
                 "their defaults and are not saved", SY_APP_ID);
      said = TRUE;
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

/* The portal's handle for the main window, so its question comes up over it: "x11:XID" on
 * X11; "" otherwise (a Wayland handle needs an async export and an unexport after). */
static char *
dup_parent_window (SyApplication *self)
{
#ifdef GDK_WINDOWING_X11
  GdkSurface *surface = self->window != NULL
                          ? gtk_native_get_surface (GTK_NATIVE (self->window)) : NULL;

  if (surface != NULL && GDK_IS_X11_SURFACE (surface))
    return g_strdup_printf ("x11:%lx", (unsigned long) gdk_x11_surface_get_xid (surface));
#endif
  return g_strdup ("");
}

/* Autostart could not be turned on: the check item goes back off. It does not ask the
 * backend again (start_in_tray already says off). */
static void
turn_start_in_tray_off (SyApplication *self)
{
  self->start_in_tray = FALSE;
  if (self->settings != NULL)
    g_settings_set_boolean (self->settings, "start-in-tray", FALSE);
  else
    g_action_group_change_action_state (G_ACTION_GROUP (self), "start-in-tray",
                                        g_variant_new_boolean (FALSE));
}

static void
autostart_set_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SyApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  /* Cancelled: a later toggle replaced this request, or the app is quitting. */
  if (sy_autostart_set_enabled_finish (result, &error) ||
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (!self->start_in_tray)
    {
      g_message ("start-in-tray: could not turn autostart off: %s", error->message);
      return;
    }
  g_message ("start-in-tray: %s; turned off", error->message);
  turn_start_in_tray_off (self);
}

/* One request at a time: a new toggle cancels the one in flight (the portal's question is
 * taken away), so a late answer never undoes a newer choice. */
static void
apply_start_in_tray (SyApplication *self,
                     gboolean       enabled)
{
  g_autofree char *parent_window = dup_parent_window (self);

  if (self->autostart_cancellable != NULL)
    g_cancellable_cancel (self->autostart_cancellable);
  g_clear_object (&self->autostart_cancellable);
  self->autostart_cancellable = g_cancellable_new ();
  self->start_in_tray = enabled;
  sy_autostart_set_enabled_async (enabled, parent_window, self->autostart_cancellable,
                                  autostart_set_cb, g_object_ref (self));
}

static void
start_in_tray_changed_cb (GSettings  *settings,
                          const char *key,
                          gpointer    user_data)
{
  SyApplication *self = user_data;
  gboolean enabled = g_settings_get_boolean (settings, key);

  if (enabled != self->start_in_tray)
    apply_start_in_tray (self, enabled);
}

/* Without a schema the check item still works, for this run. */
static void
start_in_tray_change_state_cb (GSimpleAction *action,
                               GVariant      *value,
                               gpointer       user_data)
{
  SyApplication *self = user_data;

  g_simple_action_set_state (action, value);
  if (g_variant_get_boolean (value) != self->start_in_tray)
    apply_start_in_tray (self, g_variant_get_boolean (value));
}

static void
add_start_in_tray_action (SyApplication *self)
{
  g_autoptr(GAction) action = NULL;

  if (self->settings == NULL)
    {
      action = G_ACTION (g_simple_action_new_stateful ("start-in-tray", NULL,
                                                       g_variant_new_boolean (FALSE)));
      g_signal_connect_object (action, "change-state",
                               G_CALLBACK (start_in_tray_change_state_cb), self, 0);
      g_action_map_add_action (G_ACTION_MAP (self), action);
      return;
    }

  action = g_settings_create_action (self->settings, "start-in-tray");
  g_action_map_add_action (G_ACTION_MAP (self), action);
  g_signal_connect_object (self->settings, "changed::start-in-tray",
                           G_CALLBACK (start_in_tray_changed_cb), self, 0);
  self->start_in_tray = g_settings_get_boolean (self->settings, "start-in-tray");
  /* Autostart follows the key, whatever happened while the app was not running (the key
   * reset, the file deleted by hand). Only under the real name: a test instance leaves the
   * user's autostart alone unless it toggles the action itself. The portal is asked only to
   * keep it on: asking it to turn off would ask about running in the background at every
   * start of someone who never turned start-in-tray on. */
  if (g_strcmp0 (g_application_get_application_id (G_APPLICATION (self)), SY_APP_ID) == 0 &&
      (self->start_in_tray || sy_autostart_get_backend () != SY_AUTOSTART_BACKEND_PORTAL))
    apply_start_in_tray (self, self->start_in_tray);
}

/* --- life cycle -------------------------------------------------------------------------- */

/* switchyard-tray next to this executable (installed), in the build tree, or on PATH. */
static char *
find_tray_helper (void)
{
  static const char * const relative[] = { "switchyard-tray", "../tray/switchyard-tray" };
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = exe ? g_path_get_dirname (exe) : NULL;

  for (guint i = 0; dir != NULL && i < G_N_ELEMENTS (relative); i++)
    {
      g_autofree char *path = g_build_filename (dir, relative[i], NULL);

      if (g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&path);
    }
  return g_find_program_in_path ("switchyard-tray");
}

/* The tray icon is its own GTK 3 process (libayatana-appindicator cannot load into GTK 4). It
 * follows our bus name and exits with us; SWITCHYARD_TRAY names another helper, or "" for
 * none. Only the instance under the real name starts it: the helper watches that name.
 * Windows and macOS have no such helper (and no session bus for it): the icon lives in this
 * process (windows/README.md, macos/README.md), off with SWITCHYARD_TRAY="" too. */
static void
start_tray_helper (SyApplication *self)
{
  const char *override = g_getenv ("SWITCHYARD_TRAY");
  g_autofree char *path = NULL;
  g_autoptr(GSubprocess) helper = NULL;
  g_autoptr(GError) error = NULL;

  if (self->screenshot ||
      g_strcmp0 (g_application_get_application_id (G_APPLICATION (self)), SY_APP_ID) != 0)
    return;
#ifdef G_OS_WIN32
  /* Icon 1 of the executable's resources (windows/switchyard.rc). */
  if (g_strcmp0 (override, "") != 0)
    self->tray = sy_win32_tray_glue_new (G_ACTION_GROUP (self),
                                         LoadIconW (GetModuleHandleW (NULL),
                                                    MAKEINTRESOURCEW (1)));
  return;
#endif
#ifdef __APPLE__
  if (g_strcmp0 (override, "") != 0)
    self->tray = sy_macos_tray_new (G_ACTION_GROUP (self));
  /* A later launch (open -n, the binary run directly) asks this one to show its window. */
  sy_macos_instance_listen (G_ACTION_GROUP (self));
  return;
#endif
  path = override != NULL ? g_strdup (override) : find_tray_helper ();
  if (path == NULL || *path == '\0')
    {
      g_debug ("no switchyard-tray: running without a tray icon");
      return;
    }
  helper = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, path, NULL);
  if (helper == NULL)
    g_message ("cannot start the tray icon (%s): %s", path, error->message);
}

static gboolean
quit_signal_cb (gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
  return G_SOURCE_CONTINUE;
}

/* The server's own rules (flags win over SWITCHYARD_* and OmniRoute's variables), fed with the
 * flags GApplication parsed. */
static SyConfig *
config_from_options (GVariantDict  *options,
                     GError       **error)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) owned = NULL;
  g_autofree char **argv = NULL;
  static const struct { const char *name; const char *format; } flags[] = {
    { "host", "&s" }, { "port", "&s" }, { "data-dir", "^&ay" },
  };
  const char *value;
  int argc;

  g_ptr_array_add (args, g_strdup ("switchyard"));
  for (guint i = 0; options != NULL && i < G_N_ELEMENTS (flags); i++)
    if (g_variant_dict_lookup (options, flags[i].name, flags[i].format, &value))
      {
        g_ptr_array_add (args, g_strconcat ("--", flags[i].name, NULL));
        g_ptr_array_add (args, g_strdup (value));
      }
  g_ptr_array_add (args, NULL);

  /* Option parsing shuffles the pointers it is given: it gets a shallow copy. */
  owned = (GStrv) g_ptr_array_free (g_steal_pointer (&args), FALSE);
  argc = (int) g_strv_length (owned);
  argv = g_memdup2 (owned, sizeof (char *) * (argc + 1));
  return sy_config_new_from_args (&argc, &argv, error);
}

static int
sy_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  SyApplication *self = SY_APPLICATION (app);
  g_autoptr(GError) error = NULL;
  const char *page;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("switchyard %s\n", SY_VERSION);
      return 0;
    }
  if (g_variant_dict_lookup (options, "screenshot", "&s", &page))
    {
      if (!g_strv_contains (page_names, page))
        {
          g_printerr (_("switchyard: no page \"%s\"; --screenshot takes health, combos, "
                        "translator, providers, usage, cli-tools, keys or settings\n"), page);
          return 2;
        }
      self->screenshot = TRUE;
    }

  g_clear_pointer (&self->config, sy_config_free);
  self->config = config_from_options (options, &error);
  if (self->config == NULL)
    {
      g_printerr ("switchyard: %s\n", error->message);
      return 2;
    }
  return -1;
}

static void
sy_application_startup (GApplication *app)
{
  SyApplication *self = SY_APPLICATION (app);
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  static const char * const quit_accels[] = { "<Primary>q", NULL };
  static const char * const refresh_accels[] = { "F5", "<Primary>r", NULL };

  G_APPLICATION_CLASS (sy_application_parent_class)->startup (app);

  /* First: the helper's own start-up (GTK 3, the indicator, registering with the tray) then
   * runs beside ours instead of after it; it only needs our bus name, which we own already. It
   * reads the action states when our main loop answers. */
  start_tray_helper (self);

  gtk_css_provider_load_from_resource (css, "/dev/switchyard/Switchyard/ui/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_entries,
                                   G_N_ELEMENTS (app_entries), self);
  self->settings = settings_new ();
  add_start_in_tray_action (self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.refresh",
                                         refresh_accels);

  /* Started without handle-local-options (tests register directly): the environment only. */
  if (self->config == NULL)
    {
      g_autoptr(GError) error = NULL;

      if ((self->config = config_from_options (NULL, &error)) == NULL)
        {
          g_warning ("%s; using the defaults", error->message);
          self->config = sy_config_new_defaults ();
        }
    }

  self->host = sy_gateway_host_new (self->config);
  self->client = sy_admin_client_new (self->host);
  g_signal_connect_object (self->host, "changed", G_CALLBACK (host_changed_cb), self, 0);

  /* The gateway outlives every window: only quit ends it. */
  g_application_hold (app);
#ifdef G_OS_UNIX
  /* Windows: Quit, or the end of the session, closes it. */
  self->sigterm_id = g_unix_signal_add (SIGTERM, quit_signal_cb, self);
  self->sigint_id = g_unix_signal_add (SIGINT, quit_signal_cb, self);
#endif

  sy_gateway_host_start (self->host);
  host_changed_cb (self->host, self);
  sy_timing_mark ("startup done");
}

static void
window_mapped_cb (GtkWidget *window,
                  gpointer   user_data)
{
  static gboolean first = TRUE;

  if (first)
    sy_timing_mark ("window mapped");
  first = FALSE;
}

static void
sy_application_activate (GApplication *app)
{
  SyApplication *self = SY_APPLICATION (app);

  if (self->window == NULL)
    {
      self->window = GTK_WINDOW (sy_main_window_new (GTK_APPLICATION (self), self->client));
      g_object_add_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
      if (self->settings != NULL)
        sy_main_window_restore_state (SY_MAIN_WINDOW (self->window), self->settings);
      g_signal_connect (self->window, "map", G_CALLBACK (window_mapped_cb), NULL);
    }
  gtk_window_present (self->window);
}

static int
take_screenshot (SyApplication           *self,
                 GApplicationCommandLine *cmdline,
                 const char              *page)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_auto(GStrv) argv = NULL;
  int argc;

  argv = g_application_command_line_get_arguments (cmdline, &argc);
  if (argc != 2)
    {
      g_application_command_line_printerr (cmdline, "%s\n",
        _("switchyard: --screenshot takes a page and a file, for example: switchyard "
          "--screenshot health health.png"));
      return 2;
    }
  file = g_application_command_line_create_file_for_arg (cmdline, argv[1]);
  if (!sy_screenshot_save (GTK_APPLICATION (self), self->client, page, file, &error))
    {
      g_application_command_line_printerr (cmdline, "switchyard: %s\n", error->message);
      return 1;
    }
  return 0;
}

static int
sy_application_command_line (GApplication            *app,
                             GApplicationCommandLine *cmdline)
{
  SyApplication *self = SY_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (cmdline);
  const char *page;

  if (g_variant_dict_lookup (options, "screenshot", "&s", &page))
    {
      int status = take_screenshot (self, cmdline, page);

      /* Started for this screenshot alone: done. A running instance goes on. */
      if (!g_application_command_line_get_is_remote (cmdline))
        g_application_quit (app);
      return status;
    }

  if (g_application_command_line_get_is_remote (cmdline) &&
      (g_variant_dict_contains (options, "host") || g_variant_dict_contains (options, "port") ||
       g_variant_dict_contains (options, "data-dir")))
    {
      g_autofree char *endpoint = sy_gateway_host_dup_endpoint (self->host);

      g_application_command_line_print (cmdline,
        _("Switchyard is already running (%s); --host, --port and --data-dir apply when it "
          "starts. Change the port in its window.\n"), endpoint);
    }
  g_application_activate (app);
  return 0;
}

static void
sy_application_shutdown (GApplication *app)
{
  SyApplication *self = SY_APPLICATION (app);
  GList *windows;

  g_clear_handle_id (&self->sigterm_id, g_source_remove);
  g_clear_handle_id (&self->sigint_id, g_source_remove);
  if (self->autostart_cancellable != NULL)
    g_cancellable_cancel (self->autostart_cancellable);
#ifdef G_OS_WIN32
  g_clear_pointer (&self->tray, sy_win32_tray_glue_free);
#endif
#ifdef __APPLE__
  g_clear_pointer (&self->tray, sy_macos_tray_free);
#endif
  while ((windows = gtk_application_get_windows (GTK_APPLICATION (self))) != NULL)
    gtk_window_destroy (windows->data);
  if (self->host != NULL)
    sy_gateway_host_stop (self->host);

  G_APPLICATION_CLASS (sy_application_parent_class)->shutdown (app);
}

static void
sy_application_dispose (GObject *object)
{
  SyApplication *self = SY_APPLICATION (object);

  if (self->window != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->window), (gpointer *) &self->window);
  self->window = NULL;
  g_clear_handle_id (&self->sigterm_id, g_source_remove);
  g_clear_handle_id (&self->sigint_id, g_source_remove);
  g_clear_object (&self->client);
  g_clear_object (&self->host);
  g_clear_object (&self->settings);
  g_clear_object (&self->autostart_cancellable);
  G_OBJECT_CLASS (sy_application_parent_class)->dispose (object);
}

static void
sy_application_finalize (GObject *object)
{
  SyApplication *self = SY_APPLICATION (object);

  g_clear_pointer (&self->config, sy_config_free);
  G_OBJECT_CLASS (sy_application_parent_class)->finalize (object);
}

static void
sy_application_class_init (SyApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = sy_application_dispose;
  object_class->finalize = sy_application_finalize;
  app_class->handle_local_options = sy_application_handle_local_options;
  app_class->startup = sy_application_startup;
  app_class->activate = sy_application_activate;
  app_class->command_line = sy_application_command_line;
  app_class->shutdown = sy_application_shutdown;

  /* The templates: registered once, before any widget class asks for one. */
  sy_register_resource ();
}

static void
sy_application_init (SyApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_summary (G_APPLICATION (self),
    _("One local AI endpoint in front of all your AI provider accounts."));
  g_application_set_option_context_description (G_APPLICATION (self),
    _("Environment: SWITCHYARD_HOST, SWITCHYARD_PORT, SWITCHYARD_DATA_DIR, "
      "SWITCHYARD_ADMIN_TOKEN,\nSWITCHYARD_REQUIRE_API_KEY, SWITCHYARD_SECRET_STORE "
      "(libsecret|file|memory);\nOmniRoute's HOSTNAME, PORT, OMNIROUTE_PORT, DATA_DIR, "
      "REQUIRE_API_KEY too.\n"
      "Flags win over the environment. --gapplication-service starts it without a window."));
}

SyApplication *
sy_application_new (void)
{
  return g_object_new (SY_TYPE_APPLICATION,
                       "application-id", SY_APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       NULL);
}

SyGatewayHost *
sy_application_get_host (SyApplication *self)
{
  g_return_val_if_fail (SY_IS_APPLICATION (self), NULL);
  return self->host;
}

SyAdminClient *
sy_application_get_client (SyApplication *self)
{
  g_return_val_if_fail (SY_IS_APPLICATION (self), NULL);
  return self->client;
}

GSettings *
sy_application_get_settings (SyApplication *self)
{
  g_return_val_if_fail (SY_IS_APPLICATION (self), NULL);
  return self->settings;
}

GtkWindow *
sy_application_get_main_window (SyApplication *self)
{
  g_return_val_if_fail (SY_IS_APPLICATION (self), NULL);
  return self->window;
}
