/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Test bench: sy_translation_check_pair for every pair and both kinds, drawn as two grids
 * of buttons (a row per source, a column per target). A cell's tooltip holds the error or the
 * notes in full; clicking it emits "open-pair" so the page shows it in the Playground. Pure:
 * the codecs only.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-test-bench.h"

#include <glib/gi18n.h>

#include "sy-widgets.h"

struct _SyTestBench
{
  GtkWidget  parent_instance;

  guint      passed;
  guint      failed;

  GtkLabel  *summary_label;
  GtkGrid   *request_grid;
  GtkGrid   *response_grid;
};

G_DEFINE_FINAL_TYPE (SyTestBench, sy_test_bench, GTK_TYPE_WIDGET)

enum {
  OPEN_PAIR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
}

static GtkWidget *
header_label (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "sy-name");
  return label;
}

static void
cell_clicked_cb (GtkButton   *button,
                 SyTestBench *self)
{
  guint pair = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "pair"));

  g_signal_emit (self, signals[OPEN_PAIR], 0, pair / 100, (pair / 10) % 10, pair % 10);
}

static GtkWidget *
cell_new (SyTestBench       *self,
          SyDialect          source,
          SyDialect          target,
          SyTranslationKind  kind)
{
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GString) tooltip = g_string_new (NULL);
  GtkWidget *button;
  gboolean ok = sy_translation_check_pair (source, target, kind, notes, &error);

  if (!ok)
    {
      text = g_strdup (_("✗ fails"));
      g_string_append (tooltip, error->message);
      self->failed++;
    }
  else
    {
      if (notes->len == 0)
        text = g_strdup (_("✓ passes"));
      else
        text = g_strdup_printf (ngettext ("✓ %u note", "✓ %u notes", notes->len), notes->len);
      for (guint i = 0; i < notes->len; i++)
        g_string_append_printf (tooltip, "%s• %s", i > 0 ? "\n" : "",
                                (const char *) notes->pdata[i]);
      self->passed++;
    }

  button = gtk_button_new_with_label (text);
  gtk_widget_add_css_class (button, ok ? "sy-ok" : "sy-bad");
  if (tooltip->len > 0)
    gtk_widget_set_tooltip_text (button, tooltip->str);
  g_object_set_data (G_OBJECT (button), "pair",
                     GUINT_TO_POINTER (source * 100 + target * 10 + kind));
  g_signal_connect (button, "clicked", G_CALLBACK (cell_clicked_cb), self);
  return button;
}

static void
fill_grid (SyTestBench       *self,
           GtkGrid           *grid,
           SyTranslationKind  kind)
{
  clear_grid (grid);
  gtk_grid_attach (grid, header_label (""), 0, 0, 1, 1);
  for (SyDialect d = 0; d < SY_TRANSLATION_N_DIALECTS; d++)
    {
      gtk_grid_attach (grid, header_label (sy_translation_dialect_label (d)), d + 1, 0, 1, 1);
      gtk_grid_attach (grid, header_label (sy_translation_dialect_label (d)), 0, d + 1, 1, 1);
    }
  for (SyDialect source = 0; source < SY_TRANSLATION_N_DIALECTS; source++)
    for (SyDialect target = 0; target < SY_TRANSLATION_N_DIALECTS; target++)
      gtk_grid_attach (grid, cell_new (self, source, target, kind), target + 1, source + 1, 1, 1);
}

void
sy_test_bench_run (SyTestBench *self)
{
  g_autofree char *summary = NULL;

  g_return_if_fail (SY_IS_TEST_BENCH (self));

  self->passed = self->failed = 0;
  fill_grid (self, self->request_grid, SY_TRANSLATION_REQUEST);
  fill_grid (self, self->response_grid, SY_TRANSLATION_RESPONSE);
  if (self->failed == 0)
    summary = g_strdup_printf (_("All %u pairs pass."), self->passed);
  else
    summary = g_strdup_printf (_("%u of %u pairs fail: hover over a failing cell for the "
                                 "error."), self->failed, self->passed + self->failed);
  gtk_label_set_text (self->summary_label, summary);
  gtk_widget_remove_css_class (GTK_WIDGET (self->summary_label), "sy-ok");
  gtk_widget_remove_css_class (GTK_WIDGET (self->summary_label), "sy-bad");
  gtk_widget_add_css_class (GTK_WIDGET (self->summary_label),
                            self->failed == 0 ? "sy-ok" : "sy-bad");
}

void
sy_test_bench_get_counts (SyTestBench *self,
                          guint       *passed,
                          guint       *failed)
{
  g_return_if_fail (SY_IS_TEST_BENCH (self));

  if (passed != NULL)
    *passed = self->passed;
  if (failed != NULL)
    *failed = self->failed;
}

static void
run_clicked_cb (SyTestBench *self)
{
  sy_test_bench_run (self);
}

static void
sy_test_bench_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SY_TYPE_TEST_BENCH);
  /* GTK 4.8 disposes only the bound children: the template's root box goes here. */
  sy_widget_unparent_children (GTK_WIDGET (object));
  G_OBJECT_CLASS (sy_test_bench_parent_class)->dispose (object);
}

static void
sy_test_bench_class_init (SyTestBenchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sy_test_bench_dispose;

  /* (source, target, kind): SyDialect, SyDialect, SyTranslationKind */
  signals[OPEN_PAIR] = g_signal_new ("open-pair", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                     G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/dev/switchyard/Switchyard/ui/sy-test-bench.ui");
  gtk_widget_class_bind_template_child (widget_class, SyTestBench, summary_label);
  gtk_widget_class_bind_template_child (widget_class, SyTestBench, request_grid);
  gtk_widget_class_bind_template_child (widget_class, SyTestBench, response_grid);
  gtk_widget_class_bind_template_callback (widget_class, run_clicked_cb);
}

static void
sy_test_bench_init (SyTestBench *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  sy_test_bench_run (self);  /* pure and quick: the grid is never empty */
}
