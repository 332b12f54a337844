/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * test-json-scan: tables of valid and invalid documents with the byte offset each error must
 * name, top-level lookup, string decoding and encoding. Every input is copied into a buffer of
 * exactly its length so that a read past the end shows up under ASan and valgrind.
 */
#include "core/sy-json-scan.h"

#include <string.h>

#define DEFAULT_DEPTH 64

typedef struct
{
  const char *name;
  const char *json;
  gsize       len;        /* 0: strlen (json) */
  SyJsonError code;       /* unused in valid_cases */
  gsize       offset;     /* the byte the error must name */
  guint       max_depth;  /* 0: DEFAULT_DEPTH */
} CheckCase;

static const CheckCase valid_cases[] = {
  { "empty-object", "{}" },
  { "blanks", " \t\r\n{ \t\r\n} \t\r\n" },
  { "one-member", "{\"a\":1}" },
  { "blanks-everywhere", "{ \"a\" : [ 1 , 2 ] , \"b\" : { } , \"c\" : \"\" }" },
  { "scalars", "{\"n\":null,\"t\":true,\"f\":false,\"s\":\"x\"}" },
  { "numbers", "{\"a\":0,\"b\":-0,\"c\":1.5,\"d\":-1.25e10,\"e\":1E-2,\"f\":0.0e+0,"
               "\"g\":123456789012345678901234567890,\"h\":1e999,\"i\":-0.5E+05,\"j\":10}" },
  { "nested", "{\"a\":[1,[2,{\"b\":[]}],{}],\"c\":{\"d\":{\"e\":\"f\"}},\"g\":[[[[]]]]}" },
  { "escapes", "{\"s\":\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\"}" },
  { "unicode-escapes", "{\"s\":\"\\u0041\\u00e9\\u20AC\\uFFFF\\uD83D\\uDE00\\udbff\\udfff\"}" },
  { "nul-escape", "{\"s\":\"a\\u0000b\"}" },
  { "utf8-boundaries", "{\"s\":\"\xC2\x80 \xDF\xBF \xE0\xA0\x80 \xED\x9F\xBF \xEE\x80\x80 "
                       "\xEF\xBF\xBF \xF0\x90\x80\x80 \xF4\x8F\xBF\xBF\"}" },
  { "utf8-text", "{\"h\xC3\xA9llo\":\"w\xC3\xB6rld \xE2\x82\xAC \xF0\x9F\x98\x80 "
                 "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\"}" },
  { "del-and-line-separator", "{\"s\":\"\x7F\xE2\x80\xA8\xE2\x80\xA9\"}" },
  { "empty-name", "{\"\":\"\"}" },
  { "duplicate-names", "{\"a\":1,\"a\":2}" },
  { "depth-exact", "{\"a\":{\"b\":{}}}", .max_depth = 3 },
  { "depth-one", "{\"a\":1,\"b\":\"[{\"}", .max_depth = 1 },
};

static const CheckCase invalid_cases[] = {
  /* structure */
  { "empty", "", 0, SY_JSON_ERROR_SYNTAX, 0 },
  { "blank-only", " \n\t ", 0, SY_JSON_ERROR_SYNTAX, 4 },
  { "top-garbage", "hello", 0, SY_JSON_ERROR_SYNTAX, 0 },
  { "bom", "\xEF\xBB\xBF{}", 0, SY_JSON_ERROR_SYNTAX, 0 },
  { "open-brace", "{", 0, SY_JSON_ERROR_SYNTAX, 1 },
  { "missing-colon", "{\"a\"}", 0, SY_JSON_ERROR_SYNTAX, 4 },
  { "missing-colon-value", "{\"a\" 1}", 0, SY_JSON_ERROR_SYNTAX, 5 },
  { "unquoted-name", "{a:1}", 0, SY_JSON_ERROR_SYNTAX, 1 },
  { "single-quoted-name", "{'a':1}", 0, SY_JSON_ERROR_SYNTAX, 1 },
  { "number-name", "{1:1}", 0, SY_JSON_ERROR_SYNTAX, 1 },
  { "trailing-comma-object", "{\"a\":1,}", 0, SY_JSON_ERROR_SYNTAX, 7 },
  { "trailing-comma-array", "{\"a\":[1,]}", 0, SY_JSON_ERROR_SYNTAX, 8 },
  { "missing-comma-array", "{\"a\":[1 2]}", 0, SY_JSON_ERROR_SYNTAX, 8 },
  { "missing-comma-object", "{\"a\":1 \"b\":2}", 0, SY_JSON_ERROR_SYNTAX, 7 },
  { "missing-value", "{\"a\":}", 0, SY_JSON_ERROR_SYNTAX, 5 },
  { "unclosed-object", "{\"a\":1", 0, SY_JSON_ERROR_SYNTAX, 6 },
  { "unclosed-array", "{\"a\":[1", 0, SY_JSON_ERROR_SYNTAX, 7 },
  { "array-closed-by-brace", "{\"a\":[1}", 0, SY_JSON_ERROR_SYNTAX, 7 },
  { "object-closed-by-bracket", "{\"a\":{\"b\":1]}", 0, SY_JSON_ERROR_SYNTAX, 11 },
  { "trailing-garbage", "{} x", 0, SY_JSON_ERROR_SYNTAX, 3 },
  { "two-objects", "{}{}", 0, SY_JSON_ERROR_SYNTAX, 2 },
  { "trailing-nul", "{}\0", 3, SY_JSON_ERROR_SYNTAX, 2 },
  { "trailing-comma-top", "{},", 0, SY_JSON_ERROR_SYNTAX, 2 },
  { "comment", "{/* c */}", 0, SY_JSON_ERROR_SYNTAX, 1 },
  { "vertical-tab-blank", "{\v}", 0, SY_JSON_ERROR_SYNTAX, 1 },
  { "form-feed-blank", "{\f}", 0, SY_JSON_ERROR_SYNTAX, 1 },
  { "nbsp-blank", "{\xC2\xA0}", 0, SY_JSON_ERROR_SYNTAX, 1 },
  { "utf8-outside-string", "{\"a\":\xC3\xA9}", 0, SY_JSON_ERROR_SYNTAX, 5 },

  /* top level */
  { "top-array", "[]", 0, SY_JSON_ERROR_NOT_OBJECT, 0 },
  { "top-array-blanks", "  [1, 2]", 0, SY_JSON_ERROR_NOT_OBJECT, 2 },
  { "top-string", "\"model\"", 0, SY_JSON_ERROR_NOT_OBJECT, 0 },
  { "top-number", "42", 0, SY_JSON_ERROR_NOT_OBJECT, 0 },
  { "top-negative", "-1", 0, SY_JSON_ERROR_NOT_OBJECT, 0 },
  { "top-true", "true", 0, SY_JSON_ERROR_NOT_OBJECT, 0 },
  { "top-null", "null", 0, SY_JSON_ERROR_NOT_OBJECT, 0 },

  /* numbers */
  { "leading-zero", "{\"a\":01}", 0, SY_JSON_ERROR_SYNTAX, 6 },
  { "leading-zero-negative", "{\"a\":-01}", 0, SY_JSON_ERROR_SYNTAX, 7 },
  { "leading-zeros", "{\"a\":00}", 0, SY_JSON_ERROR_SYNTAX, 6 },
  { "dot-no-fraction", "{\"a\":1.}", 0, SY_JSON_ERROR_SYNTAX, 7 },
  { "dot-no-fraction-at-end", "{\"a\":1.", 0, SY_JSON_ERROR_SYNTAX, 7 },
  { "minus-alone", "{\"a\":-}", 0, SY_JSON_ERROR_SYNTAX, 6 },
  { "minus-alone-at-end", "{\"a\":-", 0, SY_JSON_ERROR_SYNTAX, 6 },
  { "leading-dot", "{\"a\":.5}", 0, SY_JSON_ERROR_SYNTAX, 5 },
  { "plus-sign", "{\"a\":+1}", 0, SY_JSON_ERROR_SYNTAX, 5 },
  { "exponent-empty", "{\"a\":1e}", 0, SY_JSON_ERROR_SYNTAX, 7 },
  { "exponent-sign-only", "{\"a\":1e+}", 0, SY_JSON_ERROR_SYNTAX, 8 },
  { "exponent-after-dot", "{\"a\":1.e5}", 0, SY_JSON_ERROR_SYNTAX, 7 },
  { "double-minus", "{\"a\":--1}", 0, SY_JSON_ERROR_SYNTAX, 6 },
  { "hex-number", "{\"a\":0x1F}", 0, SY_JSON_ERROR_SYNTAX, 6 },
  { "two-dots", "{\"a\":1.2.3}", 0, SY_JSON_ERROR_SYNTAX, 8 },
  { "nan", "{\"a\":NaN}", 0, SY_JSON_ERROR_SYNTAX, 5 },
  { "infinity", "{\"a\":-Infinity}", 0, SY_JSON_ERROR_SYNTAX, 6 },

  /* literals */
  { "literal-truncated", "{\"a\":tru}", 0, SY_JSON_ERROR_SYNTAX, 5 },
  { "literal-case", "{\"a\":True}", 0, SY_JSON_ERROR_SYNTAX, 5 },
  { "literal-trailing", "{\"a\":nulll}", 0, SY_JSON_ERROR_SYNTAX, 9 },
  { "literal-at-end", "{\"a\":fals", 0, SY_JSON_ERROR_SYNTAX, 5 },

  /* strings */
  { "raw-newline", "{\"a\":\"x\ny\"}", 0, SY_JSON_ERROR_SYNTAX, 7 },
  { "raw-tab", "{\"a\":\"\t\"}", 0, SY_JSON_ERROR_SYNTAX, 6 },
  { "raw-nul", "{\"a\":\"\0\"}", 9, SY_JSON_ERROR_SYNTAX, 6 },
  { "raw-control-in-name", "{\"\x01\":1}", 0, SY_JSON_ERROR_SYNTAX, 2 },
  { "invalid-escape", "{\"a\":\"\\x\"}", 0, SY_JSON_ERROR_SYNTAX, 6 },
  { "escape-single-quote", "{\"a\":\"\\'\"}", 0, SY_JSON_ERROR_SYNTAX, 6 },
  { "escape-upper-u", "{\"a\":\"\\U0041\"}", 0, SY_JSON_ERROR_SYNTAX, 6 },
  { "escape-short-hex", "{\"a\":\"\\u12\"}", 0, SY_JSON_ERROR_SYNTAX, 6 },
  { "escape-bad-hex", "{\"a\":\"\\u12G4\"}", 0, SY_JSON_ERROR_SYNTAX, 6 },
  { "unterminated-string", "{\"a\":\"abc", 0, SY_JSON_ERROR_SYNTAX, 9 },
  { "unterminated-name", "{\"ab", 0, SY_JSON_ERROR_SYNTAX, 4 },
  { "backslash-at-end", "{\"a\":\"\\", 0, SY_JSON_ERROR_SYNTAX, 7 },

  /* surrogates in escapes */
  { "lone-high-surrogate", "{\"a\":\"\\uD800\"}", 0, SY_JSON_ERROR_SYNTAX, 6 },
  { "lone-high-surrogate-last", "{\"a\":\"x\\uDBFF\"}", 0, SY_JSON_ERROR_SYNTAX, 7 },
  { "lone-low-surrogate", "{\"a\":\"\\uDC00\"}", 0, SY_JSON_ERROR_SYNTAX, 6 },
  { "reversed-surrogates", "{\"a\":\"\\uDC00\\uD800\"}", 0, SY_JSON_ERROR_SYNTAX, 6 },
  { "high-then-bmp", "{\"a\":\"\\uD83D\\u0041\"}", 0, SY_JSON_ERROR_SYNTAX, 6 },
  { "high-then-high", "{\"a\":\"\\uD83D\\uD83D\"}", 0, SY_JSON_ERROR_SYNTAX, 6 },
  { "high-then-escape", "{\"a\":\"\\uD83D\\n\"}", 0, SY_JSON_ERROR_SYNTAX, 6 },
  { "high-then-text", "{\"a\":\"\\uD83Dxxxxxx\"}", 0, SY_JSON_ERROR_SYNTAX, 6 },
  { "high-at-end", "{\"a\":\"\\uD83D", 0, SY_JSON_ERROR_SYNTAX, 6 },
  { "surrogate-in-name", "{\"\\uDE00\":1}", 0, SY_JSON_ERROR_SYNTAX, 2 },

  /* UTF-8 (RFC 3629) */
  { "overlong-2", "{\"a\":\"\xC0\x80\"}", 0, SY_JSON_ERROR_INVALID_UTF8, 6 },
  { "overlong-2-c1", "{\"a\":\"\xC1\xBF\"}", 0, SY_JSON_ERROR_INVALID_UTF8, 6 },
  { "overlong-3", "{\"a\":\"\xE0\x80\x80\"}", 0, SY_JSON_ERROR_INVALID_UTF8, 6 },
  { "overlong-3-edge", "{\"a\":\"\xE0\x9F\xBF\"}", 0, SY_JSON_ERROR_INVALID_UTF8, 6 },
  { "overlong-4", "{\"a\":\"\xF0\x80\x80\x80\"}", 0, SY_JSON_ERROR_INVALID_UTF8, 6 },
  { "overlong-4-edge", "{\"a\":\"\xF0\x8F\xBF\xBF\"}", 0, SY_JSON_ERROR_INVALID_UTF8, 6 },
  { "utf8-high-surrogate", "{\"a\":\"\xED\xA0\x80\"}", 0, SY_JSON_ERROR_INVALID_UTF8, 6 },
  { "utf8-low-surrogate", "{\"a\":\"\xED\xBF\xBF\"}", 0, SY_JSON_ERROR_INVALID_UTF8, 6 },
  { "above-u10ffff", "{\"a\":\"\xF4\x90\x80\x80\"}", 0, SY_JSON_ERROR_INVALID_UTF8, 6 },
  { "lead-f5", "{\"a\":\"\xF5\x80\x80\x80\"}", 0, SY_JSON_ERROR_INVALID_UTF8, 6 },
  { "byte-ff", "{\"a\":\"\xFF\"}", 0, SY_JSON_ERROR_INVALID_UTF8, 6 },
  { "lone-continuation", "{\"a\":\"x\x80\"}", 0, SY_JSON_ERROR_INVALID_UTF8, 7 },
  { "truncated-2", "{\"a\":\"\xC3\"}", 0, SY_JSON_ERROR_INVALID_UTF8, 6 },
  { "truncated-3", "{\"a\":\"\xE2\x82\"}", 0, SY_JSON_ERROR_INVALID_UTF8, 6 },
  { "truncated-4-at-end", "{\"a\":\"\xF0\x9F\x98", 0, SY_JSON_ERROR_INVALID_UTF8, 6 },
  { "bad-continuation", "{\"a\":\"\xE2\x28\xA1\"}", 0, SY_JSON_ERROR_INVALID_UTF8, 6 },
  { "invalid-utf8-in-name", "{\"\xC3\x28\":1}", 0, SY_JSON_ERROR_INVALID_UTF8, 2 },
  { "invalid-utf8-late", "{\"a\":\"0123456789abcdef\xC0\"}", 0, SY_JSON_ERROR_INVALID_UTF8, 22 },

  /* depth */
  { "too-deep-objects", "{\"a\":{\"b\":{}}}", 0, SY_JSON_ERROR_TOO_DEEP, 10, 2 },
  { "too-deep-arrays", "{\"a\":[[]]}", 0, SY_JSON_ERROR_TOO_DEEP, 6, 2 },
  { "too-deep-for-one", "{\"a\":[]}", 0, SY_JSON_ERROR_TOO_DEEP, 5, 1 },
};

/* A chat request with some of everything, no trailing blanks: every proper prefix is invalid. */
static const char sample_document[] =
  "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":"
  "\"Be brief.\\n\\\"Quote\\\" \\\\ \\/ \\u00e9 \\uD83D\\uDE00 \xC3\xA9\xF0\x9F\x98\x80"
  "\xE2\x82\xAC\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}],"
  "\"temperature\":0.7,\"max_tokens\":-256,\"top_p\":1e-3,\"x\":2.5E+2,\"stream\":true,"
  "\"stop\":null,\"n\":false,\"e\":{},\"f\":[ ],\"g\" : 0}";

/* The ~1 KB body of the anchor benchmark (shared/anchor-bench/make-body.py). */
static const char bench_body[] =
  "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"system\",\"content\":\"You are a helpful "
  "assistant embedded in a customer-support tool. Answer concisely, cite the relevant policy "
  "section when you can, and never invent order numbers. If the user asks for something outside "
  "support topics, politely decline and steer back to the product.\"},{\"role\":\"user\","
  "\"content\":\"Hi, I ordered a pair of running shoes last Tuesday (order placed from the mobile "
  "app) and the tracking page has said 'label created' for four days now. I need them before a "
  "race on Sunday. Can you tell me whether the parcel has actually shipped, and if not, whether "
  "I can switch to express delivery or pick them up from a store instead? Also, if they arrive "
  "too late, what is the return policy for unworn shoes, and would I be refunded to the original "
  "card or as store credit? My account email is the one on file. Thanks a lot for your help.\"}],"
  "\"temperature\":0.7,\"max_tokens\":256,\"top_p\":1,\"stream\":true,"
  "\"user\":\"bench-user-0001\"}";

/* Checks a copy of exactly len bytes, so that any over-read is caught. */
static gboolean
check (const char  *json,
       gsize        len,
       guint        max_depth,
       GError     **error)
{
  g_autofree char *copy = g_memdup2 (json, len);

  return sy_json_check_object (copy, len, max_depth, error);
}

static gsize
error_offset (const GError *error)
{
  const char *prefix = "invalid JSON at byte ";
  const char *digits;
  char *colon = NULL;
  guint64 offset;

  g_assert_true (g_str_has_prefix (error->message, prefix));
  digits = error->message + strlen (prefix);
  offset = g_ascii_strtoull (digits, &colon, 10);
  g_assert_true (colon != digits);
  g_assert_true (g_str_has_prefix (colon, ": "));
  g_assert_cmpuint (strlen (colon), >, 2);

  return (gsize) offset;
}

static void
test_valid_case (gconstpointer data)
{
  const CheckCase *c = data;
  gsize len = c->len != 0 ? c->len : strlen (c->json);
  guint max_depth = c->max_depth != 0 ? c->max_depth : DEFAULT_DEPTH;
  g_autoptr(GError) error = NULL;

  g_assert_true (check (c->json, len, max_depth, &error));
  g_assert_no_error (error);
}

static void
test_invalid_case (gconstpointer data)
{
  const CheckCase *c = data;
  gsize len = c->len != 0 ? c->len : strlen (c->json);
  guint max_depth = c->max_depth != 0 ? c->max_depth : DEFAULT_DEPTH;
  g_autoptr(GError) error = NULL;

  g_assert_false (check (c->json, len, max_depth, &error));
  g_assert_error (error, SY_JSON_ERROR, (int) c->code);
  g_assert_cmpuint (error_offset (error), ==, c->offset);

  /* Without a GError the answer is the same. */
  g_assert_false (check (c->json, len, max_depth, NULL));
}

static void
test_error_message (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (check ("{\"a\"}", 5, DEFAULT_DEPTH, &error));
  g_assert_error (error, SY_JSON_ERROR, SY_JSON_ERROR_SYNTAX);
  g_assert_cmpstr (error->message, ==, "invalid JSON at byte 4: expected ':'");
  g_clear_error (&error);

  g_assert_false (check ("{\"a\"", 4, DEFAULT_DEPTH, &error));
  g_assert_cmpstr (error->message, ==,
                   "invalid JSON at byte 4: unexpected end of input, expected ':'");
  g_clear_error (&error);

  g_assert_false (check ("[1]", 3, DEFAULT_DEPTH, &error));
  g_assert_cmpstr (error->message, ==,
                   "invalid JSON at byte 0: the top-level value is not an object");
}

static void
test_truncated (void)
{
  gsize len = strlen (sample_document);

  g_assert_true (check (sample_document, len, DEFAULT_DEPTH, NULL));

  for (gsize i = 0; i < len; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (check (sample_document, i, DEFAULT_DEPTH, &error));
      g_assert_nonnull (error);
      if (!g_error_matches (error, SY_JSON_ERROR, SY_JSON_ERROR_SYNTAX))
        g_assert_error (error, SY_JSON_ERROR, SY_JSON_ERROR_INVALID_UTF8);
      g_assert_cmpuint (error_offset (error), <=, i);
    }
}

/* Replaces every byte of the sample with bytes that matter to a JSON scanner: whatever the
 * verdict, nothing crashes or reads out of bounds, errors name a byte inside the input, and
 * lookup on an accepted result agrees with a second validation. */
static void
test_mutations (void)
{
  static const char replacements[] = "\"\\{}[],: 0-.eE\x01\x7F\x80\xBF\xC3\xED\xF0\xFF";
  gsize len = strlen (sample_document);
  g_autofree char *doc = g_memdup2 (sample_document, len);
  guint accepted = 0;

  for (gsize i = 0; i < len; i++)
    {
      char saved = doc[i];

      for (gsize r = 0; r < sizeof replacements; r++)
        {
          g_autoptr(GError) error = NULL;
          SyJsonSpan span;

          doc[i] = replacements[r];  /* the last one is the NUL terminator */
          if (!check (doc, len, DEFAULT_DEPTH, &error))
            {
              g_assert_nonnull (error);
              g_assert_cmpuint (error_offset (error), <=, len);
              continue;
            }

          accepted++;
          if (sy_json_object_lookup (doc, len, "model", &span))
            {
              g_assert_cmpuint (span.start, <, span.end);
              g_assert_cmpuint (span.end, <=, len);
              if (span.kind == SY_JSON_KIND_STRING)
                {
                  g_autofree char *s = sy_json_span_dup_string (doc, &span);

                  g_assert_true (g_utf8_validate (s, -1, NULL));
                }
            }
        }
      doc[i] = saved;
    }

  g_assert_cmpuint (accepted, >, 0);
}

/* A special byte at every position and alignment of a long string (the scanner reads eight
 * bytes at a time): the error must name exactly that byte. */
static void
test_string_alignment (void)
{
  static const char *specials[] = { "\n", "\x1F", "\xC0", "\xFF", "\x80" };

  for (gsize k = 0; k < G_N_ELEMENTS (specials); k++)
    for (gsize pos = 0; pos < 40; pos++)
      {
        g_autoptr(GString) doc = g_string_new ("{\"a\":\"");
        g_autoptr(GError) error = NULL;
        gsize at;

        for (gsize j = 0; j < pos; j++)
          g_string_append_c (doc, 'a' + j % 26);
        at = doc->len;
        g_string_append (doc, specials[k]);
        g_string_append (doc, "0123456789abcdefghij\"}");

        g_assert_false (check (doc->str, doc->len, DEFAULT_DEPTH, &error));
        g_assert_cmpuint (error_offset (error), ==, at);

        /* The same positions holding a closing quote or an escape are fine. */
        if (k % 2)
          {
            g_string_overwrite (doc, at, "\\");
            g_string_insert_c (doc, at + 1, 'n');
          }
        else
          {
            g_string_overwrite (doc, at, "\"");
            g_string_insert (doc, at + 1, ",\"b\":\"");
          }
        g_assert_true (check (doc->str, doc->len, DEFAULT_DEPTH, NULL));
      }
}

static char *
repeat (const char *prefix,
        const char *unit,
        guint       times,
        const char *suffix)
{
  GString *s = g_string_new (prefix);

  for (guint i = 0; i < times; i++)
    g_string_append (s, unit);
  g_string_append (s, suffix);

  return g_string_free (s, FALSE);
}

static void
test_deep_arrays (void)
{
  g_autofree char *doc = repeat ("{\"a\":", "[", 10000, "");
  g_autoptr(GError) error = NULL;

  g_assert_false (check (doc, strlen (doc), DEFAULT_DEPTH, &error));
  g_assert_error (error, SY_JSON_ERROR, SY_JSON_ERROR_TOO_DEEP);
  /* the object is level 1, so the 64th '[' is one too many */
  g_assert_cmpuint (error_offset (error), ==, 5 + 63);
}

static void
test_deep_top_level_arrays (void)
{
  g_autofree char *doc = repeat ("", "[", 10000, "");
  g_autoptr(GError) error = NULL;

  g_assert_false (check (doc, strlen (doc), DEFAULT_DEPTH, &error));
  g_assert_error (error, SY_JSON_ERROR, SY_JSON_ERROR_NOT_OBJECT);
}

static void
test_deep_objects (void)
{
  g_autofree char *doc = repeat ("", "{\"a\":", 10000, "1");
  g_autoptr(GError) error = NULL;

  g_assert_false (check (doc, strlen (doc), DEFAULT_DEPTH, &error));
  g_assert_error (error, SY_JSON_ERROR, SY_JSON_ERROR_TOO_DEEP);
  g_assert_cmpuint (error_offset (error), ==, 64 * 5);
}

/* Deeper than the inline bit stack (4096 levels) when the caller allows it: objects and arrays
 * alternate so that a bit lost while moving the stack to the heap shows up. */
static void
test_deep_allowed (void)
{
  const guint levels = 10000;
  g_autoptr(GString) doc = g_string_new ("{\"a\":");
  g_autoptr(GError) error = NULL;
  SyJsonSpan span;
  gsize mismatch;

  for (guint i = 0; i < levels; i++)
    g_string_append (doc, i % 3 == 0 ? "{\"b\":" : "[");
  g_string_append (doc, "null");
  for (guint i = levels; i-- > 0;)
    g_string_append_c (doc, i % 3 == 0 ? '}' : ']');
  g_string_append_c (doc, '}');

  g_assert_true (check (doc->str, doc->len, levels + 1, &error));
  g_assert_no_error (error);

  g_assert_false (check (doc->str, doc->len, levels, &error));
  g_assert_error (error, SY_JSON_ERROR, SY_JSON_ERROR_TOO_DEEP);
  g_clear_error (&error);

  g_assert_true (sy_json_object_lookup (doc->str, doc->len, "a", &span));
  g_assert_cmpint (span.kind, ==, SY_JSON_KIND_OBJECT);
  g_assert_cmpuint (span.start, ==, 5);
  g_assert_cmpuint (span.end, ==, doc->len - 1);

  /* Swap the innermost closer for the wrong kind, then the outermost. */
  mismatch = doc->len - 1 - levels;
  doc->str[mismatch] = doc->str[mismatch] == '}' ? ']' : '}';
  g_assert_false (check (doc->str, doc->len, G_MAXUINT, &error));
  g_assert_error (error, SY_JSON_ERROR, SY_JSON_ERROR_SYNTAX);
  g_assert_cmpuint (error_offset (error), ==, mismatch);
  g_clear_error (&error);
  doc->str[mismatch] = doc->str[mismatch] == '}' ? ']' : '}';

  mismatch = doc->len - 2;
  doc->str[mismatch] = doc->str[mismatch] == '}' ? ']' : '}';
  g_assert_false (check (doc->str, doc->len, G_MAXUINT, &error));
  g_assert_error (error, SY_JSON_ERROR, SY_JSON_ERROR_SYNTAX);
  g_assert_cmpuint (error_offset (error), ==, mismatch);
}

static void
test_deep_unbounded (void)
{
  g_autofree char *doc = repeat ("{\"a\":", "[", 100000, "");
  g_autoptr(GError) error = NULL;

  g_assert_false (check (doc, strlen (doc), G_MAXUINT, &error));
  g_assert_error (error, SY_JSON_ERROR, SY_JSON_ERROR_SYNTAX);
  g_assert_cmpuint (error_offset (error), ==, strlen (doc));
}

typedef struct
{
  const char *name;
  const char *json;
  const char *key;
  SyJsonKind  kind;
  const char *value;  /* the span's bytes; NULL: not found */
} LookupCase;

static const LookupCase lookup_cases[] = {
  { "string", "{\"model\":\"gpt-4o\"}", "model", SY_JSON_KIND_STRING, "\"gpt-4o\"" },
  { "number", "{\"a\":1,\"n\":-1.5e3}", "n", SY_JSON_KIND_NUMBER, "-1.5e3" },
  { "number-then-blank", "{\"n\":42 ,\"b\":1}", "n", SY_JSON_KIND_NUMBER, "42" },
  { "null", "{\"x\":null}", "x", SY_JSON_KIND_NULL, "null" },
  { "true", "{\"stream\":true}", "stream", SY_JSON_KIND_BOOLEAN, "true" },
  { "false", "{\"stream\" : false }", "stream", SY_JSON_KIND_BOOLEAN, "false" },
  { "object", "{\"o\":{\"a\":{\"b\":\"}\"}},\"z\":1}", "o", SY_JSON_KIND_OBJECT,
    "{\"a\":{\"b\":\"}\"}}" },
  { "array", "{\"m\":[{\"c\":\"]\"},[]],\"z\":1}", "m", SY_JSON_KIND_ARRAY, "[{\"c\":\"]\"},[]]" },
  { "blanks", " \n{ \"model\" :\t\"x\" , \"b\" : 1 }\n", "model", SY_JSON_KIND_STRING, "\"x\"" },
  { "first-of-many", "{\"a\":1,\"b\":2,\"c\":3}", "a", SY_JSON_KIND_NUMBER, "1" },
  { "last-of-many", "{\"a\":1,\"b\":2,\"c\":3}", "c", SY_JSON_KIND_NUMBER, "3" },
  { "nested-does-not-match", "{\"messages\":[{\"model\":\"x\"}],\"stream\":true}", "model",
    SY_JSON_KIND_NULL, NULL },
  { "nested-object-does-not-match", "{\"meta\":{\"model\":\"x\"}}", "model",
    SY_JSON_KIND_NULL, NULL },
  { "value-does-not-match", "{\"a\":\"model\",\"b\":[\"model\"]}", "model",
    SY_JSON_KIND_NULL, NULL },
  { "quoted-name-in-value", "{\"a\":\"\\\"model\\\":1\"}", "model", SY_JSON_KIND_NULL, NULL },
  { "after-nested", "{\"messages\":[{\"model\":\"inner\"}],\"model\":\"outer\"}", "model",
    SY_JSON_KIND_STRING, "\"outer\"" },
  { "escaped-name", "{\"\\u006dodel\":\"m\"}", "model", SY_JSON_KIND_STRING, "\"m\"" },
  { "escaped-name-upper-hex", "{\"mod\\u0065\\u006C\":2}", "model", SY_JSON_KIND_NUMBER, "2" },
  { "escaped-quote-in-name", "{\"a\\\"b\":1}", "a\"b", SY_JSON_KIND_NUMBER, "1" },
  { "escaped-slash-in-name", "{\"a\\/b\":1}", "a/b", SY_JSON_KIND_NUMBER, "1" },
  { "surrogate-pair-name", "{\"\\uD83D\\uDE00\":1}", "\xF0\x9F\x98\x80", SY_JSON_KIND_NUMBER,
    "1" },
  { "utf8-name", "{\"\xC3\xA9t\xC3\xA9\":true}", "\xC3\xA9t\xC3\xA9", SY_JSON_KIND_BOOLEAN,
    "true" },
  { "escaped-utf8-name", "{\"\\u00e9t\\u00E9\":true}", "\xC3\xA9t\xC3\xA9",
    SY_JSON_KIND_BOOLEAN, "true" },
  { "nul-name-no-match", "{\"model\\u0000\":1}", "model", SY_JSON_KIND_NULL, NULL },
  { "escape-is-not-the-text", "{\"\\\\u006dodel\":1}", "model", SY_JSON_KIND_NULL, NULL },
  { "duplicate-last-wins", "{\"model\":\"a\",\"x\":[],\"model\":\"b\"}", "model",
    SY_JSON_KIND_STRING, "\"b\"" },
  { "duplicate-escaped-last-wins", "{\"model\":\"a\",\"\\u006dodel\":{}}", "model",
    SY_JSON_KIND_OBJECT, "{}" },
  { "prefix-names", "{\"modelx\":1,\"mode\":2,\"Model\":3}", "model", SY_JSON_KIND_NULL, NULL },
  { "empty-name", "{\"\":5}", "", SY_JSON_KIND_NUMBER, "5" },
  { "empty-object", "{}", "model", SY_JSON_KIND_NULL, NULL },
  { "escaped-backslashes-before", "{\"a\":\"x\\\\\\\"y\\\\\\\\\",\"model\":\"m\"}", "model",
    SY_JSON_KIND_STRING, "\"m\"" },
  { "string-with-escapes", "{\"s\":\"a\\\"b\\\\\"}", "s", SY_JSON_KIND_STRING,
    "\"a\\\"b\\\\\"" },
};

static void
test_lookup_case (gconstpointer data)
{
  const LookupCase *c = data;
  gsize len = strlen (c->json);
  g_autofree char *copy = g_memdup2 (c->json, len);
  SyJsonSpan span = { 0, 0, SY_JSON_KIND_NULL };
  gboolean found;

  g_assert_true (check (c->json, len, DEFAULT_DEPTH, NULL));

  found = sy_json_object_lookup (copy, len, c->key, &span);
  if (c->value == NULL)
    {
      g_assert_false (found);
      g_assert_false (sy_json_object_lookup (copy, len, c->key, NULL));
      return;
    }

  g_assert_true (found);
  g_assert_cmpint (span.kind, ==, c->kind);
  g_assert_cmpuint (span.end, <=, len);
  g_assert_cmpuint (span.end - span.start, ==, strlen (c->value));
  g_assert_cmpmem (copy + span.start, span.end - span.start, c->value, strlen (c->value));
  g_assert_true (sy_json_object_lookup (copy, len, c->key, NULL));
}

/* Lookup is for validated buffers, but on anything else it must stay in bounds. */
static void
test_lookup_unvalidated (void)
{
  static const char *inputs[] = {
    "", " ", "{", "[]", "{\"model\"", "{\"model\":", "{\"model\":\"x\"", "{\"model\":\"x",
    "{\"model\":[1,2", "{\"model\":\"x\" \"y\"}", "{model:1}", "{\"a\":1,", "{\"a\":1,}",
    "{\"model\":\"x\\\"}", "{\"\\", "{\"\\u00", "{\"model\":}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      gsize len = strlen (inputs[i]);
      g_autofree char *copy = g_memdup2 (inputs[i], len);
      SyJsonSpan span;

      g_assert_false (sy_json_object_lookup (copy, len, "model", &span));
    }
}

typedef struct
{
  const char *name;
  const char *literal;  /* a JSON string literal */
  const char *decoded;
} DecodeCase;

static const DecodeCase decode_cases[] = {
  { "empty", "\"\"", "" },
  { "plain", "\"gpt-4o\"", "gpt-4o" },
  { "short-escapes", "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t" },
  { "bmp", "\"\\u00e9\\u20AC\\u0041\"", "\xC3\xA9\xE2\x82\xAC" "A" },
  { "surrogate-pair", "\"\\uD83D\\uDE00\"", "\xF0\x9F\x98\x80" },
  { "surrogate-pair-lower", "\"x\\ud83d\\ude00y\"", "x\xF0\x9F\x98\x80y" },
  { "max-code-point", "\"\\uDBFF\\uDFFF\"", "\xF4\x8F\xBF\xBF" },
  { "nul-is-replaced", "\"a\\u0000b\"", "a\xEF\xBF\xBD" "b" },
  { "raw-utf8", "\"\xC3\xA9\xF0\x9F\x98\x80\"", "\xC3\xA9\xF0\x9F\x98\x80" },
  { "mixed", "\"h\\u00e9llo\\n w\xC3\xB6rld\"", "h\xC3\xA9llo\n w\xC3\xB6rld" },
};

static void
test_decode_case (gconstpointer data)
{
  const DecodeCase *c = data;
  g_autofree char *doc = g_strdup_printf ("{\"k\":%s}", c->literal);
  g_autofree char *decoded = NULL;
  SyJsonSpan span;

  g_assert_true (check (doc, strlen (doc), DEFAULT_DEPTH, NULL));
  g_assert_true (sy_json_object_lookup (doc, strlen (doc), "k", &span));
  g_assert_cmpint (span.kind, ==, SY_JSON_KIND_STRING);

  decoded = sy_json_span_dup_string (doc, &span);
  g_assert_cmpstr (decoded, ==, c->decoded);
}

/* Spans over bytes that were never validated still decode to valid UTF-8. */
static void
test_decode_unvalidated (void)
{
  static const struct { const char *literal; const char *decoded; } cases[] = {
    { "\"\\uD800\"", "\xEF\xBF\xBD" },
    { "\"\\uDC00x\"", "\xEF\xBF\xBDx" },
    { "\"\\uD83D\\u0041\"", "\xEF\xBF\xBD" "A" },
    { "\"\\x\"", "\xEF\xBF\xBDx" },
    { "\"\\u12\"", "\xEF\xBF\xBDu12" },
    { "\"\\\"", "\xEF\xBF\xBD" },
    { "\"a\xFF\"", "a\xEF\xBF\xBD" },
    { "\"\xC3\"", "\xEF\xBF\xBD" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len = strlen (cases[i].literal);
      g_autofree char *copy = g_memdup2 (cases[i].literal, len);
      SyJsonSpan span = { 0, len, SY_JSON_KIND_STRING };
      g_autofree char *decoded = sy_json_span_dup_string (copy, &span);

      g_assert_cmpstr (decoded, ==, cases[i].decoded);
    }
}

typedef struct
{
  const char *name;
  const char *input;
  const char *encoded;   /* NULL: not checked */
  const char *decoded;   /* NULL: the input */
} EncodeCase;

static const EncodeCase encode_cases[] = {
  { "empty", "", "\"\"" },
  { "plain", "gpt-4o-mini", "\"gpt-4o-mini\"" },
  { "quote", "say \"hi\"", "\"say \\\"hi\\\"\"" },
  { "backslash", "C:\\dir\\", "\"C:\\\\dir\\\\\"" },
  { "short-controls", "\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"" },
  { "other-controls", "\x01\x1F\x0B", "\"\\u0001\\u001f\\u000b\"" },
  { "slash-kept", "a/b", "\"a/b\"" },
  { "del-kept", "\x7F", "\"\x7F\"" },
  { "utf8-kept", "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80",
    "\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"" },
  { "line-separator-kept", "\xE2\x80\xA8", "\"\xE2\x80\xA8\"" },
  { "long", "The quick brown fox jumps over the lazy dog. \"Quoted\" and \\escaped\\ text, "
            "then a tab\there and a newline\nthere, and \xC3\xA9\xC3\xA8 accents at the end.",
    NULL },
  { "invalid-byte", "a\xFF" "b", "\"a\xEF\xBF\xBD" "b\"", "a\xEF\xBF\xBD" "b" },
  { "overlong", "\xC0\x80", "\"\xEF\xBF\xBD\xEF\xBF\xBD\"", "\xEF\xBF\xBD\xEF\xBF\xBD" },
  { "utf8-surrogate", "\xED\xA0\x80", NULL, "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD" },
  { "truncated", "x\xE2\x82", NULL, "x\xEF\xBF\xBD\xEF\xBF\xBD" },
};

static void
round_trip (const char *input,
            const char *encoded,
            const char *decoded)
{
  g_autoptr(GString) doc = g_string_new ("{\"k\":");
  g_autoptr(GError) error = NULL;
  g_autofree char *back = NULL;
  gsize value_start = doc->len;
  SyJsonSpan span;

  sy_json_append_string (doc, input);
  if (encoded != NULL)
    g_assert_cmpstr (doc->str + value_start, ==, encoded);
  g_string_append_c (doc, '}');

  g_assert_true (check (doc->str, doc->len, DEFAULT_DEPTH, &error));
  g_assert_no_error (error);
  g_assert_true (sy_json_object_lookup (doc->str, doc->len, "k", &span));
  g_assert_cmpuint (span.start, ==, value_start);
  g_assert_cmpuint (span.end, ==, doc->len - 1);

  back = sy_json_span_dup_string (doc->str, &span);
  g_assert_cmpstr (back, ==, decoded != NULL ? decoded : input);
}

static void
test_encode_case (gconstpointer data)
{
  const EncodeCase *c = data;

  round_trip (c->input, c->encoded, c->decoded);
}

static void
test_encode_appends (void)
{
  g_autoptr(GString) out = g_string_new ("prefix:");

  sy_json_append_string (out, "a");
  sy_json_append_string (out, "b\n");
  g_assert_cmpstr (out->str, ==, "prefix:\"a\"\"b\\n\"");
}

/* Every code point class: each control character, each byte-length boundary, and the whole
 * of the BMP outside the surrogates in one string. */
static void
test_round_trip_all (void)
{
  g_autoptr(GString) all = g_string_new (NULL);

  for (gunichar c = 1; c < 0x110000; c++)
    {
      if (c >= 0xD800 && c <= 0xDFFF)
        continue;
      if (c > 0x10000 && c < 0x10FFF0 && c % 997 != 0)
        continue;
      g_string_append_unichar (all, c);
    }

  round_trip (all->str, NULL, NULL);

  for (int c = 1; c < 0x20; c++)
    {
      char s[2] = { (char) c, 0 };

      round_trip (s, NULL, NULL);
    }
}

static void
test_perf (void)
{
  const guint iterations = 200000;
  gsize len = strlen (bench_body);
  g_autoptr(GTimer) timer = g_timer_new ();
  guint found = 0;
  double ns;

  for (guint i = 0; i < iterations; i++)
    {
      SyJsonSpan span;

      if (sy_json_check_object (bench_body, len, DEFAULT_DEPTH, NULL)
          && sy_json_object_lookup (bench_body, len, "model", &span))
        found++;
    }
  ns = g_timer_elapsed (timer, NULL) * 1e9 / iterations;

  g_assert_cmpuint (found, ==, iterations);
  g_test_minimized_result (ns, "check + lookup of a %" G_GSIZE_FORMAT " byte body: %.0f ns",
                           len, ns);
}

static void
add_table (const char    *prefix,
           gconstpointer  table,
           gsize          n,
           gsize          size,
           GTestDataFunc  func)
{
  for (gsize i = 0; i < n; i++)
    {
      gconstpointer item = (const char *) table + i * size;
      const char *name = *(const char * const *) item;
      g_autofree char *path = g_strdup_printf ("/sy/core/json-scan/%s/%s", prefix, name);

      g_test_add_data_func (path, item, func);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  add_table ("valid", valid_cases, G_N_ELEMENTS (valid_cases), sizeof valid_cases[0],
             test_valid_case);
  add_table ("invalid", invalid_cases, G_N_ELEMENTS (invalid_cases), sizeof invalid_cases[0],
             test_invalid_case);
  g_test_add_func ("/sy/core/json-scan/error-message", test_error_message);
  g_test_add_func ("/sy/core/json-scan/truncated", test_truncated);
  g_test_add_func ("/sy/core/json-scan/mutations", test_mutations);
  g_test_add_func ("/sy/core/json-scan/string-alignment", test_string_alignment);
  g_test_add_func ("/sy/core/json-scan/deep/arrays", test_deep_arrays);
  g_test_add_func ("/sy/core/json-scan/deep/top-level-arrays", test_deep_top_level_arrays);
  g_test_add_func ("/sy/core/json-scan/deep/objects", test_deep_objects);
  g_test_add_func ("/sy/core/json-scan/deep/allowed", test_deep_allowed);
  g_test_add_func ("/sy/core/json-scan/deep/unbounded", test_deep_unbounded);
  add_table ("lookup", lookup_cases, G_N_ELEMENTS (lookup_cases), sizeof lookup_cases[0],
             test_lookup_case);
  g_test_add_func ("/sy/core/json-scan/lookup/unvalidated", test_lookup_unvalidated);
  add_table ("decode", decode_cases, G_N_ELEMENTS (decode_cases), sizeof decode_cases[0],
             test_decode_case);
  g_test_add_func ("/sy/core/json-scan/decode/unvalidated", test_decode_unvalidated);
  add_table ("encode", encode_cases, G_N_ELEMENTS (encode_cases), sizeof encode_cases[0],
             test_encode_case);
  g_test_add_func ("/sy/core/json-scan/encode/appends", test_encode_appends);
  g_test_add_func ("/sy/core/json-scan/encode/round-trip-all", test_round_trip_all);
  if (g_test_perf ())
    g_test_add_func ("/sy/core/json-scan/perf/check-and-lookup", test_perf);

  return g_test_run ();
}
