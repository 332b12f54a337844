/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The macOS backend of start-in-tray: a per-user LaunchAgent,
 * ~/Library/LaunchAgents/dev.switchyard.Switchyard.plist, that runs the app bundle's launcher
 * with --gapplication-service at log-in (RunAtLoad), written atomically and removed only when
 * it is ours. It never calls launchctl: the agent takes effect at the next log-in. The plist
 * text and the file handling are plain GLib, compiled and tested on every platform; only
 * finding this executable is macOS code. No GTK.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-autostart-private.h"

#include <string.h>

#ifdef __APPLE__
#include <mach-o/dyld.h>
#include <stdlib.h>
#endif

#define SERVICE_FLAG "--gapplication-service"

char *
_sy_autostart_launchd_dup_plist (const char *label,
                                 const char *program)
{
  g_autofree char *label_text = NULL;
  g_autofree char *program_text = NULL;

  g_return_val_if_fail (label != NULL && program != NULL, NULL);

  label_text = g_markup_escape_text (label, -1);
  program_text = g_markup_escape_text (program, -1);
  /* ProcessType Interactive: launchd gives it the priority of an app the user works with, not
   * the throttled one of a background job. */
  return g_strdup_printf (
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
    "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
    "<plist version=\"1.0\">\n"
    "<dict>\n"
    "  <key>Label</key>\n"
    "  <string>%s</string>\n"
    "  <key>ProgramArguments</key>\n"
    "  <array>\n"
    "    <string>%s</string>\n"
    "    <string>" SERVICE_FLAG "</string>\n"
    "  </array>\n"
    "  <key>RunAtLoad</key>\n"
    "  <true/>\n"
    "  <key>ProcessType</key>\n"
    "  <string>Interactive</string>\n"
    "</dict>\n"
    "</plist>\n",
    label_text, program_text);
}

/* --- reading an agent back: the top dict's Label and ProgramArguments -------------------- */

typedef struct
{
  GString   *text;       /* inside a <key> or <string> we keep */
  char      *key;        /* the top dict's last key */
  char      *label;
  GPtrArray *arguments;  /* ProgramArguments */
} AgentReader;

/* The element names from the root down to the current one, joined with '/'. */
static char *
dup_element_path (GMarkupParseContext *context)
{
  g_autoptr(GString) path = g_string_new (NULL);

  for (const GSList *l = g_markup_parse_context_get_element_stack (context); l; l = l->next)
    {
      g_string_prepend (path, l->data);
      if (l->next != NULL)
        g_string_prepend_c (path, '/');
    }
  return g_string_free (g_steal_pointer (&path), FALSE);
}

static void
start_element_cb (GMarkupParseContext  *context,
                  const char           *element,
                  const char          **attribute_names,
                  const char          **attribute_values,
                  gpointer              user_data,
                  GError              **error)
{
  AgentReader *reader = user_data;
  g_autofree char *path = dup_element_path (context);

  if (g_str_equal (path, "plist/dict/key") || g_str_equal (path, "plist/dict/string") ||
      g_str_equal (path, "plist/dict/array/string"))
    reader->text = g_string_new (NULL);
}

static void
end_element_cb (GMarkupParseContext  *context,
                const char           *element,
                gpointer              user_data,
                GError              **error)
{
  AgentReader *reader = user_data;
  g_autofree char *path = dup_element_path (context);
  g_autofree char *text = NULL;

  if (reader->text == NULL)
    return;
  text = g_string_free (g_steal_pointer (&reader->text), FALSE);
  if (g_str_equal (path, "plist/dict/key"))
    {
      g_free (reader->key);
      reader->key = g_steal_pointer (&text);
    }
  else if (g_str_equal (path, "plist/dict/string") && g_strcmp0 (reader->key, "Label") == 0)
    {
      g_free (reader->label);
      reader->label = g_steal_pointer (&text);
    }
  else if (g_str_equal (path, "plist/dict/array/string") &&
           g_strcmp0 (reader->key, "ProgramArguments") == 0)
    g_ptr_array_add (reader->arguments, g_steal_pointer (&text));
}

