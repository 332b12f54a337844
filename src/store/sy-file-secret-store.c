/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyFileSecretStore: secrets as JSON in <data_dir>/secrets.json, owner-only (mode 0600 in a
 * 0700 directory; an owner-only ACL on Windows), replaced atomically: both through
 * core/sy-private-file.c. Plaintext, except where the platform seals data for the user
 * (Windows' DPAPI, core/sy-user-seal.c): there the JSON is sealed behind SEALED_MAGIC, and a
 * plaintext file from before is read and sealed at the next write. All file I/O runs in GTask threads under one lock; it must never read
 * a file that other users could have read.
 */
#define G_LOG_DOMAIN "sy-store"

#include "store/sy-file-secret-store.h"

#include <errno.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "core/sy-private-file.h"
#include "core/sy-user-seal.h"

#define SECRETS_FILE_NAME    "secrets.json"
#define SECRETS_FILE_VERSION 1
/* A sealed file: this line, then the sealed JSON. JSON never starts with it. */
#define SEALED_MAGIC     "SWITCHYARD-SEALED-DPAPI-1\n"
#define SEALED_MAGIC_LEN (sizeof SEALED_MAGIC - 1)

struct _SyFileSecretStore
{
  GObject  parent_instance;

  char    *data_dir;
  char    *path;
};

enum {
  PROP_0,
  PROP_DATA_DIR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef enum
{
  OP_STORE,
  OP_LOOKUP,
  OP_CLEAR,
} OpKind;

typedef struct
{
  OpKind  kind;
  char   *id;
  char   *label;
  char   *secret;
} Op;

/* Every read-modify-write of a secrets file in this process holds this lock, so concurrent
 * calls, even through two stores on the same directory, never lose each other's writes. */
static GMutex file_lock;

static void sy_file_secret_store_iface_init (SySecretStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SyFileSecretStore, sy_file_secret_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SY_TYPE_SECRET_STORE,
                                                      sy_file_secret_store_iface_init))

static void
op_free (Op *op)
{
  g_free (op->id);
  g_free (op->label);
  g_free (op->secret);
  g_free (op);
}

static JsonObject *
new_entry (const char *label,
           const char *secret)
{
  JsonObject *entry = json_object_new ();

  json_object_set_string_member (entry, "label", label);
  json_object_set_string_member (entry, "secret", secret);
  return entry;
}

/* NULL unless member_name holds a string: the file may have been edited by hand. */
static char *
dup_string_member (JsonObject *object,
                   const char *member_name)
{
  JsonNode *node = json_object_get_member (object, member_name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_dup_string (node);
}

/* Returns the "secrets" object (id → {"label", "secret"}), empty when there is no file yet. */
static JsonObject *
load_secrets (SyFileSecretStore  *self,
              GError            **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GBytes) contents = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonObject) secrets = NULL;
  JsonObjectIter iter;
  JsonObject *root;
  JsonNode *version;
  const char *id;
  JsonNode *node;

  contents = sy_private_file_read (self->path, &local_error);
  if (contents == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return json_object_new ();

      if (g_error_matches (local_error, SY_PRIVATE_FILE_ERROR, SY_PRIVATE_FILE_ERROR_EXPOSED))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                     "%s It holds plaintext secrets: consider rotating the keys in it.",
                     local_error->message);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (g_bytes_get_size (contents) >= SEALED_MAGIC_LEN &&
      memcmp (g_bytes_get_data (contents, NULL), SEALED_MAGIC, SEALED_MAGIC_LEN) == 0)
    {
      GBytes *plain = sy_user_unseal ((const char *) g_bytes_get_data (contents, NULL) +
                                        SEALED_MAGIC_LEN,
                                      g_bytes_get_size (contents) - SEALED_MAGIC_LEN, error);

      if (plain == NULL)
        {
          g_prefix_error (error, "%s: ", self->path);
          return NULL;
        }
      g_bytes_unref (contents);
      contents = plain;
    }

  if (g_bytes_get_size (contents) == 0)
    goto invalid;

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, g_bytes_get_data (contents, NULL),
                                   g_bytes_get_size (contents), error))
    {
      g_prefix_error (error, "%s is not valid JSON: ", self->path);
      return NULL;
    }

  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    goto invalid;

  root = json_node_get_object (json_parser_get_root (parser));
  version = json_object_get_member (root, "version");
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version)
      || json_node_get_value_type (version) != G_TYPE_INT64
      || json_node_get_int (version) != SECRETS_FILE_VERSION)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "%s has an unknown version (this Switchyard reads version %d)",
                   self->path, SECRETS_FILE_VERSION);
      return NULL;
    }

  if (!json_object_has_member (root, "secrets")
      || !JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "secrets")))
    goto invalid;

  /* Rebuilt entry by entry: the result is mutable and outlives the parser. */
  secrets = json_object_new ();
  json_object_iter_init (&iter, json_object_get_object_member (root, "secrets"));
  while (json_object_iter_next (&iter, &id, &node))
    {
      g_autofree char *secret = NULL;
      g_autofree char *label = NULL;
      JsonObject *entry;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        goto invalid;

      entry = json_node_get_object (node);
      secret = dup_string_member (entry, "secret");
      if (secret == NULL)
        goto invalid;

      label = dup_string_member (entry, "label");
      json_object_set_object_member (secrets, id, new_entry (label != NULL ? label : id, secret));
    }

  return g_steal_pointer (&secrets);

invalid:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               "%s is not a Switchyard secrets file; move it away to start a new one",
               self->path);
  return NULL;
}

static gboolean
save_secrets (SyFileSecretStore  *self,
              JsonObject         *secrets,
              GError            **error)
{
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *data = NULL;
  size_t length = 0;

  if (g_mkdir_with_parents (self->data_dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Could not create the directory %s: %s", self->data_dir,
                   g_strerror (saved_errno));
      return FALSE;
    }

  json_object_set_int_member (root, "version", SECRETS_FILE_VERSION);
  json_object_set_string_member (root, "comment",
                                 sy_user_seal_available ()
                                 ? "Switchyard credentials, sealed for one Windows account."
                                 : "Switchyard credentials, NOT encrypted: keep this file mode "
                                   "0600 and out of backups you share.");
  json_object_set_object_member (root, "secrets", json_object_ref (secrets));
  json_node_set_object (node, root);

  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  data = json_generator_to_data (generator, &length);

  if (sy_user_seal_available ())
    {
      g_autoptr(GBytes) sealed = sy_user_seal (data, length, error);
      g_autoptr(GByteArray) file = NULL;

      if (sealed == NULL)
        return FALSE;
      file = g_byte_array_sized_new (SEALED_MAGIC_LEN + g_bytes_get_size (sealed));
      g_byte_array_append (file, (const guint8 *) SEALED_MAGIC, SEALED_MAGIC_LEN);
      g_byte_array_append (file, g_bytes_get_data (sealed, NULL), g_bytes_get_size (sealed));
      return sy_private_file_write (self->path, (const char *) file->data, file->len, error);
    }
  return sy_private_file_write (self->path, data, length, error);
}

static void
run_op_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  SyFileSecretStore *self = source_object;
  Op *op = task_data;
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&file_lock);
  g_autoptr(JsonObject) secrets = NULL;
  g_autoptr(GError) error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  secrets = load_secrets (self, &error);
  if (secrets == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  switch (op->kind)
    {
    case OP_LOOKUP:
      if (json_object_has_member (secrets, op->id))
        {
          JsonObject *entry = json_object_get_object_member (secrets, op->id);

          g_task_return_pointer (task, g_strdup (json_object_get_string_member (entry, "secret")),
                                 g_free);
        }
      else
        g_task_return_pointer (task, NULL, NULL);
      return;

    case OP_STORE:
      json_object_set_object_member (secrets, op->id, new_entry (op->label, op->secret));
      break;

    case OP_CLEAR:
      if (!json_object_has_member (secrets, op->id))
        {
          g_task_return_boolean (task, TRUE);
          return;
        }
      json_object_remove_member (secrets, op->id);
      break;

    default:
      g_assert_not_reached ();
    }

  if (!save_secrets (self, secrets, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
start_op (SyFileSecretStore   *self,
          OpKind               kind,
          const char          *id,
          const char          *label,
          const char          *secret,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          gpointer             source_tag)
{
  g_autoptr(GTask) task = NULL;
  Op *op;

  op = g_new0 (Op, 1);
  op->kind = kind;
  op->id = g_strdup (id);
  op->label = g_strdup (label);
  op->secret = g_strdup (secret);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);
  g_task_run_in_thread (task, run_op_in_thread);
}

static const char *
sy_file_secret_store_get_backend_name (SySecretStore *store)
{
  return "file";
}

static void
sy_file_secret_store_store_async (SySecretStore       *store,
                                  const char          *id,
                                  const char          *label,
                                  const char          *secret,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  start_op (SY_FILE_SECRET_STORE (store), OP_STORE, id, label, secret, cancellable, callback,
            user_data, sy_file_secret_store_store_async);
}

static gboolean
sy_file_secret_store_store_finish (SySecretStore  *store,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
sy_file_secret_store_lookup_async (SySecretStore       *store,
                                   const char          *id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  start_op (SY_FILE_SECRET_STORE (store), OP_LOOKUP, id, NULL, NULL, cancellable, callback,
            user_data, sy_file_secret_store_lookup_async);
}

static char *
sy_file_secret_store_lookup_finish (SySecretStore  *store,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
sy_file_secret_store_clear_async (SySecretStore       *store,
                                  const char          *id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  start_op (SY_FILE_SECRET_STORE (store), OP_CLEAR, id, NULL, NULL, cancellable, callback,
            user_data, sy_file_secret_store_clear_async);
}

static gboolean
sy_file_secret_store_clear_finish (SySecretStore  *store,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
sy_file_secret_store_constructed (GObject *object)
{
  SyFileSecretStore *self = SY_FILE_SECRET_STORE (object);

  G_OBJECT_CLASS (sy_file_secret_store_parent_class)->constructed (object);

  g_assert (self->data_dir != NULL);
  self->path = g_build_filename (self->data_dir, SECRETS_FILE_NAME, NULL);

#ifdef G_OS_WIN32
  g_message ("Secret store: file %s, sealed for your Windows account (DPAPI) and readable by "
             "your account alone.", self->path);
#else
  g_message ("Secret store: plaintext file %s. Credentials are NOT encrypted at rest; only "
             "its file mode (0600) protects them.", self->path);
#endif
}

static void
sy_file_secret_store_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  SyFileSecretStore *self = SY_FILE_SECRET_STORE (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sy_file_secret_store_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  SyFileSecretStore *self = SY_FILE_SECRET_STORE (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      self->data_dir = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sy_file_secret_store_finalize (GObject *object)
{
  SyFileSecretStore *self = SY_FILE_SECRET_STORE (object);

  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->path, g_free);

  G_OBJECT_CLASS (sy_file_secret_store_parent_class)->finalize (object);
}

static void
sy_file_secret_store_class_init (SyFileSecretStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = sy_file_secret_store_constructed;
  object_class->get_property = sy_file_secret_store_get_property;
  object_class->set_property = sy_file_secret_store_set_property;
  object_class->finalize = sy_file_secret_store_finalize;

  properties[PROP_DATA_DIR] =
    g_param_spec_string ("data-dir", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
sy_file_secret_store_iface_init (SySecretStoreInterface *iface)
{
  iface->get_backend_name = sy_file_secret_store_get_backend_name;
  iface->store_async = sy_file_secret_store_store_async;
  iface->store_finish = sy_file_secret_store_store_finish;
  iface->lookup_async = sy_file_secret_store_lookup_async;
  iface->lookup_finish = sy_file_secret_store_lookup_finish;
  iface->clear_async = sy_file_secret_store_clear_async;
  iface->clear_finish = sy_file_secret_store_clear_finish;
}

static void
sy_file_secret_store_init (SyFileSecretStore *self)
{
}

SySecretStore *
sy_file_secret_store_new (const char *data_dir)
{
  g_return_val_if_fail (data_dir != NULL && *data_dir != '\0', NULL);

  return g_object_new (SY_TYPE_FILE_SECRET_STORE,
                       "data-dir", data_dir,
                       NULL);
}

const char *
sy_file_secret_store_get_path (SyFileSecretStore *self)
{
  g_return_val_if_fail (SY_IS_FILE_SECRET_STORE (self), NULL);

  return self->path;
}
