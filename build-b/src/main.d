build-b/src/main.o: src/main.c src/cli/cli.h src/app.h src/store/store.h \
 src/util/err.h src/util/mem.h src/util/clock.h
src/cli/cli.h:
src/app.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/clock.h:
