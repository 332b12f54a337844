/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * AWS event-stream framing, decoded incrementally. Each message is a 12-byte prelude (total
 * length, headers length, prelude CRC), headers, payload and a message CRC, all big-endian.
 * Input is untrusted: the prelude CRC is checked before its lengths are believed, the whole
 * message is buffered only up to the bound, and every header read is bounds-checked. Pure.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-aws-event-stream.h"

#include <string.h>

#include "translate/sy-codec.h"

#define PRELUDE_LEN 12
#define CRC_LEN 4
#define MIN_MESSAGE (PRELUDE_LEN + CRC_LEN)

struct _SyAwsEventStream
{
  GObject               parent_instance;
  SyAwsEventStreamFunc  func;
  gpointer              user_data;
  gsize                 max_message;
  GByteArray           *buffer;   /* bytes of messages not yet complete */
  gboolean              failed;
};

G_DEFINE_FINAL_TYPE (SyAwsEventStream, sy_aws_event_stream, G_TYPE_OBJECT)

/* --- CRC-32 ----------------------------------------------------------------------------------- */

static guint32 crc_table[256];

static void
init_crc_table (void)
{
  for (guint32 i = 0; i < 256; i++)
    {
      guint32 c = i;

      for (int k = 0; k < 8; k++)
        c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      crc_table[i] = c;
    }
}

guint32
sy_aws_crc32 (guint32       crc,
              const guint8 *data,
              gsize         len)
{
  static gsize table_ready = 0;

  if (g_once_init_enter (&table_ready))
    {
      init_crc_table ();
      g_once_init_leave (&table_ready, 1);
    }
  crc = ~crc;
  for (gsize i = 0; i < len; i++)
    crc = crc_table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
  return ~crc;
}

/* --- helpers ---------------------------------------------------------------------------------- */

static guint32
read_u32 (const guint8 *p)
{
  return ((guint32) p[0] << 24) | ((guint32) p[1] << 16) | ((guint32) p[2] << 8) | p[3];
}

static gboolean
fail (SyAwsEventStream  *self,
      GError           **error,
      const char        *format,
      ...) G_GNUC_PRINTF (3, 4);

static gboolean
fail (SyAwsEventStream  *self,
      GError           **error,
      const char        *format,
      ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  self->failed = TRUE;
  g_set_error (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_INVALID_RESPONSE,
               "upstream event stream: %s", text);
  return FALSE;
}

/* The fixed size of a header value of type, after the type byte; -1 for the variable-length
 * types (2-byte length first), -2 for an unknown type. */
static int
value_size (guint8 type)
{
  switch (type)
    {
    case 0: /* true */
    case 1: /* false */
      return 0;
    case 2: /* byte */
      return 1;
    case 3: /* short */
      return 2;
    case 4: /* int */
      return 4;
    case 5: /* long */
    case 8: /* timestamp */
      return 8;
    case 9: /* uuid */
      return 16;
    case 6: /* bytes */
    case 7: /* string */
      return -1;
    default:
      return -2;
    }
}

typedef struct
{
  const char *name;
  gsize       offset;   /* of the field in SyAwsEventStreamMessage */
} KnownHeader;

static const KnownHeader known_headers[] = {
  { ":message-type", G_STRUCT_OFFSET (SyAwsEventStreamMessage, message_type) },
  { ":event-type", G_STRUCT_OFFSET (SyAwsEventStreamMessage, event_type) },
  { ":exception-type", G_STRUCT_OFFSET (SyAwsEventStreamMessage, exception_type) },
  { ":error-code", G_STRUCT_OFFSET (SyAwsEventStreamMessage, error_code) },
  { ":error-message", G_STRUCT_OFFSET (SyAwsEventStreamMessage, error_message) },
  { ":content-type", G_STRUCT_OFFSET (SyAwsEventStreamMessage, content_type) },
};

/* Reads the headers in p[0..len) into msg; the string values it keeps are copied into
 * strings (freed by the caller after the callback). */
static gboolean
read_headers (SyAwsEventStream         *self,
              const guint8             *p,
              gsize                     len,
              SyAwsEventStreamMessage  *msg,
              GPtrArray                *strings,
              GError                  **error)
{
  gsize pos = 0;

  while (pos < len)
    {
      guint8 name_len = p[pos++], type;
      const char *name;
      gsize value_len;
      int size;

      if (name_len == 0 || len - pos < (gsize) name_len + 1)
        return fail (self, error, "a header name is empty or runs past the headers");
      name = (const char *) p + pos;
      pos += name_len;
      type = p[pos++];
      size = value_size (type);
      if (size == -2)
        return fail (self, error, "header \"%.*s\" has unknown value type %u",
                     (int) name_len, name, type);
      if (size == -1)
        {
          if (len - pos < 2)
            return fail (self, error, "header \"%.*s\" runs past the headers",
                         (int) name_len, name);
          value_len = ((gsize) p[pos] << 8) | p[pos + 1];
          pos += 2;
        }
      else
        value_len = (gsize) size;
      if (len - pos < value_len)
        return fail (self, error, "header \"%.*s\" runs past the headers", (int) name_len, name);

      for (guint i = 0; type == 7 && i < G_N_ELEMENTS (known_headers); i++)
        if (strlen (known_headers[i].name) == name_len &&
            memcmp (known_headers[i].name, name, name_len) == 0)
          {
            char *value = g_strndup ((const char *) p + pos, value_len);

            g_ptr_array_add (strings, value);
            if (strlen (value) != value_len || !g_utf8_validate (value, -1, NULL))
              return fail (self, error, "header \"%s\" is not valid UTF-8 text",
                           known_headers[i].name);
            G_STRUCT_MEMBER (const char *, msg, known_headers[i].offset) = value;
          }
      pos += value_len;
    }
  return TRUE;
}

