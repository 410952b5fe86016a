build-b/src/domain/core/settings.o: src/domain/core/settings.c \
 src/domain/core/settings.h src/domain/core/core.h src/store/store.h \
 src/util/err.h src/util/mem.h src/util/json.h src/util/clock.h
src/domain/core/settings.h:
src/domain/core/core.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/json.h:
src/util/clock.h:
