/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Decodes an OpenAI Responses event stream. Output items and their content parts, addressed by
 * output_index and content_index, become IR parts numbered in order of appearance. Content that
 * only arrives in a ".done" event (no deltas) is still delivered. response.failed and error
 * events become SY_EVENT_ERROR; a stream that ends without a terminal event is an error too.
 * Pure; memory bounded by the number of items.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-responses-stream-decoder.h"

#include <string.h>

#include "sy-responses-private.h"

#define BAD SY_TRANSLATE_ERROR_INVALID_RESPONSE

/* output_index and content_index bounds: far beyond any real response, small enough to pack
 * both into one hash key. */
#define MAX_OUTPUT_INDEX  G_GINT64_CONSTANT (0x7fffffff)
#define MAX_CONTENT_INDEX G_GINT64_CONSTANT (0xffff)

typedef struct
{
  guint      index;          /* IR part index */
  SyPartKind kind;
  gboolean   open;
  gboolean   got_delta;
  gboolean   has_text;
  gint64     summary_index;  /* reasoning: the summary part being streamed */
} Part;

typedef enum {
  ITEM_OTHER,
  ITEM_MESSAGE,
  ITEM_FUNCTION_CALL,
  ITEM_REASONING,
} ItemType;

typedef struct
{
  ItemType  type;
  Part     *part;            /* function call or reasoning */
  GArray   *text_keys;       /* message: keys of its content parts in texts */
} Item;

struct _SyResponsesStreamDecoder
{
  SyStreamDecoder  parent_instance;

  GHashTable      *items;    /* output_index (gint64*) -> Item */
  GHashTable      *texts;    /* text_key (gint64*) -> Part */
  guint            next_index;
  gboolean         started;
  gboolean         ended;
  gboolean         tool_call;
  gboolean         refusal;
};

G_DEFINE_FINAL_TYPE (SyResponsesStreamDecoder, sy_responses_stream_decoder,
                     SY_TYPE_STREAM_DECODER)

typedef struct
{
  SyResponsesStreamDecoder *self;
  SyStreamEventFunc         func;
  gpointer                  user_data;
  const char               *type;     /* the event's type, for error messages */
} Ctx;

static void
item_free (gpointer data)
{
  Item *item = data;

  g_free (item->part);
  if (item->text_keys != NULL)
    g_array_unref (item->text_keys);
  g_free (item);
}

static gint64 *
new_key (gint64 value)
{
  gint64 *key = g_new (gint64, 1);

  *key = value;
  return key;
}

static gint64
text_key (gint64 output_index,
          gint64 content_index)
{
  return output_index * (MAX_CONTENT_INDEX + 1) + content_index;
}

static void
init_event (SyStreamEvent *ev,
            SyEventKind    kind)
{
  memset (ev, 0, sizeof *ev);
  ev->kind = kind;
  sy_usage_init (&ev->usage);
}

static void
ensure_started (Ctx        *c,
                const char *id,
                const char *model)
{
  SyStreamEvent ev;

  if (c->self->started)
    return;
  c->self->started = TRUE;
  init_event (&ev, SY_EVENT_START);
  ev.id = id;
  ev.model = model;
  c->func (&ev, c->user_data);
}

static Part *
start_part (Ctx        *c,
            SyPartKind  kind,
            const char *id,
            const char *name)
{
  Part *part = g_new0 (Part, 1);
  SyStreamEvent ev;

  ensure_started (c, NULL, NULL);
  part->index = c->self->next_index++;
  part->kind = kind;
  part->open = TRUE;
  part->summary_index = -1;
  init_event (&ev, SY_EVENT_PART_START);
  ev.index = part->index;
  ev.part_kind = kind;
  ev.id = id;
  ev.name = name;
  c->func (&ev, c->user_data);
  return part;
}

static void
emit_delta (Ctx        *c,
            Part       *part,
            const char *text,
            gsize       len)
{
  SyStreamEvent ev;

  if (text == NULL || len == 0 || !part->open)
    return;
  init_event (&ev, SY_EVENT_DELTA);
  ev.index = part->index;
  ev.part_kind = part->kind;
  ev.text = text;
  ev.text_len = len;
  c->func (&ev, c->user_data);
  part->got_delta = TRUE;
  part->has_text = TRUE;
}

static void
emit_signature (Ctx        *c,
                Part       *part,
                const char *signature)
{
  SyStreamEvent ev;

  if (signature == NULL || *signature == '\0' || !part->open)
    return;
  init_event (&ev, SY_EVENT_SIGNATURE);
  ev.index = part->index;
  ev.part_kind = part->kind;
  ev.text = signature;
  ev.text_len = strlen (signature);
  c->func (&ev, c->user_data);
}

static void
stop_part (Ctx  *c,
           Part *part)
{
  SyStreamEvent ev;

  if (part == NULL || !part->open)
    return;
  part->open = FALSE;
  init_event (&ev, SY_EVENT_PART_STOP);
  ev.index = part->index;
  ev.part_kind = part->kind;
  c->func (&ev, c->user_data);
}

static gboolean
bad_event (Ctx         *c,
           const char  *member,
           const char  *message,
           GError     **error)
{
  sy_json_read_set_error (error, BAD, c->type, member, "%s", message);
  return FALSE;
}

static gboolean
get_index (Ctx         *c,
           JsonObject  *ev,
           const char  *member,
           gint64       max,
           gint64      *out,
           GError     **error)
{
  if (!_sy_responses_get_count (ev, c->type, member, BAD, out, error))
    return FALSE;
  if (*out < 0 || *out > max)
    return bad_event (c, member, "expected a non-negative integer in range", error);
  return TRUE;
}

static Item *
lookup_item (Ctx    *c,
             gint64  output_index)
{
  return g_hash_table_lookup (c->self->items, &output_index);
}

static Item *
add_item (Ctx      *c,
          gint64    output_index,
          ItemType  type)
{
  Item *item = g_new0 (Item, 1);

  item->type = type;
  if (type == ITEM_MESSAGE)
    item->text_keys = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_hash_table_replace (c->self->items, new_key (output_index), item);
  return item;
}

static ItemType
item_type (const char *type)
{
  if (g_strcmp0 (type, "message") == 0)
    return ITEM_MESSAGE;
  if (g_strcmp0 (type, "function_call") == 0)
    return ITEM_FUNCTION_CALL;
  if (g_strcmp0 (type, "reasoning") == 0)
    return ITEM_REASONING;
  return ITEM_OTHER;
}

/* The text part at (output_index, content_index), started if need be. */
static Part *
ensure_text (Ctx    *c,
             gint64  output_index,
             gint64  content_index)
{
  gint64 key = text_key (output_index, content_index);
  Part *part = g_hash_table_lookup (c->self->texts, &key);
  Item *item;

  if (part != NULL)
    return part;
  item = lookup_item (c, output_index);
  if (item == NULL)
    item = add_item (c, output_index, ITEM_MESSAGE);
  if (item->type != ITEM_MESSAGE)
    return NULL;
  part = start_part (c, SY_PART_TEXT, NULL, NULL);
  g_hash_table_insert (c->self->texts, new_key (key), part);
  g_array_append_val (item->text_keys, key);
  return part;
}

static gboolean
on_item_added (Ctx         *c,
               JsonObject  *ev,
               GError     **error)
{
  gint64 output_index;
  JsonObject *object;
  const char *type, *call_id, *name, *arguments;
  Item *item;

  if (!get_index (c, ev, "output_index", MAX_OUTPUT_INDEX, &output_index, error) ||
      !sy_json_read_object (ev, c->type, "item", BAD, &object, error))
    return FALSE;
  if (object == NULL)
    return bad_event (c, "item", "missing", error);
  if (lookup_item (c, output_index) != NULL)
    return bad_event (c, "output_index", "names an item that was already added", error);
  if (!sy_json_read_string (object, c->type, "type", BAD, &type, error))
    return FALSE;
  item = add_item (c, output_index, item_type (type));
  if (item->type == ITEM_FUNCTION_CALL)
    {
      if (!sy_json_read_string (object, "item", "call_id", BAD, &call_id, error) ||
          !sy_json_read_string (object, "item", "name", BAD, &name, error) ||
          !sy_json_read_string (object, "item", "arguments", BAD, &arguments, error))
        return FALSE;
      item->part = start_part (c, SY_PART_TOOL_CALL, call_id, name);
      emit_delta (c, item->part, arguments, arguments ? strlen (arguments) : 0);
      c->self->tool_call = TRUE;
    }
  else if (item->type == ITEM_REASONING)
    item->part = start_part (c, SY_PART_THINKING, NULL, NULL);
  return TRUE;
}

/* An item whose content was not streamed (no added event, or no deltas). */
static gboolean
deliver_message (Ctx         *c,
                 gint64       output_index,
                 JsonObject  *object,
                 GError     **error)
{
  JsonArray *content;

  if (!sy_json_read_array (object, "item", "content", BAD, &content, error))
    return FALSE;
  for (guint i = 0; content != NULL && i < json_array_get_length (content) &&
                    i <= MAX_CONTENT_INDEX; i++)
    {
      JsonNode *node = json_array_get_element (content, i);
      JsonObject *p = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *type = sy_json_read_node_string (sy_json_read_member (p, "type"));
      const char *text = NULL;
      Part *part;

      if (g_strcmp0 (type, "output_text") == 0)
        text = sy_json_read_node_string (sy_json_read_member (p, "text"));
      else if (g_strcmp0 (type, "refusal") == 0)
        {
          text = sy_json_read_node_string (sy_json_read_member (p, "refusal"));
          c->self->refusal = TRUE;
        }
      if (text == NULL)
        continue;
      part = ensure_text (c, output_index, i);
      if (part != NULL && !part->got_delta)
        emit_delta (c, part, text, strlen (text));
    }
  return TRUE;
}

static gboolean
on_item_done (Ctx         *c,
              JsonObject  *ev,
              GError     **error)
{
  gint64 output_index;
  JsonObject *object;
  const char *type, *arguments;
  Item *item;

  if (!get_index (c, ev, "output_index", MAX_OUTPUT_INDEX, &output_index, error) ||
      !sy_json_read_object (ev, c->type, "item", BAD, &object, error))
    return FALSE;
  if (object == NULL)
    return bad_event (c, "item", "missing", error);
  if (!sy_json_read_string (object, c->type, "type", BAD, &type, error))
    return FALSE;
  item = lookup_item (c, output_index);
  if (item == NULL)
    {
      /* no output_item.added: start it now from the complete item */
      if (!on_item_added (c, ev, error))
        return FALSE;
      item = lookup_item (c, output_index);
    }
  if (item->type != item_type (type))
    return bad_event (c, "item", "is not the item that was added at this output_index", error);

  switch (item->type)
    {
    case ITEM_FUNCTION_CALL:
      if (!sy_json_read_string (object, "item", "arguments", BAD, &arguments, error))
        return FALSE;
      if (!item->part->got_delta)
        emit_delta (c, item->part, arguments, arguments ? strlen (arguments) : 0);
      stop_part (c, item->part);
      break;
    case ITEM_REASONING:
      {
        g_autoptr(SyPart) reasoning = NULL;

        if (!_sy_responses_read_reasoning (object, "item", BAD, &reasoning, error))
          return FALSE;
        if (reasoning != NULL && reasoning->kind == SY_PART_THINKING)
          {
            if (!item->part->got_delta && reasoning->text != NULL)
              emit_delta (c, item->part, reasoning->text, strlen (reasoning->text));
            emit_signature (c, item->part, reasoning->signature);
          }
        stop_part (c, item->part);
      }
      break;
    case ITEM_MESSAGE:
      if (!deliver_message (c, output_index, object, error))
        return FALSE;
      for (guint i = 0; i < item->text_keys->len; i++)
        stop_part (c, g_hash_table_lookup (c->self->texts,
                                           &g_array_index (item->text_keys, gint64, i)));
      break;
    case ITEM_OTHER:
    default:
      break;
    }
  return TRUE;
}

/* output_text / refusal: .delta, .done, content_part.added / .done */
static gboolean
on_text (Ctx         *c,
         JsonObject  *ev,
         const char  *what,
         GError     **error)
{
  gint64 output_index, content_index;
  const char *text = NULL;
  JsonObject *object;
  Part *part;

  if (!get_index (c, ev, "output_index", MAX_OUTPUT_INDEX, &output_index, error) ||
      !get_index (c, ev, "content_index", MAX_CONTENT_INDEX, &content_index, error))
    return FALSE;
  if (g_str_has_suffix (what, "delta"))
    {
      if (!sy_json_read_string (ev, c->type, "delta", BAD, &text, error))
        return FALSE;
      part = ensure_text (c, output_index, content_index);
      if (part != NULL)
        emit_delta (c, part, text, text ? strlen (text) : 0);
      return TRUE;
    }
  if (g_str_has_prefix (what, "part"))
    {
      /* content_part.added / .done: {part: {type, text | refusal}} */
      if (!sy_json_read_object (ev, c->type, "part", BAD, &object, error))
        return FALSE;
      text = sy_json_read_node_string (sy_json_read_member (object, "text"));
      if (text == NULL)
        text = sy_json_read_node_string (sy_json_read_member (object, "refusal"));
      if (g_strcmp0 (sy_json_read_node_string (sy_json_read_member (object, "type")),
                     "refusal") == 0)
        c->self->refusal = TRUE;
    }
  else if (!sy_json_read_string (ev, c->type, g_str_has_prefix (what, "refusal")
                                                     ? "refusal" : "text", BAD, &text, error))
    return FALSE;
  part = ensure_text (c, output_index, content_index);
  if (part != NULL && !part->got_delta)
    emit_delta (c, part, text, text ? strlen (text) : 0);
  if (part != NULL && g_str_equal (what, "part.done"))
    stop_part (c, part);
  return TRUE;
}

static Part *
item_part (Ctx      *c,
           gint64    output_index,
           ItemType  type)
{
  Item *item = lookup_item (c, output_index);

  return item != NULL && item->type == type ? item->part : NULL;
}

static gboolean
on_arguments (Ctx         *c,
              JsonObject  *ev,
              gboolean     done,
              GError     **error)
{
  gint64 output_index;
  const char *text;
  Part *part;

  if (!get_index (c, ev, "output_index", MAX_OUTPUT_INDEX, &output_index, error) ||
      !sy_json_read_string (ev, c->type, done ? "arguments" : "delta", BAD, &text, error))
    return FALSE;
  part = item_part (c, output_index, ITEM_FUNCTION_CALL);
  if (part == NULL)
    return bad_event (c, "output_index", "names no function call", error);
  if (!done || !part->got_delta)
    emit_delta (c, part, text, text ? strlen (text) : 0);
  return TRUE;
}

/* reasoning_summary_part.added, reasoning_summary_text.delta/.done, reasoning_text.delta/.done:
 * one THINKING part per reasoning item, summary parts joined with a blank line. */
static gboolean
on_reasoning (Ctx         *c,
              JsonObject  *ev,
              const char  *what,
              GError     **error)
{
  gint64 output_index, summary_index = SY_UNSET;
  const char *text = NULL;
  Part *part;

  if (!get_index (c, ev, "output_index", MAX_OUTPUT_INDEX, &output_index, error) ||
      !_sy_responses_get_count (ev, c->type, "summary_index", BAD, &summary_index, error))
    return FALSE;
  part = item_part (c, output_index, ITEM_REASONING);
  if (part == NULL)
    return bad_event (c, "output_index", "names no reasoning item", error);
  if (summary_index >= 0 && summary_index != part->summary_index)
    {
      if (part->has_text && part->summary_index >= 0)
        emit_delta (c, part, "\n\n", 2);
      part->summary_index = summary_index;
    }
  if (g_str_equal (what, "delta"))
    {
      if (!sy_json_read_string (ev, c->type, "delta", BAD, &text, error))
        return FALSE;
      emit_delta (c, part, text, text ? strlen (text) : 0);
    }
  else if (g_str_equal (what, "done"))
    {
      if (!sy_json_read_string (ev, c->type, "text", BAD, &text, error))
        return FALSE;
      if (!part->got_delta)
        emit_delta (c, part, text, text ? strlen (text) : 0);
    }
  return TRUE;
}

static int
compare_parts (gconstpointer a,
               gconstpointer b)
{
  const Part *pa = *(Part * const *) a;
  const Part *pb = *(Part * const *) b;

  return pa->index < pb->index ? -1 : pa->index > pb->index;
}

static void
close_open_parts (Ctx *c)
{
  GHashTableIter iter;
  gpointer value;
  g_autoptr(GPtrArray) open = g_ptr_array_new ();

  g_hash_table_iter_init (&iter, c->self->items);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Item *) value)->part != NULL && ((Item *) value)->part->open)
      g_ptr_array_add (open, ((Item *) value)->part);
  g_hash_table_iter_init (&iter, c->self->texts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Part *) value)->open)
      g_ptr_array_add (open, value);
  /* in part order, so that the output does not depend on hash order */
  g_ptr_array_sort (open, compare_parts);
  for (guint i = 0; i < open->len; i++)
    stop_part (c, open->pdata[i]);
}

