build-b/src/domain/core/fsm.o: src/domain/core/fsm.c \
 src/domain/core/fsm.h src/util/err.h src/util/json.h src/util/mem.h
src/domain/core/fsm.h:
src/util/err.h:
src/util/json.h:
src/util/mem.h:
