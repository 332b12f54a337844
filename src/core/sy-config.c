/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Command line and environment for switchyard-server (DESIGN.md "Command line"). OmniRoute's
 * PORT, HOSTNAME, DATA_DIR and REQUIRE_API_KEY, and its desktop app's OMNIROUTE_PORT, are
 * honoured after ours; flags win over both.
 * Nothing here touches the disk.
 */
#define G_LOG_DOMAIN "sy-core"

#include "sy-config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* The first of the NULL-terminated names that is set and not empty. */
static const char *getenv_first (const char *name, ...) G_GNUC_NULL_TERMINATED;

static const char *
getenv_first (const char *name,
              ...)
{
  const char *v = NULL;
  va_list args;

  va_start (args, name);
  for (; name != NULL; name = va_arg (args, const char *))
    if ((v = g_getenv (name)) != NULL && *v != '\0')
      break;
  va_end (args);
  return name != NULL ? v : NULL;
}

static gboolean
parse_bool (const char *s)
{
  return g_ascii_strcasecmp (s, "1") == 0 || g_ascii_strcasecmp (s, "true") == 0 ||
         g_ascii_strcasecmp (s, "yes") == 0 || g_ascii_strcasecmp (s, "on") == 0;
}

static gboolean
parse_port (const char  *s,
            guint       *out,
            GError     **error)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (s, 10, 0, 65535, &v, NULL))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("invalid port \"%s\": expected a number from 0 to 65535"), s);
      return FALSE;
    }
  *out = (guint) v;
  return TRUE;
}

SyConfig *
sy_config_new_defaults (void)
{
  SyConfig *self = g_new0 (SyConfig, 1);

  self->host = g_strdup ("127.0.0.1");
  self->port = SY_DEFAULT_PORT;
  self->data_dir = g_build_filename (g_get_user_data_dir (), "switchyard", NULL);
  return self;
}

SyConfig *
sy_config_new_from_args (int     *argc,
                         char  ***argv,
                         GError **error)
{
  g_autoptr(SyConfig) self = sy_config_new_defaults ();
  g_autofree char *opt_host = NULL;
  g_autofree char *opt_port = NULL;
  g_autofree char *opt_data_dir = NULL;
  gboolean opt_version = FALSE;
  const char *env;
  GOptionEntry entries[] = {
    { "host", 0, 0, G_OPTION_ARG_STRING, &opt_host, N_("Address to listen on (default 127.0.0.1)"), "HOST" },
    { "port", 0, 0, G_OPTION_ARG_STRING, &opt_port, N_("Port to listen on; 0 picks a free one (default 20128)"), "PORT" },
    { "data-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_data_dir, N_("Where the database and admin token live"), "DIR" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &opt_version, N_("Print the version and exit"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (N_("- Switchyard AI gateway, headless"));

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    N_("Environment: SWITCHYARD_HOST, SWITCHYARD_PORT, SWITCHYARD_DATA_DIR, SWITCHYARD_ADMIN_TOKEN,\n"
       "SWITCHYARD_REQUIRE_API_KEY, SWITCHYARD_SECRET_STORE (libsecret|file|memory);\n"
       "OmniRoute's HOSTNAME, PORT, OMNIROUTE_PORT, DATA_DIR, REQUIRE_API_KEY too.\n"
       "Flags win over the environment."));
  if (!g_option_context_parse (context, argc, argv, error))
    return NULL;

  if (opt_version)
    {
      g_print ("switchyard-server %s\n", SY_VERSION);
      exit (0);
    }

  /* Docker exports HOSTNAME as the container's name: only an address literal there is a bind
   * request. */
  env = getenv_first ("SWITCHYARD_HOST", NULL);
  if (env == NULL && (env = getenv_first ("HOSTNAME", NULL)) != NULL && !g_hostname_is_ip_address (env))
    env = NULL;
  g_free (self->host);
  self->host = g_strdup (opt_host ? opt_host : env ? env : "127.0.0.1");

  if (opt_port != NULL
      || (env = getenv_first ("SWITCHYARD_PORT", "OMNIROUTE_PORT", "PORT", NULL)) != NULL)
    if (!parse_port (opt_port ? opt_port : env, &self->port, error))
      return NULL;

  if (opt_data_dir != NULL || (env = getenv_first ("SWITCHYARD_DATA_DIR", "DATA_DIR", NULL)) != NULL)
    {
      g_free (self->data_dir);
      self->data_dir = g_strdup (opt_data_dir ? opt_data_dir : env);
    }

  self->admin_token = g_strdup (getenv_first ("SWITCHYARD_ADMIN_TOKEN", NULL));
  self->secret_backend = g_strdup (getenv_first ("SWITCHYARD_SECRET_STORE", NULL));
  self->origin_map = g_strdup (getenv_first ("SWITCHYARD_ORIGIN_MAP", NULL));

  if ((env = getenv_first ("SWITCHYARD_REQUIRE_API_KEY", "REQUIRE_API_KEY", NULL)) != NULL)
    {
      self->require_api_key_env = TRUE;
      self->require_api_key = parse_bool (env);
    }

  return g_steal_pointer (&self);
}

void
sy_config_free (SyConfig *self)
{
  if (self == NULL)
    return;
  g_free (self->host);
  g_free (self->data_dir);
  if (self->admin_token != NULL)
    memset (self->admin_token, 0, strlen (self->admin_token));
  g_free (self->admin_token);
  g_free (self->secret_backend);
  g_free (self->origin_map);
  g_free (self);
}

char *
sy_config_dup_locale_dir (void)
{
#ifdef G_OS_WIN32
  /* The directory above bin\ (g_win32_get_package_installation_directory_of_module ()). */
  g_autofree char *root = g_win32_get_package_installation_directory_of_module (NULL);

  if (root != NULL)
    {
      g_autofree char *dir = g_build_filename (root, "share", "locale", NULL);
      char *dir_in_code_page = g_win32_locale_filename_from_utf8 (dir);

      if (dir_in_code_page != NULL)
        return dir_in_code_page;
    }
#endif
  return g_strdup (LOCALEDIR);
}

gboolean
sy_host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) addr = NULL;
  g_autofree char *bare = NULL;
  gsize len;

  g_return_val_if_fail (host != NULL, FALSE);

  if (g_ascii_strcasecmp (host, "localhost") == 0 ||
      g_str_has_suffix (host, ".localhost"))
    return TRUE;

  /* Accept "[::1]" as well as "::1". */
  len = strlen (host);
  if (len >= 2 && host[0] == '[' && host[len - 1] == ']')
    bare = g_strndup (host + 1, len - 2);
  else
    bare = g_strdup (host);

  addr = g_inet_address_new_from_string (bare);
  return addr != NULL && g_inet_address_get_is_loopback (addr);
}
