build-b/src/store/pg/pg.o: src/store/pg/pg.c \
 /usr/include/postgresql/libpq-fe.h \
 /usr/include/postgresql/postgres_ext.h \
 /usr/include/postgresql/pg_config_ext.h src/store/store.h src/util/err.h \
 src/util/mem.h src/util/log.h
/usr/include/postgresql/libpq-fe.h:
/usr/include/postgresql/postgres_ext.h:
/usr/include/postgresql/pg_config_ext.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/log.h:
