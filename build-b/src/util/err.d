build-b/src/util/err.o: src/util/err.c src/util/err.h src/util/mem.h
src/util/err.h:
src/util/mem.h:
