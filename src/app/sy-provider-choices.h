/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The provider drop-down the app's dialogs share: the built-in catalog ("OpenAI (openai)",
 * "DeepSeek (ds)": name and model prefix), then the user's provider nodes, with the ids the
 * management API takes kept by position. No state of its own.
 */
#pragma once

#include <gtk/gtk.h>

#include "gateway/sy-gateway.h"

G_BEGIN_DECLS

/* Fills dropdown and ids (char*, by position). api_key_only leaves out the subscriptions,
 * which sign in with OAuth; gateway may be NULL (no provider nodes then). */
void     sy_provider_choices_fill   (GtkDropDown *dropdown,
                                     GPtrArray   *ids,
                                     SyGateway   *gateway,
                                     gboolean     api_key_only);
/* Selects provider (a catalog id or node prefix); FALSE when it is not offered. */
gboolean sy_provider_choices_select (GtkDropDown *dropdown,
                                     GPtrArray   *ids,
                                     const char  *provider);

G_END_DECLS
