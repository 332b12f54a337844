/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Prices by "provider\nmodel" in a hash table loaded once and written through; lookups are
 * O(1) and allocation-free apart from the key.
 */
#define G_LOG_DOMAIN "sy-store"

#include "sy-pricing-repo.h"

struct _SyPricingRepo
{
  GObject     parent_instance;
  SyDatabase *db;
  GHashTable *prices;   /* "provider\nmodel" -> SyPrice */
};

G_DEFINE_FINAL_TYPE (SyPricingRepo, sy_pricing_repo, G_TYPE_OBJECT)

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

SyPricingRepo *
sy_pricing_repo_new (SyDatabase  *db,
                     GError     **error)
{
  g_autoptr(SyPricingRepo) self = g_object_new (SY_TYPE_PRICING_REPO, NULL);
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  self->db = g_object_ref (db);
  stmt = sy_database_prepare (db, "SELECT provider, model, input_per_mtok, output_per_mtok, "
                                  "cached_per_mtok FROM pricing", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SyPrice *price = g_new (SyPrice, 1);

      price->input_per_mtok = sqlite3_column_double (stmt, 2);
      price->output_per_mtok = sqlite3_column_double (stmt, 3);
      price->cached_per_mtok = sqlite3_column_double (stmt, 4);
      g_hash_table_replace (self->prices,
                            price_key ((const char *) sqlite3_column_text (stmt, 0),
                                       (const char *) sqlite3_column_text (stmt, 1)),
                            price);
    }
  if (rc != SQLITE_DONE)
    {
      sy_database_set_error (db, error, "cannot read pricing");
      return NULL;
    }
  return g_steal_pointer (&self);
}

gboolean
sy_pricing_repo_lookup (SyPricingRepo *self,
                        const char    *provider,
                        const char    *model,
                        SyPrice       *out)
{
  g_autofree char *key = NULL;
  SyPrice *price;

  g_return_val_if_fail (SY_IS_PRICING_REPO (self), FALSE);

  if (g_hash_table_size (self->prices) == 0)
    return FALSE;
  key = price_key (provider, model);
  price = g_hash_table_lookup (self->prices, key);
  if (price == NULL)
    return FALSE;
  *out = *price;
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

gboolean
sy_pricing_repo_set (SyPricingRepo  *self,
                     const char     *provider,
                     const char     *model,
                     const SyPrice  *price,
                     GError        **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (SY_IS_PRICING_REPO (self), FALSE);

  stmt = sy_database_prepare (self->db, "INSERT OR REPLACE INTO pricing (provider, model, "
                                        "input_per_mtok, output_per_mtok, cached_per_mtok) "
                                        "VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, provider, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, model, -1, SQLITE_STATIC);
  sqlite3_bind_double (stmt, 3, price->input_per_mtok);
  sqlite3_bind_double (stmt, 4, price->output_per_mtok);
  sqlite3_bind_double (stmt, 5, price->cached_per_mtok);
  if (!sy_database_step_done (self->db, stmt, error))
    return FALSE;
  g_hash_table_replace (self->prices, price_key (provider, model), g_memdup2 (price, sizeof *price));
  return TRUE;
}
