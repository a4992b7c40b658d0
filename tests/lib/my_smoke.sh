#!/usr/bin/env bash
# my_smoke.sh — checks of the MySQL/MariaDB driver against a throwaway
# MariaDB (tests/lib/mariadb.sh): builds tests/lib/my_smoke.c with the
# driver (drivers/mysql*.c) and the few engine files it needs, creates the
# test databases and runs it.
#
#   bash tests/lib/my_smoke.sh          # the checks
#   bash tests/lib/my_smoke.sh bench    # bulk vs INSERT vs LOAD DATA, 200k rows x 11 columns
#
# Uses the running server when MYTEST_PORT/MYTEST_SOCK are set, else starts
# (and stops) its own.
set -u
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$REPO" || exit 1
# shellcheck source=tests/lib/mariadb.sh
source tests/lib/mariadb.sh

if [ -z "${MYTEST_PORT:-}" ]; then
    mariadb_start || exit 1
    trap 'mariadb_stop; rm -rf "$work"' EXIT
else
    trap 'rm -rf "$work"' EXIT
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/ferry-mysmoke.XXXXXX") || exit 1

# --- build -------------------------------------------------------------------
# Only what the driver and the test need, compiled here from source, so
# that the test does not depend on the state of build/ (the driver table's
# dialect is a stub in my_smoke.c: the test writes its own SQL).
PKGS="sqlite3 libpq libcjson libzstd libmariadb"
CFLAGS="-std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Wshadow -Wstrict-prototypes -Wformat=2 -Wno-format-nonliteral -Werror"
objs=()
for f in drivers/mysql*.c \
         engine/util.c engine/err.c engine/url.c engine/catalog.c engine/value.c tests/lib/my_smoke.c; do
    o="$work/$(basename "${f%.c}").o"
    # shellcheck disable=SC2046,SC2086
    gcc $CFLAGS $(pkg-config --cflags $PKGS) -Iengine -Idrivers -c "$f" -o "$o" || exit 1
    objs+=("$o")
done
# shellcheck disable=SC2046
gcc -o "$work/my_smoke" "${objs[@]}" $(pkg-config --libs libmariadb) -lpthread -lm || exit 1

# --- databases ---------------------------------------------------------------
FIX=$(cd "$REPO/.." && pwd)/shared/fixtures/chinook       # as t_chinook.sh
if [ ! -f "$FIX/Chinook_MySql.sql" ]; then
    echo "my_smoke.sh: fixture not present ($FIX/Chinook_MySql.sql)" >&2
    exit 1
fi
setup() {
    my_sql "" "DROP USER IF EXISTS 'pwuser'@'127.0.0.1', 'pwuser'@'localhost', 'pwuser'@'%'" &&
    my_add_password_user pwuser 's3cr3t-Pw' &&
    my_dropdb w && my_createdb w &&
    my_sql "" < "$FIX/Chinook_MySql.sql" &&
    my_sql "" <<'EOF'
SET sql_mode = '';
DROP DATABASE IF EXISTS rich;
CREATE DATABASE rich CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
USE rich;
CREATE TABLE parent (
  id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  code VARCHAR(20) NOT NULL,
  UNIQUE KEY uq_code (code)
) ENGINE=InnoDB COMMENT='the parents';
CREATE TABLE alltypes (
  id BIGINT NOT NULL AUTO_INCREMENT,
  ti TINYINT, tiu TINYINT UNSIGNED, bo TINYINT(1) DEFAULT 1, si SMALLINT, siu SMALLINT UNSIGNED,
  mi MEDIUMINT, miu MEDIUMINT UNSIGNED, i INT DEFAULT -5, iu INT(10) UNSIGNED ZEROFILL, bi BIGINT,
  biu BIGINT UNSIGNED, de DECIMAL(12,3) DEFAULT '1.500', de0 DECIMAL(30,0), fl FLOAT, flmd FLOAT(7,3),
  db DOUBLE DEFAULT 2.5, b1 BIT(1), b8 BIT(8) DEFAULT b'101', b64 BIT(64),
  ch CHAR(10) DEFAULT 'it''s', vc VARCHAR(255) DEFAULT 'back\\slash', tx TEXT, ttx TINYTEXT,
  mtx MEDIUMTEXT, ltx LONGTEXT, bn BINARY(4), vb VARBINARY(100), bl BLOB, tbl TINYBLOB,
  mbl MEDIUMBLOB, lbl LONGBLOB, en ENUM('a','b c','d''e') DEFAULT 'a', st SET('x','y','z'),
  yr YEAR, dt DATE, dtm DATETIME, dtm6 DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6),
  ts TIMESTAMP(3) NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3), tm TIME,
  tm3 TIME(3), js JSON, l1 VARCHAR(50) CHARACTER SET latin1 COLLATE latin1_german1_ci COMMENT 'a latin1 column',
  uu UUID, i4 INET6, gen_v INT AS (i * 2) VIRTUAL, gen_s VARCHAR(300) AS (CONCAT(vc, '!')) STORED,
  parent_id INT UNSIGNED,
  PRIMARY KEY (id),
  KEY ix_prefix (tx(20), vc DESC),
  UNIQUE KEY uq_multi (si, mi),
  KEY ix_parent (parent_id),
  FULLTEXT KEY ft_tx (tx),
  CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent(id) ON DELETE SET NULL ON UPDATE CASCADE,
  CONSTRAINT chk_i CHECK (i > -100),
  CHECK (si <> 13)
) ENGINE=InnoDB AUTO_INCREMENT=1000 COMMENT='every type';
CREATE TABLE comp (a INT NOT NULL, b VARCHAR(10) NOT NULL, c INT, d INT, PRIMARY KEY (b, a), KEY ix_cd (c, d));
CREATE TABLE child (id INT NOT NULL PRIMARY KEY, ca INT, cb VARCHAR(10),
  CONSTRAINT fk_comp FOREIGN KEY (cb, ca) REFERENCES comp (b, a) ON DELETE CASCADE);
CREATE TABLE nokey (x INT, y TEXT);
CREATE TABLE `we``ird name` (`col ``q` INT PRIMARY KEY, `sp ace` TEXT);
CREATE VIEW v_parent AS SELECT id, code FROM parent WHERE id > 1;
CREATE ALGORITHM=MERGE SQL SECURITY INVOKER VIEW `v``2` AS
  SELECT p.code, count(*) AS n FROM parent p JOIN alltypes a ON a.parent_id = p.id GROUP BY p.code;

DROP DATABASE IF EXISTS edge;
CREATE DATABASE edge CHARACTER SET utf8mb4;
USE edge;
SET time_zone = '+00:00';
CREATE TABLE e (
  id INT PRIMARY KEY, biu BIGINT UNSIGNED, bmin BIGINT, bmax BIGINT, tiu TINYINT UNSIGNED,
  bo TINYINT(1), b1 BIT(1), b8 BIT(8), b64 BIT(64), fl FLOAT, fl2 FLOAT, db DOUBLE,
  flmd FLOAT(7,3), de DECIMAL(12,3), dz DATE, dtz DATETIME, dtm6 DATETIME(6), ts TIMESTAMP(3) NULL,
  tm TIME, yr YEAR, en ENUM('a','b c'), st SET('x','y','z'), js JSON,
  l1 VARCHAR(10) CHARACTER SET latin1, u8 VARCHAR(10), bn BINARY(4), vb VARBINARY(10), lbl LONGBLOB,
  uu UUID, iu INT(7) ZEROFILL);
INSERT INTO e VALUES (1, 18446744073709551615, -9223372036854775808, 9223372036854775807, 255,
  1, b'1', 129, 18446744073709551615, 1.0000001, 16777217, 0.1, 1.5, -12.5, '0000-00-00',
  '0000-00-00 00:00:00', '2024-02-29 13:14:15.123456', '2001-02-03 04:05:06.789', '-838:59:59',
  2024, 'b c', 'z,x', '{"a": [1, 2]}', _utf8mb4 x'c3a9', _utf8mb4 x'c3a9d096f09f9880', x'00ff',
  x'00ff80', NULL, '123e4567-e89b-12d3-a456-426614174000', 42);
INSERT INTO e (id, lbl) VALUES (2, REPEAT(x'00ff', 512 * 1024));
INSERT INTO e (id) VALUES (3);
CREATE TABLE big (k INT PRIMARY KEY, v VARCHAR(20));
INSERT INTO big WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < 999)
  SELECT 3 * i + 7, CONCAT('v', i) FROM s;
CREATE TABLE nk (x INT);
INSERT INTO nk VALUES (4), (3), (2), (1);
CREATE TABLE ubig (k BIGINT UNSIGNED PRIMARY KEY);
INSERT INTO ubig VALUES (1), (18446744073709551615);
EOF
}
# An ed25519 account, when the server has the plugin.
if my_sql "" "INSTALL SONAME 'auth_ed25519'" >/dev/null 2>&1 || \
   my_sql "" "SELECT 1 FROM information_schema.PLUGINS WHERE PLUGIN_NAME = 'ed25519'" | grep -q 1; then
    my_sql "" "DROP USER IF EXISTS eduser@'127.0.0.1';
CREATE USER eduser@'127.0.0.1' IDENTIFIED VIA ed25519 USING PASSWORD('Ed-pw-25519');
GRANT ALL ON *.* TO eduser@'127.0.0.1'" && export MYSMOKE_ED25519=1
fi
if ! setup >"$work/setup.log" 2>&1; then
    echo "my_smoke.sh: setting up the test databases failed:" >&2
    cat "$work/setup.log" >&2
    exit 1
fi
"$work/my_smoke" "$MYTEST_PORT" "$MYTEST_SOCK" "$@"
rc=$?
[ "${1:-}" = bench ] && exit $rc

# TLS: a second throwaway server with a certificate (in a subshell, so
# that its MYTEST_* do not replace the first one's).
(
    unset MYTEST_DIR MYTEST_SOCK MYTEST_PORT MYTEST_URL MYTEST_PID
    MYTEST_TLS=1 mariadb_start || exit 1
    trap mariadb_stop EXIT
    "$work/my_smoke" "$MYTEST_PORT" "$MYTEST_SOCK" tls "$MYTEST_CA"
) || rc=1
exit $rc
