/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The capability table behind SyMediaKind. The speech providers are told apart by their
 * catalog id; everything else by the dialect it speaks. A plan keeps its order: a target that
 * cannot serve the request is skipped like a provider without accounts, and only an empty
 * plan is an error. No I/O.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-media-target.h"

#include "routing/sy-model-resolver.h"

/* Providers that only transcribe, with their protocol. */
static const struct
{
  const char      *provider_id;
  SyAudioProtocol  protocol;
} speech_providers[] = {
  { "deepgram",   SY_AUDIO_PROTOCOL_DEEPGRAM },
  { "assemblyai", SY_AUDIO_PROTOCOL_ASSEMBLYAI },
};

static SyAudioProtocol
speech_protocol (const SyRoute *route)
{
  for (guint i = 0; i < G_N_ELEMENTS (speech_providers); i++)
    if (g_strcmp0 (route->provider_id, speech_providers[i].provider_id) == 0)
      return speech_providers[i].protocol;
  return SY_AUDIO_PROTOCOL_NONE;
}

SyAudioProtocol
sy_media_target_audio_protocol (const SyRoute *route)
{
  SyAudioProtocol protocol = speech_protocol (route);

  if (protocol != SY_AUDIO_PROTOCOL_NONE)
    return protocol;
  return route->dialect == SY_DIALECT_OPENAI ? SY_AUDIO_PROTOCOL_OPENAI : SY_AUDIO_PROTOCOL_NONE;
}

gboolean
sy_media_target_can_serve (const SyRoute *route,
                           SyMediaKind    kind)
{
  gboolean speech_only = speech_protocol (route) != SY_AUDIO_PROTOCOL_NONE;

  switch (kind)
    {
    case SY_MEDIA_TRANSCRIPTION:
      return sy_media_target_audio_protocol (route) != SY_AUDIO_PROTOCOL_NONE;
    case SY_MEDIA_EMBEDDINGS:
    case SY_MEDIA_IMAGES:
      return !speech_only && route->dialect == SY_DIALECT_OPENAI;
    case SY_MEDIA_CHAT:
    default:
      return !speech_only;
    }
}

const char *
sy_media_kind_endpoint (SyMediaKind kind)
{
  switch (kind)
    {
    case SY_MEDIA_EMBEDDINGS: return "/v1/embeddings";
    case SY_MEDIA_IMAGES: return "/v1/images/generations";
    case SY_MEDIA_TRANSCRIPTION: return "/v1/audio/transcriptions";
    case SY_MEDIA_CHAT:
    default: return "/v1/chat/completions";
    }
}

static char *
explain (const SyRoute *route,
         SyMediaKind    kind)
{
  if (speech_protocol (route) != SY_AUDIO_PROTOCOL_NONE)
    return g_strdup_printf ("model \"%s\": %s only transcribes audio (POST "
                            "/v1/audio/transcriptions)", route->requested_model,
                            route->provider_label);
  return g_strdup_printf ("model \"%s\": %s needs an OpenAI-compatible provider, and %s speaks "
                          "the %s API", route->requested_model, sy_media_kind_endpoint (kind),
                          route->provider_label, sy_dialect_to_string (route->dialect));
}

gboolean
sy_media_target_filter_plan (SyRoutePlan  *plan,
                             SyMediaKind   kind,
                             GError      **error)
{
  g_autofree char *first_reason = NULL;

  g_return_val_if_fail (plan != NULL, FALSE);

  for (guint i = 0; i < plan->targets->len;)
    {
      SyRoute *route = g_ptr_array_index (plan->targets, i);

      if (sy_media_target_can_serve (route, kind))
        {
          i++;
          continue;
        }
      if (first_reason == NULL)
        first_reason = explain (route, kind);
      g_debug ("%s: target %s/%s skipped: it cannot serve this endpoint",
               sy_media_kind_endpoint (kind), route->provider_label, route->upstream_model);
      g_ptr_array_remove_index (plan->targets, i);
    }
  if (plan->targets->len > 0)
    return TRUE;
  g_set_error_literal (error, SY_ROUTING_ERROR, SY_ROUTING_ERROR_INVALID_MODEL,
                       first_reason ? first_reason : "no target can serve this request");
  return FALSE;
}
