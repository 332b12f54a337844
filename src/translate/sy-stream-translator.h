/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyStreamTranslator: one stream, from an upstream's bytes in one dialect to a client's SSE
 * bytes in another: the source's framing (SySseParser, or SyAwsEventStream for Kiro's
 * application/vnd.amazon.eventstream) -> the source dialect's decoder -> the target's encoder.
 * Bytes may arrive split anywhere. Also remembers the usage the stream reported. Pure: no I/O.
 */
#pragma once

#include "sy-codec.h"

G_BEGIN_DECLS

#define SY_TYPE_STREAM_TRANSLATOR (sy_stream_translator_get_type ())
G_DECLARE_FINAL_TYPE (SyStreamTranslator, sy_stream_translator, SY, STREAM_TRANSLATOR, GObject)

/* model: what to report when the upstream's events name none. */
SyStreamTranslator *sy_stream_translator_new       (SyDialect            from,
                                                    SyDialect            to,
                                                    const char          *model);
/* Decodes into a complete response (a streamed answer for a client that asked for JSON):
 * take it with sy_stream_translator_steal_response() once the stream is over. */
SyStreamTranslator *sy_stream_translator_new_assembler (SyDialect        from);
/* The assembled response, or NULL with error if the stream failed or ended early. */
SyChatResponse     *sy_stream_translator_steal_response (SyStreamTranslator *self,
                                                         GError            **error);
/* Appends the translation of data to out. A malformed upstream stream is an error; the caller
 * then ends the client stream with sy_stream_translator_fail(). */
gboolean            sy_stream_translator_push      (SyStreamTranslator  *self,
                                                    const char          *data,
                                                    gsize                len,
                                                    GString             *out,
                                                    GError             **error);
/* The upstream's bytes ended: appends what is owed (the proper end, or an error event if the
 * upstream stream was cut off). */
void                sy_stream_translator_finish    (SyStreamTranslator  *self,
                                                    GString             *out);
/* Ends the client stream with an error event in the client's dialect. */
void                sy_stream_translator_fail      (SyStreamTranslator  *self,
                                                    guint                status,
                                                    const char          *type,
                                                    const char          *message,
                                                    GString             *out);
/* A keep-alive in the client's dialect. */
void                sy_stream_translator_ping      (SyStreamTranslator  *self,
                                                    GString             *out);
/* Feeds events directly (a complete upstream response replayed as a stream). */
void                sy_stream_translator_add_event (const SyStreamEvent *event,
                                                    gpointer             translator);
/* Use before calling add_event, to say where its output goes. */
void                sy_stream_translator_set_output (SyStreamTranslator *self,
                                                     GString            *out);
const SyUsage      *sy_stream_translator_get_usage (SyStreamTranslator  *self);
/* TRUE once the stream has ended, properly or with an error event. */
gboolean            sy_stream_translator_is_over   (SyStreamTranslator  *self);
/* What the target dialect could not carry, for the log. */
GPtrArray          *sy_stream_translator_get_notes (SyStreamTranslator  *self);

G_END_DECLS
