build-b/src/config.o: src/config.c src/app.h src/store/store.h \
 src/util/err.h src/util/mem.h
src/app.h:
src/store/store.h:
src/util/err.h:
src/util/mem.h:
