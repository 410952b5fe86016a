build-b/src/domain/master/import.o: src/domain/master/import.c \
 src/domain/master/internal.h src/domain/master/master.h \
 src/domain/core/core.h src/store/store.h src/util/err.h src/util/mem.h \
 src/util/json.h src/domain/record/record.h src/util/date.h \
 src/util/csv.h src/util/text.h
src/domain/master/internal.h:
src/domain/master/master.h:
src/domain/core/core.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/json.h:
src/domain/record/record.h:
src/util/date.h:
src/util/csv.h:
src/util/text.h:
