build-b/src/http/server.o: src/http/server.c src/http/guard.h src/app.h \
 src/store/store.h src/util/err.h src/util/mem.h src/http/http.h \
 src/util/json.h src/util/clock.h src/util/log.h src/util/text.h
src/http/guard.h:
src/app.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/http/http.h:
src/util/json.h:
src/util/clock.h:
src/util/log.h:
src/util/text.h:
