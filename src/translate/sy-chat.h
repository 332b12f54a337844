/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The internal representation every dialect is translated through: one chat request, one
 * complete response, and the events of a stream. Plain data with free functions; everything
 * is owned by its container. Pure: no I/O. Nothing here is invented on the way through: a
 * value the source did not give stays unset (-1, NAN or NULL), never defaulted.
 */
#pragma once

#include <json-glib/json-glib.h>
#include <math.h>

G_BEGIN_DECLS

#define SY_UNSET (-1)

/* --- content ------------------------------------------------------------------------------ */

typedef enum {
  SY_PART_TEXT,               /* text */
  SY_PART_IMAGE,              /* url (http/https), or data (base64) + media_type */
  SY_PART_TOOL_CALL,          /* id, name, arguments (JSON text of an object) */
  SY_PART_TOOL_RESULT,        /* id (the call's id), name (the function, when known), content,
                               * is_error */
  SY_PART_THINKING,           /* text (reasoning), signature (Anthropic; may be NULL) */
  SY_PART_REDACTED_THINKING,  /* data (opaque, Anthropic redacted_thinking) */
} SyPartKind;

typedef struct _SyPart SyPart;
struct _SyPart
{
  SyPartKind  kind;
  char       *text;
  char       *media_type;
  char       *data;
  char       *url;
  char       *id;
  char       *name;
  char       *arguments;
  /* Opaque token a provider asks to get back with this part: Anthropic's thinking signature,
   * Gemini's thoughtSignature on a functionCall or text part. Carried, never made up. */
  char       *signature;
  GPtrArray  *content;        /* TOOL_RESULT: SyPart (TEXT, IMAGE) */
  gboolean    is_error;
};

typedef enum {
  SY_ROLE_USER,               /* also carries TOOL_RESULT parts */
  SY_ROLE_ASSISTANT,
} SyRole;

typedef struct
{
  SyRole     role;
  GPtrArray *parts;           /* SyPart */
} SyMessage;

/* --- request ------------------------------------------------------------------------------ */

typedef struct
{
  char     *name;
  char     *description;
  JsonNode *parameters;       /* JSON Schema object, or NULL */
  gboolean  strict;
} SyTool;

typedef enum {
  SY_TOOL_CHOICE_UNSET,
  SY_TOOL_CHOICE_AUTO,
  SY_TOOL_CHOICE_NONE,
  SY_TOOL_CHOICE_REQUIRED,    /* any tool */
  SY_TOOL_CHOICE_NAMED,       /* tool_choice_name */
} SyToolChoice;

typedef enum {
  SY_EFFORT_UNSET,
  SY_EFFORT_NONE,             /* reasoning off */
  SY_EFFORT_MINIMAL,
  SY_EFFORT_LOW,
  SY_EFFORT_MEDIUM,
  SY_EFFORT_HIGH,
} SyEffort;

typedef enum {
  SY_FORMAT_UNSET,
  SY_FORMAT_TEXT,
  SY_FORMAT_JSON_OBJECT,
  SY_FORMAT_JSON_SCHEMA,      /* format_schema, format_name, format_strict */
} SyResponseFormat;

typedef struct
{
  char             *model;
  GPtrArray        *system;            /* SyPart (TEXT) */
  GPtrArray        *messages;          /* SyMessage */
  GPtrArray        *tools;             /* SyTool */
  SyToolChoice      tool_choice;
  char             *tool_choice_name;
  int               parallel_tool_calls;  /* SY_UNSET, 0, 1 */
  gboolean          stream;
  gboolean          stream_include_usage;

  gint64            max_tokens;        /* SY_UNSET if absent */
  double            temperature;       /* NAN if absent */
  double            top_p;             /* NAN if absent */
  gint64            top_k;             /* SY_UNSET if absent */
  double            presence_penalty;  /* NAN if absent */
  double            frequency_penalty; /* NAN if absent */
  gint64            seed;              /* SY_UNSET if absent */
  GPtrArray        *stop;              /* char*, or NULL */

  SyEffort          reasoning_effort;
  gint64            thinking_budget;   /* tokens; SY_UNSET if absent */

  SyResponseFormat  format;
  JsonNode         *format_schema;
  char             *format_name;
  gboolean          format_strict;

  char             *user;              /* end-user id for abuse tracking, if given */
} SyChatRequest;

/* --- response ----------------------------------------------------------------------------- */

typedef enum {
  SY_STOP_UNSET,
  SY_STOP_END_TURN,
  SY_STOP_MAX_TOKENS,
  SY_STOP_STOP_SEQUENCE,
  SY_STOP_TOOL_USE,
  SY_STOP_CONTENT_FILTER,
  SY_STOP_PAUSE,               /* Anthropic pause_turn */
  SY_STOP_REFUSAL,
} SyStopReason;

/* Token counts as the provider reported them; SY_UNSET when it did not. input counts all
 * prompt tokens including cached ones (OpenAI's convention); cache_read and cache_creation say
 * how many of those came from or went into the cache. */
typedef struct
{
  gint64 input;
  gint64 output;
  gint64 cache_read;
  gint64 cache_creation;
  gint64 reasoning;
} SyUsage;

typedef struct
{
  char         *id;
  char         *model;
  gint64        created;           /* unix seconds; SY_UNSET if unknown */
  GPtrArray    *parts;             /* SyPart: TEXT, THINKING, REDACTED_THINKING, TOOL_CALL */
  SyStopReason  stop_reason;
  char         *stop_sequence;
  SyUsage       usage;
} SyChatResponse;

/* --- stream events ------------------------------------------------------------------------ */

typedef enum {
  SY_EVENT_START,        /* id, model (either may be NULL) */
  SY_EVENT_PART_START,   /* index, part_kind; TOOL_CALL: id, name */
  SY_EVENT_DELTA,        /* index, part_kind, text: TEXT text, THINKING text, TOOL_CALL
                          * arguments fragment */
  SY_EVENT_SIGNATURE,    /* index, text: the part's signature (thinking or Gemini thought) */
  SY_EVENT_PART_STOP,    /* index */
  SY_EVENT_USAGE,        /* usage (a cumulative update) */
  SY_EVENT_FINISH,       /* stop_reason, stop_sequence; usage if known */
  SY_EVENT_ERROR,        /* status, error_type, text (message) */
  SY_EVENT_PING,         /* keep-alive */
  SY_EVENT_DONE,         /* the stream ended properly */
} SyEventKind;

/* Parts are numbered from 0 in order of appearance across the whole response; a decoder that
 * sees interleaved parts (OpenAI tool-call deltas by tool index) maps them to these numbers. */
typedef struct
{
  SyEventKind   kind;
  guint         index;
  SyPartKind    part_kind;
  const char   *id;
  const char   *name;
  const char   *model;
  const char   *text;
  gsize         text_len;
  SyStopReason  stop_reason;
  const char   *stop_sequence;
  SyUsage       usage;
  guint         status;
  const char   *error_type;
} SyStreamEvent;

typedef void (*SyStreamEventFunc) (const SyStreamEvent *event,
                                   gpointer             user_data);

/* --- lifetimes ---------------------------------------------------------------------------- */

SyPart         *sy_part_new              (SyPartKind           kind);
SyPart         *sy_part_new_text         (const char          *text);
void            sy_part_free             (SyPart              *part);
SyMessage      *sy_message_new           (SyRole               role);
void            sy_message_free          (SyMessage           *message);
SyTool         *sy_tool_new              (void);
void            sy_tool_free             (SyTool              *tool);
SyChatRequest  *sy_chat_request_new      (void);
void            sy_chat_request_free     (SyChatRequest       *request);
SyChatResponse *sy_chat_response_new     (void);
void            sy_chat_response_free    (SyChatResponse      *response);
void            sy_usage_init            (SyUsage             *usage);
/* Takes the known counts of update into usage. */
void            sy_usage_merge           (SyUsage             *usage,
                                          const SyUsage       *update);

/* The last message, creating one with role if there is none or it has another role. */
SyMessage      *sy_chat_request_ensure_message (SyChatRequest *request,
                                                SyRole         role);
/* The name of the function a tool call id belongs to, from earlier assistant messages. */
const char     *sy_chat_request_find_tool_name (SyChatRequest *request,
                                                const char    *tool_call_id);
/* All TEXT parts of parts joined with "\n\n" (NULL if there are none). */
char           *sy_parts_dup_text        (GPtrArray           *parts);

const char     *sy_stop_reason_to_string (SyStopReason         reason);
/* "none", "minimal", "low", "medium", "high" (OpenAI's names); NULL when unset. */
const char     *sy_effort_to_string      (SyEffort             effort);
/* The effort a thinking budget in tokens amounts to, for dialects that speak in efforts. */
SyEffort        sy_effort_for_budget     (gint64               budget_tokens);

/* Dialects without a place for a tool call's signature (OpenAI Chat, Responses) carry it
 * inside the tool call id they hand the client, which the client sends back unchanged:
 * "<id>" SY_TOOL_ID_SIGNATURE_SEPARATOR "<signature>". pack returns id alone when signature is
 * NULL; unpack splits (signature NULL when there is none). */
#define SY_TOOL_ID_SIGNATURE_SEPARATOR "__sysig__"
char           *sy_tool_call_id_pack     (const char           *id,
                                          const char           *signature);
void            sy_tool_call_id_unpack   (const char           *packed,
                                          char                **id,
                                          char                **signature);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyPart, sy_part_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyMessage, sy_message_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyTool, sy_tool_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyChatRequest, sy_chat_request_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyChatResponse, sy_chat_response_free)

G_END_DECLS
