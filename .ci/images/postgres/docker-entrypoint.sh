#!/usr/bin/env bash
# Entrypoint of mip-standin/postgres: the interface of the official postgres image.
#   POSTGRES_PASSWORD (required unless POSTGRES_HOST_AUTH_METHOD=trust),
#   POSTGRES_USER (default postgres), POSTGRES_DB (default: the user),
#   POSTGRES_INITDB_ARGS, POSTGRES_HOST_AUTH_METHOD (default scram-sha-256),
#   the *_FILE variants, /docker-entrypoint-initdb.d/*.{sh,sql,sql.gz}, PGDATA.
# Unlike the official image, the temporary server used during initialisation
# listens on the Unix socket only and logs to a file, so "database system is
# ready to accept connections" is printed exactly once: when the real server
# accepts TCP connections on 0.0.0.0:5432.
set -Eeuo pipefail

# file_env VAR [DEFAULT]: take VAR from $VAR or from the file named by $VAR_FILE
file_env() {
	local var="$1" file_var="${1}_FILE" def="${2:-}" val
	if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then
		echo >&2 "error: both $var and $file_var are set (but are exclusive)"
		exit 1
	fi
	val="$def"
	if [ -n "${!var:-}" ]; then
		val="${!var}"
	elif [ -n "${!file_var:-}" ]; then
		val="$(<"${!file_var}")"
	fi
	export "$var"="$val"
	unset "$file_var"
}

if [ "${1:0:1}" = '-' ]; then
	set -- postgres "$@"
fi
if [ "$1" != postgres ]; then
	exec "$@"
fi

# As root: fix ownership, then run this script again as the postgres user.
if [ "$(id -u)" = 0 ]; then
	mkdir -p "$PGDATA" /var/run/postgresql
	find "$PGDATA" \! -user postgres -exec chown postgres:postgres '{}' + 2>/dev/null || :
	chmod 700 "$PGDATA" 2>/dev/null || :
	chown postgres:postgres /var/run/postgresql 2>/dev/null || :
	chmod 3777 /var/run/postgresql 2>/dev/null || :
	export HOME=/var/lib/postgresql
	exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
	file_env POSTGRES_PASSWORD
	file_env POSTGRES_USER postgres
	file_env POSTGRES_DB "$POSTGRES_USER"
	file_env POSTGRES_INITDB_ARGS
	auth="${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}"
	if [ -z "$POSTGRES_PASSWORD" ] && [ "$auth" != trust ]; then
		cat >&2 <<-'EOM'
			Error: Database is uninitialized and superuser password is not specified.
			       You must specify POSTGRES_PASSWORD to a non-empty value for the
			       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".
			       (Or set POSTGRES_HOST_AUTH_METHOD=trust to allow all connections
			       without a password; not recommended.)
		EOM
		exit 1
	fi
	mkdir -p "$PGDATA"
	chmod 700 "$PGDATA" 2>/dev/null || :

	initdb_args=(--username="$POSTGRES_USER" --encoding=UTF8 --locale=C.UTF-8 --auth=trust -D "$PGDATA")
	pwfile=""
	if [ -n "$POSTGRES_PASSWORD" ]; then
		pwfile="$(mktemp /tmp/pwfile.XXXXXX)"
		printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
		initdb_args+=(--pwfile="$pwfile")
	fi
	# POSTGRES_INITDB_ARGS is word-split like the official image does (eval)
	eval 'initdb "${initdb_args[@]}" '"$POSTGRES_INITDB_ARGS"
	[ -z "$pwfile" ] || rm -f "$pwfile"

	printf "\nlisten_addresses = '*'\n" >>"$PGDATA/postgresql.conf"
	if [ "$auth" = md5 ]; then
		printf "password_encryption = md5\n" >>"$PGDATA/postgresql.conf"
	fi
	printf '\nhost all all all %s\n' "$auth" >>"$PGDATA/pg_hba.conf"

	# Temporary server: Unix socket only (no TCP, so readiness probes that use
	# 127.0.0.1 cannot succeed early), log to a file (no early "ready" line).
	init_log="$(mktemp /tmp/initdb-server.XXXXXX.log)"
	if ! pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w -t 60 -l "$init_log" start >/dev/null; then
		cat >&2 "$init_log"
		exit 1
	fi
	export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
	psql_base=(psql -v ON_ERROR_STOP=1 --no-psqlrc --no-password --username "$POSTGRES_USER" --host /var/run/postgresql --port 5432)
	if [ "$POSTGRES_DB" != postgres ]; then
		exists="$("${psql_base[@]}" --dbname postgres -tA --set db="$POSTGRES_DB" \
			<<<"SELECT 1 FROM pg_database WHERE datname = :'db' ;")"
		if [ -z "$exists" ]; then
			"${psql_base[@]}" --dbname postgres -q --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db" ;'
		fi
	fi
	for f in /docker-entrypoint-initdb.d/*; do
		[ -e "$f" ] || continue
		case "$f" in
			*.sh)
				echo "$0: running $f"
				if [ -x "$f" ]; then "$f"; else . "$f"; fi
				;;
			*.sql) echo "$0: running $f"; "${psql_base[@]}" --dbname "$POSTGRES_DB" -q -f "$f" ;;
			*.sql.gz) echo "$0: running $f"; gunzip -c "$f" | "${psql_base[@]}" --dbname "$POSTGRES_DB" -q ;;
			*) echo "$0: ignoring $f" ;;
		esac
	done
	unset PGPASSWORD
	pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
	rm -f "$init_log"
	echo
	echo 'PostgreSQL init process complete; ready for start up.'
	echo
fi

# Run the server as a child so that SIGTERM, like SIGINT, means "fast shutdown"
# (postgres itself treats SIGTERM as "smart": wait for every client to leave).
"$@" &
pid=$!
trap 'kill -INT "$pid" 2>/dev/null || :' TERM INT
trap 'kill -QUIT "$pid" 2>/dev/null || :' QUIT
trap 'kill -HUP "$pid" 2>/dev/null || :' HUP
while :; do
	rc=0
	wait "$pid" || rc=$?
	kill -0 "$pid" 2>/dev/null || break
done
rc=0
wait "$pid" 2>/dev/null || rc=$?
exit "$rc"