/* Decodes the complete message at p (total bytes, the prelude already checked). */
static gboolean
dispatch (SyAwsEventStream  *self,
          const guint8      *p,
          guint32            total,
          guint32            headers_len,
          GError           **error)
{
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *payload = NULL;
  SyAwsEventStreamMessage msg = { 0 };
  guint32 expected = read_u32 (p + total - CRC_LEN);
  guint32 actual = sy_aws_crc32 (0, p, total - CRC_LEN);

  if (expected != actual)
    return fail (self, error, "message CRC mismatch (frame says %08x, computed %08x)",
                 expected, actual);
  if (!read_headers (self, p + PRELUDE_LEN, headers_len, &msg, strings, error))
    return FALSE;
  msg.payload_len = total - MIN_MESSAGE - headers_len;
  payload = g_malloc (msg.payload_len + 1);
  memcpy (payload, p + PRELUDE_LEN + headers_len, msg.payload_len);
  payload[msg.payload_len] = '\0';
  msg.payload = payload;
  self->func (&msg, self->user_data);
  return TRUE;
}

/* --- public ----------------------------------------------------------------------------------- */

gboolean
sy_aws_event_stream_push (SyAwsEventStream  *self,
                          const char        *data,
                          gsize              len,
                          GError           **error)
{
  gsize pos = 0;

  g_return_val_if_fail (SY_IS_AWS_EVENT_STREAM (self), FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (self->failed)
    {
      g_set_error (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_INVALID_RESPONSE,
                   "upstream event stream: input after a framing error");
      return FALSE;
    }
  g_byte_array_append (self->buffer, (const guint8 *) data, len);

  while (self->buffer->len - pos >= PRELUDE_LEN)
    {
      const guint8 *p = self->buffer->data + pos;
      guint32 total = read_u32 (p), headers_len = read_u32 (p + 4);
      guint32 expected = read_u32 (p + 8), actual = sy_aws_crc32 (0, p, 8);

      if (expected != actual)
        return fail (self, error, "prelude CRC mismatch (frame says %08x, computed %08x)",
                     expected, actual);
      if (total > self->max_message)
        return fail (self, error, "a message of %u bytes exceeds the limit of %" G_GSIZE_FORMAT,
                     total, self->max_message);
      if (total < MIN_MESSAGE || headers_len > total - MIN_MESSAGE)
        return fail (self, error, "bad lengths (total %u, headers %u)", total, headers_len);
      if (self->buffer->len - pos < total)
        break;
      if (!dispatch (self, p, total, headers_len, error))
        return FALSE;
      pos += total;
    }
  if (pos > 0)
    g_byte_array_remove_range (self->buffer, 0, (guint) pos);
  return TRUE;
}

gboolean
sy_aws_event_stream_finish (SyAwsEventStream  *self,
                            GError           **error)
{
  g_return_val_if_fail (SY_IS_AWS_EVENT_STREAM (self), FALSE);

  if (self->failed)
    {
      g_set_error (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_INVALID_RESPONSE,
                   "upstream event stream: it already failed");
      return FALSE;
    }
  if (self->buffer->len > 0)
    return fail (self, error, "truncated: the stream ended %u bytes into a message",
                 self->buffer->len);
  return TRUE;
}

static void
sy_aws_event_stream_finalize (GObject *object)
{
  SyAwsEventStream *self = SY_AWS_EVENT_STREAM (object);

  g_byte_array_unref (self->buffer);
  G_OBJECT_CLASS (sy_aws_event_stream_parent_class)->finalize (object);
}

static void
sy_aws_event_stream_class_init (SyAwsEventStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sy_aws_event_stream_finalize;
}

static void
sy_aws_event_stream_init (SyAwsEventStream *self)
{
  self->buffer = g_byte_array_new ();
}

SyAwsEventStream *
sy_aws_event_stream_new (gsize                 max_message_size,
                         SyAwsEventStreamFunc  func,
                         gpointer              user_data)
{
  SyAwsEventStream *self;

  g_return_val_if_fail (func != NULL, NULL);

  self = g_object_new (SY_TYPE_AWS_EVENT_STREAM, NULL);
  self->func = func;
  self->user_data = user_data;
  self->max_message = max_message_size ? max_message_size : SY_AWS_EVENT_STREAM_MAX_MESSAGE;
  return self;
}

void
sy_aws_event_stream_message_as_sse (const SyAwsEventStreamMessage *message,
                                    SySseEvent                    *event)
{
  const char *kind = message->message_type ? message->message_type : "event";

  g_return_if_fail (message != NULL && event != NULL);

  event->event = message->event_type;
  event->data = message->payload;
  event->data_len = message->payload_len;
  event->id = NULL;
  if (g_str_equal (kind, "exception"))
    {
      event->event = "exception";
      event->id = message->exception_type;
    }
  else if (g_str_equal (kind, "error"))
    {
      event->event = "error";
      event->id = message->error_code;
      if (message->payload_len == 0 && message->error_message != NULL)
        {
          event->data = message->error_message;
          event->data_len = strlen (message->error_message);
        }
    }
}
