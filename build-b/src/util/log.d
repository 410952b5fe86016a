build-b/src/util/log.o: src/util/log.c src/util/log.h src/util/err.h \
 src/util/clock.h src/util/json.h src/util/mem.h
src/util/log.h:
src/util/err.h:
src/util/clock.h:
src/util/json.h:
src/util/mem.h:
