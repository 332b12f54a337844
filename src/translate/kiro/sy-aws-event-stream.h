/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyAwsEventStream: an incremental decoder of AWS event-stream framing
 * (application/vnd.amazon.eventstream), the binary framing Kiro (CodeWhisperer) answers in.
 * Bytes arrive split anywhere; complete, CRC-checked messages come out through a callback.
 * Pure: no I/O, bounded memory, every length and CRC checked before it is trusted.
 */
#pragma once

#include "translate/sy-sse-parser.h"

G_BEGIN_DECLS

/* The largest message accepted by default (the whole frame, prelude and CRC included). */
#define SY_AWS_EVENT_STREAM_MAX_MESSAGE (16 * 1024 * 1024)

/* One decoded message. The strings are the values of the headers of the same name (NULL when
 * absent or not a string header), valid UTF-8 and NUL-terminated; payload is NUL-terminated
 * too (the NUL is not counted in payload_len). All pointers are valid only during the
 * callback. */
typedef struct
{
  const char *message_type;    /* ":message-type": "event", "exception" or "error" */
  const char *event_type;      /* ":event-type" */
  const char *exception_type;  /* ":exception-type" */
  const char *error_code;      /* ":error-code" */
  const char *error_message;   /* ":error-message" */
  const char *content_type;    /* ":content-type" */
  const char *payload;
  gsize       payload_len;
} SyAwsEventStreamMessage;

typedef void (*SyAwsEventStreamFunc) (const SyAwsEventStreamMessage *message,
                                      gpointer                       user_data);

#define SY_TYPE_AWS_EVENT_STREAM (sy_aws_event_stream_get_type ())
G_DECLARE_FINAL_TYPE (SyAwsEventStream, sy_aws_event_stream, SY, AWS_EVENT_STREAM, GObject)

/* max_message_size bounds one message (0: SY_AWS_EVENT_STREAM_MAX_MESSAGE). */
SyAwsEventStream *sy_aws_event_stream_new    (gsize                  max_message_size,
                                              SyAwsEventStreamFunc   func,
                                              gpointer               user_data);
/* Feeds bytes; calls the callback once per complete message, in order. A bad length, an
 * oversized message, a CRC mismatch (the message names the prelude or the message CRC) or a
 * malformed header fails with SY_TRANSLATE_ERROR_INVALID_RESPONSE; the decoder then refuses
 * all further input. */
gboolean          sy_aws_event_stream_push   (SyAwsEventStream      *self,
                                              const char            *data,
                                              gsize                  len,
                                              GError               **error);
/* End of input: fails if the bytes stopped inside a message (a truncated final frame). */
gboolean          sy_aws_event_stream_finish (SyAwsEventStream      *self,
                                              GError               **error);

/* message as the SySseEvent a stream decoder takes (its pointers borrowed from message): an
 * event message has event = its :event-type and data = its payload; an exception message has
 * event = "exception" and id = its :exception-type; an error message has event = "error",
 * id = its :error-code and data = its payload, or its :error-message when the payload is
 * empty. A message without :message-type is an event. */
void              sy_aws_event_stream_message_as_sse (const SyAwsEventStreamMessage *message,
                                                      SySseEvent                    *event);

/* The CRC-32 of IEEE 802.3 / zlib, continued from crc (0 to start). */
guint32           sy_aws_crc32               (guint32                crc,
                                              const guint8          *data,
                                              gsize                  len);

G_END_DECLS
