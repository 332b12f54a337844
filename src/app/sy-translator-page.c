/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Translator page: a switcher over its four views, each a widget of its own
 * (sy-playground.c, sy-chat-tester.c, sy-test-bench.c, sy-live-monitor.c). It hands the admin
 * client to the views that talk to the gateway and opens a Test bench cell in the Playground. It draws
 * nothing itself.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-translator-page.h"

#include "sy-chat-tester.h"
#include "sy-live-monitor.h"
#include "sy-playground.h"
#include "sy-test-bench.h"
#include "sy-widgets.h"

struct _SyTranslatorPage
{
  GtkWidget     parent_instance;

  GtkStack     *views;
  SyPlayground *playground;
  SyChatTester *chat_tester;
  SyTestBench  *test_bench;
  SyLiveMonitor *live_monitor;
};

G_DEFINE_FINAL_TYPE (SyTranslatorPage, sy_translator_page, GTK_TYPE_WIDGET)

static void
open_pair_cb (SyTranslatorPage *self,
              guint             source,
              guint             target,
              guint             kind,
              SyTestBench      *bench)
{
  sy_playground_set_pair (self->playground, source, target, kind);
  gtk_stack_set_visible_child_name (self->views, "playground");
}

void
sy_translator_page_set_client (SyTranslatorPage *self,
                               SyAdminClient    *client)
{
  g_return_if_fail (SY_IS_TRANSLATOR_PAGE (self));

  sy_chat_tester_set_client (self->chat_tester, client);
  sy_live_monitor_set_client (self->live_monitor, client);
}

void
sy_translator_page_refresh (SyTranslatorPage *self)
{
  g_return_if_fail (SY_IS_TRANSLATOR_PAGE (self));

  sy_chat_tester_refresh (self->chat_tester);
}

void
sy_translator_page_set_view (SyTranslatorPage *self,
                             const char       *name)
{
  g_return_if_fail (SY_IS_TRANSLATOR_PAGE (self));
  g_return_if_fail (name != NULL);

  gtk_stack_set_visible_child_name (self->views, name);
}

static void
sy_translator_page_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), SY_TYPE_TRANSLATOR_PAGE);
  /* GTK 4.8 disposes only the bound children: the template's root box goes here. */
  sy_widget_unparent_children (GTK_WIDGET (object));
  G_OBJECT_CLASS (sy_translator_page_parent_class)->dispose (object);
}

static void
sy_translator_page_class_init (SyTranslatorPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sy_translator_page_dispose;

  g_type_ensure (SY_TYPE_PLAYGROUND);
  g_type_ensure (SY_TYPE_CHAT_TESTER);
  g_type_ensure (SY_TYPE_TEST_BENCH);
  g_type_ensure (SY_TYPE_LIVE_MONITOR);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (
    widget_class, "/dev/switchyard/Switchyard/ui/sy-translator-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SyTranslatorPage, views);
  gtk_widget_class_bind_template_child (widget_class, SyTranslatorPage, playground);
  gtk_widget_class_bind_template_child (widget_class, SyTranslatorPage, chat_tester);
  gtk_widget_class_bind_template_child (widget_class, SyTranslatorPage, test_bench);
  gtk_widget_class_bind_template_child (widget_class, SyTranslatorPage, live_monitor);
  gtk_widget_class_bind_template_callback (widget_class, open_pair_cb);
}

static void
sy_translator_page_init (SyTranslatorPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
