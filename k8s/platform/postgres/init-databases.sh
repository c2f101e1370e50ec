#!/bin/sh
# Runs once, on an empty data directory (docker-entrypoint-initdb.d): one role and one
# database per service. Passwords come from the Secret postgres-credentials (never in git).
set -eu
for svc in login checkout notify; do
  var="$(echo "$svc" | tr '[:lower:]' '[:upper:]')_DB_PASSWORD"
  eval "password=\${$var}"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v role="$svc" -v password="$password" -v db="boxoffice_$svc" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"db" OWNER :"role";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
SQL
done
