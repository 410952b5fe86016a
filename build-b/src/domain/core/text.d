build-b/src/domain/core/text.o: src/domain/core/text.c \
 src/domain/core/text.h src/util/err.h src/util/mem.h
src/domain/core/text.h:
src/util/err.h:
src/util/mem.h:
