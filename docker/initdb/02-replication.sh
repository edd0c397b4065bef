#!/bin/sh
# The streaming replica (service db-replica) connects as the jkn user over the compose network.
set -e
echo "host replication jkn all scram-sha-256" >> "$PGDATA/pg_hba.conf"
