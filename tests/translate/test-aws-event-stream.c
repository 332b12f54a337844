/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyAwsEventStream: the CRC, every header type, input split at every byte, and each way a
 * frame can be broken (prelude CRC, message CRC, lengths, oversize, headers, truncation)
 * ending in a clear error, never a crash or a hang.
 */
#include "translate/sy-codec.h"
#include "kiro-frames.h"

typedef struct
{
  GString *log;   /* one line per message: type|event|exception|content|payload */
  guint    count;
} Collected;

static void
collect_cb (const SyAwsEventStreamMessage *m,
            gpointer                       user_data)
{
  Collected *c = user_data;

  g_assert_cmpuint (strlen (m->payload), <=, m->payload_len);
  g_assert_cmpint (m->payload[m->payload_len], ==, '\0');
  g_string_append_printf (c->log, "%s|%s|%s|%s|%s|%s|", m->message_type ? m->message_type : "-",
                          m->event_type ? m->event_type : "-",
                          m->exception_type ? m->exception_type : "-",
                          m->error_code ? m->error_code : "-",
                          m->error_message ? m->error_message : "-",
                          m->content_type ? m->content_type : "-");
  g_string_append_len (c->log, m->payload, (gssize) m->payload_len);
  g_string_append_c (c->log, '\n');
  c->count++;
}

/* Decodes data fed in chunks of at most chunk bytes (0: whole); the messages' log, or NULL
 * with error. */
static char *
decode (const guint8  *data,
        gsize          len,
        gsize          chunk,
        gsize          max,
        GError       **error)
{
  Collected c = { g_string_new (NULL), 0 };
  g_autoptr(SyAwsEventStream) stream = sy_aws_event_stream_new (max, collect_cb, &c);
  gboolean ok = TRUE;

  if (chunk == 0)
    chunk = MAX (len, 1);
  for (gsize off = 0; ok && off < len; off += chunk)
    ok = sy_aws_event_stream_push (stream, (const char *) data + off, MIN (chunk, len - off),
                                   error);
  if (ok)
    ok = sy_aws_event_stream_finish (stream, error);
  g_assert_finalize_object (g_steal_pointer (&stream));
  if (!ok)
    {
      g_string_free (c.log, TRUE);
      return NULL;
    }
  return g_string_free (c.log, FALSE);
}

static GBytes *
load_recorded (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fixtures", "translate",
                                                 "kiro", "recorded.bin", NULL);
  char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_bytes_new_take (data, len);
}

static void
assert_error (const guint8 *data,
              gsize         len,
              gsize         max,
              const char   *expected)
{
  /* Whole, and byte by byte: the same error either way. */
  for (gsize chunk = 0; chunk <= 1; chunk++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *log = decode (data, len, chunk, max, &error);

      g_assert_null (log);
      g_assert_error (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_INVALID_RESPONSE);
      if (strstr (error->message, expected) == NULL)
        g_error ("error \"%s\" does not mention \"%s\"", error->message, expected);
    }
}

/* --- tests ------------------------------------------------------------------------------------ */

static void
test_crc32 (void)
{
  /* The CRC-32 check value, and continuing a CRC across pieces. */
  g_assert_cmphex (sy_aws_crc32 (0, (const guint8 *) "123456789", 9), ==, 0xCBF43926);
  g_assert_cmphex (sy_aws_crc32 (sy_aws_crc32 (0, (const guint8 *) "1234", 4),
                                 (const guint8 *) "56789", 5), ==, 0xCBF43926);
  g_assert_cmphex (sy_aws_crc32 (0, NULL, 0), ==, 0);
}

static void
test_header_types (void)
{
  g_autoptr(GByteArray) headers = g_byte_array_new ();
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint8 uuid[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
  g_autoptr(GError) error = NULL;
  g_autofree char *log = NULL;

  kiro_put_header (headers, "t", 0, NULL, 0);
  kiro_put_header (headers, "f", 1, NULL, 0);
  kiro_put_header (headers, "b", 2, "\x7f", 1);
  kiro_put_header (headers, "s", 3, "\x01\x02", 2);
  kiro_put_header (headers, "i", 4, "\x01\x02\x03\x04", 4);
  kiro_put_header (headers, "l", 5, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
  kiro_put_header (headers, "bytes", 6, "\x00\xff\x00", 3);
  kiro_put_header (headers, "ts", 8, "\x00\x00\x01\x8b\xcf\xe5\x68\x00", 8);
  kiro_put_header (headers, "id", 9, uuid, 16);
  /* A known name with a non-string type is not taken as that header. */
  kiro_put_header (headers, ":event-type", 4, "\0\0\0\1", 4);
  kiro_put_string_header (headers, ":message-type", "event");
  kiro_put_string_header (headers, ":event-type", "assistantResponseEvent");
  kiro_put_string_header (headers, ":content-type", "application/json");
  kiro_put_string_header (headers, "x-unknown", "ignored");
  kiro_put_frame (out, headers, "{\"content\":\"hé\"}", strlen ("{\"content\":\"hé\"}"));
  /* Empty headers and payload: the smallest frame (16 bytes). */
  g_byte_array_set_size (headers, 0);
  kiro_put_frame (out, headers, "", 0);
  g_assert_cmpuint (out->len, >, 16);

  log = decode (out->data, out->len, 0, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (log, ==,
                   "event|assistantResponseEvent|-|-|-|application/json|{\"content\":\"hé\"}\n"
                   "-|-|-|-|-|-|\n");
}

static void
test_split_everywhere (void)
{
  g_autoptr(GBytes) recorded = load_recorded ();
  gsize len;
  const guint8 *data = g_bytes_get_data (recorded, &len);
  g_autoptr(GError) error = NULL;
  g_autofree char *whole = decode (data, len, 0, 0, &error);
  g_auto(GStrv) lines = NULL;

  g_assert_no_error (error);
  lines = g_strsplit (whole, "\n", 0);
  g_assert_cmpuint (g_strv_length (lines), ==, 12);  /* 11 messages and the empty tail */
  g_assert_cmpstr (lines[0], ==,
                   "event|assistantResponseEvent|-|-|-|application/json|{\"content\":\"<thin\"}");
  g_assert_cmpstr (lines[10], ==, "event|messageStopEvent|-|-|-|application/json|{}");

  /* Every chunk size from 1 byte up, so every split point falls between two reads. */
  for (gsize chunk = 1; chunk <= len; chunk++)
    {
      g_autofree char *part = decode (data, len, chunk, 0, NULL);

      if (g_strcmp0 (part, whole) != 0)
        g_error ("messages differ when read in %" G_GSIZE_FORMAT "-byte chunks", chunk);
    }
  /* And split once at every offset. */
  for (gsize at = 0; at <= len; at++)
    {
      Collected c = { g_string_new (NULL), 0 };
      g_autoptr(SyAwsEventStream) stream = sy_aws_event_stream_new (0, collect_cb, &c);

      g_assert_true (sy_aws_event_stream_push (stream, (const char *) data, at, NULL));
      g_assert_true (sy_aws_event_stream_push (stream, (const char *) data + at, len - at, NULL));
      g_assert_true (sy_aws_event_stream_finish (stream, NULL));
      g_assert_cmpstr (c.log->str, ==, whole);
      g_string_free (c.log, TRUE);
    }
}

static void
test_prelude_crc (void)
{
  g_autoptr(GBytes) recorded = load_recorded ();
  gsize len = g_bytes_get_size (recorded);
  g_autofree guint8 *data = g_memdup2 (g_bytes_get_data (recorded, NULL), len);

  data[9] ^= 0x01;  /* the first frame's prelude CRC */
  assert_error (data, len, 0, "prelude CRC mismatch");
  data[9] ^= 0x01;
  data[2] ^= 0x40;  /* a corrupted length: caught by the prelude CRC before it is believed */
  assert_error (data, len, 0, "prelude CRC mismatch");
}

static void
test_message_crc (void)
{
  g_autoptr(GBytes) recorded = load_recorded ();
  gsize len = g_bytes_get_size (recorded);
  g_autofree guint8 *data = g_memdup2 (g_bytes_get_data (recorded, NULL), len);
  guint32 first = ((guint32) data[0] << 24) | (data[1] << 16) | (data[2] << 8) | data[3];

  data[first + 40] ^= 0x20;  /* a header byte of the second frame */
  assert_error (data, len, 0, "message CRC mismatch");
  data[first + 40] ^= 0x20;
  data[len - 1] ^= 0xff;     /* the last frame's own CRC */
  assert_error (data, len, 0, "message CRC mismatch");
}

static void
test_truncated (void)
{
  g_autoptr(GBytes) recorded = load_recorded ();
  gsize len;
  const guint8 *data = g_bytes_get_data (recorded, &len);

  /* Cut inside the last frame's payload, inside a prelude, and one byte short. */
  assert_error (data, len - 5, 0, "truncated");
  assert_error (data, len - 1, 0, "truncated");
  assert_error (data, 7, 0, "truncated");
}

static void
test_oversized (void)
{
  g_autofree char *log = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GByteArray) headers = g_byte_array_new ();

  /* A valid prelude announcing 16 MiB + 1: refused at once, not buffered. */
  kiro_put_u32 (out, SY_AWS_EVENT_STREAM_MAX_MESSAGE + 1);
  kiro_put_u32 (out, 0);
  kiro_put_u32 (out, sy_aws_crc32 (0, out->data, 8));
  assert_error (out->data, out->len, 0, "exceeds the limit");

  /* A smaller bound, and a frame just over it. */
  g_byte_array_set_size (out, 0);
  kiro_put_string_header (headers, ":event-type", "assistantResponseEvent");
  kiro_put_frame (out, headers, "0123456789", 10);
  assert_error (out->data, out->len, out->len - 1, "exceeds the limit");
  log = decode (out->data, out->len, 1, out->len, NULL);
  g_assert_nonnull (log);
}

static void
put_prelude (GByteArray *out,
             guint32     total,
             guint32     headers_len)
{
  guint start = out->len;

  kiro_put_u32 (out, total);
  kiro_put_u32 (out, headers_len);
  kiro_put_u32 (out, sy_aws_crc32 (0, out->data + start, 8));
}

static void
test_bad_lengths (void)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();

  put_prelude (out, 15, 0);
  assert_error (out->data, out->len, 0, "bad lengths");
  g_byte_array_set_size (out, 0);
  put_prelude (out, 20, 5);
  assert_error (out->data, out->len, 0, "bad lengths");
  g_byte_array_set_size (out, 0);
  put_prelude (out, 0, 0);
  assert_error (out->data, out->len, 0, "bad lengths");
}

/* A frame with these raw header bytes (CRCs right), so only the headers are wrong. */
static void
assert_bad_headers (const char *raw,
                    gsize       len,
                    const char *expected)
{
  g_autoptr(GByteArray) headers = g_byte_array_new ();
  g_autoptr(GByteArray) out = g_byte_array_new ();

  g_byte_array_append (headers, (const guint8 *) raw, (guint) len);
  kiro_put_frame (out, headers, "{}", 2);
  assert_error (out->data, out->len, 0, expected);
}

static void
test_bad_headers (void)
{
  assert_bad_headers ("\x01x\x0a", 3, "unknown value type 10");
  assert_bad_headers ("\x05x", 2, "header name");
  assert_bad_headers ("\x01x\x07\x00\x09" "abc", 7, "runs past");
  assert_bad_headers ("\x01x\x07\x00", 4, "runs past");
  assert_bad_headers ("\x01x\x04\x00\x00", 5, "runs past");
  assert_bad_headers ("\x00", 1, "header name");
  assert_bad_headers ("\x0b:event-type\x07\x00\x02\xff\xfe", 17, "not valid UTF-8");
  assert_bad_headers ("\x0b:event-type\x07\x00\x02\x41\x00", 17, "not valid UTF-8");
}

static void
test_refuses_after_error (void)
{
  Collected c = { g_string_new (NULL), 0 };
  g_autoptr(SyAwsEventStream) stream = sy_aws_event_stream_new (0, collect_cb, &c);
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) out = g_byte_array_new ();

  put_prelude (out, 10, 0);
  g_assert_false (sy_aws_event_stream_push (stream, (const char *) out->data, out->len, &error));
  g_clear_error (&error);
  kiro_put_message (out, "event", "messageStopEvent", "{}");
  g_assert_false (sy_aws_event_stream_push (stream, (const char *) out->data + 12,
                                            out->len - 12, &error));
  g_assert_error (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_INVALID_RESPONSE);
  g_clear_error (&error);
  g_assert_false (sy_aws_event_stream_finish (stream, &error));
  g_assert_error (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_INVALID_RESPONSE);
  g_assert_cmpuint (c.count, ==, 0);
  g_string_free (c.log, TRUE);
}

static void
test_garbage (void)
{
  /* Random bytes: always an error, never a crash or a message. */
  GRand *rand = g_rand_new_with_seed (42);

  for (guint round = 0; round < 500; round++)
    {
      guint8 buf[256];
      gsize len = (gsize) g_rand_int_range (rand, 12, sizeof buf);
      g_autoptr(GError) error = NULL;
      g_autofree char *log = NULL;

      for (gsize i = 0; i < len; i++)
        buf[i] = (guint8) g_rand_int (rand);
      log = decode (buf, len, (gsize) g_rand_int_range (rand, 0, 16), 0, &error);
      g_assert_null (log);
      g_assert_nonnull (error);
    }
  g_rand_free (rand);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sy/translate/aws-event-stream/crc32", test_crc32);
  g_test_add_func ("/sy/translate/aws-event-stream/header-types", test_header_types);
  g_test_add_func ("/sy/translate/aws-event-stream/split-everywhere", test_split_everywhere);
  g_test_add_func ("/sy/translate/aws-event-stream/prelude-crc", test_prelude_crc);
  g_test_add_func ("/sy/translate/aws-event-stream/message-crc", test_message_crc);
  g_test_add_func ("/sy/translate/aws-event-stream/truncated", test_truncated);
  g_test_add_func ("/sy/translate/aws-event-stream/oversized", test_oversized);
  g_test_add_func ("/sy/translate/aws-event-stream/bad-lengths", test_bad_lengths);
  g_test_add_func ("/sy/translate/aws-event-stream/bad-headers", test_bad_headers);
  g_test_add_func ("/sy/translate/aws-event-stream/refuses-after-error",
                   test_refuses_after_error);
  g_test_add_func ("/sy/translate/aws-event-stream/garbage", test_garbage);
  return g_test_run ();
}
