#!/bin/sh
# Creates Temporal's two databases on its PostgreSQL and brings their schemas up to the
# admin-tools image's version: run by the temporal-schema job of deploy/compose.yaml
# before the server starts, as Temporal's own compose example does (samples-server,
# compose/scripts/setup-postgres.sh). Safe to run again: an existing database is kept and
# update-schema applies only the versions it lacks.
set -eu
: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
port="${DB_PORT:-5432}"
schemas=/etc/temporal/schema/postgresql/v12

until nc -z -w 5 "$POSTGRES_SEEDS" "$port"; do
	echo "waiting for PostgreSQL at $POSTGRES_SEEDS:$port"
	sleep 2
done

sql() {
	temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$port" -u "$POSTGRES_USER" "$@"
}
for pair in "${DBNAME:-temporal}:temporal" "${VISIBILITY_DBNAME:-temporal_visibility}:visibility"; do
	db="${pair%%:*}" kind="${pair##*:}"
	sql --db "$db" create || echo "database $db exists"
	# setup-schema -v 0.0 only lays down the version table on an empty database
	sql --db "$db" setup-schema -v 0.0 || echo "schema of $db already set up"
	sql --db "$db" update-schema -d "$schemas/$kind/versioned"
done
echo "Temporal schemas are up to date"
