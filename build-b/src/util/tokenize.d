build-b/src/util/tokenize.o: src/util/tokenize.c src/util/tokenize.h
src/util/tokenize.h:
