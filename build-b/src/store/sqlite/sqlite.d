build-b/src/store/sqlite/sqlite.o: src/store/sqlite/sqlite.c \
 src/store/store.h src/util/err.h src/util/mem.h src/util/log.h
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/log.h:
