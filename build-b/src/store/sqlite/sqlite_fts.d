build-b/src/store/sqlite/sqlite_fts.o: src/store/sqlite/sqlite_fts.c \
 src/store/store.h src/util/err.h src/util/mem.h src/util/tokenize.h
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/tokenize.h:
