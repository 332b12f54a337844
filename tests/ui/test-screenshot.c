/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Screenshots: each page renders to a PNG of exactly 1100x720 that holds a real picture (many
 * colours, not one flat fill), with the app's data on it; an unknown page is an error.
 */
#define G_LOG_DOMAIN "sy-test"

#include <glib/gstdio.h>

#include "sy-screenshot.h"
#include "sy-test-app.h"

/* Distinct RGBA values in the picture, counted up to a cap. */
static guint
count_colours (GdkTexture *texture)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  gsize stride = (gsize) width * 4;
  g_autofree guchar *pixels = g_malloc (stride * height);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);

  gdk_texture_download (texture, pixels, stride);
  for (gsize i = 0; i < stride * height && g_hash_table_size (seen) < 1000; i += 4)
    {
      guint32 pixel = pixels[i] | pixels[i + 1] << 8 | pixels[i + 2] << 16 |
                      (guint32) pixels[i + 3] << 24;

      g_hash_table_add (seen, GUINT_TO_POINTER (pixel));
    }
  return g_hash_table_size (seen);
}

static void
pages_body (SyTestApp     *t,
            gconstpointer  data)
{
  static const char * const pages[] = { "health", "combos", "translator", "providers", "usage",
                                         "cli-tools", "keys", "settings" };
  g_autoptr(SyConnection) account = sy_test_app_add_account (t, "openai", "work", 1);
  g_autofree char *dir = g_build_filename (t->data_dir, "shots", NULL);

  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_assert_true (sy_test_app_fail (t, account, "gpt-4o", SY_FAILURE_RATE_LIMITED, 60000));

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *name = g_strconcat (pages[i], ".png", NULL);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GdkTexture) texture = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_true (sy_screenshot_save (GTK_APPLICATION (t->app),
                                         sy_application_get_client (t->app), pages[i], file,
                                         &error));
      g_assert_no_error (error);

      texture = gdk_texture_new_from_file (file, &error);
      g_assert_no_error (error);
      g_assert_cmpint (gdk_texture_get_width (texture), ==, SY_SCREENSHOT_WIDTH);
      g_assert_cmpint (gdk_texture_get_height (texture), ==, SY_SCREENSHOT_HEIGHT);
      g_assert_cmpuint (count_colours (texture), >, 50);
      g_unlink (path);
    }

  /* The screenshot window is its own: the user's main window is still there, unchanged. */
  g_assert_nonnull (sy_application_get_main_window (t->app));
  g_rmdir (dir);
}

static void
test_pages (void)
{
  sy_test_app_run (pages_body, NULL, NULL);
}

static void
unknown_page_body (SyTestApp     *t,
                   gconstpointer  data)
{
  g_autofree char *path = g_build_filename (t->data_dir, "nothing.png", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_false (sy_screenshot_save (GTK_APPLICATION (t->app),
                                      sy_application_get_client (t->app), "no-such-page", file,
                                      &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_unknown_page (void)
{
  sy_test_app_run (unknown_page_body, NULL, NULL);
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

  g_test_add_func ("/sy/ui/screenshot/pages", test_pages);
  g_test_add_func ("/sy/ui/screenshot/unknown-page", test_unknown_page);
  return g_test_run ();
}
