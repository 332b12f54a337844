/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyMemorySecretStore: a GHashTable behind the async SySecretStore calls. Each call takes
 * effect and completes in an idle of the caller's main context, in call order, like a real
 * backend would. It must never touch the disk or the bus.
 */
#define G_LOG_DOMAIN "sy-store"

#include "store/sy-memory-secret-store.h"

struct _SyMemorySecretStore
{
  GObject     parent_instance;

  GHashTable *secrets; /* id (owned) → secret (owned) */
};

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
  char   *secret;
} Op;

static void sy_memory_secret_store_iface_init (SySecretStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SyMemorySecretStore, sy_memory_secret_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (SY_TYPE_SECRET_STORE,
                                                      sy_memory_secret_store_iface_init))

static void
op_free (Op *op)
{
  g_free (op->id);
  g_free (op->secret);
  g_free (op);
}

/* The idle owns the task reference taken in start_op (). */
static gboolean
complete_op_cb (gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  SyMemorySecretStore *self = g_task_get_source_object (task);
  Op *op = g_task_get_task_data (task);

  if (g_task_return_error_if_cancelled (task))
    return G_SOURCE_REMOVE;

  switch (op->kind)
    {
    case OP_STORE:
      g_hash_table_replace (self->secrets, g_strdup (op->id), g_strdup (op->secret));
      g_task_return_boolean (task, TRUE);
      break;

    case OP_LOOKUP:
      g_task_return_pointer (task, g_strdup (g_hash_table_lookup (self->secrets, op->id)),
                             g_free);
      break;

    case OP_CLEAR:
      g_hash_table_remove (self->secrets, op->id);
      g_task_return_boolean (task, TRUE);
      break;

    default:
      g_assert_not_reached ();
    }

  return G_SOURCE_REMOVE;
}

static void
start_op (SyMemorySecretStore *self,
          OpKind               kind,
          const char          *id,
          const char          *secret,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data,
          gpointer             source_tag)
{
  g_autoptr(GSource) idle = NULL;
  GTask *task;
  Op *op;

  op = g_new0 (Op, 1);
  op->kind = kind;
  op->id = g_strdup (id);
  op->secret = g_strdup (secret);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, op, (GDestroyNotify) op_free);

  idle = g_idle_source_new ();
  g_task_attach_source (task, idle, complete_op_cb);
}

static const char *
sy_memory_secret_store_get_backend_name (SySecretStore *store)
{
  return "memory";
}

static void
sy_memory_secret_store_store_async (SySecretStore       *store,
                                    const char          *id,
                                    const char          *label,
                                    const char          *secret,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  start_op (SY_MEMORY_SECRET_STORE (store), OP_STORE, id, secret, cancellable, callback,
            user_data, sy_memory_secret_store_store_async);
}

static gboolean
sy_memory_secret_store_store_finish (SySecretStore  *store,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
sy_memory_secret_store_lookup_async (SySecretStore       *store,
                                     const char          *id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  start_op (SY_MEMORY_SECRET_STORE (store), OP_LOOKUP, id, NULL, cancellable, callback,
            user_data, sy_memory_secret_store_lookup_async);
}

static char *
sy_memory_secret_store_lookup_finish (SySecretStore  *store,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
sy_memory_secret_store_clear_async (SySecretStore       *store,
                                    const char          *id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  start_op (SY_MEMORY_SECRET_STORE (store), OP_CLEAR, id, NULL, cancellable, callback,
            user_data, sy_memory_secret_store_clear_async);
}

static gboolean
sy_memory_secret_store_clear_finish (SySecretStore  *store,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
sy_memory_secret_store_finalize (GObject *object)
{
  SyMemorySecretStore *self = SY_MEMORY_SECRET_STORE (object);

  g_clear_pointer (&self->secrets, g_hash_table_unref);

  G_OBJECT_CLASS (sy_memory_secret_store_parent_class)->finalize (object);
}

static void
sy_memory_secret_store_class_init (SyMemorySecretStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sy_memory_secret_store_finalize;
}

static void
sy_memory_secret_store_iface_init (SySecretStoreInterface *iface)
{
  iface->get_backend_name = sy_memory_secret_store_get_backend_name;
  iface->store_async = sy_memory_secret_store_store_async;
  iface->store_finish = sy_memory_secret_store_store_finish;
  iface->lookup_async = sy_memory_secret_store_lookup_async;
  iface->lookup_finish = sy_memory_secret_store_lookup_finish;
  iface->clear_async = sy_memory_secret_store_clear_async;
  iface->clear_finish = sy_memory_secret_store_clear_finish;
}

static void
sy_memory_secret_store_init (SyMemorySecretStore *self)
{
  self->secrets = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

SySecretStore *
sy_memory_secret_store_new (void)
{
  return g_object_new (SY_TYPE_MEMORY_SECRET_STORE, NULL);
}
