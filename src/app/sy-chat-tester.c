/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Chat tester. The request is built as the internal representation (the model, one user
 * message) and emitted by the chosen dialect's codec, so it is what a tool speaking that
 * dialect sends; it goes to the gateway's own /v1 (or /v1beta) route with its own SoupSession
 * (no proxy: loopback), "Connection: close" (the gateway is replaced on pause and port
 * changes). The answer is read as it arrives: the first body bytes time the first byte. Each
 * send is one Exchange; a callback of an exchange that is no longer current does nothing.
 */
#define G_LOG_DOMAIN "sy-app"

#include "sy-chat-tester.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <string.h>

#include "sy-page-link.h"
#include "sy-translation.h"
#include "sy-widgets.h"

#define POLL_INTERVAL_S 5
#define READ_SIZE 16384

typedef struct
{
  SyChatTester *self;          /* a ref */
  GCancellable *cancellable;
  SoupMessage  *msg;
  GInputStream *stream;
  GByteArray   *body;
  SyDialect     dialect;
  gboolean      streamed;
  gint64        start_us;
  gint64        first_byte_us;
} Exchange;

struct _SyChatTester
{
  GtkWidget        parent_instance;

  SyPageLink       link;
  SoupSession     *session;
  Exchange        *current;    /* the send in flight, or NULL */
  gboolean         require_key;

  GtkEntry        *model_entry;
  GtkDropDown     *dialect_drop;
  GtkCheckButton  *stream_check;
  GtkEntry        *prompt_entry;
  GtkWidget       *send_button;
  GtkWidget       *cancel_button;
  GtkWidget       *key_label;
  GtkWidget       *key_box;
  GtkEditable     *key_entry;
  GtkLabel        *status_label;
  GtkListBox      *steps_list;
  GtkLabel        *answer_label;
  GtkWidget       *request_expander;
  GtkTextView     *request_view;
  GtkWidget       *body_heading;
  GtkTextView     *body_view;
};

G_DEFINE_FINAL_TYPE (SyChatTester, sy_chat_tester, GTK_TYPE_WIDGET)

/* The route headers the gateway adds, in the order they are shown. */
static const struct { const char *header; const char *label; } route_headers[] = {
  { "X-Switchyard-Provider", N_("Provider") },
  { "X-Switchyard-Model", N_("Upstream model") },
  { "X-Switchyard-Combo", N_("Combo") },
  { "X-Switchyard-Connection", N_("Account") },
  { "X-Switchyard-Attempts", N_("Attempts") },
  { "X-Switchyard-Translation-Notes", N_("Translation notes") },
  { "X-Switchyard-Cache", N_("Cache") },
};

static void
exchange_free (Exchange *x)
{
  g_clear_object (&x->self);
  g_clear_object (&x->cancellable);
  g_clear_object (&x->msg);
  g_clear_object (&x->stream);
  g_clear_pointer (&x->body, g_byte_array_unref);
  g_free (x);
}

static void
set_in_flight (SyChatTester *self,
               gboolean      in_flight)
{
  gtk_widget_set_sensitive (self->send_button, !in_flight);
  gtk_widget_set_visible (self->cancel_button, in_flight);
}

static void
set_status (SyChatTester *self,
            const char   *text,
            const char   *css_class)
{
  static const char * const classes[] = { "sy-ok", "sy-warning", "sy-bad", NULL };

  for (guint i = 0; classes[i] != NULL; i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), classes[i]);
  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), css_class);
  gtk_label_set_text (self->status_label, text);
}

/* One step: what, the header or detail it comes from (may be NULL), and its value. */
static void
add_step (SyChatTester *self,
          const char   *name,
          const char   *source,
          const char   *value)
{
  GtkWidget *row = sy_list_box_add_row (self->steps_list);
  GtkWidget *name_label = sy_label_new_line (name, "sy-name");
  GtkWidget *value_label = sy_label_new (value, NULL);

  gtk_widget_set_size_request (name_label, 150, -1);
  gtk_label_set_selectable (GTK_LABEL (value_label), TRUE);
  gtk_widget_set_hexpand (value_label, TRUE);
  gtk_box_append (GTK_BOX (row), name_label);
  gtk_box_append (GTK_BOX (row), value_label);
  if (source != NULL)
    gtk_box_append (GTK_BOX (row), sy_label_new_line (source, "dim-label"));
  gtk_widget_set_visible (GTK_WIDGET (self->steps_list), TRUE);
}

static char *
format_ms (gint64 us)
{
  return g_strdup_printf (_("%.0f ms"), us / 1000.0);
}

static void
show_route_headers (SyChatTester *self,
                    SoupMessage  *msg)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);

  for (guint i = 0; i < G_N_ELEMENTS (route_headers); i++)
    {
      const char *value = soup_message_headers_get_one (headers, route_headers[i].header);

      if (value == NULL)
        continue;
      if (g_str_equal (route_headers[i].header, "X-Switchyard-Translation-Notes"))
        {
          g_autofree char *text = g_strdup_printf (_("%s (the notes are in the gateway's log; "
                                                     "the Playground shows them for a body)"),
                                                   value);

          add_step (self, _(route_headers[i].label), route_headers[i].header, text);
        }
      else
        add_step (self, _(route_headers[i].label), route_headers[i].header, value);
    }
}

static void
set_view_text (GtkTextView *view,
               const char  *text)
{
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (view), text, -1);
}

/* The body as shown: indented JSON, or the text as it came (a stream of events). */
static void
show_body (SyChatTester *self,
           Exchange     *x)
{
  const char *data = (const char *) x->body->data;
  gsize len = x->body->len;
  g_autofree char *pretty = sy_translation_pretty (data, len);
  g_autofree char *raw = NULL;
  guint status = soup_message_get_status (x->msg);

  if (pretty == NULL)
    raw = g_utf8_make_valid (data != NULL ? data : "", (gssize) len);
  set_view_text (self->body_view, pretty != NULL ? pretty : raw);
  gtk_widget_set_visible (self->body_heading, len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->body_view), len > 0);

  /* The answer in words, read back by the client's own codec. */
  if (SOUP_STATUS_IS_SUCCESSFUL (status) && !x->streamed && len > 0)
    {
      const SyCodec *codec = sy_codec_get (x->dialect);
      g_autoptr(SyChatResponse) response = codec->parse_response (data, len, NULL);
      g_autofree char *text = response ? sy_parts_dup_text (response->parts) : NULL;

      if (text != NULL)
        {
          g_autofree char *answer = g_strdup_printf (_("Answer: %s"), text);

          gtk_label_set_text (self->answer_label, answer);
          gtk_widget_set_visible (GTK_WIDGET (self->answer_label), TRUE);
        }
    }
}

static void
finish_exchange (SyChatTester *self,
                 const GError *error)
{
  Exchange *x = self->current;
  gint64 now = g_get_monotonic_time ();

  g_assert (x != NULL);
  if (error != NULL)
    {
      g_autofree char *elapsed = format_ms (now - x->start_us);
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        text = g_strdup_printf (_("Cancelled after %s."), elapsed);
      else
        text = g_strdup_printf (_("No answer from the gateway after %s: %s"), elapsed,
                                error->message);
      set_status (self, text, g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                                ? "sy-warning" : "sy-bad");
      if (x->body != NULL && x->body->len > 0)
        show_body (self, x);
    }
  else
    {
      g_autofree char *first = x->first_byte_us > 0 ? format_ms (x->first_byte_us - x->start_us)
                                                     : g_strdup (_("no body"));
      g_autofree char *total = format_ms (now - x->start_us);

      add_step (self, _("First byte"), NULL, first);
      add_step (self, _("Total"), NULL, total);
      show_body (self, x);
    }
  self->current = NULL;
  set_in_flight (self, FALSE);
  exchange_free (x);
}

static void read_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data);

static void
read_next (Exchange *x)
{
  g_input_stream_read_bytes_async (x->stream, READ_SIZE, G_PRIORITY_DEFAULT, x->cancellable,
                                   read_cb, x);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Exchange *x = user_data;
  SyChatTester *self = x->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result,
                                                              &error);

  if (self->current != x)
    {
      exchange_free (x);
      return;
    }
  if (bytes == NULL)
    {
      finish_exchange (self, error);
      return;
    }
  if (g_bytes_get_size (bytes) == 0)
    {
      finish_exchange (self, NULL);
      return;
    }
  if (x->first_byte_us == 0)
    x->first_byte_us = g_get_monotonic_time ();
  g_byte_array_append (x->body, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  read_next (x);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Exchange *x = user_data;
  SyChatTester *self = x->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *status_text = NULL;
  GInputStream *stream;
  guint status;

  stream = soup_session_send_finish (SOUP_SESSION (source), result, &error);
  if (self->current != x)
    {
      g_clear_object (&stream);
      exchange_free (x);
      return;
    }
  if (stream == NULL)
    {
      finish_exchange (self, error);
      return;
    }
  x->stream = stream;

  status = soup_message_get_status (x->msg);
  status_text = g_strdup_printf ("%u %s", status, soup_message_get_reason_phrase (x->msg));
  set_status (self, status_text, SOUP_STATUS_IS_SUCCESSFUL (status) ? "sy-ok" : "sy-bad");
  add_step (self, _("Status"), NULL, status_text);
  show_route_headers (self, x->msg);
  read_next (x);
}

/* The request a client speaking dialect would send for this prompt. */
static GBytes *
build_body (SyDialect   dialect,
            const char *model,
            const char *prompt,
            gboolean    stream,
            char      **path,
            GError    **error)
{
  const SyCodec *codec = sy_codec_get (dialect);
  g_autoptr(SyChatRequest) request = sy_chat_request_new ();
  SyMessage *message = sy_chat_request_ensure_message (request, SY_ROLE_USER);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *codec_path = NULL;
  GBytes *bytes;

  request->model = g_strdup (model);
  request->stream = stream;
  request->max_tokens = 1024;
  g_ptr_array_add (message->parts, sy_part_new_text (prompt));
  bytes = codec->emit_request (request, notes, error);
  if (bytes == NULL)
    return NULL;

  /* Gemini names the model in the URL, which may hold slashes ("openai/gpt-4o"). */
  if (dialect == SY_DIALECT_GEMINI)
    *path = g_strdup_printf ("/v1beta/models/%s:%s", model,
                             stream ? "streamGenerateContent?alt=sse" : "generateContent");
  else
    {
      codec_path = codec->request_path (request);
      *path = g_strconcat ("/v1", codec_path, NULL);
    }
  return bytes;
}

static void
add_key_header (SoupMessageHeaders *headers,
                SyDialect           dialect,
                const char         *key)
{
  g_autofree char *bearer = NULL;

  switch (dialect)
    {
    case SY_DIALECT_ANTHROPIC:
      soup_message_headers_replace (headers, "x-api-key", key);
      break;
    case SY_DIALECT_GEMINI:
      soup_message_headers_replace (headers, "x-goog-api-key", key);
      break;
    case SY_DIALECT_OPENAI:
    case SY_DIALECT_RESPONSES:
    case SY_DIALECT_GEMINI_CLI:
    case SY_DIALECT_KIRO:
    default:
      bearer = g_strconcat ("Bearer ", key, NULL);
      soup_message_headers_replace (headers, "Authorization", bearer);
      break;
    }
}

static void
clear_result (SyChatTester *self)
{
  sy_list_box_clear (self->steps_list);
  gtk_widget_set_visible (GTK_WIDGET (self->steps_list), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->answer_label), FALSE);
  gtk_widget_set_visible (self->request_expander, FALSE);
  gtk_widget_set_visible (self->body_heading, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->body_view), FALSE);
  set_view_text (self->body_view, "");
}

static void
send_clicked_cb (SyChatTester *self)
{
  SyDialect dialect = (SyDialect) gtk_drop_down_get_selected (self->dialect_drop);
  g_autofree char *model = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->model_entry)));
  const char *prompt = gtk_editable_get_text (GTK_EDITABLE (self->prompt_entry));
  const char *key = gtk_editable_get_text (self->key_entry);
  gboolean stream = gtk_check_button_get_active (self->stream_check);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *base = NULL;
  g_autofree char *url = NULL;
  g_autofree char *request_step = NULL;
  g_autofree char *pretty = NULL;
  SoupMessageHeaders *headers;
  Exchange *x;

  if (self->current != NULL)
    return;
  g_strstrip (model);
  clear_result (self);
  if (self->link.host == NULL ||
      sy_gateway_host_get_status (self->link.host) != SY_GATEWAY_HOST_SERVING)
    {
      set_status (self, _("The gateway is not serving, so there is nothing to send to. Resume "
                          "it (or choose a free port) in the bar at the top of the window."),
                  "sy-bad");
      return;
    }
  if (*model == '\0')
    {
      set_status (self, _("Name a model first: provider/model (openai/gpt-4o-mini) or a combo."),
                  "sy-bad");
      return;
    }

  body = build_body (dialect, model, prompt, stream, &path, &error);
  if (body == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("The request could not be written in %s: %s"),
                                               sy_translation_dialect_label (dialect),
                                               error->message);

      set_status (self, text, "sy-bad");
      return;
    }

  base = sy_gateway_host_dup_base_url (self->link.host);
  url = g_strconcat (base, path, NULL);
  x = g_new0 (Exchange, 1);
  x->msg = soup_message_new (SOUP_METHOD_POST, url);
  if (x->msg == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Not a valid address: %s"), url);

      set_status (self, text, "sy-bad");
      exchange_free (x);
      return;
    }
  x->self = g_object_ref (self);
  x->cancellable = g_cancellable_new ();
  x->body = g_byte_array_new ();
  x->dialect = dialect;
  x->streamed = stream;
  headers = soup_message_get_request_headers (x->msg);
  soup_message_headers_replace (headers, "Connection", "close");
  if (dialect == SY_DIALECT_ANTHROPIC)
    soup_message_headers_replace (headers, "anthropic-version", "2023-06-01");
  if (*key != '\0')
    add_key_header (headers, dialect, key);
  soup_message_set_request_body_from_bytes (x->msg, "application/json", body);

  request_step = g_strdup_printf ("POST %s (%s)", path, sy_translation_dialect_label (dialect));
  add_step (self, _("Request"), NULL, request_step);
  if (self->require_key && *key == '\0')
    add_step (self, _("API key"), NULL,
              _("none given, but the gateway requires one: expect 401"));
  pretty = sy_translation_pretty (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  set_view_text (self->request_view, pretty != NULL ? pretty : "");
  gtk_widget_set_visible (self->request_expander, TRUE);
  set_status (self, _("Sending…"), NULL);

  self->current = x;
  set_in_flight (self, TRUE);
  x->start_us = g_get_monotonic_time ();
  soup_session_send_async (self->session, x->msg, G_PRIORITY_DEFAULT, x->cancellable, sent_cb,
                           x);
}

static void
cancel_clicked_cb (SyChatTester *self)
{
  if (self->current != NULL)
    g_cancellable_cancel (self->current->cancellable);
}

/* --- life -------------------------------------------------------------------------------- */

void
sy_chat_tester_refresh (SyChatTester *self)
{
  SyGateway *gateway;

  g_return_if_fail (SY_IS_CHAT_TESTER (self));

  gateway = self->link.host ? sy_gateway_host_get_gateway (self->link.host) : NULL;
  self->require_key = gateway != NULL &&
                      sy_settings_repo_get_boolean (sy_gateway_get_settings (gateway),
                                                    "requireApiKey");
  gtk_widget_set_visible (self->key_label, self->require_key);
  gtk_widget_set_visible (self->key_box, self->require_key);
}

void
sy_chat_tester_set_client (SyChatTester  *self,
                           SyAdminClient *client)
{
  g_return_if_fail (SY_IS_CHAT_TESTER (self));

  sy_page_link_set_client (&self->link, client);
}

static void
sy_chat_tester_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (sy_chat_tester_parent_class)->map (widget);
  sy_page_link_mapped (&SY_CHAT_TESTER (widget)->link);
}

static void
sy_chat_tester_unmap (GtkWidget *widget)
{
  sy_page_link_unmapped (&SY_CHAT_TESTER (widget)->link);
  GTK_WIDGET_CLASS (sy_chat_tester_parent_class)->unmap (widget);
}

static void
sy_chat_tester_dispose (GObject *object)
{
  SyChatTester *self = SY_CHAT_TESTER (object);

  /* The exchange's callbacks see it is no longer current and free it. */
  if (self->current != NULL)
    {
      g_cancellable_cancel (self->current->cancellable);
      self->current = NULL;
    }
  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  sy_page_link_clear (&self->link);
  gtk_widget_dispose_template (GTK_WIDGET (self), SY_TYPE_CHAT_TESTER);
  /* GTK 4.8 disposes only the bound children: the template's root box goes here. */
  sy_widget_unparent_children (GTK_WIDGET (self));
  G_OBJECT_CLASS (sy_chat_tester_parent_class)->dispose (object);
}

static void
sy_chat_tester_class_init (SyChatTesterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sy_chat_tester_dispose;
  widget_class->map = sy_chat_tester_map;
  widget_class->unmap = sy_chat_tester_unmap;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/dev/switchyard/Switchyard/ui/sy-chat-tester.ui");
  gtk_widget_class_bind_template_child (widget_class, SyChatTester, model_entry);
  gtk_widget_class_bind_template_child (widget_class, SyChatTester, dialect_drop);
  gtk_widget_class_bind_template_child (widget_class, SyChatTester, stream_check);
  gtk_widget_class_bind_template_child (widget_class, SyChatTester, prompt_entry);
  gtk_widget_class_bind_template_child (widget_class, SyChatTester, send_button);
  gtk_widget_class_bind_template_child (widget_class, SyChatTester, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, SyChatTester, key_label);
  gtk_widget_class_bind_template_child (widget_class, SyChatTester, key_box);
  gtk_widget_class_bind_template_child (widget_class, SyChatTester, key_entry);
  gtk_widget_class_bind_template_child (widget_class, SyChatTester, status_label);
  gtk_widget_class_bind_template_child (widget_class, SyChatTester, steps_list);
  gtk_widget_class_bind_template_child (widget_class, SyChatTester, answer_label);
  gtk_widget_class_bind_template_child (widget_class, SyChatTester, request_expander);
  gtk_widget_class_bind_template_child (widget_class, SyChatTester, request_view);
  gtk_widget_class_bind_template_child (widget_class, SyChatTester, body_heading);
  gtk_widget_class_bind_template_child (widget_class, SyChatTester, body_view);
  gtk_widget_class_bind_template_callback (widget_class, send_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
}

static void
sy_chat_tester_init (SyChatTester *self)
{
  g_autoptr(GProxyResolver) no_proxy = g_simple_proxy_resolver_new (NULL, NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
  sy_page_link_init (&self->link, GTK_WIDGET (self), POLL_INTERVAL_S,
                     (SyPageLinkFunc) sy_chat_tester_refresh,
                     (SyPageLinkFunc) sy_chat_tester_refresh);
  /* Loopback only: $http_proxy must not apply (libsoup honours it even for 127.0.0.1). Long
   * completions take minutes. */
  self->session = g_object_new (SOUP_TYPE_SESSION,
                                "proxy-resolver", no_proxy,
                                "timeout", 600,
                                NULL);
}