static gboolean
on_end (Ctx         *c,
        JsonObject  *ev,
        gboolean     incomplete,
        GError     **error)
{
  JsonObject *response, *usage_object, *details;
  const char *reason = NULL;
  SyStreamEvent event;
  SyUsage usage;

  if (!sy_json_read_object (ev, c->type, "response", BAD, &response, error) ||
      !sy_json_read_object (response, "response", "usage", BAD, &usage_object, error) ||
      !sy_json_read_object (response, "response", "incomplete_details", BAD, &details,
                            error) ||
      !sy_json_read_string (details, "response.incomplete_details", "reason", BAD, &reason,
                            error))
    return FALSE;
  ensure_started (c, sy_json_read_node_string (sy_json_read_member (response, "id")),
                  sy_json_read_node_string (sy_json_read_member (response, "model")));
  close_open_parts (c);
  c->self->ended = TRUE;

  _sy_responses_read_usage (usage_object, &usage);
  if (usage_object != NULL)
    {
      init_event (&event, SY_EVENT_USAGE);
      event.usage = usage;
      c->func (&event, c->user_data);
    }
  init_event (&event, SY_EVENT_FINISH);
  if (incomplete)
    event.stop_reason = g_strcmp0 (reason, "content_filter") == 0 ? SY_STOP_CONTENT_FILTER
                      : g_strcmp0 (reason, "max_output_tokens") == 0 ? SY_STOP_MAX_TOKENS
                      : SY_STOP_UNSET;
  else
    event.stop_reason = c->self->tool_call ? SY_STOP_TOOL_USE
                      : c->self->refusal ? SY_STOP_REFUSAL : SY_STOP_END_TURN;
  event.usage = usage;
  c->func (&event, c->user_data);
  init_event (&event, SY_EVENT_DONE);
  c->func (&event, c->user_data);
  return TRUE;
}

static guint
status_for_code (const char *code)
{
  if (code == NULL)
    return 502;
  if (g_str_equal (code, "rate_limit_exceeded") || g_str_equal (code, "insufficient_quota"))
    return 429;
  if (g_str_has_prefix (code, "invalid_") || g_str_equal (code, "context_length_exceeded"))
    return 400;
  return 502;
}

/* response.failed {response: {error: {code, message}}} or error {code, message} */
static void
on_error (Ctx        *c,
          JsonObject *ev,
          gboolean    failed)
{
  JsonObject *error = ev;
  JsonNode *node;
  const char *code, *message;
  SyStreamEvent event;

  if (failed)
    {
      node = sy_json_read_member (ev, "response");
      error = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      node = sy_json_read_member (error, "error");
      error = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    }
  code = sy_json_read_node_string (sy_json_read_member (error, "code"));
  message = sy_json_read_node_string (sy_json_read_member (error, "message"));
  c->self->ended = TRUE;
  init_event (&event, SY_EVENT_ERROR);
  event.status = status_for_code (code);
  event.error_type = code ? code : "server_error";
  event.text = message ? message : "the upstream reported an error";
  event.text_len = strlen (event.text);
  c->func (&event, c->user_data);
}

static gboolean
dispatch (Ctx         *c,
          JsonObject  *ev,
          GError     **error)
{
  const char *type = c->type;
  JsonObject *response;

  if (g_str_equal (type, "response.created") || g_str_equal (type, "response.in_progress") ||
      g_str_equal (type, "response.queued"))
    {
      if (!sy_json_read_object (ev, type, "response", BAD, &response, error))
        return FALSE;
      ensure_started (c, sy_json_read_node_string (sy_json_read_member (response, "id")),
                      sy_json_read_node_string (sy_json_read_member (response, "model")));
      return TRUE;
    }
  if (g_str_equal (type, "response.output_item.added"))
    return on_item_added (c, ev, error);
  if (g_str_equal (type, "response.output_item.done"))
    return on_item_done (c, ev, error);
  if (g_str_equal (type, "response.content_part.added"))
    return on_text (c, ev, "part.added", error);
  if (g_str_equal (type, "response.content_part.done"))
    return on_text (c, ev, "part.done", error);
  if (g_str_equal (type, "response.output_text.delta"))
    return on_text (c, ev, "text.delta", error);
  if (g_str_equal (type, "response.output_text.done"))
    return on_text (c, ev, "text.done", error);
  if (g_str_equal (type, "response.refusal.delta"))
    {
      c->self->refusal = TRUE;
      return on_text (c, ev, "refusal.delta", error);
    }
  if (g_str_equal (type, "response.refusal.done"))
    {
      c->self->refusal = TRUE;
      return on_text (c, ev, "refusal.done", error);
    }
  if (g_str_equal (type, "response.function_call_arguments.delta"))
    return on_arguments (c, ev, FALSE, error);
  if (g_str_equal (type, "response.function_call_arguments.done"))
    return on_arguments (c, ev, TRUE, error);
  if (g_str_equal (type, "response.reasoning_summary_part.added"))
    return on_reasoning (c, ev, "part", error);
  if (g_str_equal (type, "response.reasoning_summary_text.delta") ||
      g_str_equal (type, "response.reasoning_text.delta"))
    return on_reasoning (c, ev, "delta", error);
  if (g_str_equal (type, "response.reasoning_summary_text.done") ||
      g_str_equal (type, "response.reasoning_text.done"))
    return on_reasoning (c, ev, "done", error);
  if (g_str_equal (type, "response.completed"))
    return on_end (c, ev, FALSE, error);
  if (g_str_equal (type, "response.incomplete"))
    return on_end (c, ev, TRUE, error);
  if (g_str_equal (type, "response.failed"))
    {
      on_error (c, ev, TRUE);
      return TRUE;
    }
  if (g_str_equal (type, "error"))
    {
      on_error (c, ev, FALSE);
      return TRUE;
    }
  /* anything else (part.done of summaries, annotations, built-in tool progress) says nothing
   * the IR carries */
  return TRUE;
}

static gboolean
sy_responses_stream_decoder_push (SyStreamDecoder   *decoder,
                                  const SySseEvent  *event,
                                  SyStreamEventFunc  func,
                                  gpointer           user_data,
                                  GError           **error)
{
  SyResponsesStreamDecoder *self = SY_RESPONSES_STREAM_DECODER (decoder);
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *type = NULL;
  Ctx c = { self, func, user_data, NULL };
  JsonObject *ev;
  const char *t;

  if (self->ended || event->data == NULL)
    return TRUE;
  if (event->data_len == 6 && memcmp (event->data, "[DONE]", 6) == 0)
    return TRUE;
  node = sy_json_read_body (event->data, event->data_len, SY_RESPONSES_MAX_DEPTH, BAD,
                            "stream event", error);
  if (node == NULL)
    return FALSE;
  ev = json_node_get_object (node);
  t = sy_json_read_node_string (sy_json_read_member (ev, "type"));
  if (t == NULL)
    t = event->event;
  if (t == NULL)
    {
      g_set_error_literal (error, SY_TRANSLATE_ERROR, BAD, "stream event: no type");
      return FALSE;
    }
  type = g_strdup (t);
  c.type = type;
  return dispatch (&c, ev, error);
}

static void
sy_responses_stream_decoder_finish (SyStreamDecoder   *decoder,
                                    SyStreamEventFunc  func,
                                    gpointer           user_data)
{
  SyResponsesStreamDecoder *self = SY_RESPONSES_STREAM_DECODER (decoder);
  SyStreamEvent ev;

  if (self->ended)
    return;
  self->ended = TRUE;
  init_event (&ev, SY_EVENT_ERROR);
  ev.status = 502;
  ev.error_type = "server_error";
  ev.text = "the upstream stream ended before response.completed";
  ev.text_len = strlen (ev.text);
  func (&ev, user_data);
}

static void
sy_responses_stream_decoder_finalize (GObject *object)
{
  SyResponsesStreamDecoder *self = SY_RESPONSES_STREAM_DECODER (object);

  g_hash_table_unref (self->items);
  g_hash_table_unref (self->texts);
  G_OBJECT_CLASS (sy_responses_stream_decoder_parent_class)->finalize (object);
}

static void
sy_responses_stream_decoder_class_init (SyResponsesStreamDecoderClass *klass)
{
  SyStreamDecoderClass *decoder_class = SY_STREAM_DECODER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = sy_responses_stream_decoder_finalize;
  decoder_class->push = sy_responses_stream_decoder_push;
  decoder_class->finish = sy_responses_stream_decoder_finish;
}

static void
sy_responses_stream_decoder_init (SyResponsesStreamDecoder *self)
{
  self->items = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, item_free);
  self->texts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
}

SyStreamDecoder *
sy_responses_stream_decoder_new (void)
{
  return g_object_new (SY_TYPE_RESPONSES_STREAM_DECODER, NULL);
}
