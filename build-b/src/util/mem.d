build-b/src/util/mem.o: src/util/mem.c src/util/mem.h src/util/err.h
src/util/mem.h:
src/util/err.h:
