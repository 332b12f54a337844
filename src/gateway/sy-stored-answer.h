/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyStoredAnswer: a complete answer kept to be given again without asking any upstream (a
 * cached response, the first answer to an idempotent request): status, content type, body and
 * the end-to-end headers worth repeating. Immutable once stored, shared by reference. Plain
 * data; it never touches the network itself.
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct
{
  guint               status;
  char               *content_type;
  GBytes             *body;
  SoupMessageHeaders *headers;  /* to repeat: routing headers and the like */
} SyStoredAnswer;

/* Takes nothing: body is referenced, content_type copied. */
SyStoredAnswer *sy_stored_answer_new          (guint                 status,
                                               const char           *content_type,
                                               GBytes               *body);
SyStoredAnswer *sy_stored_answer_ref          (SyStoredAnswer       *self);
void            sy_stored_answer_unref        (SyStoredAnswer       *self);
/* Copies the headers of from worth repeating into the answer: with all, every end-to-end
 * header except framing, dates and the request id; otherwise only the X-Switchyard routing
 * headers (provider, model, combo). */
void            sy_stored_answer_keep_headers (SyStoredAnswer       *self,
                                               SoupMessageHeaders   *from,
                                               gboolean              all);
/* The memory it holds, for cache limits (the body, which dominates). */
gsize           sy_stored_answer_get_size     (const SyStoredAnswer *self);
/* Writes status, headers and body (body_override and content_type_override, when given,
 * replace the stored ones) to msg as a complete response. */
void            sy_stored_answer_write        (const SyStoredAnswer *self,
                                               SoupServerMessage    *msg,
                                               const char           *content_type_override,
                                               GBytes               *body_override);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyStoredAnswer, sy_stored_answer_unref)

G_END_DECLS
