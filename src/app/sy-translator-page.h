/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyTranslatorPage: the main window's Translator page. Playground (translate a pasted body
 * between two dialects), Chat tester (a prompt through the gateway, step by step) and Test
 * bench (every pair of dialects at once) and Live monitor (requests as they flow).
 */
#pragma once

#include <gtk/gtk.h>

#include "sy-admin-client.h"

G_BEGIN_DECLS

#define SY_TYPE_TRANSLATOR_PAGE (sy_translator_page_get_type ())
G_DECLARE_FINAL_TYPE (SyTranslatorPage, sy_translator_page, SY, TRANSLATOR_PAGE, GtkWidget)

void sy_translator_page_set_client (SyTranslatorPage *self,
                                    SyAdminClient    *client);
void sy_translator_page_refresh    (SyTranslatorPage *self);
/* Shows one view: "playground", "chat", "bench" or "monitor". */
void sy_translator_page_set_view   (SyTranslatorPage *self,
                                    const char       *name);

G_END_DECLS
