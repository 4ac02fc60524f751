#!/usr/bin/env bash
# Installs what Presence Desk needs on a Debian/Ubuntu machine, only what is missing:
#   kamailio + presence/xml modules  the demo lab's SIP server and the integration tests' server
#   kamailio TLS module, openssl      the lab's SIP over TLS (a self-signed certificate per run)
#   chromium                          the browser host's browser on machines without Electron, and the e2e tests
#   baresip, sipsak, linphone-cli     real SIP peers for the integration tests
#   (openssl also makes the lab CUPS server's HTTPS certificate)
#   slapd, ldap-utils                 the demo lab's corporate directory (OpenLDAP) and its tools
#   kamailio-mysql-modules, mariadb-server  the lab's resource list server (RLS) keeps its tables in a
#                                     private MariaDB the lab starts itself (never the system service)
# then the npm packages (npm ci). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v kamailio >/dev/null 2>&1 || need+=(kamailio)
[ -e /usr/lib/x86_64-linux-gnu/kamailio/modules/presence.so ] || [ -e /usr/lib/kamailio/modules/presence.so ] \
  || ls /usr/lib/*/kamailio/modules/presence.so >/dev/null 2>&1 || need+=(kamailio-presence-modules)
ls /usr/lib/*/kamailio/modules/xcap_server.so >/dev/null 2>&1 || need+=(kamailio-xml-modules)
ls /usr/lib/*/kamailio/modules/tls.so >/dev/null 2>&1 || [ -e /usr/lib/kamailio/modules/tls.so ] || need+=(kamailio-tls-modules)
command -v openssl >/dev/null 2>&1 || need+=(openssl)
ls /usr/lib/*/kamailio/modules/db_mysql.so >/dev/null 2>&1 || need+=(kamailio-mysql-modules)
[ -x /usr/sbin/mariadbd ] && command -v mariadb-install-db >/dev/null 2>&1 || need+=(mariadb-server)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v baresip >/dev/null 2>&1 || need+=(baresip)
command -v sipsak >/dev/null 2>&1 || need+=(sipsak)
command -v linphonec >/dev/null 2>&1 || need+=(linphone-cli)
[ -x /usr/sbin/slapd ] || need+=(slapd)
command -v ldapsearch >/dev/null 2>&1 || need+=(ldap-utils)

if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  # The lab runs its own slapd per run: the package must not set up (and start) a system directory.
  if [[ " ${need[*]} " == *" slapd "* ]]; then echo "slapd slapd/no_configuration boolean true" | $sudo debconf-set-selections; fi
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" kamailio-presence-modules kamailio-xml-modules >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund
fi
echo "setup: ready"
