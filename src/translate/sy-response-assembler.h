/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyResponseAssembler: builds a complete SyChatResponse from stream events (a client that did
 * not ask for a stream, served by an upstream that only streams), and the reverse: replays a
 * complete response as stream events (a streaming client, served by a JSON answer). Pure.
 */
#pragma once

#include "sy-chat.h"

G_BEGIN_DECLS

#define SY_TYPE_RESPONSE_ASSEMBLER (sy_response_assembler_get_type ())
G_DECLARE_FINAL_TYPE (SyResponseAssembler, sy_response_assembler, SY, RESPONSE_ASSEMBLER, GObject)

SyResponseAssembler *sy_response_assembler_new       (void);
/* Use as a SyStreamEventFunc (user_data = the assembler). */
void                 sy_response_assembler_add       (const SyStreamEvent *event,
                                                      gpointer             assembler);
/* TRUE once SY_EVENT_DONE arrived; FALSE with error if the stream carried an error event or
 * ended early. */
gboolean             sy_response_assembler_is_done   (SyResponseAssembler *self,
                                                      GError             **error);
/* The response so far; ownership passes to the caller (the assembler is then empty). */
SyChatResponse      *sy_response_assembler_steal     (SyResponseAssembler *self);

/* Emits response as START, PART_START/DELTA/SIGNATURE/PART_STOP per part, FINISH (with usage)
 * and DONE. */
void                 sy_chat_response_replay         (const SyChatResponse *response,
                                                      SyStreamEventFunc     func,
                                                      gpointer              user_data);

G_END_DECLS
