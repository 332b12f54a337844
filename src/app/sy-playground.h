/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyPlayground: the Translator page's first view. Source and target dialects, request or
 * response, an input prefilled with the source's example, and the translation (or the error)
 * with the notes, redone as the user types. Pure: the codecs only, no network.
 */
#pragma once

#include <gtk/gtk.h>

#include "sy-translation.h"

G_BEGIN_DECLS

#define SY_TYPE_PLAYGROUND (sy_playground_get_type ())
G_DECLARE_FINAL_TYPE (SyPlayground, sy_playground, SY, PLAYGROUND, GtkWidget)

/* Selects the pair and kind; the input becomes the source's example unless it was edited. */
void  sy_playground_set_pair    (SyPlayground      *self,
                                 SyDialect          source,
                                 SyDialect          target,
                                 SyTranslationKind  kind);
/* Replaces the input, as if typed (translated after the usual pause). */
void  sy_playground_set_input   (SyPlayground      *self,
                                 const char        *text);
/* The output as shown (empty while the input is not valid). */
char *sy_playground_dup_output  (SyPlayground      *self);

G_END_DECLS
