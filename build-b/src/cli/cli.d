build-b/src/cli/cli.o: src/cli/cli.c src/cli/cli.h src/app.h \
 src/store/store.h src/util/err.h src/util/mem.h \
 src/domain/search/search.h src/store/store.h src/domain/user/user.h \
 src/domain/core/core.h src/util/json.h src/util/clock.h
src/cli/cli.h:
src/app.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/domain/search/search.h:
src/store/store.h:
src/domain/user/user.h:
src/domain/core/core.h:
src/util/json.h:
src/util/clock.h:
