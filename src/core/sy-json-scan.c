/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sy-json-scan.c: strict RFC 8259 / RFC 3629 validation of untrusted bodies, top-level member
 * lookup by byte span, string decoding and encoding. Pure and iterative: no I/O, no global
 * state, no recursion, never reads outside [data, data + len).
 */
#define G_LOG_DOMAIN "sy-core"

#include "sy-json-scan.h"

#include <string.h>

G_DEFINE_QUARK (sy-json-error-quark, sy_json_error)

/* Nesting levels tracked in a bit stack on the C stack (512 bytes); deeper documents, if the
 * caller allows them, move the bit stack to the heap. One bit per level: 1 = object. */
#define INLINE_STACK_WORDS 64

#define ONES  G_GUINT64_CONSTANT (0x0101010101010101)
#define HIGHS G_GUINT64_CONSTANT (0x8080808080808080)

static const char replacement_char[] = "\xEF\xBF\xBD";  /* U+FFFD in UTF-8 */

typedef struct
{
  const unsigned char  *base;
  const unsigned char  *end;
  GError              **error;
  unsigned              max_depth;
  unsigned              depth;
  guint64              *stack;         /* inline_stack or heap_stack */
  gsize                 stack_words;
  guint64              *heap_stack;
  guint64               inline_stack[INLINE_STACK_WORDS];
} Scanner;

/* The four blanks of RFC 8259, and the bytes skip_container() must look at. */
static const unsigned char blank_table[256] = {
  [' '] = 1, ['\t'] = 1, ['\n'] = 1, ['\r'] = 1,
};
static const unsigned char container_table[256] = {
  ['"'] = 1, ['{'] = 1, ['['] = 1, ['}'] = 1, [']'] = 1,
};

static inline gboolean
is_blank (unsigned char c)
{
  return blank_table[c];
}

static inline gboolean
is_digit (unsigned char c)
{
  return c >= '0' && c <= '9';
}

/* A byte that may appear unescaped in a string and needs no further look: printable ASCII
 * other than '"' and '\\'. */
static inline gboolean
is_plain (unsigned char c)
{
  return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

static inline const unsigned char *
skip_blanks (const unsigned char *p,
             const unsigned char *end)
{
  while (p < end && is_blank (*p))
    p++;
  return p;
}

/* TRUE if all eight bytes of w are plain (SWAR: the "has a zero byte" and "has a byte less
 * than n" tests are exact as to whether any byte matches). */
static inline gboolean
word_is_plain (guint64 w)
{
  guint64 quote = w ^ (ONES * '"');
  guint64 backslash = w ^ (ONES * '\\');
  guint64 special;

  special = (w - ONES * 0x20) & ~w;                  /* a byte < 0x20 */
  special |= (quote - ONES) & ~quote;                /* a '"' */
  special |= (backslash - ONES) & ~backslash;        /* a '\\' */
  special |= w;                                      /* a byte >= 0x80 */

  return (special & HIGHS) == 0;
}

static inline const unsigned char *
skip_plain (const unsigned char *p,
            const unsigned char *end)
{
  while (end - p >= 8)
    {
      guint64 w;

      memcpy (&w, p, sizeof w);
      if (!word_is_plain (w))
        break;
      p += 8;
    }

  while (p < end && is_plain (*p))
    p++;

  return p;
}

/* Length of the well-formed UTF-8 sequence at p (RFC 3629, table 3-7 of Unicode: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0 if it is not one. */
static inline gsize
utf8_sequence_length (const unsigned char *p,
                      const unsigned char *end)
{
  unsigned char c = p[0];
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  gsize n;

  if (c < 0x80)
    return 1;
  else if (c < 0xC2)
    return 0;
  else if (c < 0xE0)
    n = 2;
  else if (c < 0xF0)
    {
      n = 3;
      if (c == 0xE0)
        lo = 0xA0;
      else if (c == 0xED)
        hi = 0x9F;
    }
  else if (c < 0xF5)
    {
      n = 4;
      if (c == 0xF0)
        lo = 0x90;
      else if (c == 0xF4)
        hi = 0x8F;
    }
  else
    return 0;

  if ((gsize) (end - p) < n)
    return 0;
  if (p[1] < lo || p[1] > hi)
    return 0;
  for (gsize i = 2; i < n; i++)
    if (p[i] < 0x80 || p[i] > 0xBF)
      return 0;

  return n;
}

static inline int
hex_value (unsigned char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  c |= 0x20;
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  return -1;
}

/* The four hex digits at p as a code unit, or -1. */
static inline int
read_hex4 (const unsigned char *p,
           const unsigned char *end)
{
  int v = 0;

  if (end - p < 4)
    return -1;

  for (int i = 0; i < 4; i++)
    {
      int d = hex_value (p[i]);

      if (d < 0)
        return -1;
      v = (v << 4) | d;
    }

  return v;
}

#define IS_HIGH_SURROGATE(u) ((u) >= 0xD800 && (u) <= 0xDBFF)
#define IS_LOW_SURROGATE(u)  ((u) >= 0xDC00 && (u) <= 0xDFFF)

/* Sets the error (the message names the byte offset of at) and returns NULL. */
G_GNUC_PRINTF (4, 5)
static gpointer
fail (const Scanner       *s,
      SyJsonError          code,
      const unsigned char *at,
      const char          *format,
      ...)
{
  g_autofree char *what = NULL;
  va_list args;

  if (s->error == NULL)
    return NULL;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (s->error, SY_JSON_ERROR, code, "invalid JSON at byte %" G_GSIZE_FORMAT ": %s",
               (gsize) (at - s->base), what);
  return NULL;
}

/* "expected X", or "unexpected end of input, expected X" at the end. */
static gpointer
fail_expected (const Scanner       *s,
               const unsigned char *at,
               const char          *what)
{
  if (at == s->end)
    return fail (s, SY_JSON_ERROR_SYNTAX, at, "unexpected end of input, expected %s", what);

  return fail (s, SY_JSON_ERROR_SYNTAX, at, "expected %s", what);
}

/* p is at the opening quote; returns the byte after the closing quote, or NULL. */
static const unsigned char *
scan_string (const Scanner       *s,
             const unsigned char *p)
{
  const unsigned char *end = s->end;
  int unit;
  gsize n;

  p++;
  for (;;)
    {
      p = skip_plain (p, end);

      if (p == end)
        return fail (s, SY_JSON_ERROR_SYNTAX, p, "unexpected end of input in a string");

      switch (*p)
        {
        case '"':
          return p + 1;

        case '\\':
          if (end - p < 2)
            return fail (s, SY_JSON_ERROR_SYNTAX, end, "unexpected end of input in a string");
          switch (p[1])
            {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
              p += 2;
              continue;
            case 'u':
              break;
            default:
              return fail (s, SY_JSON_ERROR_SYNTAX, p, "invalid escape sequence");
            }

          unit = read_hex4 (p + 2, end);
          if (unit < 0)
            return fail (s, SY_JSON_ERROR_SYNTAX, p,
                         "invalid \\u escape: expected four hex digits");
          if (IS_LOW_SURROGATE (unit)
              || (IS_HIGH_SURROGATE (unit)
                  && (end - p < 12 || p[6] != '\\' || p[7] != 'u'
                      || !IS_LOW_SURROGATE (read_hex4 (p + 8, end)))))
            return fail (s, SY_JSON_ERROR_SYNTAX, p, "unpaired surrogate \\u%04X",
                         (unsigned) unit);
          p += IS_HIGH_SURROGATE (unit) ? 12 : 6;
          break;

        default:
          if (*p < 0x20)
            return fail (s, SY_JSON_ERROR_SYNTAX, p,
                         "unescaped control character 0x%02X in a string", *p);
          /* A run of non-ASCII text (CJK, emoji) is validated in one go. */
          do
            {
              n = utf8_sequence_length (p, end);
              if (n == 0)
                return fail (s, SY_JSON_ERROR_INVALID_UTF8, p, "invalid UTF-8 in a string");
              p += n;
            }
          while (p < end && *p >= 0x80);
          break;
        }
    }
}

static inline const unsigned char *
skip_digits (const unsigned char *p,
             const unsigned char *end)
{
  while (p < end && is_digit (*p))
    p++;
  return p;
}

/* -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
static const unsigned char *
scan_number (const Scanner       *s,
             const unsigned char *p)
{
  const unsigned char *end = s->end;

  if (*p == '-')
    p++;

  if (p == end || !is_digit (*p))
    return fail_expected (s, p, "a digit");
  if (*p == '0' && p + 1 < end && is_digit (p[1]))
    return fail (s, SY_JSON_ERROR_SYNTAX, p + 1, "leading zeros are not allowed in numbers");
  p = skip_digits (p, end);

  if (p < end && *p == '.')
    {
      p++;
      if (p == end || !is_digit (*p))
        return fail_expected (s, p, "a digit after '.'");
      p = skip_digits (p, end);
    }

  if (p < end && (*p == 'e' || *p == 'E'))
    {
      p++;
      if (p < end && (*p == '+' || *p == '-'))
        p++;
      if (p == end || !is_digit (*p))
        return fail_expected (s, p, "a digit in the exponent");
      p = skip_digits (p, end);
    }

  return p;
}

static const unsigned char *
scan_literal (const Scanner       *s,
              const unsigned char *p,
              const char          *word,
              gsize                len)
{
  if ((gsize) (s->end - p) < len || memcmp (p, word, len) != 0)
    return fail (s, SY_JSON_ERROR_SYNTAX, p, "invalid literal, expected '%s'", word);

  return p + len;
}

/* Opens a container at p ('{' or '['); returns the first non-blank byte after it. */
static const unsigned char *
push_level (Scanner             *s,
            const unsigned char *p)
{
  gsize word = s->depth / 64;
  guint64 bit = G_GUINT64_CONSTANT (1) << (s->depth % 64);

  if (s->depth >= s->max_depth)
    return fail (s, SY_JSON_ERROR_TOO_DEEP, p, "nested deeper than %u levels", s->max_depth);

  if (word == s->stack_words)
    {
      gsize words = s->stack_words * 2;

      if (s->heap_stack == NULL)
        {
          s->heap_stack = g_new (guint64, words);
          memcpy (s->heap_stack, s->inline_stack, sizeof s->inline_stack);
        }
      else
        s->heap_stack = g_renew (guint64, s->heap_stack, words);

      s->stack = s->heap_stack;
      s->stack_words = words;
    }

  if (bit == 1)
    s->stack[word] = 0;  /* the first level in this word */
  if (*p == '{')
    s->stack[word] |= bit;
  else
    s->stack[word] &= ~bit;
  s->depth++;

  return skip_blanks (p + 1, s->end);
}

static inline gboolean
top_is_object (const Scanner *s)
{
  unsigned i = s->depth - 1;

  return (s->stack[i / 64] >> (i % 64)) & 1;
}

/* An iterative state machine: "value" expects a value, "member" a member name, "next" what
 * follows a complete value in the enclosing container. The bit stack remembers whether each
 * open container is an object or an array. Returns the end, or NULL. */
static const unsigned char *
scan_document (Scanner *s)
{
  const unsigned char *end = s->end;
  const unsigned char *p = skip_blanks (s->base, end);

  if (p < end && *p != '\0' && strchr ("[\"-0123456789tfn", *p) != NULL)
    return fail (s, SY_JSON_ERROR_NOT_OBJECT, p, "the top-level value is not an object");
  if (p == end || *p != '{')
    return fail_expected (s, p, "'{'");

value:
  p = skip_blanks (p, end);
  if (p == end)
    return fail_expected (s, p, "a value");

  switch (*p)
    {
    case '{':
      if ((p = push_level (s, p)) == NULL)
        return NULL;
      if (p < end && *p == '}')
        {
          s->depth--;
          p++;
          goto next;
        }
      goto member;

    case '[':
      if ((p = push_level (s, p)) == NULL)
        return NULL;
      if (p < end && *p == ']')
        {
          s->depth--;
          p++;
          goto next;
        }
      goto value;

    case '"':
      p = scan_string (s, p);
      break;

    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      p = scan_number (s, p);
      break;

    case 't':
      p = scan_literal (s, p, "true", 4);
      break;

    case 'f':
      p = scan_literal (s, p, "false", 5);
      break;

    case 'n':
      p = scan_literal (s, p, "null", 4);
      break;

    default:
      return fail_expected (s, p, "a value");
    }

  if (p == NULL)
    return NULL;
  goto next;

member:
  /* p is at the first non-blank byte after '{' or ',' */
  if (p == end || *p != '"')
    return fail_expected (s, p, "a member name");
  if ((p = scan_string (s, p)) == NULL)
    return NULL;
  p = skip_blanks (p, end);
  if (p == end || *p != ':')
    return fail_expected (s, p, "':'");
  p++;
  goto value;

next:
  if (s->depth == 0)
    {
      p = skip_blanks (p, end);
      if (p != end)
        return fail (s, SY_JSON_ERROR_SYNTAX, p, "unexpected data after the object");
      return p;
    }

  p = skip_blanks (p, end);
  if (p < end && *p == ',')
    {
      p = skip_blanks (p + 1, end);
      if (top_is_object (s))
        goto member;
      goto value;
    }
  if (p < end && *p == (top_is_object (s) ? '}' : ']'))
    {
      s->depth--;
      p++;
      goto next;
    }

  return fail_expected (s, p, top_is_object (s) ? "',' or '}'" : "',' or ']'");
}

/**
 * sy_json_check_object:
 * @data: the bytes, not necessarily NUL-terminated
 * @len: the number of bytes
 * @max_depth: the deepest nesting accepted; the top-level object is level 1, so 1 accepts
 *   only an object of scalars. Must be at least 1.
 * @error: a #GError with domain %SY_JSON_ERROR
 *
 * A leading byte order mark is rejected (RFC 8259 §8.1 lets parsers ignore it, but the
 * gateway forwards the bytes, and upstreams may not). \u0000 escapes are valid JSON and are
 * accepted. Numbers are checked against the grammar only, not their range.
 *
 * Allocation-free unless @max_depth is above 4096 and the document nests that deep.
 */
gboolean
sy_json_check_object (const char  *data,
                      gsize        len,
                      guint        max_depth,
                      GError     **error)
{
  Scanner s;
  gboolean ok;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (max_depth > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  s.base = (const unsigned char *) (data != NULL ? data : "");
  s.end = s.base + len;
  s.error = error;
  s.max_depth = max_depth;
  s.depth = 0;
  s.stack = s.inline_stack;
  s.stack_words = INLINE_STACK_WORDS;
  s.heap_stack = NULL;

  ok = scan_document (&s) != NULL;

  g_free (s.heap_stack);

  return ok;
}

/* The fast skippers below trust that the buffer was validated, but stay inside [p, end) and
 * return NULL on anything they cannot make sense of. */

/* p is at the opening quote; returns the byte after the closing quote. */
static const unsigned char *
skip_string (const unsigned char *p,
             const unsigned char *end)
{
  const unsigned char *first = p + 1;

  p = first;
  for (;;)
    {
      const unsigned char *quote = memchr (p, '"', end - p);
      const unsigned char *b;

      if (quote == NULL)
        return NULL;

      /* The quote is escaped if an odd run of backslashes precedes it. */
      for (b = quote; b > first && b[-1] == '\\'; b--)
        ;
      if (((quote - b) & 1) == 0)
        return quote + 1;

      p = quote + 1;
    }
}

/* p is at '{' or '['; returns the byte after the matching close. */
static const unsigned char *
skip_container (const unsigned char *p,
                const unsigned char *end)
{
  gsize depth = 0;

  for (;;)
    {
      while (p < end && !container_table[*p])
        p++;
      if (p == end)
        return NULL;

      switch (*p)
        {
        case '"':
          p = skip_string (p, end);
          if (p == NULL)
            return NULL;
          continue;

        case '{':
        case '[':
          depth++;
          break;

        case '}':
        case ']':
          if (--depth == 0)
            return p + 1;
          break;

        default:
          break;
        }
      p++;
    }
}

static const unsigned char *
skip_value (const unsigned char *p,
            const unsigned char *end,
            SyJsonKind          *kind)
{
  switch (*p)
    {
    case '"':
      *kind = SY_JSON_KIND_STRING;
      return skip_string (p, end);

    case '{':
      *kind = SY_JSON_KIND_OBJECT;
      return skip_container (p, end);

    case '[':
      *kind = SY_JSON_KIND_ARRAY;
      return skip_container (p, end);

    case 't':
    case 'f':
      *kind = SY_JSON_KIND_BOOLEAN;
      break;

    case 'n':
      *kind = SY_JSON_KIND_NULL;
      break;

    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      *kind = SY_JSON_KIND_NUMBER;
      break;

    default:
      return NULL;
    }

  while (p < end && *p != ',' && *p != '}' && *p != ']' && !is_blank (*p))
    p++;

  return p;
}

/* Decodes the escape at p (a backslash) and advances *pp past it. Returns the code point, a
 * lone surrogate's own value if it is unpaired, or -1 if the escape is malformed (then *pp
 * moves past the backslash only). */
static int
decode_escape (const unsigned char **pp,
               const unsigned char  *end)
{
  const unsigned char *p = *pp;
  int unit;

  *pp = p + 1;
  if (end - p < 2)
    return -1;

  switch (p[1])
    {
    case '"':  *pp = p + 2; return '"';
    case '\\': *pp = p + 2; return '\\';
    case '/':  *pp = p + 2; return '/';
    case 'b':  *pp = p + 2; return '\b';
    case 'f':  *pp = p + 2; return '\f';
    case 'n':  *pp = p + 2; return '\n';
    case 'r':  *pp = p + 2; return '\r';
    case 't':  *pp = p + 2; return '\t';
    case 'u':  break;
    default:   return -1;
    }

  unit = read_hex4 (p + 2, end);
  if (unit < 0)
    return -1;
  *pp = p + 6;

  if (IS_HIGH_SURROGATE (unit) && end - p >= 12 && p[6] == '\\' && p[7] == 'u')
    {
      int low = read_hex4 (p + 8, end);

      if (IS_LOW_SURROGATE (low))
        {
          *pp = p + 12;
          return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
        }
    }

  return unit;
}

/* Compares a member name (quotes included) with key after decoding escapes. A name holding
 * \u0000 or an unpaired surrogate matches no key. */
static gboolean
name_equals (const unsigned char *name,
             const unsigned char *name_end,
             const char          *key,
             gsize                key_len)
{
  const unsigned char *p = name + 1;
  const unsigned char *end = name_end - 1;
  gsize n = end - p;
  gsize k = 0;

  /* Every escape is longer than what it decodes to. */
  if (n < key_len)
    return FALSE;
  if (memchr (p, '\\', n) == NULL)
    return n == key_len && memcmp (p, key, n) == 0;

  while (p < end)
    {
      char buf[6];
      int c;
      int m;

      if (*p != '\\')
        {
          if (k == key_len || (unsigned char) key[k] != *p)
            return FALSE;
          k++;
          p++;
          continue;
        }

      c = decode_escape (&p, end);
      if (c <= 0 || IS_HIGH_SURROGATE (c) || IS_LOW_SURROGATE (c))
        return FALSE;

      m = g_unichar_to_utf8 ((gunichar) c, buf);
      if (key_len - k < (gsize) m || memcmp (key + k, buf, m) != 0)
        return FALSE;
      k += m;
    }

  return k == key_len;
}

/**
 * sy_json_object_lookup:
 * @data: a buffer sy_json_check_object() accepted
 * @len: its length
 * @key: the member name, UTF-8
 * @out_span: (out) (optional): where the value is
 *
 * Walks the top-level members only, skipping each value without validating it again. On a
 * buffer that was not validated it still never reads out of bounds, and returns %FALSE when
 * it gets lost.
 *
 * Returns: %TRUE if a member named @key exists
 */
gboolean
sy_json_object_lookup (const char *data,
                       gsize       len,
                       const char *key,
                       SyJsonSpan *out_span)
{
  const unsigned char *base = (const unsigned char *) data;
  const unsigned char *end;
  const unsigned char *p;
  SyJsonSpan found = { 0, 0, SY_JSON_KIND_NULL };
  gboolean have = FALSE;
  gsize key_len;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (len == 0)
    return FALSE;

  key_len = strlen (key);
  end = base + len;
  p = skip_blanks (base, end);
  if (p == end || *p != '{')
    return FALSE;
  p = skip_blanks (p + 1, end);
  if (p < end && *p == '}')
    return FALSE;

  for (;;)
    {
      const unsigned char *name = p;
      const unsigned char *name_end;
      const unsigned char *value;
      SyJsonKind kind = SY_JSON_KIND_NULL;

      if (p == end || *p != '"')
        return FALSE;
      name_end = skip_string (name, end);
      if (name_end == NULL)
        return FALSE;

      p = skip_blanks (name_end, end);
      if (p == end || *p != ':')
        return FALSE;
      value = skip_blanks (p + 1, end);
      if (value == end)
        return FALSE;
      p = skip_value (value, end, &kind);
      if (p == NULL)
        return FALSE;

      if (name_equals (name, name_end, key, key_len))
        {
          found.start = value - base;
          found.end = p - base;
          found.kind = kind;
          have = TRUE;
        }

      p = skip_blanks (p, end);
      if (p == end)
        return FALSE;
      if (*p == '}')
        break;
      if (*p != ',')
        return FALSE;
      p = skip_blanks (p + 1, end);
    }

  if (have && out_span != NULL)
    *out_span = found;

  return have;
}

/**
 * sy_json_span_dup_string:
 * @data: the buffer the span points into
 * @span: a string span, quotes included
 *
 * Escapes are decoded, surrogate pairs combined. So that the result is never silently cut
 * short, \u0000 becomes U+FFFD; so is an unpaired surrogate, a malformed escape or invalid
 * UTF-8 (none of which a validated buffer holds).
 *
 * Returns: (transfer full): the decoded string, valid UTF-8
 */
char *
sy_json_span_dup_string (const char       *data,
                         const SyJsonSpan *span)
{
  g_autoptr(GString) out = NULL;
  const unsigned char *p;
  const unsigned char *end;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (span != NULL, NULL);
  g_return_val_if_fail (span->kind == SY_JSON_KIND_STRING, NULL);
  g_return_val_if_fail (span->end >= span->start + 2, NULL);

  p = (const unsigned char *) data + span->start + 1;
  end = (const unsigned char *) data + span->end - 1;
  out = g_string_sized_new (end - p + 1);

  while (p < end)
    {
      const unsigned char *run = p;
      int c;

      while (p < end && *p != '\\')
        {
          gsize n = utf8_sequence_length (p, end);

          if (n == 0)
            break;
          p += n;
        }
      g_string_append_len (out, (const char *) run, p - run);

      if (p == end)
        break;

      if (*p != '\\')
        {
          g_string_append (out, replacement_char);
          p++;
          continue;
        }

      c = decode_escape (&p, end);
      if (c <= 0 || IS_HIGH_SURROGATE (c) || IS_LOW_SURROGATE (c))
        g_string_append (out, replacement_char);
      else
        g_string_append_unichar (out, (gunichar) c);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

/**
 * sy_json_append_string:
 * @out: where to append
 * @s: a NUL-terminated string, normally UTF-8
 *
 * Escapes '"', '\\' and the control characters U+0000 to U+001F (as \n, \r, \t, \b, \f or
 * \u00xx); copies valid UTF-8 as is, including '/', U+007F and U+2028. Invalid UTF-8 becomes
 * U+FFFD, so the result is always a valid JSON string.
 */
void
sy_json_append_string (GString    *out,
                       const char *s)
{
  static const char hex[] = "0123456789abcdef";
  const unsigned char *p = (const unsigned char *) s;
  const unsigned char *end;
  char esc[6] = { '\\', 'u', '0', '0', 0, 0 };

  g_return_if_fail (out != NULL);
  g_return_if_fail (s != NULL);

  end = p + strlen (s);
  g_string_append_c (out, '"');

  while (p < end)
    {
      const unsigned char *run = p;

      for (;;)
        {
          p = skip_plain (p, end);
          if (p < end && *p >= 0x80)
            {
              gsize n = utf8_sequence_length (p, end);

              if (n > 0)
                {
                  p += n;
                  continue;
                }
            }
          break;
        }
      g_string_append_len (out, (const char *) run, p - run);

      if (p == end)
        break;

      switch (*p)
        {
        case '"':  g_string_append_len (out, "\\\"", 2); break;
        case '\\': g_string_append_len (out, "\\\\", 2); break;
        case '\n': g_string_append_len (out, "\\n", 2); break;
        case '\r': g_string_append_len (out, "\\r", 2); break;
        case '\t': g_string_append_len (out, "\\t", 2); break;
        case '\b': g_string_append_len (out, "\\b", 2); break;
        case '\f': g_string_append_len (out, "\\f", 2); break;
        default:
          if (*p < 0x20)
            {
              esc[4] = hex[*p >> 4];
              esc[5] = hex[*p & 0xF];
              g_string_append_len (out, esc, 6);
            }
          else
            g_string_append (out, replacement_char);
          break;
        }
      p++;
    }

  g_string_append_c (out, '"');
}
