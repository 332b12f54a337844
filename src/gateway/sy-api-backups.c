/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * /api/db-backups: GET lists the automatic pre-import backups; GET .../export sends the
 * database, GET .../exportAll the full .tar.gz archive, POST .../import replaces the database
 * and switches the running gateway to it. Copies and checks run in GTask threads (store/
 * sy-db-backup.c); the main loop only hands bytes over and swaps objects. A rejected import
 * changes nothing.
 */
#define G_LOG_DOMAIN "sy-gateway"

#include "sy-api.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "core/sy-private-file.h"  /* O_CLOEXEC on Windows */
#include "gateway/sy-backup-archive.h"
#include "gateway/sy-http.h"
#include "store/sy-database.h"
#include "store/sy-db-backup.h"

#define IMPORT_RUNNING_KEY  "sy-api-backups-import-running"
/* Room for the multipart/form-data envelope around the largest database. */
#define ENVELOPE_BYTES      (64 * 1024)
#define IMPORT_PATH         "/api/db-backups/import"

typedef enum {
  JOB_EXPORT,
  JOB_EXPORT_ALL,
  JOB_IMPORT,
} JobKind;

/* What a worker thread needs, and the request it answers. The thread reads only the plain
 * fields; gateway and msg are touched (and let go) on the main thread alone. */
typedef struct
{
  JobKind            kind;
  SyGateway         *gateway;
  SoupServerMessage *msg;
  gulong             finished_id;
  gulong             disconnected_id;
  gboolean           client_gone;
  char              *data_dir;
  char              *db_path;
  GPtrArray         *entries;   /* JOB_EXPORT_ALL */
  GBytes            *upload;    /* JOB_IMPORT */
} Job;

static void
job_free (Job *job)
{
  /* Main-thread objects were released in job_release (); this may run in the worker. */
  g_assert (job->gateway == NULL && job->msg == NULL);
  g_free (job->data_dir);
  g_free (job->db_path);
  g_clear_pointer (&job->entries, g_ptr_array_unref);
  g_clear_pointer (&job->upload, g_bytes_unref);
  g_free (job);
}

static void
client_gone_cb (SoupServerMessage *msg,
                gpointer           user_data)
{
  Job *job = user_data;

  job->client_gone = TRUE;
}

static Job *
job_new (JobKind    kind,
         SyApiCall *call)
{
  Job *job = g_new0 (Job, 1);

  job->kind = kind;
  job->gateway = g_object_ref (call->gateway);
  job->msg = g_object_ref (call->msg);
  job->data_dir = g_strdup (sy_gateway_get_data_dir (call->gateway));
  job->db_path = g_build_filename (job->data_dir, "switchyard.db", NULL);
  /* A paused message can go away under us (client gone, server stopped): never answer it
   * then. */
  job->finished_id = g_signal_connect (job->msg, "finished", G_CALLBACK (client_gone_cb), job);
  job->disconnected_id = g_signal_connect (job->msg, "disconnected", G_CALLBACK (client_gone_cb),
                                           job);
  soup_server_message_pause (job->msg);
  return job;
}

/* Main thread, once the reply (if any) is set: resumes the message and lets go of it. */
static void
job_release (Job *job)
{
  g_clear_signal_handler (&job->finished_id, job->msg);
  g_clear_signal_handler (&job->disconnected_id, job->msg);
  if (!job->client_gone)
    soup_server_message_unpause (job->msg);
  g_clear_object (&job->msg);
  g_clear_object (&job->gateway);
}

/* A new private file in the data dir (same file system as the database, mode 0600). */
static char *
make_temp_path (const char  *dir,
                const char  *pattern,
                GError     **error)
{
  g_autofree char *path = g_build_filename (dir, pattern, NULL);
  int fd = g_mkstemp_full (path, O_RDWR | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot create %s: %s",
                   path, g_strerror (saved));
      return NULL;
    }
  close (fd);
  return g_steal_pointer (&path);
}

/* A private database copy and whatever SQLite left beside it. */
static void
remove_database_files (const char *path)
{
  static const char * const suffixes[] = { "", "-journal", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_unlink (file);
    }
}

/* The file's bytes without reading them into memory; the name goes at once. */
static GBytes *
map_and_unlink (const char  *path,
                GError     **error)
{
  g_autoptr(GMappedFile) mapped = g_mapped_file_new (path, FALSE, error);

  g_unlink (path);
  return mapped ? g_mapped_file_get_bytes (mapped) : NULL;
}

/* --- export -------------------------------------------------------------------------------- */

static void
export_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Job *job = task_data;
  g_autofree char *snapshot = NULL;
  g_autofree char *archive = NULL;
  GError *error = NULL;
  GBytes *bytes;

  if ((snapshot = make_temp_path (job->data_dir, ".export-XXXXXX.sqlite", &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!sy_db_backup_copy (job->db_path, snapshot, &error))
    {
      remove_database_files (snapshot);
      g_task_return_error (task, error);
      return;
    }
  if (job->kind == JOB_EXPORT_ALL)
    {
      archive = make_temp_path (job->data_dir, ".export-XXXXXX.tar.gz", &error);
      if (archive != NULL && !sy_backup_archive_write (archive, job->entries, snapshot, &error))
        {
          g_unlink (archive);
          g_clear_pointer (&archive, g_free);
        }
      remove_database_files (snapshot);
      if (archive == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  bytes = map_and_unlink (archive ? archive : snapshot, &error);
  if (bytes == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
}

static void
export_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_task_propagate_pointer (G_TASK (result), &error);

  if (bytes == NULL)
    {
      g_warning ("database export failed: %s", error->message);
      if (!job->client_gone)
        sy_api_reply_gerror (job->msg, error);
    }
  else if (!job->client_gone)
    {
      SoupMessageHeaders *headers = soup_server_message_get_response_headers (job->msg);
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();
      g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
      gboolean all = job->kind == JOB_EXPORT_ALL;
      g_autofree char *filename = g_strdup_printf ("switchyard-%s.%s", stamp,
                                                   all ? "tar.gz" : "sqlite");
      g_autoptr(GHashTable) params = g_hash_table_new (g_str_hash, g_str_equal);

      g_hash_table_insert (params, (gpointer) "filename", filename);
      soup_message_headers_set_content_disposition (headers, "attachment", params);
      soup_server_message_set_status (job->msg, SOUP_STATUS_OK, NULL);
      soup_message_headers_set_content_type (headers, all ? "application/gzip"
                                                          : "application/vnd.sqlite3", NULL);
      soup_message_body_append_bytes (soup_server_message_get_response_body (job->msg), bytes);
    }
  job_release (job);
}

static void
start_export (SyApiCall *call,
              JobKind    kind)
{
  Job *job = job_new (kind, call);
  g_autoptr(GTask) task = g_task_new (NULL, NULL, export_done_cb, NULL);

  /* The JSON members come from the repositories, which live on this thread. */
  if (kind == JOB_EXPORT_ALL)
    job->entries = sy_backup_archive_collect (call->gateway);
  g_task_set_source_tag (task, start_export);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, export_thread);
}

/* --- import -------------------------------------------------------------------------------- */

goffset
sy_api_backups_body_limit (const char *path)
{
  gsize len = strlen (path);

  while (len > 1 && path[len - 1] == '/')
    len--;
  if (len == strlen (IMPORT_PATH) && strncmp (path, IMPORT_PATH, len) == 0)
    return SY_DB_BACKUP_MAX_IMPORT_BYTES + ENVELOPE_BYTES;
  return -1;
}

static void
reply_too_large (SoupServerMessage *msg)
{
  sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                         "invalid_request_error", "request_too_large",
                         "file: a database to import may be at most %" G_GOFFSET_FORMAT
                         " bytes (100 MB)", SY_DB_BACKUP_MAX_IMPORT_BYTES);
}

static gboolean
is_raw_type (const char *type)
{
  return type == NULL || g_ascii_strcasecmp (type, "application/octet-stream") == 0 ||
         g_ascii_strcasecmp (type, "application/vnd.sqlite3") == 0 ||
         g_ascii_strcasecmp (type, "application/x-sqlite3") == 0;
}

/* The "file" field of a form. */
static GBytes *
find_form_file (SoupMessageHeaders *headers,
                GBytes             *body,
                gboolean           *readable)
{
  g_autoptr(SoupMultipart) multipart = soup_multipart_new_from_message (headers, body);

  *readable = multipart != NULL;
  for (int i = 0; multipart != NULL && i < soup_multipart_get_length (multipart); i++)
    {
      SoupMessageHeaders *part_headers;
      GBytes *part_body;
      g_autoptr(GHashTable) params = NULL;

      if (soup_multipart_get_part (multipart, i, &part_headers, &part_body) &&
          soup_message_headers_get_content_disposition (part_headers, NULL, &params) &&
          g_strcmp0 (g_hash_table_lookup (params, "name"), "file") == 0)
        return g_bytes_ref (part_body);
    }
  return NULL;
}

/* The uploaded database, or NULL after replying why not. */
static GBytes *
read_upload (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GBytes) file = NULL;
  gboolean readable = TRUE;

  if (sy_http_body_exceeded (msg, SY_DB_BACKUP_MAX_IMPORT_BYTES + ENVELOPE_BYTES))
    {
      reply_too_large (msg);
      return NULL;
    }
  body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  if (type != NULL && g_ascii_strcasecmp (type, "multipart/form-data") == 0)
    file = find_form_file (headers, body, &readable);
  else if (is_raw_type (type))
    file = g_bytes_ref (body);
  else
    {
      sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                             "invalid_request_error", "unsupported_media_type",
                             "file: send the database as multipart/form-data (field \"file\") "
                             "or as an application/octet-stream body");
      return NULL;
    }

  if (file == NULL)
    sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_BAD_REQUEST,
                           "invalid_request_error", "invalid_value",
                           readable ? "file: missing; send the database as the form field "
                                      "\"file\" (curl -F file=@backup.sqlite)"
                                    : "file: the multipart/form-data body cannot be read");
  else if (g_bytes_get_size (file) > (gsize) SY_DB_BACKUP_MAX_IMPORT_BYTES)
    reply_too_large (msg);
  else if (g_bytes_get_size (file) == 0)
    sy_http_respond_error (msg, SY_DIALECT_OPENAI, SOUP_STATUS_BAD_REQUEST,
                           "invalid_request_error", "invalid_value", "file: empty");
  else
    return g_steal_pointer (&file);
  return NULL;
}

static gboolean
write_all (const char  *path,
           GBytes      *bytes,
           GError     **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  int fd = g_open (path, O_WRONLY | O_TRUNC | O_CLOEXEC, 0600);
  int saved = 0;

  if (fd < 0)
    saved = errno;
  while (fd >= 0 && len > 0 && saved == 0)
    {
      gssize n = write (fd, data, len);

      if (n < 0 && errno != EINTR)
        saved = errno;
      else if (n > 0)
        {
          data += n;
          len -= (gsize) n;
        }
    }
  if (fd >= 0 && close (fd) != 0 && saved == 0)
    saved = errno;
  if (saved != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "cannot write %s: %s",
                   path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* Check a private copy, back the current data up, then copy the import over it. */
static void
import_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Job *job = task_data;
  g_autofree char *copy = NULL;
  g_autofree char *backups = g_build_filename (job->data_dir, "backups", NULL);
  g_autofree char *name = NULL;
  GError *error = NULL;

  if ((copy = make_temp_path (job->data_dir, ".import-XXXXXX.sqlite", &error)) != NULL &&
      write_all (copy, job->upload, &error) &&
      sy_db_backup_check_import (copy, &error) &&
      (name = sy_db_backup_save_automatic (job->db_path, backups, &error)) != NULL &&
      !sy_db_backup_restore (copy, job->db_path, &error))
    g_clear_pointer (&name, g_free);
  if (copy != NULL)
    remove_database_files (copy);
  if (name == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&name), g_free);
}

static JsonNode *
import_summary (SyGateway  *gateway,
                const char *backup)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GPtrArray) connections = sy_connection_repo_list (sy_gateway_get_connections (gateway),
                                                              NULL);
  g_autoptr(GPtrArray) nodes = sy_node_repo_list (sy_gateway_get_nodes (gateway));
  g_autoptr(GPtrArray) combos = sy_combo_repo_list (sy_gateway_get_combos (gateway));

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "imported");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "schemaVersion");
  json_builder_add_int_value (b, sy_database_get_latest_version ());
  json_builder_set_member_name (b, "preImportBackup");
  json_builder_add_string_value (b, backup);
  json_builder_set_member_name (b, "providerNodes");
  json_builder_add_int_value (b, nodes->len);
  json_builder_set_member_name (b, "providerConnections");
  json_builder_add_int_value (b, connections->len);
  json_builder_set_member_name (b, "combos");
  json_builder_add_int_value (b, combos->len);
  json_builder_set_member_name (b, "apiKeys");
  json_builder_add_int_value (b, sy_api_key_repo_get_count (sy_gateway_get_api_keys (gateway)));
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* The file is in place: switch the gateway to it, or put the old data back if that fails. */
static void
import_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autofree char *backup = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(JsonNode) summary = NULL;

  g_object_set_data (G_OBJECT (job->gateway), IMPORT_RUNNING_KEY, NULL);
  if (backup == NULL)
    {
      if (!job->client_gone && g_error_matches (error, SY_STORE_ERROR, SY_STORE_ERROR_INVALID))
        sy_http_respond_error (job->msg, SY_DIALECT_OPENAI, SOUP_STATUS_BAD_REQUEST,
                               "invalid_request_error", "invalid_database", "%s", error->message);
      else if (!job->client_gone)
        sy_api_reply_gerror (job->msg, error);
      g_message ("database import refused: %s", error->message);
    }
  else if (!sy_gateway_reload_database (job->gateway, &error))
    {
      g_autofree char *path = g_build_filename (job->data_dir, "backups", backup, NULL);
      g_autoptr(GError) restore_error = NULL;

      /* Rare and serious: the old objects still serve, so put their data back under them. */
      g_warning ("the imported database cannot be loaded (%s); restoring %s", error->message, path);
      if (!sy_db_backup_restore (path, job->db_path, &restore_error))
        g_warning ("cannot restore %s: %s", path, restore_error->message);
      if (!job->client_gone)
        sy_http_respond_error (job->msg, SY_DIALECT_OPENAI, SOUP_STATUS_INTERNAL_SERVER_ERROR,
                               "api_error", "import_failed", "the imported database cannot be "
                               "loaded, the previous data is back: %s", error->message);
    }
  else
    {
      g_message ("imported a database; the previous one is in backups/%s", backup);
      summary = import_summary (job->gateway, backup);
      if (!job->client_gone)
        sy_api_reply (job->msg, SOUP_STATUS_OK, summary);
    }
  job_release (job);
}

static void
start_import (SyApiCall *call)
{
  g_autoptr(GBytes) upload = NULL;
  g_autoptr(GTask) task = NULL;
  Job *job;

  if (g_object_get_data (G_OBJECT (call->gateway), IMPORT_RUNNING_KEY) != NULL)
    {
      sy_http_respond_error (call->msg, SY_DIALECT_OPENAI, SOUP_STATUS_CONFLICT,
                             "invalid_request_error", "import_running",
                             "another database import is running; try again when it is done");
      return;
    }
  if ((upload = read_upload (call->msg)) == NULL)
    return;

  g_object_set_data (G_OBJECT (call->gateway), IMPORT_RUNNING_KEY, GINT_TO_POINTER (TRUE));
  /* Usage rows already taken belong in the pre-import backup. */
  sy_usage_writer_flush (sy_gateway_get_usage_writer (call->gateway));
  job = job_new (JOB_IMPORT, call);
  job->upload = g_steal_pointer (&upload);
  task = g_task_new (NULL, NULL, import_done_cb, NULL);
  g_task_set_source_tag (task, start_import);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, import_thread);
}

/* --- list and dispatch --------------------------------------------------------------------- */

static void
list_backups (SyApiCall *call)
{
  g_autofree char *dir = g_build_filename (sy_gateway_get_data_dir (call->gateway), "backups",
                                           NULL);
  g_autoptr(GPtrArray) list = sy_db_backup_list (dir);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (b);
  for (guint i = 0; i < list->len; i++)
    {
      SyDbBackupInfo *info = g_ptr_array_index (list, i);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, info->name);
      json_builder_set_member_name (b, "size");
      json_builder_add_int_value (b, info->size);
      json_builder_set_member_name (b, "createdAt");
      json_builder_add_int_value (b, info->created_at);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  sy_api_reply (call->msg, SOUP_STATUS_OK, root);
}

void
sy_api_backups_handle (SyApiCall *call)
{
  gboolean get = call->method == SOUP_METHOD_GET;

  if (call->id == NULL)
    {
      if (get)
        list_backups (call);
      else
        sy_api_reply_bad_method (call, "GET");
    }
  else if (g_str_equal (call->id, "export") || g_str_equal (call->id, "exportAll"))
    {
      if (get)
        start_export (call, g_str_equal (call->id, "export") ? JOB_EXPORT : JOB_EXPORT_ALL);
      else
        sy_api_reply_bad_method (call, "GET");
    }
  else if (g_str_equal (call->id, "import"))
    {
      if (call->method == SOUP_METHOD_POST)
        start_import (call);
      else
        sy_api_reply_bad_method (call, "POST");
    }
  else
    sy_http_respond_error (call->msg, SY_DIALECT_OPENAI, SOUP_STATUS_NOT_FOUND,
                           "invalid_request_error", "not_found",
                           "no database backup action \"%s\"; use export, exportAll or import",
                           call->id);
}
