build-b/src/domain/user/user.o: src/domain/user/user.c \
 src/domain/user/user.h src/domain/core/core.h src/store/store.h \
 src/util/err.h src/util/mem.h src/util/json.h src/util/clock.h
src/domain/user/user.h:
src/domain/core/core.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/json.h:
src/util/clock.h:
