build-b/src/http/guard.o: src/http/guard.c src/http/guard.h src/app.h \
 src/store/store.h src/util/err.h src/util/mem.h src/util/clock.h \
 src/util/log.h
src/http/guard.h:
src/app.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/clock.h:
src/util/log.h:
