build-b/src/domain/record/record.o: src/domain/record/record.c \
 src/domain/record/record.h src/domain/core/core.h src/store/store.h \
 src/util/err.h src/util/mem.h src/util/json.h src/util/clock.h \
 src/util/date.h
src/domain/record/record.h:
src/domain/core/core.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/json.h:
src/util/clock.h:
src/util/date.h:
