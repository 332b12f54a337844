/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * sy-strategy.c: the account and combo strategies as pure ordering functions over snapshots the
 * caller owns. On the hot path of every request: no allocation for up to 64 candidates, no
 * global state, no I/O, O(n log n) at worst, randomness only from the caller's GRand.
 */
#define G_LOG_DOMAIN "sy-routing"

#include "sy-strategy.h"

#include <math.h>
#include <string.h>

/* Sorts of up to this many candidates keep their merge buffer on the C stack. */
#define STACK_SCRATCH 64
/* Merge sort starts from insertion-sorted runs of this length. */
#define INSERTION_RUN 8

#define NO_INDEX G_MAXUINT
#define COMPARE(x, y) (((x) > (y)) - ((x) < (y)))

/* A total order on candidate indices; every one ends on the index, so equal keys keep the
 * caller's order even outside a sort (the p2c pair, the most recently used account). */
typedef int (*IndexCompareFunc) (guint         a,
                                 guint         b,
                                 gconstpointer views);

typedef struct
{
  const char *name;
  int         value;
} StrategyName;

static const StrategyName account_names[] = {
  { "fill-first", SY_ACCOUNT_FILL_FIRST },
  { "round-robin", SY_ACCOUNT_ROUND_ROBIN },
  { "p2c", SY_ACCOUNT_P2C },
  { "random", SY_ACCOUNT_RANDOM },
  { "least-used", SY_ACCOUNT_LEAST_USED },
  { "cost-optimized", SY_ACCOUNT_COST_OPTIMIZED },
  { "power-of-two", SY_ACCOUNT_P2C },       /* alias, after the canonical names */
};

static const StrategyName combo_names[] = {
  { "priority", SY_COMBO_PRIORITY },
  { "round-robin", SY_COMBO_ROUND_ROBIN },
  { "random", SY_COMBO_RANDOM },
  { "weighted", SY_COMBO_WEIGHTED },
  { "least-used", SY_COMBO_LEAST_USED },
  { "cost-optimized", SY_COMBO_COST_OPTIMIZED },
};

/* Sorting */

static void
fill_identity (guint *order,
               guint  n)
{
  for (guint i = 0; i < n; i++)
    order[i] = i;
}

static void
insertion_sort (guint            *idx,
                guint             n,
                IndexCompareFunc  compare,
                gconstpointer     views)
{
  for (guint i = 1; i < n; i++)
    {
      guint v = idx[i];
      guint j = i;

      while (j > 0 && compare (idx[j - 1], v, views) > 0)
        {
          idx[j] = idx[j - 1];
          j--;
        }
      idx[j] = v;
    }
}

/* Merges src[lo, mid) and src[mid, hi) into dst[lo, hi); the left run wins ties (stable). */
static void
merge_runs (const guint      *src,
            guint            *dst,
            gsize             lo,
            gsize             mid,
            gsize             hi,
            IndexCompareFunc  compare,
            gconstpointer     views)
{
  gsize i = lo, j = mid, k = lo;

  while (i < mid && j < hi)
    dst[k++] = compare (src[j], src[i], views) < 0 ? src[j++] : src[i++];
  while (i < mid)
    dst[k++] = src[i++];
  while (j < hi)
    dst[k++] = src[j++];
}

/* Stable bottom-up merge sort of idx: O(n log n) comparisons, the scratch buffer on the stack
 * up to STACK_SCRATCH entries and on the heap past it. */
static void
sort_indices (guint            *idx,
              guint             n,
              IndexCompareFunc  compare,
              gconstpointer     views)
{
  guint stack_scratch[STACK_SCRATCH];
  g_autofree guint *heap_scratch = NULL;
  guint *src = idx;
  guint *dst;

  if (n <= INSERTION_RUN)
    {
      insertion_sort (idx, n, compare, views);
      return;
    }

  if (n <= STACK_SCRATCH)
    dst = stack_scratch;
  else
    dst = heap_scratch = g_new (guint, n);

  for (gsize lo = 0; lo < n; lo += INSERTION_RUN)
    insertion_sort (idx + lo, MIN (INSERTION_RUN, n - lo), compare, views);

  for (gsize width = INSERTION_RUN; width < n; width *= 2)
    {
      guint *tmp;

      for (gsize lo = 0; lo < n; lo += 2 * width)
        merge_runs (src, dst, lo, MIN (lo + width, n), MIN (lo + 2 * width, n), compare, views);
      tmp = src;
      src = dst;
      dst = tmp;
    }

  if (src != idx)
    memcpy (idx, src, n * sizeof *idx);
}

/* Moves order[pos] to the front, keeping the others in their order. */
static void
move_to_front (guint *order,
               guint  pos)
{
  guint v = order[pos];

  memmove (order + 1, order, pos * sizeof *order);
  order[0] = v;
}

static guint
find_position (const guint *order,
               guint        n,
               guint        value)
{
  guint i;

  for (i = 0; order[i] != value; i++)
    g_assert (i + 1 < n);
  return i;
}

/* Randomness */

/* Uniform in [0, bound), without modulo bias for any 64-bit bound. */
static guint64
rand_below (GRand   *rand,
            guint64  bound)
{
  guint64 threshold;

  g_assert (bound > 0);
  if (bound <= G_MAXINT32)
    return (guint64) g_rand_int_range (rand, 0, (gint32) bound);

  /* 2^64 mod bound: the values below it are the incomplete last block. */
  threshold = (0 - bound) % bound;
  for (;;)
    {
      guint64 x = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);

      if (x >= threshold)
        return x % bound;
    }
}

/* Fisher-Yates over the whole of order. */
static void
shuffle (guint *order,
         guint  n,
         GRand *rand)
{
  for (guint i = n; i > 1; i--)
    {
      guint j = (guint) rand_below (rand, i);
      guint tmp = order[i - 1];

      order[i - 1] = order[j];
      order[j] = tmp;
    }
}

/* Account keys */

static inline gboolean
account_used (const SyAccountView *view)
{
  return view->last_used_ms != 0;
}

/* NaN sorts as the worst error rate. */
static inline double
error_key (double rate)
{
  return isnan (rate) ? INFINITY : rate;
}

static int
compare_account_rank (guint         a,
                      guint         b,
                      gconstpointer data)
{
  const SyAccountView *views = data;

  if (views[a].priority != views[b].priority)
    return COMPARE (views[a].priority, views[b].priority);
  return COMPARE (a, b);
}

/* Never used first, then the oldest last use. */
static int
compare_account_recency (const SyAccountView *va,
                         const SyAccountView *vb)
{
  if (account_used (va) != account_used (vb))
    return account_used (va) ? 1 : -1;
  return COMPARE (va->last_used_ms, vb->last_used_ms);
}

static int
compare_account_least_used (guint         a,
                            guint         b,
                            gconstpointer data)
{
  const SyAccountView *views = data;
  int c = compare_account_recency (&views[a], &views[b]);

  return c != 0 ? c : compare_account_rank (a, b, data);
}

/* Round-robin's least recently used: accounts that have been backing off go after the healthy
 * ones even when their last use is older, so a cooled-down account is not picked at once. */
static int
compare_account_lru (guint         a,
                     guint         b,
                     gconstpointer data)
{
  const SyAccountView *views = data;

  if (views[a].backoff_level != views[b].backoff_level)
    return COMPARE (views[a].backoff_level, views[b].backoff_level);
  return compare_account_least_used (a, b, data);
}

static int
compare_account_health (guint         a,
                        guint         b,
                        gconstpointer data)
{
  const SyAccountView *views = data;
  double ea = error_key (views[a].error_rate);
  double eb = error_key (views[b].error_rate);

  if (views[a].backoff_level != views[b].backoff_level)
    return COMPARE (views[a].backoff_level, views[b].backoff_level);
  if (ea != eb)
    return COMPARE (ea, eb);
  if (views[a].in_flight != views[b].in_flight)
    return COMPARE (views[a].in_flight, views[b].in_flight);
  return compare_account_rank (a, b, data);
}

/* The account with the latest last use (the first in priority order on a tie), or NO_INDEX
 * when none has been used. */
static guint
find_most_recent (const SyAccountView *views,
                  guint                n)
{
  guint best = NO_INDEX;

  for (guint i = 0; i < n; i++)
    {
      if (!account_used (&views[i]))
        continue;
      if (best == NO_INDEX
          || views[i].last_used_ms > views[best].last_used_ms
          || (views[i].last_used_ms == views[best].last_used_ms
              && compare_account_rank (i, best, views) < 0))
        best = i;
    }
  return best;
}

/* Account strategies: order holds the identity on entry. */

static void
order_round_robin (const SyAccountView *views,
                   guint                n,
                   guint                sticky_limit,
                   guint               *order)
{
  guint current = find_most_recent (views, n);

  sort_indices (order, n, compare_account_lru, views);
  if (current != NO_INDEX && views[current].consecutive_uses < sticky_limit)
    move_to_front (order, find_position (order, n, current));
}

static void
order_p2c (const SyAccountView *views,
           guint                n,
           GRand               *rand,
           guint               *order)
{
  guint a = 0, b = 1;   /* the pair drawn, then a is the healthier */
  guint w = n;

  if (n > 2)
    {
      a = (guint) rand_below (rand, n);
      b = (guint) rand_below (rand, n - 1);
      if (b >= a)
        b++;
    }
  if (compare_account_health (a, b, views) > 0)
    {
      guint tmp = a;

      a = b;
      b = tmp;
    }

  /* The rest in priority order, compacted towards the end (never overtakes the reader). */
  sort_indices (order, n, compare_account_rank, views);
  for (guint r = n; r-- > 0;)
    if (order[r] != a && order[r] != b)
      order[--w] = order[r];
  g_assert (w == 2);
  order[0] = a;
  order[1] = b;
}

void
sy_account_strategy_order (SyAccountStrategy    strategy,
                           const SyAccountView *views,
                           guint                n,
                           guint                sticky_limit,
                           GRand               *rand,
                           guint               *order)
{
  gboolean needs_rand = strategy == SY_ACCOUNT_P2C || strategy == SY_ACCOUNT_RANDOM;

  g_return_if_fail (order != NULL || n == 0);

  fill_identity (order, n);
  g_return_if_fail (views != NULL || n == 0);
  g_return_if_fail (rand != NULL || !needs_rand);
  if (n <= 1)
    return;

  switch (strategy)
    {
    case SY_ACCOUNT_FILL_FIRST:
    case SY_ACCOUNT_COST_OPTIMIZED:
      sort_indices (order, n, compare_account_rank, views);
      break;
    case SY_ACCOUNT_ROUND_ROBIN:
      order_round_robin (views, n, sticky_limit, order);
      break;
    case SY_ACCOUNT_P2C:
      order_p2c (views, n, rand, order);
      break;
    case SY_ACCOUNT_RANDOM:
      shuffle (order, n, rand);
      break;
    case SY_ACCOUNT_LEAST_USED:
      sort_indices (order, n, compare_account_least_used, views);
      break;
    default:
      g_return_if_reached ();
    }
}

/* Combo keys */

static int
compare_target_weight (guint         a,
                       guint         b,
                       gconstpointer data)
{
  const SyTargetView *views = data;

  if (views[a].weight != views[b].weight)
    return COMPARE (views[b].weight, views[a].weight);     /* heaviest first */
  return COMPARE (a, b);
}

static int
compare_target_requests (guint         a,
                         guint         b,
                         gconstpointer data)
{
  const SyTargetView *views = data;

  if (views[a].recent_requests != views[b].recent_requests)
    return COMPARE (views[a].recent_requests, views[b].recent_requests);
  return COMPARE (a, b);
}

/* A negative or NaN price is unknown. */
static inline gboolean
price_known (double price)
{
  return price >= 0;
}

static int
compare_target_price (guint         a,
                      guint         b,
                      gconstpointer data)
{
  const SyTargetView *views = data;
  gboolean ka = price_known (views[a].price);
  gboolean kb = price_known (views[b].price);

  if (ka != kb)
    return ka ? -1 : 1;
  if (ka && views[a].price != views[b].price)
    return COMPARE (views[a].price, views[b].price);
  return COMPARE (a, b);
}

/* Combo strategies: order holds the identity on entry. */

static void
order_weighted (const SyTargetView *views,
                guint               n,
                GRand              *rand,
                guint              *order)
{
  guint64 total = 0;
  guint64 draw;
  guint64 sum = 0;
  guint pos = 0;

  /* At most (2^32 - 1)^2: no overflow. */
  for (guint i = 0; i < n; i++)
    total += views[i].weight;
  if (total == 0)
    return;

  sort_indices (order, n, compare_target_weight, views);
  draw = rand_below (rand, total);
  for (;; pos++)
    {
      sum += views[order[pos]].weight;
      if (draw < sum)
        break;
    }
  move_to_front (order, pos);
}

void
sy_combo_strategy_order (SyComboStrategy     strategy,
                         const SyTargetView *views,
                         guint               n,
                         guint               rr_position,
                         GRand              *rand,
                         guint              *order)
{
  gboolean needs_rand = strategy == SY_COMBO_RANDOM || strategy == SY_COMBO_WEIGHTED;

  g_return_if_fail (order != NULL || n == 0);

  fill_identity (order, n);
  g_return_if_fail (views != NULL || n == 0);
  g_return_if_fail (rand != NULL || !needs_rand);
  if (n <= 1)
    return;

  switch (strategy)
    {
    case SY_COMBO_PRIORITY:
      break;
    case SY_COMBO_ROUND_ROBIN:
      {
        guint start = rr_position % n;

        for (guint i = 0; i < n; i++)
          order[i] = i < n - start ? start + i : i - (n - start);
      }
      break;
    case SY_COMBO_RANDOM:
      shuffle (order, n, rand);
      break;
    case SY_COMBO_WEIGHTED:
      order_weighted (views, n, rand, order);
      break;
    case SY_COMBO_LEAST_USED:
      sort_indices (order, n, compare_target_requests, views);
      break;
    case SY_COMBO_COST_OPTIMIZED:
      sort_indices (order, n, compare_target_price, views);
      break;
    default:
      g_return_if_reached ();
    }
}

/* Names */

/* ASCII case-insensitive, '_' taken for '-'; name is lower case. */
static gboolean
name_matches (const char *text,
              const char *name)
{
  for (; *text != '\0' && *name != '\0'; text++, name++)
    {
      char c = g_ascii_tolower (*text);

      if (c == '_')
        c = '-';
      if (c != *name)
        return FALSE;
    }
  return *text == '\0' && *name == '\0';
}

static gboolean
lookup_name (const StrategyName *names,
             gsize               n_names,
             const char         *text,
             int                *out)
{
  if (text == NULL)
    return FALSE;
  for (gsize i = 0; i < n_names; i++)
    {
      if (name_matches (text, names[i].name))
        {
          *out = names[i].value;
          return TRUE;
        }
    }
  return FALSE;
}

static const char *
lookup_value (const StrategyName *names,
              gsize               n_names,
              int                 value)
{
  for (gsize i = 0; i < n_names; i++)
    if (names[i].value == value)
      return names[i].name;
  return NULL;
}

/* Defines type_from_string() and type_to_string() for the enum Type over its names table.
 * Both checks stay in the public functions, so a critical names the function called. */
#define DEFINE_STRATEGY_NAMES(Type, type, names)                                              \
  gboolean                                                                                    \
  type##_from_string (const char *text,                                                       \
                      Type       *out)                                                        \
  {                                                                                           \
    int value;                                                                                \
                                                                                              \
    g_return_val_if_fail (out != NULL, FALSE);                                                \
                                                                                              \
    if (!lookup_name (names, G_N_ELEMENTS (names), text, &value))                             \
      return FALSE;                                                                           \
    *out = (Type) value;                                                                      \
    return TRUE;                                                                              \
  }                                                                                           \
                                                                                              \
  const char *                                                                                \
  type##_to_string (Type strategy)                                                            \
  {                                                                                           \
    const char *name = lookup_value (names, G_N_ELEMENTS (names), strategy);                  \
                                                                                              \
    g_return_val_if_fail (name != NULL, NULL);                                                \
    return name;                                                                              \
  }

/* sy_account_strategy_from_string(), sy_account_strategy_to_string() */
DEFINE_STRATEGY_NAMES (SyAccountStrategy, sy_account_strategy, account_names)
/* sy_combo_strategy_from_string(), sy_combo_strategy_to_string() */
DEFINE_STRATEGY_NAMES (SyComboStrategy, sy_combo_strategy, combo_names)
