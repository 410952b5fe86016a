build-b/src/cli/import.o: src/cli/import.c src/cli/cli.h src/app.h \
 src/store/store.h src/util/err.h src/util/mem.h \
 src/domain/master/master.h src/domain/core/core.h src/store/store.h \
 src/util/json.h src/domain/record/record.h src/util/date.h \
 src/util/clock.h
src/cli/cli.h:
src/app.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/domain/master/master.h:
src/domain/core/core.h:
src/store/store.h:
src/util/json.h:
src/domain/record/record.h:
src/util/date.h:
src/util/clock.h:
