build-b/src/domain/search/search.o: src/domain/search/search.c \
 src/domain/search/search.h src/store/store.h src/util/err.h \
 src/util/mem.h src/util/clock.h src/util/tokenize.h
src/domain/search/search.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/clock.h:
src/util/tokenize.h:
