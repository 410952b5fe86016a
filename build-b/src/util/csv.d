build-b/src/util/csv.o: src/util/csv.c src/util/csv.h src/util/mem.h \
 src/util/err.h
src/util/csv.h:
src/util/mem.h:
src/util/err.h:
