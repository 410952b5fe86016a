build-b/src/domain/record/list.o: src/domain/record/list.c \
 src/domain/record/record.h src/domain/core/core.h src/store/store.h \
 src/util/err.h src/util/mem.h src/util/json.h
src/domain/record/record.h:
src/domain/core/core.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/json.h:
