/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One timed GET (or any message) with a time limit for the connection tests, and their common
 * answer. No wording of problems here, and no secrets: the caller sets the headers.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-probe.h"

typedef struct
{
  SoupMessage  *msg;
  GCancellable *cancellable;  /* ours: the timeout and the caller's cancellable cancel it */
  GCancellable *outer;
  gulong        outer_id;
  guint         timeout_id;
  gboolean      timed_out;
  gint64        start_us;
} Probe;

static void
probe_free (Probe *probe)
{
  g_clear_handle_id (&probe->timeout_id, g_source_remove);
  if (probe->outer != NULL)
    g_cancellable_disconnect (probe->outer, probe->outer_id);
  g_clear_object (&probe->outer);
  g_clear_object (&probe->msg);
  g_clear_object (&probe->cancellable);
  g_free (probe);
}

void
sy_probe_result_free (SyProbeResult *result)
{
  g_clear_pointer (&result->body, g_bytes_unref);
  g_clear_error (&result->error);
  g_free (result);
}

static gboolean
timeout_cb (gpointer user_data)
{
  Probe *probe = user_data;

  probe->timeout_id = 0;
  probe->timed_out = TRUE;
  g_cancellable_cancel (probe->cancellable);
  return G_SOURCE_REMOVE;
}

static void
outer_cancelled_cb (GCancellable *outer,
                    gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
finish (GTask  *task,
        GBytes *body,    /* taken */
        GError *error)   /* taken */
{
  Probe *probe = g_task_get_task_data (task);
  SyProbeResult *result = g_new0 (SyProbeResult, 1);

  g_clear_handle_id (&probe->timeout_id, g_source_remove);
  result->latency_ms = (g_get_monotonic_time () - probe->start_us) / 1000;
  result->timed_out = probe->timed_out;
  result->status = error == NULL ? soup_message_get_status (probe->msg) : 0;
  result->body = body;
  result->error = error;
  g_task_return_pointer (task, result, (GDestroyNotify) sy_probe_result_free);
}

static void
read_cb (GObject      *source,
         GAsyncResult *res,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GBytes *body = soup_session_send_and_read_finish (SOUP_SESSION (source), res, &error);

  finish (task, body, error);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *res,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(GInputStream) stream = soup_session_send_finish (SOUP_SESSION (source), res, &error);

  if (stream != NULL)
    g_input_stream_close (stream, NULL, NULL);
  finish (task, NULL, error);
}

void
sy_probe_send_async (SoupSession         *session,
                     SoupMessage         *msg,
                     guint                timeout_ms,
                     gboolean             read_body,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Probe *probe;

  g_return_if_fail (SOUP_IS_SESSION (session));
  g_return_if_fail (SOUP_IS_MESSAGE (msg));

  /* The task has no cancellable of its own: a cancelled probe still returns its result. */
  task = g_task_new (NULL, NULL, callback, user_data);
  g_task_set_source_tag (task, sy_probe_send_async);
  probe = g_new0 (Probe, 1);
  probe->msg = g_object_ref (msg);
  probe->cancellable = g_cancellable_new ();
  g_task_set_task_data (task, probe, (GDestroyNotify) probe_free);
  if (cancellable != NULL)
    {
      probe->outer = g_object_ref (cancellable);
      probe->outer_id = g_cancellable_connect (cancellable, G_CALLBACK (outer_cancelled_cb),
                                               g_object_ref (probe->cancellable),
                                               g_object_unref);
    }
  probe->start_us = g_get_monotonic_time ();
  probe->timeout_id = g_timeout_add (timeout_ms, timeout_cb, probe);
  if (read_body)
    soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, probe->cancellable,
                                      read_cb, g_steal_pointer (&task));
  else
    soup_session_send_async (session, msg, G_PRIORITY_DEFAULT, probe->cancellable, sent_cb,
                             g_steal_pointer (&task));
}

SyProbeResult *
sy_probe_send_finish (GAsyncResult *result)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), NULL);
}

JsonNode *
sy_probe_reply_new (guint       status,
                    gint64      latency_ms,
                    const char *problem)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "ok");
  json_builder_add_boolean_value (b, problem == NULL);
  json_builder_set_member_name (b, "status");
  if (status != 0)
    json_builder_add_int_value (b, status);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "latencyMs");
  json_builder_add_int_value (b, latency_ms);
  json_builder_set_member_name (b, "error");
  if (problem != NULL)
    json_builder_add_string_value (b, problem);
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}
