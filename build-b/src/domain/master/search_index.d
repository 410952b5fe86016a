build-b/src/domain/master/search_index.o: \
 src/domain/master/search_index.c src/domain/master/master.h \
 src/domain/core/core.h src/store/store.h src/util/err.h src/util/mem.h \
 src/util/json.h src/domain/record/record.h src/util/date.h \
 src/domain/search/search.h
src/domain/master/master.h:
src/domain/core/core.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/json.h:
src/domain/record/record.h:
src/util/date.h:
src/domain/search/search.h:
