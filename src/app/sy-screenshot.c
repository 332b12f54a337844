/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Screenshots from the code itself: a real main window on the page asked for, drawn by GTK,
 * snapshotted through a GtkWidgetPaintable and rendered to a texture by the window's own
 * GskRenderer. It never touches the user's main window.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-screenshot.h"

#include <glib/gi18n.h>

#include "sy-main-window.h"

#define TIMEOUT_S 30
/* Frames drawn before the picture is taken: the first lays out, the next paint settled. */
#define SETTLE_FRAMES 3

static gboolean
tick_cb (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  guint *frames = user_data;

  (*frames)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

static GdkTexture *
render (GtkWidget  *window,
        GError    **error)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (window);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  int width = gtk_widget_get_width (window);
  int height = gtk_widget_get_height (window);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("the window drew nothing"));
      return NULL;
    }
  return gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                      &GRAPHENE_RECT_INIT (0, 0, width, height));
}

gboolean
sy_screenshot_save (GtkApplication  *app,
                    SyAdminClient   *client,
                    const char      *page,
                    GFile           *file,
                    GError         **error)
{
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) png = NULL;
  SyMainWindow *window;
  gint64 deadline;
  guint frames = 0;
  gboolean resized = FALSE;
  int width, height;
  guint tick_id;
  guint wake_id;

  g_return_val_if_fail (GTK_IS_APPLICATION (app), FALSE);
  g_return_val_if_fail (SY_IS_ADMIN_CLIENT (client), FALSE);
  g_return_val_if_fail (page != NULL, FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  window = sy_main_window_new (app, client);
  if (!sy_main_window_set_page (window, page))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("no page \"%s\"; pages are health, combos, translator, providers, "
                     "usage, cli-tools, keys and settings"), page);
      gtk_window_destroy (GTK_WINDOW (window));
      return FALSE;
    }
  gtk_window_set_default_size (GTK_WINDOW (window), SY_SCREENSHOT_WIDTH, SY_SCREENSHOT_HEIGHT);
  gtk_window_present (GTK_WINDOW (window));

  tick_id = gtk_widget_add_tick_callback (GTK_WIDGET (window), tick_cb, &frames, NULL);
  wake_id = g_timeout_add (50, wake_cb, NULL);
  deadline = g_get_monotonic_time () + TIMEOUT_S * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, TRUE);
      if (frames < SETTLE_FRAMES || !gtk_widget_get_mapped (GTK_WIDGET (window)))
        continue;
      /* The default size counts the window's frame (client-side decorations): grow it by
       * the difference once, so the window itself is exactly the size asked for. */
      width = gtk_widget_get_width (GTK_WIDGET (window));
      height = gtk_widget_get_height (GTK_WIDGET (window));
      if ((width == SY_SCREENSHOT_WIDTH && height == SY_SCREENSHOT_HEIGHT) || resized)
        break;
      gtk_window_set_default_size (GTK_WINDOW (window),
                                   2 * SY_SCREENSHOT_WIDTH - width,
                                   2 * SY_SCREENSHOT_HEIGHT - height);
      resized = TRUE;
      frames = 0;
    }
  gtk_widget_remove_tick_callback (GTK_WIDGET (window), tick_id);
  g_source_remove (wake_id);

  if (frames < SETTLE_FRAMES)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                 _("the window was not drawn within %d s; is there a display?"), TIMEOUT_S);
  else
    texture = render (GTK_WIDGET (window), error);
  gtk_window_destroy (GTK_WINDOW (window));
  if (texture == NULL)
    return FALSE;

  png = gdk_texture_save_to_png_bytes (texture);
  return g_file_replace_contents (file, g_bytes_get_data (png, NULL), g_bytes_get_size (png),
                                  NULL, FALSE, G_FILE_CREATE_NONE, NULL, NULL, error);
}
