build-b/src/domain/request/kb.o: src/domain/request/kb.c \
 src/domain/request/request.h src/domain/core/core.h src/store/store.h \
 src/util/err.h src/util/mem.h src/util/json.h src/domain/core/fsm.h \
 src/domain/core/settings.h src/domain/core/text.h \
 src/domain/search/search.h src/util/clock.h
src/domain/request/request.h:
src/domain/core/core.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/json.h:
src/domain/core/fsm.h:
src/domain/core/settings.h:
src/domain/core/text.h:
src/domain/search/search.h:
src/util/clock.h:
