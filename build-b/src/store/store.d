build-b/src/store/store.o: src/store/store.c src/store/store.h \
 src/util/err.h src/util/mem.h src/store/migrations.h src/util/clock.h \
 src/util/log.h
src/store/store.h:
src/util/err.h:
src/util/mem.h:
src/store/migrations.h:
src/util/clock.h:
src/util/log.h:
