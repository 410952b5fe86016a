build-b/src/domain/master/history.o: src/domain/master/history.c \
 src/domain/master/internal.h src/domain/master/master.h \
 src/domain/core/core.h src/store/store.h src/util/err.h src/util/mem.h \
 src/util/json.h src/domain/record/record.h src/util/date.h
src/domain/master/internal.h:
src/domain/master/master.h:
src/domain/core/core.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/json.h:
src/domain/record/record.h:
src/util/date.h:
