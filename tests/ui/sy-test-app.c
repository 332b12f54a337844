/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The desktop app test harness: one SyApplication per case under its own bus name, the case
 * run from an idle inside g_application_run, and widget lookups by visible text.
 */
#define G_LOG_DOMAIN "sy-test"

#include "sy-test-app.h"

#include <string.h>
#include <unistd.h>

#include "sy-test-gateway.h"

static guint app_counter;

#ifdef __SANITIZE_ADDRESS__
/* The gateway in these tests accepts connections, and libsoup 3.2.3 leaks one GSocket per
 * accepted connection; tests/lsan.supp's leak:g_socket_accept matches it only with full stacks.
 * So the UI test binaries ask for full (but short) stacks by default; an explicit
 * fast_unwind_on_malloc in ASAN_OPTIONS still wins. The fast unwinder was kept for GTK tests
 * because the slow one once deadlocked in GL: these tests run with GL off (below). */
const char *__asan_default_options (void);

const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0:malloc_context_size=16";
}
#endif

typedef struct
{
  SyTestApp     *t;
  SyTestAppFunc  body;
  gconstpointer  data;
} Run;

gboolean
sy_test_app_init (int    *argc,
                  char ***argv)
{
  /* As the app runs by default (src/app/main.c): drawing without GL; and secrets in memory. */
  g_setenv ("SWITCHYARD_SECRET_STORE", "memory", TRUE);
  g_setenv ("GDK_DEBUG", "gl-disable", FALSE);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_unsetenv ("SWITCHYARD_ADMIN_TOKEN");
  g_test_init (argc, argv, NULL);
  return gtk_init_check ();
}

char *
sy_test_app_make_config_home (char **config_home)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("switchyard-xdg-XXXXXX", &error);

  g_assert_no_error (error);
  *config_home = g_build_filename (tmp, "config", NULL);
  g_setenv ("XDG_CONFIG_HOME", *config_home, TRUE);
  return g_steal_pointer (&tmp);
}

gboolean
sy_test_wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

void
sy_test_drain (void)
{
  for (guint i = 0; i < 50 && g_main_context_iteration (NULL, FALSE); i++)
    ;
}

static void
body_cb (gpointer user_data)
{
  Run *run = user_data;
  SyApplication *app = run->t->app;

  sy_test_wait_until (sy_application_get_main_window (app) != NULL &&
                      gtk_widget_get_mapped (GTK_WIDGET (sy_application_get_main_window (app))));
  run->body (run->t, run->data);
  g_application_quit (G_APPLICATION (app));
}

void
sy_test_app_run (SyTestAppFunc   body,
                 gconstpointer   data,
                 const char    **extra_args)
{
  SyTestApp t = { 0 };
  Run run = { &t, body, data };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  int status;

  t.data_dir = g_dir_make_tmp ("switchyard-ui-XXXXXX", &error);
  g_assert_no_error (error);
  t.app_id = g_strdup_printf ("dev.switchyard.Switchyard.Test.p%dn%u", (int) getpid (),
                              app_counter++);
  t.app = g_object_new (SY_TYPE_APPLICATION,
                        "application-id", t.app_id,
                        "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                        NULL);

  g_ptr_array_add (args, g_strdup ("switchyard-test"));
  g_ptr_array_add (args, g_strdup ("--port=0"));
  g_ptr_array_add (args, g_strdup_printf ("--data-dir=%s", t.data_dir));
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_ptr_array_add (args, g_strdup (extra_args[i]));
  g_ptr_array_add (args, NULL);

  g_idle_add_once (body_cb, &run);
  status = g_application_run (G_APPLICATION (t.app), (int) args->len - 1,
                              (char **) args->pdata);
  g_assert_cmpint (status, ==, 0);

  sy_test_drain ();
  g_assert_finalize_object (t.app);
  sy_test_rm_rf (t.data_dir);
  g_free (t.data_dir);
  g_free (t.app_id);
}

SyGatewayHost *
sy_test_app_get_host (SyTestApp *t)
{
  return sy_application_get_host (t->app);
}

SyGateway *
sy_test_app_get_gateway (SyTestApp *t)
{
  SyGateway *gateway = sy_gateway_host_get_gateway (sy_test_app_get_host (t));

  g_assert_nonnull (gateway);
  return gateway;
}

SyMainWindow *
sy_test_app_get_window (SyTestApp *t)
{
  GtkWindow *window = sy_application_get_main_window (t->app);

  g_assert_true (SY_IS_MAIN_WINDOW (window));
  return SY_MAIN_WINDOW (window);
}

GtkWidget *
sy_test_app_show_page (SyTestApp  *t,
                       const char *name)
{
  SyMainWindow *window = sy_test_app_get_window (t);
  GtkWidget *stack = sy_test_find_type (GTK_WIDGET (window), GTK_TYPE_STACK);
  GtkWidget *page;

  g_assert_true (sy_main_window_set_page (window, name));
  page = gtk_stack_get_child_by_name (GTK_STACK (stack), name);
  g_assert_nonnull (page);
  sy_test_wait_until (gtk_widget_get_mapped (page));
  return page;
}

char *
sy_test_app_dup_state (SyTestApp  *t,
                       const char *name)
{
  g_autoptr(GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (t->app), name);

  g_assert_nonnull (state);
  return g_variant_dup_string (state, NULL);
}

void
sy_test_app_activate (SyTestApp  *t,
                      const char *action,
                      GVariant   *parameter)
{
  g_action_group_activate_action (G_ACTION_GROUP (t->app), action, parameter);
}

/* --- finding widgets --------------------------------------------------------------------- */

typedef gboolean (*MatchFunc) (GtkWidget     *widget,
                               gconstpointer  data);

static GtkWidget *
find (GtkWidget     *root,
      MatchFunc      match,
      gconstpointer  data)
{
  if (!gtk_widget_get_visible (root) || !gtk_widget_get_child_visible (root))
    return NULL;
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
match_label (GtkWidget     *widget,
             gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL;
}

static gboolean
match_button (GtkWidget     *widget,
              gconstpointer  label)
{
  g_autofree char *plain = NULL;
  const char *text;

  if (!GTK_IS_BUTTON (widget) || (text = gtk_button_get_label (GTK_BUTTON (widget))) == NULL)
    return FALSE;
  plain = g_strdup (text);
  for (char *r = plain, *w = plain;; r++)
    if (*r != '_' && (*w++ = *r) == '\0')
      break;
  return g_str_equal (plain, label);
}

static gboolean
match_icon_button (GtkWidget     *widget,
                   gconstpointer  icon_name)
{
  return GTK_IS_BUTTON (widget) &&
         g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (widget)), icon_name) == 0;
}

static gboolean
match_type (GtkWidget     *widget,
            gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

GtkWidget *
sy_test_find_label (GtkWidget  *root,
                    const char *text)
{
  return find (root, match_label, text);
}

GtkWidget *
sy_test_find_button (GtkWidget  *root,
                     const char *label)
{
  return find (root, match_button, label);
}

GtkWidget *
sy_test_find_icon_button (GtkWidget  *root,
                          const char *icon_name)
{
  return find (root, match_icon_button, icon_name);
}

GtkWidget *
sy_test_find_type (GtkWidget *root,
                   GType      type)
{
  return find (root, match_type, GSIZE_TO_POINTER (type));
}

GtkWidget *
sy_test_find_row (GtkWidget  *root,
                  const char *text)
{
  GtkWidget *label = sy_test_find_label (root, text);

  return label ? gtk_widget_get_ancestor (label, GTK_TYPE_LIST_BOX_ROW) : NULL;
}

GtkWidget *
sy_test_find_field (GtkWidget  *root,
                    const char *label_text)
{
  GtkWidget *label = sy_test_find_label (root, label_text);

  g_assert_nonnull (label);
  return gtk_label_get_mnemonic_widget (GTK_LABEL (label));
}

/* Where widget, or its ancestor that is a grid's child, sits in that grid. */
static void
grid_cell (GtkWidget *widget,
           int       *column,
           int       *row)
{
  while (widget != NULL && !GTK_IS_GRID (gtk_widget_get_parent (widget)))
    widget = gtk_widget_get_parent (widget);
  g_assert_nonnull (widget);
  gtk_grid_query_child (GTK_GRID (gtk_widget_get_parent (widget)), widget, column, row, NULL,
                        NULL);
}

GtkWidget *
sy_test_find_message_under (GtkWidget  *root,
                            GtkWidget  *field,
                            const char *text)
{
  GtkWidget *message = sy_test_find_label (root, text);
  int field_column, field_row, column, row;

  if (message == NULL)
    return NULL;
  grid_cell (field, &field_column, &field_row);
  grid_cell (message, &column, &row);
  g_assert_cmpint (column, ==, field_column);
  g_assert_cmpint (row, ==, field_row + 1);
  return message;
}

GtkWindow *
sy_test_find_window (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (window))
        return GTK_WINDOW (window);
    }
  return NULL;
}

void
sy_test_click (GtkWidget *button)
{
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_visible (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  /* What a click ends in, now: gtk_widget_activate () would emit it 250 ms later. */
  g_signal_emit_by_name (button, "clicked");
}

void
sy_test_confirm (GtkWidget       *root,
                 const char      *button,
                 const char      *heading,
                 GtkResponseType  response)
{
  GtkWidget *question;

  sy_test_click (sy_test_find_button (root, button));
  sy_test_wait_until (sy_test_find_window (GTK_TYPE_MESSAGE_DIALOG) != NULL);
  question = GTK_WIDGET (sy_test_find_window (GTK_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (sy_test_find_label (question, heading));
  gtk_dialog_response (GTK_DIALOG (question), response);
  sy_test_wait_until (sy_test_find_window (GTK_TYPE_MESSAGE_DIALOG) == NULL);
}

/* --- HTTP -------------------------------------------------------------------------------- */

SoupMessage *
sy_test_app_new_message (SyTestApp  *t,
                         const char *method,
                         const char *path)
{
  g_autofree char *base = sy_gateway_host_dup_base_url (sy_test_app_get_host (t));
  g_autofree char *url = g_strconcat (base, path, NULL);
  SoupMessage *msg = soup_message_new (method, url);

  g_assert_nonnull (msg);
  return msg;
}

guint
sy_test_send (SoupMessage *msg)
{
  g_autoptr(GSimpleProxyResolver) no_proxy = G_SIMPLE_PROXY_RESOLVER (
    g_simple_proxy_resolver_new (NULL, NULL));
  g_autoptr(SoupSession) session = g_object_new (SOUP_TYPE_SESSION, "proxy-resolver", no_proxy,
                                                 "timeout", 30, NULL);
  g_autoptr(GBytes) body = sy_test_send_and_read (session, msg);

  return soup_message_get_status (msg);
}

/* --- ports ------------------------------------------------------------------------------- */

guint
sy_test_free_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, TRUE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  int *outcome = user_data;
  g_autoptr(GSocketConnection) connection = NULL;

  connection = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (source), result, NULL);
  *outcome = connection != NULL ? 1 : 2;
}

gboolean
sy_test_port_accepts (guint port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  int outcome = 0;

  g_socket_client_set_enable_proxy (client, FALSE);
  g_socket_client_set_timeout (client, 10);
  g_socket_client_connect_to_host_async (client, "127.0.0.1", port, NULL, connected_cb,
                                         &outcome);
  sy_test_wait_until (outcome != 0);
  return outcome == 1;
}

/* --- data in the gateway ----------------------------------------------------------------- */

typedef struct
{
  JsonNode *node;
  GError   *error;
  gboolean  done;
} Call;

static void
called_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Call *call = user_data;

  call->node = sy_admin_client_call_finish (SY_ADMIN_CLIENT (source), result, &call->error);
  call->done = TRUE;
}

JsonNode *
sy_test_app_call_api (SyTestApp  *t,
                      const char *method,
                      const char *path,
                      const char *body)
{
  g_autoptr(JsonNode) json = body ? json_from_string (body, NULL) : NULL;
  Call call = { 0 };

  g_assert_true (body == NULL || json != NULL);
  sy_admin_client_call_async (sy_application_get_client (t->app), method, path, json, NULL,
                              called_cb, &call);
  sy_test_wait_until (call.done);
  g_assert_no_error (call.error);
  return call.node;
}

SyConnection *
sy_test_app_add_account (SyTestApp  *t,
                         const char *provider,
                         const char *name,
                         int         priority)
{
  g_autoptr(SyConnection) c = sy_connection_new ();
  g_autoptr(GError) error = NULL;

  c->id = sy_record_new_id ();
  c->provider = g_strdup (provider);
  c->name = g_strdup (name);
  c->priority = priority;
  c->enabled = TRUE;
  c->rpm_limit = c->min_gap_ms = c->max_concurrent = -1;
  c->created_at = c->updated_at = sy_record_now_ms ();
  sy_connection_repo_save (sy_gateway_get_connections (sy_test_app_get_gateway (t)), c, &error);
  g_assert_no_error (error);
  return g_steal_pointer (&c);
}

void
sy_test_app_add_mock_account (SyTestApp      *t,
                              SyMockUpstream *mock)
{
  g_autoptr(SyConnection) c = sy_connection_new ();
  g_autoptr(GError) error = NULL;

  c->id = sy_record_new_id ();
  c->provider = g_strdup ("openai");
  c->name = g_strdup ("mock");
  c->base_url = g_strdup (sy_mock_upstream_get_base_url (mock));
  c->has_secret = TRUE;
  c->created_at = c->updated_at = sy_record_now_ms ();
  sy_test_store_secret (sy_test_app_get_gateway (t), c->id, c->name, "sk-mock");
  sy_connection_repo_save (sy_gateway_get_connections (sy_test_app_get_gateway (t)), c, &error);
  g_assert_no_error (error);
}

static SyRoute *
route_new (SyConnection *c,
           const char   *model)
{
  SyRoute *route = g_new0 (SyRoute, 1);

  route->requested_model = g_strdup_printf ("%s/%s", c->provider, model);
  route->provider_id = g_strdup (c->provider);
  route->provider_label = g_strdup (c->provider);
  route->account_strategy = -1;
  route->upstream_model = g_strdup (model);
  route->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) sy_connection_unref);
  g_ptr_array_add (route->candidates, sy_connection_ref (c));
  return route;
}

gboolean
sy_test_app_fail (SyTestApp     *t,
                  SyConnection  *c,
                  const char    *model,
                  SyFailureKind  kind,
                  gint64         retry_after_ms)
{
  SyRoutingState *routing = sy_gateway_get_routing (sy_test_app_get_gateway (t));
  g_autoptr(SyRoute) route = route_new (c, model);
  SyFailure failure = { kind, TRUE, FALSE, SY_COOLDOWN_NONE, retry_after_ms };

  failure.counts_for_breaker = kind == SY_FAILURE_SERVER || kind == SY_FAILURE_NETWORK;
  if (kind == SY_FAILURE_RATE_LIMITED || kind == SY_FAILURE_QUOTA_EXHAUSTED ||
      kind == SY_FAILURE_AUTH)
    failure.cooldown = SY_COOLDOWN_ACCOUNT;
  else if (kind == SY_FAILURE_MODEL_UNAVAILABLE)
    failure.cooldown = SY_COOLDOWN_MODEL;

  if (!sy_routing_state_admit (routing, route, NULL))
    return FALSE;
  sy_routing_state_note_attempt (routing, route, c);
  sy_routing_state_record_failure (routing, route, c, &failure, "failed in a test");
  return TRUE;
}

void
sy_test_app_succeed (SyTestApp    *t,
                     SyConnection *c,
                     const char   *model,
                     double        latency_ms)
{
  SyRoutingState *routing = sy_gateway_get_routing (sy_test_app_get_gateway (t));
  g_autoptr(SyRoute) route = route_new (c, model);

  g_assert_true (sy_routing_state_admit (routing, route, NULL));
  sy_routing_state_note_attempt (routing, route, c);
  sy_routing_state_record_success (routing, route, c, latency_ms);
}

void
sy_test_app_open_breaker (SyTestApp    *t,
                          SyConnection *c)
{
  guint attempts = 0;

  while (sy_test_app_fail (t, c, "m1", SY_FAILURE_SERVER, -1))
    g_assert_cmpuint (++attempts, <, 100);
  g_assert_cmpuint (attempts, >, 0);
}
