/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Prices by "provider\nmodel" in a hash table loaded once and written through; lookups are
 * O(1) and allocation-free apart from the key. Seeding the defaults happens here, in one
 * savepoint, before the load; it must never touch a row a user set (is_default = 0) nor
 * re-add one a user deleted (pricing_removed).
 */
#define G_LOG_DOMAIN "sy-store"

#include "sy-pricing-repo.h"

#include <string.h>

typedef struct
{
  SyPrice  price;
  gboolean is_default;
} Entry;

struct _SyPricingRepo
{
  GObject     parent_instance;
  SyDatabase *db;
  GHashTable *prices;   /* "provider\nmodel" -> Entry */
};

G_DEFINE_FINAL_TYPE (SyPricingRepo, sy_pricing_repo, G_TYPE_OBJECT)

void
sy_price_entry_free (SyPriceEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->provider);
  g_free (entry->model);
  g_free (entry);
}

static void
sy_pricing_repo_dispose (GObject *object)
{
  SyPricingRepo *self = SY_PRICING_REPO (object);

  g_clear_object (&self->db);
  g_clear_pointer (&self->prices, g_hash_table_unref);
  G_OBJECT_CLASS (sy_pricing_repo_parent_class)->dispose (object);
}

static void
sy_pricing_repo_class_init (SyPricingRepoClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = sy_pricing_repo_dispose;
}

static void
sy_pricing_repo_init (SyPricingRepo *self)
{
  self->prices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static char *
price_key (const char *provider,
           const char *model)
{
  return g_strconcat (provider, "\n", model, NULL);
}

static const char seed_sql[] =
  "INSERT INTO pricing (provider, model, input_per_mtok, output_per_mtok, cached_per_mtok, "
  "is_default) SELECT ?1, ?2, ?3, ?4, ?5, 1 WHERE NOT EXISTS (SELECT 1 FROM pricing_removed "
  "WHERE provider = ?1 AND model = ?2) "
  "ON CONFLICT (provider, model) DO UPDATE SET input_per_mtok = excluded.input_per_mtok, "
  "output_per_mtok = excluded.output_per_mtok, cached_per_mtok = excluded.cached_per_mtok "
  "WHERE pricing.is_default = 1 AND (pricing.input_per_mtok != excluded.input_per_mtok OR "
  "pricing.output_per_mtok != excluded.output_per_mtok OR "
  "pricing.cached_per_mtok != excluded.cached_per_mtok)";

static gboolean
seed (SyDatabase            *db,
      const SyPriceDefault  *defaults,
      guint                  n_defaults,
      GError               **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  if (n_defaults == 0)
    return TRUE;
  if (!sy_database_exec (db, "SAVEPOINT seed_pricing", error))
    return FALSE;
  if ((stmt = sy_database_prepare (db, seed_sql, error)) == NULL)
    goto fail;
  for (guint i = 0; i < n_defaults; i++)
    {
      const SyPriceDefault *d = &defaults[i];

      sqlite3_reset (stmt);
      sqlite3_bind_text (stmt, 1, d->provider, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, d->model, -1, SQLITE_STATIC);
      sqlite3_bind_double (stmt, 3, d->input_per_mtok);
      sqlite3_bind_double (stmt, 4, d->output_per_mtok);
      sqlite3_bind_double (stmt, 5, d->cached_per_mtok);
      if (!sy_database_step_done (db, stmt, error))
        goto fail;
    }
  return sy_database_exec (db, "RELEASE seed_pricing", error);

fail:
  sy_database_exec (db, "ROLLBACK TO seed_pricing", NULL);
  sy_database_exec (db, "RELEASE seed_pricing", NULL);
  g_prefix_error (error, "cannot seed default prices: ");
  return FALSE;
}

static gboolean
load (SyPricingRepo  *self,
      GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = sy_database_prepare (self->db, "SELECT provider, model, input_per_mtok, "
                                        "output_per_mtok, cached_per_mtok, is_default "
                                        "FROM pricing", error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      Entry *entry = g_new (Entry, 1);

      entry->price.input_per_mtok = sqlite3_column_double (stmt, 2);
      entry->price.output_per_mtok = sqlite3_column_double (stmt, 3);
      entry->price.cached_per_mtok = sqlite3_column_double (stmt, 4);
      entry->is_default = sqlite3_column_int (stmt, 5) != 0;
      g_hash_table_replace (self->prices,
                            price_key ((const char *) sqlite3_column_text (stmt, 0),
                                       (const char *) sqlite3_column_text (stmt, 1)),
                            entry);
    }
  if (rc != SQLITE_DONE)
    {
      sy_database_set_error (self->db, error, "cannot read pricing");
      return FALSE;
    }
  return TRUE;
}

SyPricingRepo *
sy_pricing_repo_new_with_defaults (SyDatabase            *db,
                                   const SyPriceDefault  *defaults,
                                   guint                  n_defaults,
                                   GError               **error)
{
  g_autoptr(SyPricingRepo) self = NULL;

  g_return_val_if_fail (SY_IS_DATABASE (db), NULL);

  self = g_object_new (SY_TYPE_PRICING_REPO, NULL);
  self->db = g_object_ref (db);
  if (!seed (db, defaults, n_defaults, error) || !load (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

SyPricingRepo *
sy_pricing_repo_new (SyDatabase  *db,
                     GError     **error)
{
  guint n;
  const SyPriceDefault *defaults = sy_pricing_defaults_get (&n);

  return sy_pricing_repo_new_with_defaults (db, defaults, n, error);
}

gboolean
sy_pricing_repo_lookup (SyPricingRepo *self,
                        const char    *provider,
                        const char    *model,
                        SyPrice       *out)
{
  g_autofree char *key = NULL;
  Entry *entry;

  g_return_val_if_fail (SY_IS_PRICING_REPO (self), FALSE);

  if (g_hash_table_size (self->prices) == 0 || provider == NULL || model == NULL)
    return FALSE;
  key = price_key (provider, model);
  entry = g_hash_table_lookup (self->prices, key);
  if (entry == NULL)
    return FALSE;
  *out = entry->price;
  return TRUE;
}

double
sy_price_cost_usd (const SyPrice *price,
                   gint64         input,
                   gint64         output,
                   gint64         cache_read)
{
  double in = MAX (input, 0), out = MAX (output, 0), cached = CLAMP (cache_read, 0, in);

  return ((in - cached) * price->input_per_mtok + cached * price->cached_per_mtok +
          out * price->output_per_mtok) / 1e6;
}

void
sy_pricing_repo_price_usage (SyPricingRepo *self,
                             SyUsageRecord *r)
{
  SyPrice price;
  gboolean answered = r->status >= 200 && r->status < 300;
  gboolean cut_mid_stream = r->status == 499 && r->ttfb_ms >= 0;

  g_return_if_fail (SY_IS_PRICING_REPO (self));

  r->cost_usd = -1;
  if (!sy_pricing_repo_lookup (self, r->provider, r->model, &price))
    return;
  if (r->tokens_input >= 0 || r->tokens_output >= 0)
    r->cost_usd = sy_price_cost_usd (&price, r->tokens_input, r->tokens_output,
                                     r->tokens_cache_read);
  else if (!answered && !cut_mid_stream)
    r->cost_usd = 0;   /* refused or never reached: providers do not bill that */
}

static gboolean
run (SyDatabase    *db,
     const char    *sql,
     const char    *provider,
     const char    *model,
     const SyPrice *price,
     GError       **error)
{
  g_autoptr(sqlite3_stmt) stmt = sy_database_prepare (db, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, provider, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, model, -1, SQLITE_STATIC);
  if (price != NULL)
    {
      sqlite3_bind_double (stmt, 3, price->input_per_mtok);
      sqlite3_bind_double (stmt, 4, price->output_per_mtok);
      sqlite3_bind_double (stmt, 5, price->cached_per_mtok);
    }
  return sy_database_step_done (db, stmt, error);
}

gboolean
sy_pricing_repo_set (SyPricingRepo  *self,
                     const char     *provider,
                     const char     *model,
                     const SyPrice  *price,
                     GError        **error)
{
  Entry *entry;

  g_return_val_if_fail (SY_IS_PRICING_REPO (self), FALSE);
  g_return_val_if_fail (provider != NULL && model != NULL && price != NULL, FALSE);

  if (!sy_database_exec (self->db, "SAVEPOINT set_price", error))
    return FALSE;
  if (!run (self->db, "INSERT OR REPLACE INTO pricing (provider, model, input_per_mtok, "
                      "output_per_mtok, cached_per_mtok, is_default) VALUES (?1, ?2, ?3, ?4, ?5, 0)",
            provider, model, price, error) ||
      !run (self->db, "DELETE FROM pricing_removed WHERE provider = ?1 AND model = ?2",
            provider, model, NULL, error) ||
      !sy_database_exec (self->db, "RELEASE set_price", error))
    {
      sy_database_exec (self->db, "ROLLBACK TO set_price", NULL);
      sy_database_exec (self->db, "RELEASE set_price", NULL);
      return FALSE;
    }
  entry = g_new (Entry, 1);
  entry->price = *price;
  entry->is_default = FALSE;
  g_hash_table_replace (self->prices, price_key (provider, model), entry);
  return TRUE;
}

gboolean
sy_pricing_repo_delete (SyPricingRepo  *self,
                        const char     *provider,
                        const char     *model,
                        GError        **error)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (SY_IS_PRICING_REPO (self), FALSE);
  g_return_val_if_fail (provider != NULL && model != NULL, FALSE);

  key = price_key (provider, model);
  if (!g_hash_table_contains (self->prices, key))
    {
      g_set_error (error, SY_STORE_ERROR, SY_STORE_ERROR_NOT_FOUND,
                   "no price for model \"%s\" of provider \"%s\"", model, provider);
      return FALSE;
    }
  if (!sy_database_exec (self->db, "SAVEPOINT delete_price", error))
    return FALSE;
  if (!run (self->db, "DELETE FROM pricing WHERE provider = ?1 AND model = ?2", provider, model,
            NULL, error) ||
      !run (self->db, "INSERT OR IGNORE INTO pricing_removed (provider, model) VALUES (?1, ?2)",
            provider, model, NULL, error) ||
      !sy_database_exec (self->db, "RELEASE delete_price", error))
    {
      sy_database_exec (self->db, "ROLLBACK TO delete_price", NULL);
      sy_database_exec (self->db, "RELEASE delete_price", NULL);
      return FALSE;
    }
  g_hash_table_remove (self->prices, key);
  return TRUE;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const SyPriceEntry *x = *(SyPriceEntry * const *) a;
  const SyPriceEntry *y = *(SyPriceEntry * const *) b;
  int c = g_strcmp0 (x->provider, y->provider);

  return c != 0 ? c : g_strcmp0 (x->model, y->model);
}

GPtrArray *
sy_pricing_repo_list (SyPricingRepo *self,
                      const char    *provider,
                      const char    *model)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_price_entry_free);
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (SY_IS_PRICING_REPO (self), out);

  g_hash_table_iter_init (&iter, self->prices);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *newline = strchr (key, '\n');
      Entry *entry = value;
      SyPriceEntry *e;

      if (provider != NULL && (strlen (provider) != (gsize) (newline - (const char *) key) ||
                               strncmp (key, provider, newline - (const char *) key) != 0))
        continue;
      if (model != NULL && strcmp (newline + 1, model) != 0)
        continue;
      e = g_new0 (SyPriceEntry, 1);
      e->provider = g_strndup (key, newline - (const char *) key);
      e->model = g_strdup (newline + 1);
      e->price = entry->price;
      e->is_default = entry->is_default;
      g_ptr_array_add (out, e);
    }
  g_ptr_array_sort (out, compare_entries);
  return out;
}
