build-b/src/domain/request/attachment.o: src/domain/request/attachment.c \
 src/domain/request/request.h src/domain/core/core.h src/store/store.h \
 src/util/err.h src/util/mem.h src/util/json.h src/domain/core/fsm.h \
 src/domain/core/settings.h
src/domain/request/request.h:
src/domain/core/core.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/json.h:
src/domain/core/fsm.h:
src/domain/core/settings.h:
