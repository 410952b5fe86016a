build-b/src/http/static.o: src/http/static.c src/http/http.h src/app.h \
 src/store/store.h src/util/err.h src/util/mem.h src/util/json.h
src/http/http.h:
src/app.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/util/json.h:
