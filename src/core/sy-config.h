/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SyConfig: the process configuration read once at start from the command line and the
 * environment (flags win). Plain data; it owns no resources beyond its strings.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SY_DEFAULT_PORT 20128

typedef struct
{
  char     *host;
  guint     port;
  char     *data_dir;
  char     *admin_token;          /* SWITCHYARD_ADMIN_TOKEN, or NULL: generated file */
  char     *secret_backend;       /* SWITCHYARD_SECRET_STORE, or NULL: auto */
  char     *origin_map;           /* SWITCHYARD_ORIGIN_MAP (see sy-origin-map.h), or NULL */
  gboolean  require_api_key_env;  /* REQUIRE_API_KEY / SWITCHYARD_REQUIRE_API_KEY given */
  gboolean  require_api_key;
} SyConfig;

SyConfig *sy_config_new_from_args (int     *argc,
                                   char  ***argv,
                                   GError **error);
SyConfig *sy_config_new_defaults  (void);
void      sy_config_free          (SyConfig *self);

/* The translations' directory for bindtextdomain (): LOCALEDIR, fixed at build time; on
 * Windows share\locale of the installation the executable runs from (so the tree can move),
 * in the system code page as bindtextdomain () wants it. */
char     *sy_config_dup_locale_dir (void);

/* TRUE for 127.0.0.0/8, ::1 and "localhost". */
gboolean  sy_host_is_loopback     (const char *host);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyConfig, sy_config_free)

G_END_DECLS
