build-b/src/cli/gen.o: src/cli/gen.c src/cli/gen.h src/store/store.h \
 src/util/err.h src/util/mem.h src/domain/core/core.h src/util/json.h \
 src/domain/master/master.h src/domain/record/record.h src/util/date.h \
 src/domain/search/search.h src/util/clock.h src/util/log.h
src/cli/gen.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/domain/core/core.h:
src/util/json.h:
src/domain/master/master.h:
src/domain/record/record.h:
src/util/date.h:
src/domain/search/search.h:
src/util/clock.h:
src/util/log.h:
