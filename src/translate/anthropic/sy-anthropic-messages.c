/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The messages of an Anthropic request: turns that alternate between user and assistant,
 * tool_result blocks first and right after the assistant message that made their calls, tool
 * ids of [a-zA-Z0-9_-], no unsigned thinking blocks. Repairs the order other dialects allow
 * and refuses, naming the message, what cannot be repaired. No I/O.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-anthropic-private.h"

#include <string.h>

#include "core/sy-json-scan.h"

/* One content block to be: a part, where it came from, and its tool id once settled. */
typedef struct
{
  const SyPart *part;
  guint         origin;      /* index of the IR message */
  guint         turn;        /* index of its turn before any merge */
  char         *id;          /* TOOL_CALL and TOOL_RESULT: the id sent to Anthropic */
  guint         call_pos;    /* TOOL_CALL: position among the calls of its turn;
                              * TOOL_RESULT: that of its call */
} Item;

/* A turn: consecutive IR messages of one role. A user turn keeps its tool results apart
 * so they can be written first. */
typedef struct
{
  SyRole     role;
  guint      origin;
  GPtrArray *results;        /* Item*, TOOL_RESULT (user turns) */
  GPtrArray *items;          /* Item*, everything else */
} Turn;

struct _SyAnthropicTurns
{
  const SyChatRequest *request;
  GPtrArray           *notes;
  GPtrArray           *all_items;  /* owns the Items */
  GPtrArray           *turns;      /* owns the Turns */
};

/* The short name used inside this file. */
typedef SyAnthropicTurns Emit;

static void
item_free (gpointer data)
{
  Item *item = data;

  g_free (item->id);
  g_free (item);
}

static void
turn_free (gpointer data)
{
  Turn *turn = data;

  g_ptr_array_unref (turn->results);
  g_ptr_array_unref (turn->items);
  g_free (turn);
}

static Turn *
turn_new (SyRole role,
          guint  origin)
{
  Turn *turn = g_new0 (Turn, 1);

  turn->role = role;
  turn->origin = origin;
  turn->results = g_ptr_array_new ();
  turn->items = g_ptr_array_new ();
  return turn;
}

static Turn *
turn_at (Emit  *e,
         guint  i)
{
  return i < e->turns->len ? g_ptr_array_index (e->turns, i) : NULL;
}

/* --- turns and tool ids ----------------------------------------------------------------------- */

/* Groups the messages into turns, leaving out what Anthropic cannot take (with notes). */
static gboolean
build_turns (Emit    *e,
             GError **error)
{
  const SyChatRequest *r = e->request;

  for (guint mi = 0; mi < r->messages->len; mi++)
    {
      const SyMessage *m = g_ptr_array_index (r->messages, mi);

      for (guint pi = 0; pi < m->parts->len; pi++)
        {
          const SyPart *p = g_ptr_array_index (m->parts, pi);
          Turn *turn = turn_at (e, e->turns->len - 1);
          Item *item;

          switch (p->kind)
            {
            case SY_PART_TEXT:
              if (p->text == NULL || *p->text == '\0')
                continue;  /* Anthropic refuses empty text blocks; nothing is lost */
              break;
            case SY_PART_THINKING:
            case SY_PART_REDACTED_THINKING:
              if (m->role == SY_ROLE_USER)
                {
                  _sy_anthropic_note (e->notes, "messages[%u]: reasoning in a user message "
                                      "dropped: Anthropic only takes it from the assistant", mi);
                  continue;
                }
              if (p->kind == SY_PART_THINKING && (p->signature == NULL || *p->signature == '\0'))
                {
                  _sy_anthropic_note (e->notes, "unsigned reasoning (from another provider) "
                                      "dropped from the history: Anthropic refuses thinking "
                                      "blocks without a signature");
                  continue;
                }
              if (p->kind == SY_PART_THINKING &&
                  strstr (p->signature, SY_TOOL_ID_SIGNATURE_SEPARATOR) != NULL)
                {
                  /* OpenAI Responses reasoning ("<item id>" separator "<encrypted content>"):
                   * signed, but by OpenAI; Anthropic would reject the signature. */
                  _sy_anthropic_note (e->notes, "OpenAI reasoning dropped from the history: "
                                      "its signature is OpenAI's, not Anthropic's");
                  continue;
                }
              if (p->kind == SY_PART_REDACTED_THINKING && p->data == NULL)
                continue;
              break;
            case SY_PART_TOOL_CALL:
              if (m->role != SY_ROLE_ASSISTANT)
                {
                  g_set_error (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_INVALID_REQUEST,
                               "messages[%u]: a tool call in a user message", mi);
                  return FALSE;
                }
              break;
            case SY_PART_TOOL_RESULT:
              if (m->role != SY_ROLE_USER)
                {
                  g_set_error (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_INVALID_REQUEST,
                               "messages[%u]: a tool result in an assistant message", mi);
                  return FALSE;
                }
              break;
            case SY_PART_IMAGE:
            default:
              break;
            }

          if (turn == NULL || turn->role != m->role)
            {
              turn = turn_new (m->role, mi);
              g_ptr_array_add (e->turns, turn);
            }
          item = g_new0 (Item, 1);
          item->part = p;
          item->origin = mi;
          item->turn = e->turns->len - 1;
          g_ptr_array_add (e->all_items, item);
          g_ptr_array_add (p->kind == SY_PART_TOOL_RESULT ? turn->results : turn->items, item);
        }
    }
  return TRUE;
}

/* Gives every tool call its Anthropic id; calls maps id -> the call's Item. */
static gboolean
settle_call_ids (Emit        *e,
                 GHashTable  *calls,
                 GError     **error)
{
  guint generated = 0;

  for (guint t = 0; t < e->turns->len; t++)
    {
      Turn *turn = turn_at (e, t);
      guint pos = 0;

      for (guint i = 0; turn->role == SY_ROLE_ASSISTANT && i < turn->items->len; i++)
        {
          Item *item = g_ptr_array_index (turn->items, i);

          if (item->part->kind != SY_PART_TOOL_CALL)
            continue;
          item->id = _sy_anthropic_sanitize_tool_id (item->part->id);
          if (item->id == NULL)
            item->id = g_strdup_printf ("toolu_sy_%u", generated++);
          else if (!g_str_equal (item->id, item->part->id))
            _sy_anthropic_note (e->notes, "tool call ids rewritten to Anthropic's "
                                "[a-zA-Z0-9_-] (e.g. \"%s\" -> \"%s\")", item->part->id,
                                item->id);
          if (item->part->signature != NULL)
            _sy_anthropic_note (e->notes, "a tool call's provider signature dropped: "
                                "Anthropic has no place for it");
          item->call_pos = pos++;
          if (g_hash_table_contains (calls, item->id))
            {
              g_set_error (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_INVALID_REQUEST,
                           "messages[%u]: tool call id \"%s\" is used twice; Anthropic "
                           "requires unique tool_use ids", item->origin, item->id);
              return FALSE;
            }
          g_hash_table_insert (calls, item->id, item);
        }
    }
  return TRUE;
}

/* A result without an id answers the first unanswered call of the same name (or any) in the
 * assistant turn before it. */
static Item *
pair_by_name (Emit       *e,
              guint       t,
              Item       *result,
              GHashTable *answered)
{
  Turn *prev = t > 0 ? turn_at (e, t - 1) : NULL;

  for (int pass = 0; prev != NULL && pass < 2; pass++)
    for (guint i = 0; i < prev->items->len; i++)
      {
        Item *call = g_ptr_array_index (prev->items, i);

        if (call->part->kind == SY_PART_TOOL_CALL && !g_hash_table_contains (answered, call) &&
            (pass == 1 || g_strcmp0 (call->part->name, result->part->name) == 0))
          return call;
      }
  return NULL;
}

static int
compare_call_pos (gconstpointer a,
                  gconstpointer b)
{
  const Item *x = *(Item **) a;
  const Item *y = *(Item **) b;

  return x->call_pos < y->call_pos ? -1 : x->call_pos > y->call_pos;
}

/* Drops empty turns and merges neighbours of one role that this leaves. */
static void
merge_turns (Emit *e)
{
  for (guint t = 0; t < e->turns->len;)
    {
      Turn *turn = turn_at (e, t);
      Turn *prev = t > 0 ? turn_at (e, t - 1) : NULL;

      if (turn->results->len == 0 && turn->items->len == 0)
        g_ptr_array_remove_index (e->turns, t);
      else if (prev != NULL && prev->role == turn->role)
        {
          g_ptr_array_extend (prev->results, turn->results, NULL, NULL);
          g_ptr_array_extend (prev->items, turn->items, NULL, NULL);
          g_ptr_array_remove_index (e->turns, t);
        }
      else
        t++;
    }
}

/* Puts each tool result right after the assistant turn that made its call, then checks that
 * every call is answered there: Anthropic refuses any other order. */
static gboolean
place_tool_results (Emit    *e,
                    GError **error)
{
  g_autoptr(GHashTable) calls = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) answered = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) moves = g_ptr_array_new ();

  if (!settle_call_ids (e, calls, error))
    return FALSE;

  for (guint t = 0; t < e->turns->len; t++)
    {
      Turn *turn = turn_at (e, t);

      for (guint i = 0; i < turn->results->len;)
        {
          Item *result = g_ptr_array_index (turn->results, i);
          Item *call = NULL;
          guint call_turn;

          result->id = _sy_anthropic_sanitize_tool_id (result->part->id);
          if (result->id != NULL)
            call = g_hash_table_lookup (calls, result->id);
          else if ((call = pair_by_name (e, t, result, answered)) != NULL)
            result->id = g_strdup (call->id);
          /* Turns have not merged yet: item->turn is still right. */
          call_turn = call ? call->turn : G_MAXUINT;
          if (call == NULL || call_turn > t)
            {
              g_set_error (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_INVALID_REQUEST,
                           "messages[%u]: tool result for call id \"%s\" has no matching tool "
                           "call in an earlier assistant message; Anthropic requires each "
                           "tool_result to answer a tool_use of the assistant message right "
                           "before it", result->origin,
                           result->part->id ? result->part->id : "(none)");
              return FALSE;
            }
          g_hash_table_add (answered, call);
          result->call_pos = call->call_pos;
          if (call_turn + 1 != t)
            {
              /* Answered later than Anthropic allows: move it up to the turn after the call. */
              g_ptr_array_add (moves, result);
              g_ptr_array_add (moves, turn_at (e, call_turn + 1));
              g_ptr_array_remove_index (turn->results, i);
            }
          else
            i++;
        }
    }
  for (guint i = 0; i < moves->len; i += 2)
    g_ptr_array_add (((Turn *) g_ptr_array_index (moves, i + 1))->results,
                     g_ptr_array_index (moves, i));
  if (moves->len > 0)
    _sy_anthropic_note (e->notes, "tool results moved right after the assistant message that "
                        "made the calls, as Anthropic requires");
  merge_turns (e);

  /* Every call answered in the very next turn, unless its turn is the last one. */
  for (guint t = 0; t + 1 < e->turns->len; t++)
    {
      Turn *turn = turn_at (e, t);
      Turn *next = turn_at (e, t + 1);

      if (turn->role != SY_ROLE_ASSISTANT)
        continue;
      for (guint i = 0; i < turn->items->len; i++)
        {
          Item *call = g_ptr_array_index (turn->items, i);
          gboolean found = FALSE;

          if (call->part->kind != SY_PART_TOOL_CALL)
            continue;
          for (guint j = 0; j < next->results->len && !found; j++)
            found = g_str_equal (((Item *) g_ptr_array_index (next->results, j))->id, call->id);
          if (!found)
            {
              g_set_error (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_INVALID_REQUEST,
                           "messages[%u]: tool call \"%s\" (%s) has no tool result in the next "
                           "user message; Anthropic requires every tool_use to be answered by "
                           "a tool_result right after the assistant message that makes it",
                           call->origin, call->id, call->part->name ? call->part->name : "?");
              return FALSE;
            }
        }
      /* Results in the order of their calls. */
      g_ptr_array_sort (next->results, compare_call_pos);
    }
  return TRUE;
}

/* --- blocks ----------------------------------------------------------------------------------- */

/* The media type of base64 image data from its first bytes, when the source gave none. */
static const char *
sniff_media_type (const char *data)
{
  static const struct { const char *prefix; const char *type; } magic[] = {
    { "/9j/", "image/jpeg" },
    { "iVBORw0KGgo", "image/png" },
    { "R0lGOD", "image/gif" },
    { "UklGR", "image/webp" },
  };

  for (guint i = 0; data != NULL && i < G_N_ELEMENTS (magic); i++)
    if (g_str_has_prefix (data, magic[i].prefix))
      return magic[i].type;
  return NULL;
}

static gboolean
append_image (GString       *out,
              const SyPart  *p,
              guint          origin,
              GError       **error)
{
  g_autofree char *data_media_type = NULL;
  const char *media_type = p->media_type;
  const char *data = p->data;

  if (data == NULL && p->url != NULL && g_str_has_prefix (p->url, "data:"))
    {
      /* data:<media type>;base64,<data> */
      const char *comma = strchr (p->url, ',');
      const char *semi = strchr (p->url, ';');

      if (comma != NULL && semi != NULL && semi < comma &&
          g_str_has_prefix (semi, ";base64,"))
        {
          data_media_type = g_strndup (p->url + 5, semi - (p->url + 5));
          media_type = data_media_type;
          data = comma + 1;
        }
    }

  if (data != NULL)
    {
      if (media_type == NULL || *media_type == '\0')
        media_type = sniff_media_type (data);
      if (media_type == NULL)
        {
          g_set_error (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_UNSUPPORTED,
                       "messages[%u]: an image without a media type; Anthropic needs one of "
                       "image/jpeg, image/png, image/gif or image/webp", origin);
          return FALSE;
        }
      g_string_append (out, "{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":");
      sy_json_append_string (out, media_type);
      g_string_append (out, ",\"data\":");
      sy_json_append_string (out, data);
      g_string_append (out, "}}");
      return TRUE;
    }

  if (p->url != NULL && (g_str_has_prefix (p->url, "https://") ||
                         g_str_has_prefix (p->url, "http://")))
    {
      g_string_append (out, "{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":");
      sy_json_append_string (out, p->url);
      g_string_append (out, "}}");
      return TRUE;
    }

  g_set_error (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_UNSUPPORTED,
               "messages[%u]: image \"%.64s\": Anthropic takes images as base64 data or an "
               "http(s) URL", origin, p->url ? p->url : "");
  return FALSE;
}

static void
append_text_block (GString    *out,
                   const char *text)
{
  g_string_append (out, "{\"type\":\"text\",\"text\":");
  sy_json_append_string (out, text);
  g_string_append_c (out, '}');
}

static gboolean
append_tool_result (Emit     *e,
                    GString  *out,
                    Item     *item,
                    GError  **error)
{
  const SyPart *p = item->part;
  guint n = 0, texts = 0;

  g_string_append (out, "{\"type\":\"tool_result\",\"tool_use_id\":");
  sy_json_append_string (out, item->id);

  for (guint i = 0; p->content != NULL && i < p->content->len; i++)
    {
      const SyPart *c = g_ptr_array_index (p->content, i);

      if (c->kind == SY_PART_TEXT && c->text != NULL && *c->text != '\0')
        {
          texts++;
          n++;
        }
      else if (c->kind == SY_PART_IMAGE)
        n++;
    }

  if (n == 1 && texts == 1)
    {
      /* One text: the string form. */
      for (guint i = 0; i < p->content->len; i++)
        {
          const SyPart *c = g_ptr_array_index (p->content, i);

          if (c->kind == SY_PART_TEXT && c->text != NULL && *c->text != '\0')
            {
              g_string_append (out, ",\"content\":");
              sy_json_append_string (out, c->text);
            }
        }
    }
  else if (n > 0)
    {
      gboolean first = TRUE;

      g_string_append (out, ",\"content\":[");
      for (guint i = 0; i < p->content->len; i++)
        {
          const SyPart *c = g_ptr_array_index (p->content, i);

          if (c->kind == SY_PART_TEXT && (c->text == NULL || *c->text == '\0'))
            continue;
          if (c->kind != SY_PART_TEXT && c->kind != SY_PART_IMAGE)
            {
              _sy_anthropic_note (e->notes, "messages[%u]: tool result content other than "
                                  "text and images dropped", item->origin);
              continue;
            }
          if (!first)
            g_string_append_c (out, ',');
          first = FALSE;
          if (c->kind == SY_PART_TEXT)
            append_text_block (out, c->text);
          else if (!append_image (out, c, item->origin, error))
            return FALSE;
        }
      g_string_append_c (out, ']');
    }
  if (p->is_error)
    g_string_append (out, ",\"is_error\":true");
  g_string_append_c (out, '}');
  return TRUE;
}

static gboolean
append_block (Emit     *e,
              GString  *out,
              Item     *item,
              GError  **error)
{
  const SyPart *p = item->part;

  switch (p->kind)
    {
    case SY_PART_TEXT:
      append_text_block (out, p->text);
      return TRUE;
    case SY_PART_IMAGE:
      return append_image (out, p, item->origin, error);
    case SY_PART_TOOL_CALL:
      g_string_append (out, "{\"type\":\"tool_use\",\"id\":");
      sy_json_append_string (out, item->id);
      g_string_append (out, ",\"name\":");
      sy_json_append_string (out, p->name ? p->name : "");
      g_string_append (out, ",\"input\":");
      _sy_anthropic_append_tool_input (out, p->arguments, p->name, e->notes);
      g_string_append_c (out, '}');
      return TRUE;
    case SY_PART_TOOL_RESULT:
      return append_tool_result (e, out, item, error);
    case SY_PART_THINKING:
      g_string_append (out, "{\"type\":\"thinking\",\"thinking\":");
      sy_json_append_string (out, p->text ? p->text : "");
      g_string_append (out, ",\"signature\":");
      sy_json_append_string (out, p->signature);
      g_string_append_c (out, '}');
      return TRUE;
    case SY_PART_REDACTED_THINKING:
      g_string_append (out, "{\"type\":\"redacted_thinking\",\"data\":");
      sy_json_append_string (out, p->data);
      g_string_append_c (out, '}');
      return TRUE;
    default:
      return TRUE;
    }
}

gboolean
_sy_anthropic_turns_append (SyAnthropicTurns  *e,
                            GString           *out,
                            GError           **error)
{
  if (e->turns->len == 0)
    {
      g_set_error (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_INVALID_REQUEST,
                   "messages: Anthropic needs at least one message with content");
      return FALSE;
    }
  g_string_append (out, ",\"messages\":[");
  for (guint t = 0; t < e->turns->len; t++)
    {
      Turn *turn = turn_at (e, t);
      gboolean first = TRUE;

      if (t > 0)
        g_string_append_c (out, ',');
      g_string_append (out, turn->role == SY_ROLE_USER ? "{\"role\":\"user\",\"content\":["
                                                       : "{\"role\":\"assistant\",\"content\":[");
      for (guint pass = 0; pass < 2; pass++)
        {
          GPtrArray *items = pass == 0 ? turn->results : turn->items;

          for (guint i = 0; i < items->len; i++)
            {
              if (!first)
                g_string_append_c (out, ',');
              first = FALSE;
              if (!append_block (e, out, g_ptr_array_index (items, i), error))
                return FALSE;
            }
        }
      g_string_append (out, "]}");
    }
  g_string_append_c (out, ']');
  return TRUE;
}

static gboolean
is_thinking (const Item *item)
{
  return item->part->kind == SY_PART_THINKING || item->part->kind == SY_PART_REDACTED_THINKING;
}

/* "If an assistant message contains any thinking blocks, the first block must be thinking
 * or redacted_thinking": moves them to the front (merged turns can put text first). */
static void
lead_with_thinking (Emit *e)
{
  for (guint t = 0; t < e->turns->len; t++)
    {
      Turn *turn = turn_at (e, t);
      g_autoptr(GPtrArray) sorted = NULL;
      gboolean misplaced = FALSE;

      /* Only a message that does not start with thinking needs it; thinking blocks later
       * in a message that does (interleaved thinking) stay where they are. */
      for (guint i = 1; turn->role == SY_ROLE_ASSISTANT && i < turn->items->len; i++)
        misplaced |= is_thinking (g_ptr_array_index (turn->items, i)) &&
                     !is_thinking (g_ptr_array_index (turn->items, 0));
      if (!misplaced)
        continue;
      sorted = g_ptr_array_sized_new (turn->items->len);
      for (guint pass = 0; pass < 2; pass++)
        for (guint i = 0; i < turn->items->len; i++)
          if (is_thinking (g_ptr_array_index (turn->items, i)) == (pass == 0))
            g_ptr_array_add (sorted, g_ptr_array_index (turn->items, i));
      g_ptr_array_set_size (turn->items, 0);
      g_ptr_array_extend (turn->items, sorted, NULL, NULL);
      _sy_anthropic_note (e->notes, "messages[%u]: reasoning moved to the start of the "
                          "assistant message, where Anthropic requires it", turn->origin);
    }
}

gboolean
_sy_anthropic_turns_allow_thinking (SyAnthropicTurns *e)
{
  Turn *last = turn_at (e, e->turns->len - 1);
  Turn *prev = e->turns->len >= 2 ? turn_at (e, e->turns->len - 2) : NULL;

  /* "When thinking is enabled, a final assistant message must start with a thinking block
   * (preceding the lastmost set of tool_use and tool_result blocks)": a tool loop that is
   * still going needs the signed thinking of the call it continues. */
  if (last == NULL || last->role != SY_ROLE_USER || last->results->len == 0 || prev == NULL)
    return TRUE;
  return prev->items->len > 0 && is_thinking (g_ptr_array_index (prev->items, 0));
}

void
_sy_anthropic_turns_settle_thinking (SyAnthropicTurns *e,
                                     gboolean          thinking)
{
  Turn *last = turn_at (e, e->turns->len - 1);

  /* An assistant message in the final position may hold no thinking when thinking is off,
   * and may not end with it when it is on. */
  if (last == NULL || last->role != SY_ROLE_ASSISTANT)
    return;
  for (guint i = last->items->len; i > 0; i--)
    {
      if (!is_thinking (g_ptr_array_index (last->items, i - 1)))
        {
          if (thinking)
            break;  /* only trailing ones go when thinking is on */
          continue;
        }
      g_ptr_array_remove_index (last->items, i - 1);
      _sy_anthropic_note (e->notes, "reasoning dropped from the final assistant message: "
                          "Anthropic refuses it there %s",
                          thinking ? "as the last block" : "when thinking is off");
    }
  if (last->items->len == 0 && last->results->len == 0)
    g_ptr_array_remove_index (e->turns, e->turns->len - 1);
}

SyAnthropicTurns *
_sy_anthropic_turns_new (const SyChatRequest  *request,
                         GPtrArray            *notes,
                         GError              **error)
{
  g_autoptr(SyAnthropicTurns) e = g_new0 (SyAnthropicTurns, 1);

  e->request = request;
  e->notes = notes;
  e->all_items = g_ptr_array_new_with_free_func (item_free);
  e->turns = g_ptr_array_new_with_free_func (turn_free);
  if (!build_turns (e, error) || !place_tool_results (e, error))
    return NULL;
  lead_with_thinking (e);
  /* Anthropic accepts a first message from the assistant (consecutive turns of one role are
   * combined on its side too), so nothing is prepended. */
  return g_steal_pointer (&e);
}

void
_sy_anthropic_turns_free (SyAnthropicTurns *turns)
{
  if (turns == NULL)
    return;
  g_ptr_array_unref (turns->turns);
  g_ptr_array_unref (turns->all_items);
  g_free (turns);
}
