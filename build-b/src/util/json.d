build-b/src/util/json.o: src/util/json.c src/util/json.h src/util/mem.h \
 src/util/err.h src/util/clock.h
src/util/json.h:
src/util/mem.h:
src/util/err.h:
src/util/clock.h:
