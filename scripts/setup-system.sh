#!/usr/bin/env bash
# Installs the system packages sohoa needs and makes sure Redis and PostgreSQL answer on loopback.
# Idempotent: installs only what is missing, starts only what is not running. Debian/Ubuntu, as root.
# --bench also installs what only the benchmark's OCRmyPDF run needs (Ghostscript, for its PDF/A output).
set -euo pipefail

packages=(tesseract-ocr tesseract-ocr-vie qpdf poppler-utils fonts-liberation2 fonts-croscore fonts-dejavu-core
          redis-server postgresql postgresql-client softhsm2 openssl chromium chromium-driver)
[ "${1:-}" = "--bench" ] && packages+=(ghostscript)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  as_root=""; [ "$(id -u)" -eq 0 ] || as_root="sudo"
  $as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "setup: starting Redis on 127.0.0.1:6379"
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/sohoa.log
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "setup: starting PostgreSQL"
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || pg_ctlcluster "$version" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
# A login role for the user running the tests, and the `test` database, both over loopback.
user=$(id -un)
if ! psql -h 127.0.0.1 -U "$user" -d postgres -Atc "select 1" >/dev/null 2>&1; then
  runuser -u postgres -- psql -q -c "CREATE ROLE \"$user\" SUPERUSER LOGIN PASSWORD 'sohoa-test'" 2>/dev/null || true
fi
if [ ! -f "$HOME/.pgpass" ] && ! psql -h 127.0.0.1 -U "$user" -d postgres -Atc "select 1" >/dev/null 2>&1; then
  echo "127.0.0.1:5432:*:$user:sohoa-test" > "$HOME/.pgpass" && chmod 600 "$HOME/.pgpass"
fi
psql -h 127.0.0.1 -U "$user" -d postgres -Atc "select 1 from pg_database where datname='test'" | grep -q 1 \
  || psql -h 127.0.0.1 -U "$user" -d postgres -qc "CREATE DATABASE test"
echo "setup: system ready (tesseract $(tesseract --version 2>&1 | head -n 1 | cut -d' ' -f2), redis, postgresql)"