static void
text_cb (GMarkupParseContext  *context,
         const char           *text,
         gsize                 length,
         gpointer              user_data,
         GError              **error)
{
  AgentReader *reader = user_data;

  if (reader->text != NULL)
    g_string_append_len (reader->text, text, (gssize) length);
}

gboolean
_sy_autostart_launchd_is_ours (const char *path)
{
  static const GMarkupParser parser = { start_element_cb, end_element_cb, text_cb, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *program = NULL;
  AgentReader reader = { NULL };
  gsize length;
  gboolean ours;

  g_return_val_if_fail (path != NULL, FALSE);

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;
  reader.arguments = g_ptr_array_new_with_free_func (g_free);
  context = g_markup_parse_context_new (&parser, G_MARKUP_IGNORE_QUALIFIED, &reader, NULL);
  ours = g_markup_parse_context_parse (context, contents, (gssize) length, NULL) &&
         g_markup_parse_context_end_parse (context, NULL) &&
         g_strcmp0 (reader.label, SY_APP_ID) == 0 && reader.arguments->len >= 2;
  if (ours)
    {
      /* The bundle's launcher (Switchyard) or the binary itself (switchyard). */
      program = g_path_get_basename (g_ptr_array_index (reader.arguments, 0));
      g_ptr_array_add (reader.arguments, NULL);
      ours = g_ascii_strcasecmp (program, "switchyard") == 0 &&
             g_strv_contains ((const char * const *) reader.arguments->pdata, SERVICE_FLAG);
    }

  if (reader.text != NULL)
    g_string_free (reader.text, TRUE);
  g_free (reader.key);
  g_free (reader.label);
  g_ptr_array_unref (reader.arguments);
  return ours;
}

/* --- writing it ---------------------------------------------------------------------------- */

gboolean
_sy_autostart_launchd_apply (const char  *path,
                             const char  *program,
                             gboolean     enabled,
                             GError     **error)
{
  g_autofree char *contents = NULL;

  g_return_val_if_fail (path != NULL && (program != NULL || !enabled), FALSE);

  if (enabled)
    contents = _sy_autostart_launchd_dup_plist (SY_APP_ID, program);
  return _sy_autostart_apply_file (path, enabled, contents, enabled ? strlen (contents) : 0,
                                   _sy_autostart_launchd_is_ours, "Switchyard's LaunchAgent",
                                   error);
}

/* This executable, or, inside Switchyard.app, the bundle's launcher next to it (the plist's
 * CFBundleExecutable, macos/make-app.sh): it points GLib and GTK at the bundle's resources
 * before it runs this binary. */
static char *
dup_program (GError **error)
{
  g_autofree char *exe = NULL;
  g_autofree char *dir = NULL;

#ifdef __APPLE__
  uint32_t size = 0;
  g_autofree char *found = NULL;
  char *real;

  _NSGetExecutablePath (NULL, &size);
  found = g_malloc0 (size + 1);
  if (_NSGetExecutablePath (found, &size) == 0 && (real = realpath (found, NULL)) != NULL)
    {
      exe = g_strdup (real);
      free (real);
    }
#else
  exe = g_file_read_link ("/proc/self/exe", NULL);
#endif
  if (exe == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "cannot tell where this executable is, for the LaunchAgent");
      return NULL;
    }
  dir = g_path_get_dirname (exe);
  if (g_str_has_suffix (dir, ".app/Contents/MacOS"))
    return g_build_filename (dir, "Switchyard", NULL);
  return g_steal_pointer (&exe);
}

gboolean
_sy_autostart_launchd_set_enabled (gboolean   enabled,
                                   GError   **error)
{
  g_autofree char *path = g_build_filename (g_get_home_dir (), "Library", "LaunchAgents",
                                            SY_APP_ID ".plist", NULL);
  g_autofree char *program = NULL;

  /* Turning it off needs no program: whichever switchyard an agent of ours runs, it goes. */
  if (enabled && (program = dup_program (error)) == NULL)
    return FALSE;
  return _sy_autostart_launchd_apply (path, program, enabled, error);
}
