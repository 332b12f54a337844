#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# HEALTHCHECK of the switchyard-server container (Dockerfile.server): healthy when
# GET /api/health answers 200 to the admin token. That proves the main loop serves requests
# and the admin token still authenticates; a bare TCP connect or a 401 from an unauthenticated
# request would call a wedged or misconfigured gateway healthy.
#
# The token is SWITCHYARD_ADMIN_TOKEN when set, else the DATA_DIR/admin-token file the server
# wrote on first start (0600, owned by the container's user, which runs this check too). It
# reaches curl on standard input, never on a command line that `docker top` would show.
# Exit status: 0 healthy, 1 not (Docker reserves 2).

set -eu

port=${SWITCHYARD_PORT:-20128}
data_dir=${SWITCHYARD_DATA_DIR:-/data}

if [ -n "${SWITCHYARD_ADMIN_TOKEN:-}" ]; then
  token=$SWITCHYARD_ADMIN_TOKEN
elif ! token=$(cat "$data_dir/admin-token" 2>/dev/null); then
  echo "no admin token: $data_dir/admin-token is missing (has the server started?)" >&2
  exit 1
fi

printf 'Authorization: Bearer %s\n' "$token" |
  curl --fail --silent --show-error --max-time 4 --output /dev/null --header @- \
    "http://127.0.0.1:$port/api/health" || exit 1
