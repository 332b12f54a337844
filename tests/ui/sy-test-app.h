/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The desktop app in a test: a fresh SyApplication per case (its own bus name, port 0, a
 * throw-away data dir, the memory secret store), the case's body run inside
 * g_application_run, and helpers to wait for a condition and to find widgets the way a person
 * would (by the text on them). Needs a display and a session bus: tests/run-headless.sh.
 */
#pragma once

#include <gtk/gtk.h>

#include "routing/sy-failure-policy.h"
#include "sy-application.h"
#include "sy-main-window.h"
#include "sy-mock-upstream.h"

G_BEGIN_DECLS

/* Generous: ASan, Xvfb and software rendering on a 2-core machine. */
#define SY_TEST_TIMEOUT_S 30

typedef struct
{
  SyApplication *app;
  char          *data_dir;
  char          *app_id;
} SyTestApp;

typedef void (*SyTestAppFunc) (SyTestApp     *t,
                               gconstpointer  data);

/* Call first in main(): environment for the app (memory secrets, no GL), gtk_init, g_test_init.
 * Returns FALSE when there is no display (the caller prints a TAP skip and exits 0). */
gboolean        sy_test_app_init        (int            *argc,
                                         char         ***argv);
/* Points XDG_CONFIG_HOME at a new temporary folder's "config" (*config_home), before anything
 * asks GLib for the user's folders (it remembers the first answer). Returns the temporary
 * folder, for sy_test_rm_rf () at the end. */
char           *sy_test_app_make_config_home (char          **config_home);
/* Runs body once the app started (gateway up or visibly not) and opened its window, then quits
 * it and checks it finalized. extra_args (NULL-terminated, may be NULL) follow "--port=0
 * --data-dir=DIR" on the command line, so they can override them. */
void            sy_test_app_run         (SyTestAppFunc   body,
                                         gconstpointer   data,
                                         const char    **extra_args);

SyGatewayHost  *sy_test_app_get_host    (SyTestApp      *t);
SyGateway      *sy_test_app_get_gateway (SyTestApp      *t);
SyMainWindow   *sy_test_app_get_window  (SyTestApp      *t);
/* Shows the page and returns its widget. */
GtkWidget      *sy_test_app_show_page   (SyTestApp      *t,
                                         const char     *name);
/* The string state of app action name. */
char           *sy_test_app_dup_state   (SyTestApp      *t,
                                         const char     *name);
void            sy_test_app_activate    (SyTestApp      *t,
                                         const char     *action,
                                         GVariant       *parameter);

/* Iterates the main context until expr holds; fails the test after SY_TEST_TIMEOUT_S. */
#define sy_test_wait_until(expr)                                                          \
  G_STMT_START {                                                                          \
    gint64 sy_deadline_ = g_get_monotonic_time () + SY_TEST_TIMEOUT_S * G_USEC_PER_SEC;   \
    guint sy_wake_ = g_timeout_add (10, sy_test_wake_cb, NULL);                           \
    while (!(expr) && g_get_monotonic_time () < sy_deadline_)                             \
      g_main_context_iteration (NULL, TRUE);                                              \
    g_source_remove (sy_wake_);                                                           \
    if (!(expr))                                                                          \
      g_assertion_message_expr (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC,              \
                                "timed out waiting for: " #expr);                         \
  } G_STMT_END

gboolean        sy_test_wake_cb         (gpointer        user_data);
/* Runs the main context for a few iterations (lets idle work finish); never a wait on time. */
void            sy_test_drain           (void);

/* The first label under root whose text contains text (visible ones only), or NULL. */
GtkWidget      *sy_test_find_label      (GtkWidget      *root,
                                         const char     *text);
/* The first button under root whose label, mnemonic underscores removed, is label. */
GtkWidget      *sy_test_find_button     (GtkWidget      *root,
                                         const char     *label);
/* The first button under root showing icon_name. */
GtkWidget      *sy_test_find_icon_button (GtkWidget     *root,
                                          const char    *icon_name);
/* The first widget of type under root. */
GtkWidget      *sy_test_find_type       (GtkWidget      *root,
                                         GType           type);
/* The list row holding a label that contains text, or NULL. */
GtkWidget      *sy_test_find_row        (GtkWidget      *root,
                                         const char     *text);
/* The control a mnemonic label whose text contains label_text names, under root. */
GtkWidget      *sy_test_find_field      (GtkWidget      *root,
                                         const char     *label_text);
/* The visible label under root whose text contains text, asserted to sit right under field
 * (the next row of their grid, the same column); NULL if there is none. */
GtkWidget      *sy_test_find_message_under (GtkWidget   *root,
                                            GtkWidget   *field,
                                            const char  *text);
/* The first toplevel window of type, or NULL. */
GtkWindow      *sy_test_find_window     (GType           type);
/* Clicks a visible, sensitive button ("clicked" at once, as a pointer click ends). */
void            sy_test_click           (GtkWidget      *button);
/* Clicks button under root, which asks first (sy_confirm_dialog_new): asserts the question
 * shows heading, answers it with response and waits until it is gone. */
void            sy_test_confirm         (GtkWidget      *root,
                                         const char     *button,
                                         const char     *heading,
                                         GtkResponseType response);

/* The management API's answer to method path with body (JSON text, or NULL), through the
 * app's own admin client; asserts that it succeeded. */
JsonNode       *sy_test_app_call_api    (SyTestApp      *t,
                                         const char     *method,
                                         const char     *path,
                                         const char     *body);

/* A request to the app's gateway (path such as "/v1/models"), as any client would send it. */
SoupMessage    *sy_test_app_new_message (SyTestApp      *t,
                                         const char     *method,
                                         const char     *path);
/* Sends msg (no proxy) and waits for the whole answer; returns its status. */
guint           sy_test_send            (SoupMessage    *msg);

/* An enabled account saved through the repository (no key), like one made by the API. */
SyConnection   *sy_test_app_add_account (SyTestApp      *t,
                                         const char     *provider,
                                         const char     *name,
                                         int             priority);
/* An OpenAI account named "mock" with the key "sk-mock", whose base URL is mock. */
void            sy_test_app_add_mock_account (SyTestApp      *t,
                                              SyMockUpstream *mock);
/* Tells the routing state that an attempt of model on account c failed with kind (as the
 * proxy would). FALSE when the provider's breaker did not admit the attempt (already open). */
gboolean        sy_test_app_fail        (SyTestApp      *t,
                                         SyConnection   *c,
                                         const char     *model,
                                         SyFailureKind   kind,
                                         gint64          retry_after_ms);
/* Tells the routing state that an attempt succeeded after latency_ms. */
void            sy_test_app_succeed     (SyTestApp      *t,
                                         SyConnection   *c,
                                         const char     *model,
                                         double          latency_ms);
/* Fails provider attempts until c's provider breaker opens. */
void            sy_test_app_open_breaker (SyTestApp     *t,
                                          SyConnection  *c);

/* A TCP port nothing listens on right now. */
guint           sy_test_free_port       (void);
/* Whether a TCP connection to 127.0.0.1:port is accepted. */
gboolean        sy_test_port_accepts    (guint           port);

G_END_DECLS
