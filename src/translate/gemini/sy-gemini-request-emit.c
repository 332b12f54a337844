/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The internal representation as a Gemini generateContent request body, and its URL path (the
 * model lives there, not in the body). Thought signatures ride back on the parts they came
 * with; tool schemas are reduced to what Gemini accepts; what Gemini cannot carry (other
 * providers' reasoning, a user id, parallel-call switches) is noted, never silently dropped.
 * Pure: writes JSON text, no I/O.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-gemini-private.h"

#include <string.h>

#include "core/sy-json-scan.h"

#define INVALID SY_TRANSLATE_ERROR_INVALID_REQUEST
#define UNSUPPORTED SY_TRANSLATE_ERROR_UNSUPPORTED

/* Thinking budgets for an effort given without one (Gemini 2.5's range is 0..24576 on Flash,
 * 128..32768 on Pro; these sit inside both). */
#define BUDGET_MINIMAL 512
#define BUDGET_LOW     1024
#define BUDGET_MEDIUM  8192
#define BUDGET_HIGH    24576

/* Gemini caps stopSequences at five. */
#define MAX_STOP_SEQUENCES 5

typedef struct
{
  const SyChatRequest *request;
  GPtrArray           *notes;
  guint                turn_start;       /* first message of the current turn */
  gboolean             signatures_checked;  /* the model rejects unsigned calls (Gemini 3+) */
  gboolean             noted_thinking;
  gboolean             noted_redacted;
} Emit;

/* Gemini 3 and later reject a function call of the current turn that carries no signature;
 * earlier models and Gemma do not check (and would not know the placeholder). */
static gboolean
checks_signatures (const char *model)
{
  static const char *const older[] = { "gemini-1", "gemini-2", "gemma", "learnlm" };
  const char *id = _sy_gemini_model_id (model);

  for (guint i = 0; i < G_N_ELEMENTS (older); i++)
    if (g_str_has_prefix (id, older[i]))
      return FALSE;
  return !g_str_equal (id, "gemini-pro") && !g_str_equal (id, "gemini-pro-vision");
}

/* The current turn begins after the last user message that says something (not only function
 * responses): Gemini validates signatures from there on. */
static guint
find_turn_start (const SyChatRequest *request)
{
  for (guint i = request->messages->len; i > 0; i--)
    {
      SyMessage *m = g_ptr_array_index (request->messages, i - 1);

      if (m->role != SY_ROLE_USER)
        continue;
      for (guint j = 0; j < m->parts->len; j++)
        if (((SyPart *) g_ptr_array_index (m->parts, j))->kind != SY_PART_TOOL_RESULT)
          return i;
    }
  return 0;
}

static void
append_signature (GString    *out,
                  const char *signature)
{
  if (signature == NULL || *signature == '\0')
    return;
  sy_json_write_key (out, "thoughtSignature");
  sy_json_append_string (out, signature);
}

static gboolean
emit_image (Emit        *e,
            SyPart      *part,
            const char  *path,
            GString     *out,
            GError     **error)
{
  sy_json_write_elem (out);
  if (part->data != NULL)
    {
      if (part->media_type == NULL)
        {
          sy_json_read_set_error (error, UNSUPPORTED, path, NULL,
                                  "an inline image needs a media type for Gemini");
          return FALSE;
        }
      g_string_append (out, "{\"inlineData\":{\"mimeType\":");
      sy_json_append_string (out, part->media_type);
      g_string_append (out, ",\"data\":");
      sy_json_append_string (out, part->data);
      g_string_append (out, "}}");
      return TRUE;
    }
  if (part->url == NULL)
    {
      sy_json_read_set_error (error, INVALID, path, NULL, "an image needs data or a url");
      return FALSE;
    }
  g_string_append (out, "{\"fileData\":{");
  if (part->media_type != NULL)
    {
      sy_json_write_key (out, "mimeType");
      sy_json_append_string (out, part->media_type);
    }
  else
    _sy_gemini_note (e->notes, "%s: image URL sent as fileData without a mimeType (none was "
                     "given; Gemini infers it)", path);
  sy_json_write_key (out, "fileUri");
  sy_json_append_string (out, part->url);
  g_string_append (out, "}}");
  return TRUE;
}

static gboolean
emit_tool_call (Emit        *e,
                SyPart      *part,
                const char  *path,
                gboolean     needs_signature,
                GString     *out,
                GError     **error)
{
  const char *args = part->arguments;
  const char *signature = part->signature;
  g_autoptr(GError) local = NULL;

  if (part->name == NULL || *part->name == '\0')
    {
      g_autofree char *where = sy_json_read_path (path, "name");

      sy_json_read_set_error (error, INVALID, where, NULL, "required");
      return FALSE;
    }
  while (args != NULL && g_ascii_isspace (*args))
    args++;
  if (args == NULL || *args == '\0')
    args = "{}";
  else if (!sy_json_check_object (args, strlen (args), SY_GEMINI_MAX_DEPTH, &local))
    {
      g_autofree char *where = sy_json_read_path (path, "arguments");

      sy_json_read_set_error (error, INVALID, where, NULL, "Gemini needs a JSON object: %s",
                              local->message);
      return FALSE;
    }
  if ((signature == NULL || *signature == '\0') && needs_signature)
    {
      signature = SY_GEMINI_FOREIGN_SIGNATURE;
      _sy_gemini_note (e->notes, "%s: function call %s has no thought signature (it was not "
                       "made by this Gemini model); sent with Gemini's documented placeholder "
                       "signature, which Gemini 3 requires", path, part->name);
    }
  sy_json_write_elem (out);
  g_string_append (out, "{\"functionCall\":{\"name\":");
  sy_json_append_string (out, part->name);
  g_string_append (out, ",\"args\":");
  g_string_append (out, args);
  g_string_append_c (out, '}');
  append_signature (out, signature);
  g_string_append_c (out, '}');
  return TRUE;
}

static gboolean
emit_tool_result (Emit        *e,
                  SyPart      *part,
                  const char  *path,
                  GString     *out,
                  GString     *images,
                  GError     **error)
{
  const char *name = part->name;
  g_autofree char *text = NULL;

  if (name == NULL || *name == '\0')
    name = sy_chat_request_find_tool_name ((SyChatRequest *) e->request, part->id);
  if (name == NULL || *name == '\0')
    {
      sy_json_read_set_error (error, INVALID, path, NULL,
                              "the function this result answers is unknown "
                              "(no name, and no earlier call with id %s): Gemini needs its name",
                              part->id ? part->id : "(none)");
      return FALSE;
    }
  text = part->content != NULL ? sy_parts_dup_text (part->content) : g_strdup (part->text);

  sy_json_write_elem (out);
  g_string_append (out, "{\"functionResponse\":{\"name\":");
  sy_json_append_string (out, name);
  g_string_append (out, ",\"response\":");
  /* Gemini's convention: {"output": ...} or {"error": ...}; a JSON object result goes as is */
  if (part->is_error)
    {
      g_string_append (out, "{\"error\":");
      sy_json_append_string (out, text ? text : "");
      g_string_append_c (out, '}');
    }
  else if (text != NULL && sy_json_check_object (text, strlen (text), SY_GEMINI_MAX_DEPTH, NULL))
    g_string_append (out, text);
  else
    {
      g_string_append (out, "{\"output\":");
      sy_json_append_string (out, text ? text : "");
      g_string_append_c (out, '}');
    }
  g_string_append (out, "}}");

  for (guint i = 0; part->content != NULL && i < part->content->len; i++)
    {
      SyPart *item = g_ptr_array_index (part->content, i);
      g_autofree char *where = g_strdup_printf ("%s.content[%u]", path, i);

      if (item->kind == SY_PART_IMAGE && !emit_image (e, item, where, images, error))
        return FALSE;
    }
  return TRUE;
}

/* Images a tool returned: placed after the function responses they came with (Gemini counts
 * function responses against function calls, so they cannot go between them). */
static void
flush_images (GString *out,
              GString *images)
{
  if (images->len == 0)
    return;
  sy_json_write_elem (out);
  g_string_append_len (out, images->str, images->len);
  g_string_truncate (images, 0);
}

/* One part other than a function response. */
static gboolean
emit_part (Emit        *e,
           SyPart      *part,
           const char  *path,
           gboolean     needs_signature,
           GString     *out,
           GError     **error)
{
  switch (part->kind)
    {
    case SY_PART_TEXT:
      if ((part->text == NULL || *part->text == '\0') &&
          (part->signature == NULL || *part->signature == '\0'))
        break;
      sy_json_write_elem (out);
      g_string_append (out, "{\"text\":");
      sy_json_append_string (out, part->text ? part->text : "");
      append_signature (out, part->signature);
      g_string_append_c (out, '}');
      break;
    case SY_PART_IMAGE:
      return emit_image (e, part, path, out, error);
    case SY_PART_TOOL_CALL:
      return emit_tool_call (e, part, path, needs_signature, out, error);
    case SY_PART_THINKING:
      /* Reasoning text is the model's own output: Gemini takes no reasoning as input, and
       * whose signature a thinking part carries cannot be told apart (Anthropic's would be
       * refused). Function-call signatures are what Gemini validates; they travel. */
      if (!e->noted_thinking)
        _sy_gemini_note (e->notes, "%s: reasoning from earlier turns is not sent to Gemini "
                         "(it takes none as input)", path);
      e->noted_thinking = TRUE;
      break;
    case SY_PART_REDACTED_THINKING:
      if (!e->noted_redacted)
        _sy_gemini_note (e->notes, "%s: redacted reasoning (Anthropic) is not sent to Gemini",
                         path);
      e->noted_redacted = TRUE;
      break;
    case SY_PART_TOOL_RESULT:
    default:
      break;
    }
  return TRUE;
}

/* A model turn: messages [first, end). Its function calls are collected into calls (SyPart,
 * borrowed) for the turn that must answer them. */
static gboolean
emit_model_turn (Emit       *e,
                 guint       first,
                 guint       end,
                 GPtrArray  *calls,
                 GString    *out,
                 GError    **error)
{
  gboolean signed_step = FALSE;

  /* Gemini signs the first function call of a step (parallel calls: only the first). */
  for (guint i = first; i < end; i++)
    {
      SyMessage *m = g_ptr_array_index (e->request->messages, i);

      for (guint j = 0; j < m->parts->len; j++)
        {
          SyPart *part = g_ptr_array_index (m->parts, j);

          if (part->kind == SY_PART_TOOL_CALL && part->signature != NULL && *part->signature)
            signed_step = TRUE;
        }
    }
  for (guint i = first; i < end; i++)
    {
      SyMessage *m = g_ptr_array_index (e->request->messages, i);

      for (guint j = 0; j < m->parts->len; j++)
        {
          SyPart *part = g_ptr_array_index (m->parts, j);
          g_autofree char *path = g_strdup_printf ("messages[%u].parts[%u]", i, j);
          gboolean needs_signature = e->signatures_checked && i >= e->turn_start &&
                                     calls->len == 0 && !signed_step;

          if (part->kind == SY_PART_TOOL_RESULT)
            {
              _sy_gemini_note (e->notes, "%s: a function response in a model turn is not sent "
                               "(Gemini takes them from the user only)", path);
              continue;
            }
          if (!emit_part (e, part, path, needs_signature, out, error))
            return FALSE;
          if (part->kind == SY_PART_TOOL_CALL)
            g_ptr_array_add (calls, part);
        }
    }
  return TRUE;
}

/* The result in [first, end) that answers call: same id, else (no ids) the same name. */
static SyPart *
find_result (Emit        *e,
             guint        first,
             guint        end,
             SyPart      *call,
             GHashTable  *used,
             char       **path)
{
  for (int pass = 0; pass < 2; pass++)
    for (guint i = first; i < end; i++)
      {
        SyMessage *m = g_ptr_array_index (e->request->messages, i);

        for (guint j = 0; j < m->parts->len; j++)
          {
            SyPart *part = g_ptr_array_index (m->parts, j);

            if (part->kind != SY_PART_TOOL_RESULT || g_hash_table_contains (used, part))
              continue;
            if (pass == 0 ? (call->id != NULL && g_strcmp0 (part->id, call->id) == 0)
                          : (part->id == NULL && g_strcmp0 (part->name, call->name) == 0))
              {
                g_hash_table_add (used, part);
                *path = g_strdup_printf ("messages[%u].parts[%u]", i, j);
                return part;
              }
          }
      }
  return NULL;
}

/* A user turn: messages [first, end), answering calls (the model turn before; may be empty).
 * Gemini wants exactly one function response per call, first, in the calls' order: that is
 * how they go, an unanswered call gets an error response, and a response to no call is not
 * sent; both are noted. */
static gboolean
emit_user_turn (Emit       *e,
                guint       first,
                guint       end,
                GPtrArray  *calls,
                GString    *out,
                GError    **error)
{
  g_autoptr(GHashTable) used = g_hash_table_new (NULL, NULL);
  g_autoptr(GString) images = g_string_new (NULL);

  for (guint c = 0; c < calls->len; c++)
    {
      SyPart *call = g_ptr_array_index (calls, c);
      g_autofree char *path = NULL;
      SyPart *result = find_result (e, first, end, call, used, &path);

      if (result != NULL)
        {
          if (!emit_tool_result (e, result, path, out, images, error))
            return FALSE;
          continue;
        }
      _sy_gemini_note (e->notes, "messages[%u]: the call to %s (%s) has no result; Gemini needs "
                       "one, so an error response was added", first, call->name,
                       call->id ? call->id : "no id");
      sy_json_write_elem (out);
      g_string_append (out, "{\"functionResponse\":{\"name\":");
      sy_json_append_string (out, call->name);
      g_string_append (out, ",\"response\":{\"error\":\"no result was given for this call\"}}}");
    }
  flush_images (out, images);

  for (guint i = first; i < end; i++)
    {
      SyMessage *m = g_ptr_array_index (e->request->messages, i);

      for (guint j = 0; j < m->parts->len; j++)
        {
          SyPart *part = g_ptr_array_index (m->parts, j);
          g_autofree char *path = g_strdup_printf ("messages[%u].parts[%u]", i, j);

          if (part->kind == SY_PART_TOOL_RESULT)
            {
              if (!g_hash_table_contains (used, part))
                _sy_gemini_note (e->notes, "%s: a result for call %s, which the turn before did "
                                 "not make, is not sent (Gemini refuses it)", path,
                                 part->id ? part->id : "(no id)");
              continue;
            }
          if (!emit_part (e, part, path, FALSE, out, error))
            return FALSE;
        }
    }
  return TRUE;
}

/* contents: consecutive messages of one role make one turn (Gemini alternates turns). */
static gboolean
emit_contents (Emit     *e,
               GString  *out,
               GError  **error)
{
  g_autoptr(GString) parts = g_string_new (NULL);
  g_autoptr(GPtrArray) calls = g_ptr_array_new ();
  GPtrArray *messages = e->request->messages;
  int open_role = -1;

  sy_json_write_key (out, "contents");
  g_string_append_c (out, '[');
  for (guint first = 0, end; first < messages->len; first = end)
    {
      SyRole role = ((SyMessage *) g_ptr_array_index (messages, first))->role;
      gboolean ok;

      for (end = first + 1; end < messages->len; end++)
        if (((SyMessage *) g_ptr_array_index (messages, end))->role != role)
          break;
      g_string_truncate (parts, 0);
      g_string_append_c (parts, '[');
      if (role == SY_ROLE_ASSISTANT)
        {
          g_ptr_array_set_size (calls, 0);
          ok = emit_model_turn (e, first, end, calls, parts, error);
        }
      else
        {
          ok = emit_user_turn (e, first, end, calls, parts, error);
          g_ptr_array_set_size (calls, 0);
        }
      if (!ok)
        return FALSE;
      if (parts->len == 1)
        continue;  /* nothing Gemini can carry */
      if (open_role == (int) role)
        g_string_append_c (out, ',');
      else
        {
          if (open_role >= 0)
            g_string_append (out, "]},");
          g_string_append (out, role == SY_ROLE_ASSISTANT ? "{\"role\":\"model\",\"parts\":["
                                                          : "{\"role\":\"user\",\"parts\":[");
          open_role = (int) role;
        }
      g_string_append_len (out, parts->str + 1, parts->len - 1);
    }
  if (open_role >= 0)
    g_string_append (out, "]}");
  g_string_append_c (out, ']');
  return TRUE;
}

static void
emit_system (Emit    *e,
             GString *out)
{
  gboolean open = FALSE;

  for (guint i = 0; i < e->request->system->len; i++)
    {
      SyPart *part = g_ptr_array_index (e->request->system, i);

      if (part->kind != SY_PART_TEXT)
        {
          _sy_gemini_note (e->notes, "system[%u]: only text goes in Gemini's systemInstruction; "
                           "this part is not sent", i);
          continue;
        }
      if (part->text == NULL || *part->text == '\0')
        continue;
      if (!open)
        {
          sy_json_write_key (out, "systemInstruction");
          g_string_append (out, "{\"parts\":[");
          open = TRUE;
        }
      sy_json_write_elem (out);
      g_string_append (out, "{\"text\":");
      sy_json_append_string (out, part->text);
      g_string_append_c (out, '}');
    }
  if (open)
    g_string_append (out, "]}");
}

static gboolean
emit_tools (Emit     *e,
            GString  *out,
            GError  **error)
{
  const SyChatRequest *r = e->request;

  if (r->tools->len == 0)
    return TRUE;
  sy_json_write_key (out, "tools");
  g_string_append (out, "[{\"functionDeclarations\":[");
  for (guint i = 0; i < r->tools->len; i++)
    {
      SyTool *tool = g_ptr_array_index (r->tools, i);

      if (tool->name == NULL || *tool->name == '\0')
        {
          g_autofree char *where = g_strdup_printf ("tools[%u].name", i);

          sy_json_read_set_error (error, INVALID, where, NULL, "required");
          return FALSE;
        }
      sy_json_write_elem (out);
      g_string_append (out, "{\"name\":");
      sy_json_append_string (out, tool->name);
      if (tool->description != NULL)
        {
          sy_json_write_key (out, "description");
          sy_json_append_string (out, tool->description);
        }
      if (tool->parameters != NULL)
        {
          g_autofree char *path = g_strdup_printf ("tools[%u].parameters", i);
          g_autofree char *what = g_strdup_printf ("tool \"%s\"", tool->name);
          g_autoptr(JsonNode) clean = _sy_gemini_schema_sanitize (tool->parameters, path, what,
                                                                  e->notes, error);

          if (clean == NULL)
            return FALSE;
          sy_json_write_key (out, "parametersJsonSchema");
          sy_json_write_node_short (out, clean);
        }
      if (tool->strict)
        _sy_gemini_note (e->notes, "tool \"%s\": strict has no Gemini equivalent (Gemini "
                         "follows the schema without it)", tool->name);
      g_string_append_c (out, '}');
    }
  g_string_append (out, "]}]");

  switch (r->tool_choice)
    {
    case SY_TOOL_CHOICE_AUTO:
      g_string_append (out, ",\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"AUTO\"}}");
      break;
    case SY_TOOL_CHOICE_NONE:
      g_string_append (out, ",\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"NONE\"}}");
      break;
    case SY_TOOL_CHOICE_REQUIRED:
      g_string_append (out, ",\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"ANY\"}}");
      break;
    case SY_TOOL_CHOICE_NAMED:
      g_string_append (out, ",\"toolConfig\":{\"functionCallingConfig\":{\"mode\":\"ANY\"");
      if (r->tool_choice_name != NULL)
        {
          g_string_append (out, ",\"allowedFunctionNames\":[");
          sy_json_append_string (out, r->tool_choice_name);
          g_string_append_c (out, ']');
        }
      g_string_append (out, "}}");
      break;
    case SY_TOOL_CHOICE_UNSET:
    default:
      break;
    }
  return TRUE;
}

static void
emit_thinking (Emit    *e,
               GString *out)
{
  const SyChatRequest *r = e->request;
  gint64 budget = r->thinking_budget;

  if (r->reasoning_effort == SY_EFFORT_NONE && budget < 0)
    budget = 0;
  else if (budget < 0 && r->reasoning_effort != SY_EFFORT_UNSET)
    {
      static const char *const names[] = { "", "", "minimal", "low", "medium", "high" };

      switch (r->reasoning_effort)
        {
        case SY_EFFORT_MINIMAL: budget = BUDGET_MINIMAL; break;
        case SY_EFFORT_LOW: budget = BUDGET_LOW; break;
        case SY_EFFORT_MEDIUM: budget = BUDGET_MEDIUM; break;
        case SY_EFFORT_HIGH:
        default: budget = BUDGET_HIGH; break;
        }
      _sy_gemini_note (e->notes, "reasoning effort %s sent as thinkingBudget %" G_GINT64_FORMAT
                       " (Gemini sets thinking by budget)", names[r->reasoning_effort], budget);
    }
  if (budget < 0)
    return;
  sy_json_write_key (out, "thinkingConfig");
  g_string_append_printf (out, "{\"thinkingBudget\":%" G_GINT64_FORMAT, budget);
  /* so that the reasoning comes back and the client can be shown it */
  if (budget > 0)
    g_string_append (out, ",\"includeThoughts\":true");
  g_string_append_c (out, '}');
}

/* The members of generationConfig (none when there is nothing to configure). */
static gboolean
emit_generation_config (Emit     *e,
                        GString  *out,
                        GError  **error)
{
  const SyChatRequest *r = e->request;

  if (r->max_tokens >= 0)
    {
      sy_json_write_key (out, "maxOutputTokens");
      g_string_append_printf (out, "%" G_GINT64_FORMAT, r->max_tokens);
    }
  if (!isnan (r->temperature))
    {
      sy_json_write_key (out, "temperature");
      sy_json_write_double (out, r->temperature);
    }
  if (!isnan (r->top_p))
    {
      sy_json_write_key (out, "topP");
      sy_json_write_double (out, r->top_p);
    }
  if (r->top_k >= 0)
    {
      sy_json_write_key (out, "topK");
      g_string_append_printf (out, "%" G_GINT64_FORMAT, r->top_k);
    }
  if (!isnan (r->presence_penalty))
    {
      sy_json_write_key (out, "presencePenalty");
      sy_json_write_double (out, r->presence_penalty);
    }
  if (!isnan (r->frequency_penalty))
    {
      sy_json_write_key (out, "frequencyPenalty");
      sy_json_write_double (out, r->frequency_penalty);
    }
  if (r->seed != SY_UNSET)
    {
      sy_json_write_key (out, "seed");
      g_string_append_printf (out, "%" G_GINT64_FORMAT, r->seed);
    }
  if (r->stop != NULL && r->stop->len > 0)
    {
      sy_json_write_key (out, "stopSequences");
      g_string_append_c (out, '[');
      for (guint i = 0; i < MIN (r->stop->len, MAX_STOP_SEQUENCES); i++)
        {
          sy_json_write_elem (out);
          sy_json_append_string (out, g_ptr_array_index (r->stop, i));
        }
      g_string_append_c (out, ']');
      if (r->stop->len > MAX_STOP_SEQUENCES)
        _sy_gemini_note (e->notes, "stop: %u stop sequences, Gemini takes %d: the rest are not "
                         "sent", r->stop->len, MAX_STOP_SEQUENCES);
    }
  switch (r->format)
    {
    case SY_FORMAT_TEXT:
      sy_json_write_key (out, "responseMimeType");
      g_string_append (out, "\"text/plain\"");
      break;
    case SY_FORMAT_JSON_OBJECT:
    case SY_FORMAT_JSON_SCHEMA:
      sy_json_write_key (out, "responseMimeType");
      g_string_append (out, "\"application/json\"");
      if (r->format == SY_FORMAT_JSON_SCHEMA && r->format_schema != NULL)
        {
          g_autoptr(JsonNode) clean = _sy_gemini_schema_sanitize (r->format_schema,
                                                                  "response_format.schema",
                                                                  "response schema", e->notes,
                                                                  error);

          if (clean == NULL)
            return FALSE;
          sy_json_write_key (out, "responseJsonSchema");
          sy_json_write_node_short (out, clean);
        }
      break;
    case SY_FORMAT_UNSET:
    default:
      break;
    }
  emit_thinking (e, out);
  return TRUE;
}

GBytes *
_sy_gemini_emit_request (const SyChatRequest  *request,
                         GPtrArray            *notes,
                         GError              **error)
{
  g_autoptr(GString) out = g_string_sized_new (1024);
  g_autoptr(GString) config = g_string_new (NULL);
  Emit e = { request, notes, find_turn_start (request), checks_signatures (request->model) };
  gsize len;

  g_string_append_c (out, '{');
  emit_system (&e, out);
  if (!emit_contents (&e, out, error) ||
      !emit_tools (&e, out, error) ||
      !emit_generation_config (&e, config, error))
    return NULL;
  if (config->len > 0)
    {
      sy_json_write_key (out, "generationConfig");
      g_string_append_c (out, '{');
      g_string_append_len (out, config->str, config->len);
      g_string_append_c (out, '}');
    }
  if (request->parallel_tool_calls == 0)
    _sy_gemini_note (notes, "parallel_tool_calls: Gemini cannot be told not to call functions "
                     "in parallel");
  if (request->user != NULL)
    _sy_gemini_note (notes, "user: Gemini has no end-user id field; not sent");
  g_string_append_c (out, '}');
  len = out->len;
  return g_bytes_new_take (g_string_free (g_steal_pointer (&out), FALSE), len);
}

char *
_sy_gemini_request_path (const SyChatRequest *request)
{
  const char *id = _sy_gemini_model_id (request->model);
  const char *collection = "models";
  g_autofree char *escaped = NULL;

  /* a tuned model is addressed in its own collection */
  if (g_str_has_prefix (id, "tunedModels/"))
    {
      collection = "tunedModels";
      id += strlen ("tunedModels/");
    }
  escaped = g_uri_escape_string (id, NULL, TRUE);
  if (request->stream)
    return g_strdup_printf ("/%s/%s:streamGenerateContent?alt=sse", collection, escaped);
  return g_strdup_printf ("/%s/%s:generateContent", collection, escaped);
}
