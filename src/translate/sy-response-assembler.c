/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Stream events <-> a complete response. Parts are kept by their stream index; deltas append
 * to text (TEXT, THINKING) or to arguments (TOOL_CALL). Pure; bounded by what the upstream
 * sends (the caller bounds that).
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-response-assembler.h"

#include <string.h>

#include "sy-codec.h"

/* A part being assembled: deltas go to GStrings (appending to a char* would be quadratic on
 * long answers) and move into the SyPart when the response is taken. */
typedef struct
{
  SyPart  *part;       /* owned by response->parts */
  GString *body;       /* text, arguments or data, by kind */
  GString *signature;
} Building;

struct _SyResponseAssembler
{
  GObject         parent_instance;
  SyChatResponse *response;
  GHashTable     *by_index;   /* stream index -> Building */
  gboolean        done;
  char           *error;
  guint           error_status;
};

G_DEFINE_FINAL_TYPE (SyResponseAssembler, sy_response_assembler, G_TYPE_OBJECT)

static void
building_free (gpointer data)
{
  Building *b = data;

  g_string_free (b->body, TRUE);
  if (b->signature != NULL)
    g_string_free (b->signature, TRUE);
  g_free (b);
}

static void
sy_response_assembler_finalize (GObject *object)
{
  SyResponseAssembler *self = SY_RESPONSE_ASSEMBLER (object);

  g_clear_pointer (&self->response, sy_chat_response_free);
  g_hash_table_unref (self->by_index);
  g_free (self->error);
  G_OBJECT_CLASS (sy_response_assembler_parent_class)->finalize (object);
}

static void
sy_response_assembler_class_init (SyResponseAssemblerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sy_response_assembler_finalize;
}

static void
sy_response_assembler_init (SyResponseAssembler *self)
{
  self->response = sy_chat_response_new ();
  self->by_index = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, building_free);
}

SyResponseAssembler *
sy_response_assembler_new (void)
{
  return g_object_new (SY_TYPE_RESPONSE_ASSEMBLER, NULL);
}

static Building *
part_for (SyResponseAssembler *self,
          const SyStreamEvent *event)
{
  Building *b = g_hash_table_lookup (self->by_index, GUINT_TO_POINTER (event->index));

  if (b == NULL)
    {
      b = g_new0 (Building, 1);
      b->part = sy_part_new (event->part_kind);
      b->body = g_string_new (NULL);
      g_ptr_array_add (self->response->parts, b->part);
      g_hash_table_insert (self->by_index, GUINT_TO_POINTER (event->index), b);
    }
  return b;
}

/* Moves the assembled text into the part's field for its kind. */
static void
settle_cb (gpointer key,
           gpointer value,
           gpointer user_data)
{
  Building *b = value;
  char **field;

  switch (b->part->kind)
    {
    case SY_PART_TOOL_CALL:
      field = &b->part->arguments;
      break;
    case SY_PART_REDACTED_THINKING:
      field = &b->part->data;
      break;
    default:
      field = &b->part->text;
      break;
    }
  if (b->body->len > 0 || (*field == NULL && b->part->kind == SY_PART_TOOL_CALL))
    {
      g_free (*field);
      *field = g_strndup (b->body->str, b->body->len);
    }
  if (b->signature != NULL)
    {
      g_free (b->part->signature);
      b->part->signature = g_strndup (b->signature->str, b->signature->len);
    }
}

void
sy_response_assembler_add (const SyStreamEvent *event,
                           gpointer             assembler)
{
  SyResponseAssembler *self = assembler;
  SyChatResponse *r = self->response;
  Building *b;

  if (self->done || self->error != NULL)
    return;

  switch (event->kind)
    {
    case SY_EVENT_START:
      if (event->id != NULL && r->id == NULL)
        r->id = g_strdup (event->id);
      if (event->model != NULL && r->model == NULL)
        r->model = g_strdup (event->model);
      break;
    case SY_EVENT_PART_START:
      b = part_for (self, event);
      if (event->id != NULL && b->part->id == NULL)
        b->part->id = g_strdup (event->id);
      if (event->name != NULL && b->part->name == NULL)
        b->part->name = g_strdup (event->name);
      break;
    case SY_EVENT_DELTA:
      b = part_for (self, event);
      if (event->text != NULL)
        g_string_append_len (b->body, event->text, event->text_len);
      break;
    case SY_EVENT_SIGNATURE:
      b = part_for (self, event);
      if (b->signature == NULL)
        b->signature = g_string_new (NULL);
      if (event->text != NULL)
        g_string_append_len (b->signature, event->text, event->text_len);
      break;
    case SY_EVENT_USAGE:
      sy_usage_merge (&r->usage, &event->usage);
      break;
    case SY_EVENT_FINISH:
      r->stop_reason = event->stop_reason;
      if (event->stop_sequence != NULL)
        {
          g_free (r->stop_sequence);
          r->stop_sequence = g_strdup (event->stop_sequence);
        }
      sy_usage_merge (&r->usage, &event->usage);
      break;
    case SY_EVENT_ERROR:
      self->error = g_strdup (event->text ? event->text : "the upstream reported an error");
      self->error_status = event->status;
      break;
    case SY_EVENT_DONE:
      self->done = TRUE;
      break;
    case SY_EVENT_PART_STOP:
    case SY_EVENT_PING:
    default:
      break;
    }
}

gboolean
sy_response_assembler_is_done (SyResponseAssembler  *self,
                               GError              **error)
{
  g_return_val_if_fail (SY_IS_RESPONSE_ASSEMBLER (self), FALSE);

  if (self->error != NULL)
    {
      g_set_error (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_INVALID_RESPONSE, "%s",
                   self->error);
      return FALSE;
    }
  if (!self->done)
    {
      g_set_error (error, SY_TRANSLATE_ERROR, SY_TRANSLATE_ERROR_INVALID_RESPONSE,
                   "the upstream stream ended before it was complete");
      return FALSE;
    }
  return TRUE;
}

SyChatResponse *
sy_response_assembler_steal (SyResponseAssembler *self)
{
  SyChatResponse *r;

  g_return_val_if_fail (SY_IS_RESPONSE_ASSEMBLER (self), NULL);

  g_hash_table_foreach (self->by_index, settle_cb, NULL);
  r = g_steal_pointer (&self->response);
  self->response = sy_chat_response_new ();
  g_hash_table_remove_all (self->by_index);
  return r;
}

static void
reset_event (SyStreamEvent *ev)
{
  memset (ev, 0, sizeof *ev);
  sy_usage_init (&ev->usage);
}

static void
emit_text (SyStreamEvent     *ev,
           SyEventKind        kind,
           const char        *text,
           SyStreamEventFunc  func,
           gpointer           user_data)
{
  if (text == NULL || *text == '\0')
    return;
  ev->kind = kind;
  ev->text = text;
  ev->text_len = strlen (text);
  func (ev, user_data);
  ev->text = NULL;
  ev->text_len = 0;
}

void
sy_chat_response_replay (const SyChatResponse *response,
                         SyStreamEventFunc     func,
                         gpointer              user_data)
{
  SyStreamEvent ev;

  reset_event (&ev);
  ev.kind = SY_EVENT_START;
  ev.id = response->id;
  ev.model = response->model;
  func (&ev, user_data);
  ev.id = ev.model = NULL;

  for (guint i = 0; i < response->parts->len; i++)
    {
      const SyPart *p = g_ptr_array_index (response->parts, i);

      reset_event (&ev);
      ev.index = i;
      ev.part_kind = p->kind;
      ev.kind = SY_EVENT_PART_START;
      if (p->kind == SY_PART_TOOL_CALL)
        {
          ev.id = p->id;
          ev.name = p->name;
        }
      func (&ev, user_data);
      ev.id = ev.name = NULL;

      if (p->kind == SY_PART_TOOL_CALL)
        emit_text (&ev, SY_EVENT_DELTA, p->arguments ? p->arguments : "{}", func, user_data);
      else if (p->kind == SY_PART_REDACTED_THINKING)
        emit_text (&ev, SY_EVENT_DELTA, p->data, func, user_data);
      else
        emit_text (&ev, SY_EVENT_DELTA, p->text, func, user_data);
      emit_text (&ev, SY_EVENT_SIGNATURE, p->signature, func, user_data);

      ev.kind = SY_EVENT_PART_STOP;
      func (&ev, user_data);
    }

  reset_event (&ev);
  ev.kind = SY_EVENT_FINISH;
  ev.stop_reason = response->stop_reason;
  ev.stop_sequence = response->stop_sequence;
  ev.usage = response->usage;
  func (&ev, user_data);

  reset_event (&ev);
  ev.kind = SY_EVENT_DONE;
  func (&ev, user_data);
}
