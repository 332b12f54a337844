/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The single-instance guard on macOS. GApplication's uniqueness needs a D-Bus session bus,
 * which macOS does not run, so it silently lets every launch be primary (TOOLCHAIN.md,
 * "Single instance"). LaunchServices already activates the running copy when Switchyard.app is
 * opened from the Finder, the Dock or `open`; this guard covers `open -n` and running
 * Contents/MacOS/switchyard-app directly, which would otherwise start a second gateway on the
 * same port:
 *
 *   - an flock() on ~/Library/Caches/dev.switchyard.Switchyard/instance.lock, held for the
 *     process's lifetime (the kernel drops it when the process dies, so no stale lock);
 *   - a later launch that cannot take it posts a distributed notification, which the first
 *     instance turns into the open-window action, and exits.
 */
#define G_LOG_DOMAIN "sy-app"

#import "SYStatusItem.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

static NSString * const activate_notification = @"dev.switchyard.Switchyard.Activate";

gboolean
sy_macos_instance_claim (void)
{
  static int lock_fd = -1;   /* held until exit */
  NSString *dir;
  NSString *path;

  if (lock_fd >= 0)
    return TRUE;

  dir = [NSSearchPathForDirectoriesInDomains (NSCachesDirectory, NSUserDomainMask, YES)
           .firstObject stringByAppendingPathComponent:@"dev.switchyard.Switchyard"];
  [[NSFileManager defaultManager] createDirectoryAtPath:dir withIntermediateDirectories:YES
                                             attributes:nil error:NULL];
  path = [dir stringByAppendingPathComponent:@"instance.lock"];

  lock_fd = open (path.fileSystemRepresentation, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0)
    {
      g_message ("single-instance lock %s: %s", path.UTF8String, g_strerror (errno));
      return TRUE;   /* no guard is better than no app; the port check still refuses a clash */
    }
  if (flock (lock_fd, LOCK_EX | LOCK_NB) == 0)
    return TRUE;

  close (lock_fd);
  lock_fd = -1;
  [[NSDistributedNotificationCenter defaultCenter]
      postNotificationName:activate_notification object:nil userInfo:nil
        deliverImmediately:YES];
  return FALSE;
}

void
sy_macos_instance_listen (GActionGroup *actions)
{
  GActionGroup *held = g_object_ref (actions);   /* for the app's lifetime */

  [[NSDistributedNotificationCenter defaultCenter]
      addObserverForName:activate_notification object:nil
                   queue:[NSOperationQueue mainQueue]
              usingBlock:^(NSNotification *note) {
                /* LSUIElement apps are never activated by the system: do it here. */
                [NSApp activateIgnoringOtherApps:YES];
                if (g_action_group_has_action (held, "open-window"))
                  g_action_group_activate_action (held, "open-window", NULL);
              }];
}
