/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * SYStatusItem: an NSStatusItem whose NSMenu mirrors src/tray/sy-tray-menu.c: a status line,
 * Open Switchyard, Copy <endpoint>, Change Port…, Pause or Resume Gateway, Quit Switchyard.
 * Items activate the app's actions and nothing else; titles and enabled states follow the
 * action group. Texts come from src/tray/sy-tray-state.c and the same msgids as the Linux
 * menu, so translations are shared. Template images (the -symbolic icons rendered to PDF by
 * make-app.sh) let macOS tint the icon for light and dark menu bars.
 */
#define G_LOG_DOMAIN "sy-tray"

#import "SYStatusItem.h"

#include <glib/gi18n.h>

#include "sy-tray-state.h"

static NSString *
ns_string (const char *utf8)
{
  return utf8 != NULL ? [NSString stringWithUTF8String:utf8] : @"";
}

@implementation SYStatusItem
{
  GActionGroup *_actions;
  NSStatusItem *_item;
  NSMenuItem   *_status;
  NSMenuItem   *_open;
  NSMenuItem   *_copy;
  NSMenuItem   *_port;
  NSMenuItem   *_pause;
  NSMenuItem   *_quit;
  SyTrayState   _state;
  char         *_endpoint;
  gulong        _stateChangedId;
  gulong        _enabledChangedId;
}

static void
action_state_changed_cb (GActionGroup *actions, const char *name, GVariant *state,
                         gpointer user_data)
{
  [(__bridge SYStatusItem *) user_data refresh];
}

static void
action_enabled_changed_cb (GActionGroup *actions, const char *name, gboolean enabled,
                           gpointer user_data)
{
  [(__bridge SYStatusItem *) user_data refresh];
}

- (instancetype)initWithActions:(GActionGroup *)actions
{
  self = [super init];
  if (self == nil)
    return nil;

  _actions = g_object_ref (actions);
  _item = [[NSStatusBar systemStatusBar] statusItemWithLength:NSVariableStatusItemLength];
  _item.button.image = [NSImage imageNamed:@"switchyard-symbolic"];
  _item.button.image.template = YES;

  NSMenu *menu = [[NSMenu alloc] init];
  menu.autoenablesItems = NO;   /* enabled states come from the actions, not the responder chain */
  menu.delegate = self;
  _status = [menu addItemWithTitle:@"" action:nil keyEquivalent:@""];
  _status.enabled = NO;
  [menu addItem:[NSMenuItem separatorItem]];
  _open = [self addItemTo:menu title:_("Open Switchyard") action:@selector(openWindow:)];
  _copy = [self addItemTo:menu title:_("Copy Endpoint URL") action:@selector(copyEndpoint:)];
  _port = [self addItemTo:menu title:_("Change Port…") action:@selector(changePort:)];
  _pause = [self addItemTo:menu title:_("Pause Gateway") action:@selector(pauseOrResume:)];
  [menu addItem:[NSMenuItem separatorItem]];
  _quit = [self addItemTo:menu title:_("Quit Switchyard") action:@selector(quit:)];
  _item.menu = menu;

  _stateChangedId = g_signal_connect (_actions, "action-state-changed",
                                      G_CALLBACK (action_state_changed_cb),
                                      (__bridge gpointer) self);
  _enabledChangedId = g_signal_connect (_actions, "action-enabled-changed",
                                        G_CALLBACK (action_enabled_changed_cb),
                                        (__bridge gpointer) self);
  [self refresh];
  return self;
}

- (NSMenuItem *)addItemTo:(NSMenu *)menu title:(const char *)title action:(SEL)action
{
  NSMenuItem *item = [menu addItemWithTitle:ns_string (title) action:action keyEquivalent:@""];

  item.target = self;
  return item;
}

- (BOOL)usable:(const char *)name
{
  return g_action_group_has_action (_actions, name)
         && g_action_group_get_action_enabled (_actions, name);
}

- (char *)dupStringState:(const char *)name
{
  g_autoptr(GVariant) state = NULL;

  if (!g_action_group_has_action (_actions, name))
    return NULL;
  state = g_action_group_get_action_state (_actions, name);
  if (state == NULL || !g_variant_is_of_type (state, G_VARIANT_TYPE_STRING))
    return NULL;
  return g_variant_dup_string (state, NULL);
}

- (void)refresh
{
  g_autofree char *state = [self dupStringState:"gateway-state"];
  g_autofree char *summary = NULL;
  g_autofree char *title = NULL;
  g_autofree char *copy = NULL;
  gboolean running;
  gboolean have_endpoint;

  g_free (_endpoint);
  _endpoint = [self dupStringState:"endpoint"];
  _state = sy_tray_state_from_string (state);
  running = sy_tray_state_is_running (_state);
  have_endpoint = _endpoint != NULL && *_endpoint != '\0';

  summary = sy_tray_state_dup_summary (_state, _endpoint);
  title = sy_tray_state_dup_title (_state, _endpoint);
  copy = have_endpoint ? g_strdup_printf (_("Copy %s"), _endpoint)
                       : g_strdup (_("Copy Endpoint URL"));

  _status.title = ns_string (summary);
  _copy.title = ns_string (copy);
  _pause.title = ns_string (running ? _("Pause Gateway") : _("Resume Gateway"));
  _item.button.toolTip = ns_string (title);
  /* Attention states (port in use) show the state icon untinted, as the Linux indicator asks
   * for attention. */
  _item.button.appearsDisabled = _state == SY_TRAY_STATE_PAUSED;

  _open.enabled = [self usable:"open-window"];
  _copy.enabled = have_endpoint && [self usable:"copy-endpoint"];
  /* The port is edited in the window's Settings page; the Linux helper's small dialog has no
   * AppKit counterpart yet. */
  _port.enabled = [self usable:"open-window"];
  _pause.enabled = _state != SY_TRAY_STATE_UNKNOWN && [self usable:running ? "pause" : "resume"];
  _quit.enabled = [self usable:"quit"];
}

- (void)activate:(const char *)name
{
  /* The menu showed a state that may have changed since: check again. */
  if ([self usable:name])
    g_action_group_activate_action (_actions, name, NULL);
}

- (void)openWindow:(id)sender     { [self activate:"open-window"]; }
- (void)copyEndpoint:(id)sender   { [self activate:"copy-endpoint"]; }
- (void)changePort:(id)sender     { [self activate:"open-window"]; }
- (void)quit:(id)sender           { [self activate:"quit"]; }

- (void)pauseOrResume:(id)sender
{
  [self activate:sy_tray_state_is_running (_state) ? "pause" : "resume"];
}

- (void)menuNeedsUpdate:(NSMenu *)menu
{
  [self refresh];
}

- (void)invalidate
{
  if (_actions == NULL)
    return;
  g_clear_signal_handler (&_stateChangedId, _actions);
  g_clear_signal_handler (&_enabledChangedId, _actions);
  [[NSStatusBar systemStatusBar] removeStatusItem:_item];
  _item = nil;
  g_clear_object (&_actions);
  g_clear_pointer (&_endpoint, g_free);
}

- (void)dealloc
{
  [self invalidate];
}

@end

/* The C face (sy-macos.h): the item is kept alive by the wrapper, outside ARC's sight. */
struct _SyMacosTray
{
  void *item;   /* SYStatusItem, retained */
};

SyMacosTray *
sy_macos_tray_new (GActionGroup *actions)
{
  SyMacosTray *tray;

  g_return_val_if_fail (G_IS_ACTION_GROUP (actions), NULL);

  tray = g_new0 (SyMacosTray, 1);
  tray->item = (void *) CFBridgingRetain ([[SYStatusItem alloc] initWithActions:actions]);
  return tray;
}

void
sy_macos_tray_free (SyMacosTray *tray)
{
  SYStatusItem *item;

  if (tray == NULL)
    return;
  item = CFBridgingRelease (tray->item);
  [item invalidate];
  g_free (tray);
}
