build-b/src/domain/record/check.o: src/domain/record/check.c \
 src/domain/record/record.h src/domain/core/core.h src/store/store.h \
 src/util/err.h src/util/mem.h src/util/json.h src/util/date.h
src/domain/record/record.h:
src/domain/core/core.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/json.h:
src/util/date.h:
