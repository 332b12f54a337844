/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Writes the internal representation as an Anthropic Messages request. Owns Anthropic's
 * parameter rules: a required max_tokens, thinking as a budget or adaptive by model, what
 * thinking excludes (temperature, top_k, low top_p, forced tools), tool_choice. Every default
 * it must invent and everything it cannot carry goes to notes; it never invents a system
 * prompt. The messages are sy-anthropic-messages.c's. No I/O.
 */
#define G_LOG_DOMAIN "sy-translate"

#include "sy-anthropic-private.h"

#include <string.h>

#include "core/sy-json-scan.h"

typedef struct
{
  const SyChatRequest *request;
  GPtrArray           *notes;
} Emit;

static void
append_text_block (GString    *out,
                   const char *text)
{
  g_string_append (out, "{\"type\":\"text\",\"text\":");
  sy_json_append_string (out, text);
  g_string_append_c (out, '}');
}

/* --- parameters ------------------------------------------------------------------------------- */

/* How a model takes reasoning settings. Claude Opus/Sonnet 4.6 take both an explicit budget
 * and adaptive thinking with output_config.effort; later Claude models only adaptive (an
 * explicit budget is a 400); earlier ones, and models of other vendors behind an
 * Anthropic-compatible API, only a budget. Only the closed list of older Claude names is
 * matched, so a future Claude model defaults to adaptive. */
typedef enum {
  THINKING_BUDGET_ONLY,
  THINKING_BOTH,
  THINKING_ADAPTIVE_ONLY,
} ThinkingStyle;

static ThinkingStyle
thinking_style (const char *model)
{
  const char *p = model ? strstr (model, "claude-") : NULL;
  guint64 major = 0, minor = 0;
  char *end;

  if (p == NULL)
    return THINKING_BUDGET_ONLY;
  p += strlen ("claude-");
  /* claude-3-5-sonnet-..., claude-2.1, claude-instant-1.2 */
  if (g_ascii_isdigit (*p) || g_str_has_prefix (p, "instant"))
    return THINKING_BUDGET_ONLY;
  /* claude-<family>-<major>[-<minor>][-<date>] */
  while (*p != '\0' && *p != '-')
    p++;
  if (*p != '-' || !g_ascii_isdigit (p[1]))
    return THINKING_ADAPTIVE_ONLY;
  major = g_ascii_strtoull (p + 1, &end, 10);
  /* A minor version is one or two digits; eight digits are a date (claude-sonnet-4-2025...). */
  if (end[0] == '-' && g_ascii_isdigit (end[1]) &&
      (!g_ascii_isdigit (end[2]) || !g_ascii_isdigit (end[3])))
    minor = g_ascii_strtoull (end + 1, NULL, 10);
  if (major < 4 || (major == 4 && minor <= 5))
    return THINKING_BUDGET_ONLY;
  if (major == 4 && minor == 6)
    return THINKING_BOTH;
  return THINKING_ADAPTIVE_ONLY;
}

static const char *
effort_name (SyEffort effort)
{
  switch (effort)
    {
    case SY_EFFORT_MINIMAL:
    case SY_EFFORT_LOW: return "low";
    case SY_EFFORT_MEDIUM: return "medium";
    case SY_EFFORT_HIGH: return "high";
    case SY_EFFORT_UNSET:
    case SY_EFFORT_NONE:
    default: return NULL;
    }
}

static gint64
effort_budget (SyEffort effort)
{
  switch (effort)
    {
    case SY_EFFORT_MINIMAL: return 1024;
    case SY_EFFORT_LOW: return 2048;
    case SY_EFFORT_MEDIUM: return 8192;
    case SY_EFFORT_HIGH: return 24576;
    case SY_EFFORT_UNSET:
    case SY_EFFORT_NONE:
    default: return 0;
    }
}

/* What is sent for reasoning and the token limit, settled together. */
typedef struct
{
  gint64      budget;        /* thinking {type: enabled, budget_tokens}, or 0 */
  const char *effort;        /* thinking {type: adaptive} + output_config.effort, or NULL */
  gint64      max_tokens;
} Thinking;

static void
settle_thinking (Emit     *e,
                 Thinking *th,
                 gboolean  history_allows)
{
  const SyChatRequest *r = e->request;
  ThinkingStyle style = thinking_style (r->model);
  gboolean forced_tool = r->tools->len > 0 && (r->tool_choice == SY_TOOL_CHOICE_REQUIRED ||
                                               r->tool_choice == SY_TOOL_CHOICE_NAMED);
  gint64 budget = 0;
  SyEffort effort = SY_EFFORT_UNSET;

  th->budget = 0;
  th->effort = NULL;
  th->max_tokens = r->max_tokens;

  if (r->reasoning_effort == SY_EFFORT_NONE)
    ;
  else if (r->thinking_budget > 0)
    {
      budget = r->thinking_budget;
      if (style == THINKING_ADAPTIVE_ONLY)
        {
          effort = sy_effort_for_budget (budget);
          _sy_anthropic_note (e->notes, "thinking budget %" G_GINT64_FORMAT " sent as adaptive "
                              "thinking with effort \"%s\": %s takes no explicit budget",
                              budget, effort_name (effort), r->model);
          budget = 0;
        }
    }
  else if (r->reasoning_effort != SY_EFFORT_UNSET && r->thinking_budget == SY_UNSET)
    {
      if (style == THINKING_BUDGET_ONLY)
        {
          budget = effort_budget (r->reasoning_effort);
          _sy_anthropic_note (e->notes, "reasoning effort \"%s\" sent as a thinking budget of "
                              "%" G_GINT64_FORMAT " tokens",
                              r->reasoning_effort == SY_EFFORT_MINIMAL
                                ? "minimal" : effort_name (r->reasoning_effort), budget);
        }
      else
        {
          effort = r->reasoning_effort;
          if (effort == SY_EFFORT_MINIMAL)
            _sy_anthropic_note (e->notes, "reasoning effort \"minimal\" sent as \"low\", "
                                "Anthropic's lowest");
        }
    }

  if ((budget > 0 || effort != SY_EFFORT_UNSET) && forced_tool)
    {
      _sy_anthropic_note (e->notes, "thinking dropped: Anthropic does not allow it when "
                          "tool_choice forces a tool");
      budget = 0;
      effort = SY_EFFORT_UNSET;
    }
  if ((budget > 0 || effort != SY_EFFORT_UNSET) && !history_allows)
    {
      _sy_anthropic_note (e->notes, "thinking dropped: the assistant message this tool loop "
                          "continues has no signed thinking block, which Anthropic requires "
                          "when thinking is on");
      budget = 0;
      effort = SY_EFFORT_UNSET;
    }
  if (budget > 0 && budget < SY_ANTHROPIC_MIN_THINKING_BUDGET)
    {
      _sy_anthropic_note (e->notes, "thinking budget %" G_GINT64_FORMAT " raised to %d, "
                          "Anthropic's minimum", budget, SY_ANTHROPIC_MIN_THINKING_BUDGET);
      budget = SY_ANTHROPIC_MIN_THINKING_BUDGET;
    }

  if (th->max_tokens == SY_UNSET)
    {
      gint64 room = budget > 0 ? budget : effort_budget (effort);

      th->max_tokens = SY_ANTHROPIC_DEFAULT_MAX_TOKENS + room;
      if (room > 0)
        _sy_anthropic_note (e->notes, "max_tokens defaulted to %" G_GINT64_FORMAT " (%d plus "
                            "%" G_GINT64_FORMAT " for thinking): Anthropic requires it",
                            th->max_tokens, SY_ANTHROPIC_DEFAULT_MAX_TOKENS, room);
      else
        _sy_anthropic_note (e->notes, "max_tokens defaulted to %d: Anthropic requires it",
                            SY_ANTHROPIC_DEFAULT_MAX_TOKENS);
    }
  else if (budget > 0 && budget >= th->max_tokens)
    {
      /* max_tokens counts thinking too and must exceed the budget. */
      if (th->max_tokens <= SY_ANTHROPIC_MIN_THINKING_BUDGET)
        {
          _sy_anthropic_note (e->notes, "thinking dropped: max_tokens %" G_GINT64_FORMAT
                              " leaves no room for Anthropic's minimum budget of %d",
                              th->max_tokens, SY_ANTHROPIC_MIN_THINKING_BUDGET);
          return;
        }
      _sy_anthropic_note (e->notes, "thinking budget %" G_GINT64_FORMAT " lowered to %"
                          G_GINT64_FORMAT ": Anthropic requires it below max_tokens",
                          budget, MAX (th->max_tokens / 2, SY_ANTHROPIC_MIN_THINKING_BUDGET));
      budget = MAX (th->max_tokens / 2, SY_ANTHROPIC_MIN_THINKING_BUDGET);
    }
  th->budget = budget;
  th->effort = effort_name (effort);
}

static void
append_system (Emit    *e,
               GString *out)
{
  const SyChatRequest *r = e->request;
  guint n = 0;

  for (guint i = 0; i < r->system->len; i++)
    {
      const SyPart *p = g_ptr_array_index (r->system, i);

      if (p->kind != SY_PART_TEXT)
        _sy_anthropic_note (e->notes, "system: content other than text dropped");
      else if (p->text != NULL && *p->text != '\0')
        n++;
    }
  if (n == 0)
    return;

  g_string_append (out, ",\"system\":[");
  n = 0;
  for (guint i = 0; i < r->system->len; i++)
    {
      const SyPart *p = g_ptr_array_index (r->system, i);

      if (p->kind != SY_PART_TEXT || p->text == NULL || *p->text == '\0')
        continue;
      if (n++ > 0)
        g_string_append_c (out, ',');
      append_text_block (out, p->text);
    }
  g_string_append_c (out, ']');
}

static void
append_tools (Emit    *e,
              GString *out)
{
  const SyChatRequest *r = e->request;
  gboolean forced = r->tool_choice == SY_TOOL_CHOICE_REQUIRED ||
                    r->tool_choice == SY_TOOL_CHOICE_NAMED;

  if (r->tools->len == 0)
    {
      if (forced || r->tool_choice == SY_TOOL_CHOICE_AUTO || r->parallel_tool_calls == 0)
        _sy_anthropic_note (e->notes, "tool_choice dropped: the request has no tools");
      return;
    }

  g_string_append (out, ",\"tools\":[");
  for (guint i = 0; i < r->tools->len; i++)
    {
      const SyTool *tool = g_ptr_array_index (r->tools, i);
      g_autofree char *schema = NULL;

      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append (out, "{\"name\":");
      sy_json_append_string (out, tool->name ? tool->name : "");
      if (tool->description != NULL)
        {
          g_string_append (out, ",\"description\":");
          sy_json_append_string (out, tool->description);
        }
      g_string_append (out, ",\"input_schema\":");
      if (tool->parameters != NULL && JSON_NODE_HOLDS_OBJECT (tool->parameters))
        {
          schema = json_to_string (tool->parameters, FALSE);
          g_string_append (out, schema);
        }
      else
        {
          g_string_append (out, "{\"type\":\"object\",\"properties\":{}}");
          _sy_anthropic_note (e->notes, "tools[%u].input_schema defaulted to an empty object "
                              "schema: Anthropic requires one", i);
        }
      if (tool->strict)
        _sy_anthropic_note (e->notes, "tools[%u].strict dropped: not every Anthropic model "
                            "takes strict tool schemas", i);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, ']');

  if (r->tool_choice == SY_TOOL_CHOICE_UNSET && r->parallel_tool_calls != 0)
    return;
  g_string_append (out, ",\"tool_choice\":{\"type\":");
  switch (r->tool_choice)
    {
    case SY_TOOL_CHOICE_NONE:
      g_string_append (out, "\"none\"}");
      return;
    case SY_TOOL_CHOICE_REQUIRED:
      g_string_append (out, "\"any\"");
      break;
    case SY_TOOL_CHOICE_NAMED:
      g_string_append (out, "\"tool\",\"name\":");
      sy_json_append_string (out, r->tool_choice_name ? r->tool_choice_name : "");
      break;
    case SY_TOOL_CHOICE_AUTO:
    case SY_TOOL_CHOICE_UNSET:
    default:
      /* Unset with parallel_tool_calls false: auto is Anthropic's default with tools. */
      g_string_append (out, "\"auto\"");
      break;
    }
  if (r->parallel_tool_calls == 0)
    g_string_append (out, ",\"disable_parallel_tool_use\":true");
  g_string_append_c (out, '}');
}

static void
append_sampling (Emit           *e,
                 GString        *out,
                 const Thinking *th)
{
  const SyChatRequest *r = e->request;
  gboolean thinking = th->budget > 0 || th->effort != NULL;
  gboolean has_temperature = FALSE;

  if (!isnan (r->temperature))
    {
      if (thinking)
        _sy_anthropic_note (e->notes, "temperature dropped: Anthropic does not allow it with "
                            "extended thinking");
      else
        {
          double t = CLAMP (r->temperature, 0.0, 1.0);

          if (t != r->temperature)
            _sy_anthropic_note (e->notes, "temperature %g clamped to %g: Anthropic's range is "
                                "0 to 1", r->temperature, t);
          g_string_append (out, ",\"temperature\":");
          sy_json_write_double (out, t);
          has_temperature = TRUE;
        }
    }
  if (!isnan (r->top_p))
    {
      if (has_temperature)
        _sy_anthropic_note (e->notes, "top_p dropped: recent Claude models refuse temperature "
                            "and top_p together");
      else if (thinking && r->top_p < 0.95)
        _sy_anthropic_note (e->notes, "top_p dropped: with extended thinking Anthropic only "
                            "takes 0.95 to 1");
      else
        {
          g_string_append (out, ",\"top_p\":");
          sy_json_write_double (out, r->top_p);
        }
    }
  if (r->top_k >= 0)
    {
      if (thinking)
        _sy_anthropic_note (e->notes, "top_k dropped: Anthropic does not allow it with extended "
                            "thinking");
      else
        g_string_append_printf (out, ",\"top_k\":%" G_GINT64_FORMAT, r->top_k);
    }
  if (r->seed != SY_UNSET)
    _sy_anthropic_note (e->notes, "seed dropped: Anthropic has no seed");
  if (!isnan (r->presence_penalty))
    _sy_anthropic_note (e->notes, "presence_penalty dropped: Anthropic has no such parameter");
  if (!isnan (r->frequency_penalty))
    _sy_anthropic_note (e->notes, "frequency_penalty dropped: Anthropic has no such parameter");

  if (r->stop != NULL && r->stop->len > 0)
    {
      g_string_append (out, ",\"stop_sequences\":[");
      for (guint i = 0; i < r->stop->len; i++)
        {
          if (i > 0)
            g_string_append_c (out, ',');
          sy_json_append_string (out, g_ptr_array_index (r->stop, i));
        }
      g_string_append_c (out, ']');
    }
}

static void
append_output_config (Emit           *e,
                      GString        *out,
                      const Thinking *th)
{
  const SyChatRequest *r = e->request;
  gboolean schema = r->format == SY_FORMAT_JSON_SCHEMA && r->format_schema != NULL &&
                    JSON_NODE_HOLDS_OBJECT (r->format_schema);
  gboolean first = TRUE;

  if (r->format == SY_FORMAT_JSON_OBJECT)
    _sy_anthropic_note (e->notes, "response_format json_object dropped: Anthropic only "
                        "constrains output to a JSON schema");
  else if (r->format == SY_FORMAT_JSON_SCHEMA && !schema)
    _sy_anthropic_note (e->notes, "response_format json_schema without a schema dropped");
  if (schema && r->format_name != NULL)
    _sy_anthropic_note (e->notes, "response_format name \"%s\" dropped: Anthropic's "
                        "output_config.format has none", r->format_name);

  if (!schema && th->effort == NULL)
    return;
  g_string_append (out, ",\"output_config\":{");
  if (th->effort != NULL)
    {
      _sy_anthropic_key (out, &first, "effort");
      sy_json_append_string (out, th->effort);
    }
  if (schema)
    {
      g_autofree char *text = json_to_string (r->format_schema, FALSE);

      _sy_anthropic_key (out, &first, "format");
      g_string_append (out, "{\"type\":\"json_schema\",\"schema\":");
      g_string_append (out, text);
      g_string_append_c (out, '}');
    }
  g_string_append_c (out, '}');
}

GBytes *
_sy_anthropic_emit_request (const SyChatRequest  *request,
                            GPtrArray            *notes,
                            GError              **error)
{
  Emit e = { request, notes };
  g_autoptr(SyAnthropicTurns) turns = NULL;
  g_autoptr(GString) out = g_string_sized_new (4096);
  Thinking th;

  g_return_val_if_fail (request != NULL, NULL);

  if ((turns = _sy_anthropic_turns_new (request, notes, error)) == NULL)
    return NULL;
  settle_thinking (&e, &th, _sy_anthropic_turns_allow_thinking (turns));
  _sy_anthropic_turns_settle_thinking (turns, th.budget > 0 || th.effort != NULL);

  g_string_append_c (out, '{');
  g_string_append (out, "\"model\":");
  sy_json_append_string (out, request->model ? request->model : "");
  g_string_append_printf (out, ",\"max_tokens\":%" G_GINT64_FORMAT, th.max_tokens);
  append_system (&e, out);
  if (!_sy_anthropic_turns_append (turns, out, error))
    return NULL;
  append_tools (&e, out);
  if (th.budget > 0)
    g_string_append_printf (out, ",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":%"
                            G_GINT64_FORMAT "}", th.budget);
  else if (th.effort != NULL)
    g_string_append (out, ",\"thinking\":{\"type\":\"adaptive\"}");
  append_output_config (&e, out, &th);
  append_sampling (&e, out, &th);
  if (request->user != NULL)
    {
      g_string_append (out, ",\"metadata\":{\"user_id\":");
      sy_json_append_string (out, request->user);
      g_string_append_c (out, '}');
    }
  if (request->stream)
    g_string_append (out, ",\"stream\":true");
  g_string_append_c (out, '}');

  return g_string_free_to_bytes (g_steal_pointer (&out));
}
